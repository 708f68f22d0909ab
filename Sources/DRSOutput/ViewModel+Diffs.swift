import DRSCore
import DRSIngest
import Foundation

/// The inconsistent rows of the HTML page: previews grouped by table.
extension ViewModel {
    /// The previewed inconsistent rows grouped by table, tables in the ranked order. Each group
    /// shows one SELECT when source and target SELECTs are the same for all its rows.
    func diffGroups(ranked: [TableEntry], tableIndex: [TableKey: Int]) -> ([String: Any], Set<Int>) {
        let s = strings
        let total = report.diffSummary.rowsInInput
        var order: [TableKey] = []
        var groups: [TableKey: [DiffRow]] = [:]
        let rank = Dictionary(
            ranked.enumerated().map { (LedgerBuilder.key(of: $0.element), $0.offset) }, uniquingKeysWith: { a, _ in a })
        if let rowsByTable {
            for entry in ranked {
                let key = LedgerBuilder.key(of: entry)
                if let rows = rowsByTable[key], groups[key] == nil {
                    order.append(key)
                    groups[key] = rows
                }
            }
        }
        for row in report.diffPreview {
            var key = TableKey(row)
            key.jobId = row.jobId
            // With rows read per table, the sample adds only rows of no ranked table (unknown location).
            if rowsByTable != nil, rank[key] != nil { continue }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(row)
        }
        order = order.enumerated().sorted { a, b in
            let x = rank[a.element] ?? Int.max
            let y = rank[b.element] ?? Int.max
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
        // The most inconsistent tables first, each with its first rows, until the overall cap.
        var budget = diffLimit
        var shownCount = 0
        for key in order {
            let take = min(rowsPerTable, budget, groups[key]?.count ?? 0)
            groups[key] = Array((groups[key] ?? []).prefix(take))
            budget -= take
            shownCount += take
        }
        order = order.filter { !(groups[$0] ?? []).isEmpty }
        let tableRows = Dictionary(
            report.tables.map { (LedgerBuilder.key(of: $0), $0.diffRows) }, uniquingKeysWith: { a, _ in a })
        var shownTables = Set<Int>()
        let list: [[String: Any]] = order.map { key in
            let rows = groups[key] ?? []
            let number = tableIndex[key]
            if let number { shownTables.insert(number) }
            let sameSQL = rows.allSatisfy { $0.sourceSQL == $0.targetSQL || $0.targetSQL.isEmpty }
            let inTable = tableRows[key] ?? Int64(rows.count)
            // One block of SELECTs per table, ready to paste into a SQL client: one statement per line.
            func block(_ statements: [String]) -> String {
                MarkdownEscaping.visibleControls(
                    statements.map { sql in sql.hasSuffix(";") ? sql : sql + ";" }.joined(separator: "\n"))
            }
            let sourceBlock = block(rows.map { $0.sourceSQL.isEmpty ? $0.targetSQL : $0.sourceSQL })
            let targetBlock = block(rows.map(\.targetSQL))
            var group: [String: Any] = [
                "source_sql_block": sourceBlock, "target_sql_block": targetBlock,
                "sql_fence": MarkdownEscaping.fence(for: sourceBlock + "\n" + targetBlock),
                "job_id": key.jobId ?? "", "source_db": key.sourceDb, "source_table": key.sourceTable,
                "target_db": key.targetDb,
                "target_table": key.targetTable, "name": LedgerRules.qualified(key.sourceDb, key.sourceTable),
                "same_sql": sameSQL, "count": Formatting.grouped(inTable),
                "kinds": Words.unique(rows.map(\.kind.rawValue)).joined(separator: " "),
                "rows": rows.map { row -> [String: Any] in
                    [
                        "kind": s["diffkind.\(row.kind.rawValue)"], "kind_class": row.kind.rawValue.lowercased(),
                        "kind_code": row.kind.rawValue,
                        "source_key": DiffColumns.keyText(row.sourceKey),
                        "target_key": DiffColumns.keyText(row.targetKey),
                        "source_sql": row.sourceSQL, "target_sql": row.targetSQL,
                        "sql": row.sourceSQL.isEmpty ? row.targetSQL : row.sourceSQL,
                    ]
                },
            ]
            if let number {
                group["anchor"] = "d-\(number)"
                group["table_anchor"] = "#t-\(number)"
            }
            if inTable > Int64(rows.count) {
                group["table_more"] = s.format(
                    "more_rows_table", Formatting.grouped(inTable - Int64(rows.count)), "csv/diffs.csv")
                if linkedFiles.contains("csv/diffs.csv") { group["table_more_file"] = "csv/diffs.csv" }
            }
            return group
        }
        var diffs: [String: Any] = ["any": total > 0, "count": Formatting.grouped(total), "tables": list]
        if total > Int64(shownCount) {
            diffs["more"] = s.format("more_rows", Formatting.grouped(total - Int64(shownCount)), "csv/diffs.csv")
            if linkedFiles.contains("csv/diffs.csv") { diffs["more_file"] = "csv/diffs.csv" }
        }
        return (diffs, shownTables)
    }
}
