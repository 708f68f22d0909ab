import DRSJSON
import DRSWire
import Foundation

/// The generated job's plan: its databases, tables and inconsistent rows.
extension DatasetGenerator {
    /// The job's shape, drawn from `rng` in a fixed order: database names (the last one missing
    /// on the target, from three databases up), tables with their keys, sizes and categories, the
    /// inconsistent rows of a third of the normal tables, and one or two missing indexes.
    static func plan(_ rng: inout SeededRandom, shape: GeneratedShape, nDB: Int, nTables: Int)
        -> (dbs: [String], missingDB: Int?, tables: [Table])
    {
        var dbPool = databasePool
        rng.shuffle(&dbPool)
        let dbs = (0..<nDB).map { i in
            i < dbPool.count ? dbPool[i] : (i % 3 == 0 ? String(format: "业务库_%03d", i) : String(format: "db_%03d", i))
        }
        let missingDB: Int? = nDB >= 3 ? nDB - 1 : nil

        var pool = tablePool
        rng.shuffle(&pool)
        var tables: [Table] = (0..<nTables).map { i in
            let (name, keys): (String, [String]) =
                i < pool.count
                ? pool[i]
                : (i % 7 == 0
                    ? (String(format: "订单_%05d", i), ["订单号"])
                    : (String(format: "tbl_%05d", i), i % 5 == 0 ? ["tenant_id", "id"] : ["id"]))
            return Table(
                db: i % nDB, name: name, keys: keys, category: .normal, baseRows: Int64(rng.between(1_000, 5_000_000)),
                hasSecondaryIndex: rng.below(2) == 0)
        }
        // Special tables, picked among those of comparable databases.
        var comparable = tables.indices.filter { tables[$0].db != missingDB }
        rng.shuffle(&comparable)
        if comparable.count >= 4 {
            tables[comparable[0]].category = .huge
            tables[comparable[0]].baseRows = 3_000_000_000
        }
        if comparable.count >= 5 { tables[comparable[1]].category = .memoryEngine }
        if comparable.count >= 6 { tables[comparable[2]].category = .lineFailure }
        // Inconsistent tables and their rows.
        let normal = comparable.filter { tables[$0].category == .normal }.sorted()
        if shape.diffs > 0, !normal.isEmpty {
            var chosen = normal
            rng.shuffle(&chosen)
            chosen = Array(chosen.prefix(max(1, (normal.count + 2) / 3))).sorted()
            let weights = chosen.map { _ in 0.2 + rng.unit() }
            let counts = allocate(shape.diffs, weights: weights)
            for (table, count) in zip(chosen, counts) {
                for _ in 0..<count {
                    let u = rng.unit()
                    if u < 0.4 {
                        tables[table].onlySource += 1
                    } else if u < 0.6 {
                        tables[table].onlyTarget += 1
                    } else {
                        tables[table].different += 1
                    }
                }
            }
        }
        // One or two secondary indexes missing on the target.
        var indexed = comparable.filter { tables[$0].hasSecondaryIndex }
        rng.shuffle(&indexed)
        for table in indexed.prefix(min(2, 1 + rng.below(2))) { tables[table].missingIndex = true }
        return (dbs, missingDB, tables)
    }
}
