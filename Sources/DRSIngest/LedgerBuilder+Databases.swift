import DRSCore
import Foundation

/// The ledger of database pairs: counts from their tables, objects and DRS's own lists.
extension LedgerBuilder {
    package mutating func databases(tables: [TableEntry], objects: [ObjectDetail]) -> [DatabaseEntry] {
        var keyed: [(TableKey, (CompareKind, DatabasePairResult))] = []
        // A DB object detail is object comparison's view of a database pair.
        var objectFacts: [TableKey: [ObjectDetail]] = [:]
        for detail in objects where detail.objectType.uppercased() == "DB" {
            let source = (detail.sourceValue ?? "").isEmpty ? (detail.targetValue ?? "") : (detail.sourceValue ?? "")
            let target = (detail.targetValue ?? "").isEmpty ? source : (detail.targetValue ?? "")
            let key = TableKey(
                jobId: detail.jobId, sourceDb: source, sourceTable: "", targetDb: target, targetTable: "")
            if objectFacts[key] == nil {
                keyed.append(
                    (
                        key,
                        (
                            .object,
                            DatabasePairResult(
                                jobId: detail.jobId, taskId: detail.taskId, sourceDatabase: source,
                                targetDatabase: target, status: .missing,
                                sourceIds: [detail.sourceId])
                        )
                    ))
            }
            objectFacts[key, default: []].append(detail)
        }
        for fact in facts.lineDatabases {
            keyed.append(
                (
                    TableKey(
                        jobId: fact.jobId, sourceDb: fact.sourceDatabase, sourceTable: "",
                        targetDb: fact.targetDatabase, targetTable: ""), (.line, fact)
                ))
        }
        for fact in facts.contentDatabases {
            keyed.append(
                (
                    TableKey(
                        jobId: fact.jobId, sourceDb: fact.sourceDatabase, sourceTable: "",
                        targetDb: fact.targetDatabase, targetTable: ""), (.content, fact)
                ))
        }
        var entries: [DatabaseEntry] = []
        for (key, items) in Self.group(keyed) {
            func facts(_ kind: CompareKind) -> DatabaseFacts? {
                let list = items.filter { $0.0 == kind }.map(\.1)
                guard
                    var chosen = choose(
                        list, subject: Self.subject(key), comparison: kind, status: \.status,
                        sourceId: { $0.sourceIds.first },
                        describe: { "\($0.status.code)" })
                else { return nil }
                for other in list {
                    chosen.tableCount = chosen.tableCount ?? other.tableCount
                    chosen.finishedCount = chosen.finishedCount ?? other.finishedCount
                    chosen.inconsistentCount = chosen.inconsistentCount ?? other.inconsistentCount
                    chosen.uncomparableCount = chosen.uncomparableCount ?? other.uncomparableCount
                }
                return DatabaseFacts(
                    status: chosen.status, tableCount: chosen.tableCount, finishedCount: chosen.finishedCount,
                    inconsistentCount: chosen.inconsistentCount, uncomparableCount: chosen.uncomparableCount)
            }
            let line = facts(.line)
            let content = facts(.content)
            let object = presence(objectFacts[key] ?? [], subject: Self.subject(key))
            var reasons: [NotComparedReason] = []
            for (kind, value) in [(CompareKind.line, line), (.content, content)] {
                if let value, value.status.outcome == .notCompared {
                    reasons.append(
                        NotComparedReason(
                            comparison: kind, code: value.status.code, raw: value.status.raw, message: nil))
                }
            }
            let own = tables.filter {
                ($0.jobId == key.jobId || key.jobId == nil) && $0.sourceDb == key.sourceDb
                    && $0.targetDb == key.targetDb
            }
            var entry = DatabaseEntry(
                jobId: key.jobId, sourceDb: key.sourceDb, targetDb: key.targetDb, outcome: .consistent, object: object,
                line: line,
                content: content,
                tables: Int64(own.count), inconsistentTables: Int64(own.filter { $0.outcome == .inconsistent }.count),
                notComparedTables: Int64(own.filter { !$0.notCompared.isEmpty }.count),
                diffRows: own.reduce(0) {
                    $0.addingReportingOverflow($1.diffRows).overflow ? Int64.max : $0 + $1.diffRows
                },
                notCompared: reasons, taskIds: Self.merged([items.compactMap(\.1.taskId)]),
                sourceIds: Self.merged(items.map(\.1.sourceIds) + [(objectFacts[key] ?? []).map(\.sourceId)]))
            entry.outcome = LedgerRules.outcome(of: entry)
            entries.append(entry)
        }
        return entries.sorted {
            [$0.jobId ?? "", $0.sourceDb, $0.targetDb].lexicographicallyPrecedes([
                $1.jobId ?? "", $1.sourceDb, $1.targetDb,
            ])
        }
    }
}
