import DRSCore
import Foundation

/// Joins the facts of every response into one ledger entry per table pair, database pair and
/// object. Where inputs disagree it keeps the more severe result, then the most recently
/// received one, and records a `Conflict` saying so.
package struct LedgerBuilder {
    package let facts: FactStore
    package let rowsByTable: [TableKey: Int64]
    /// When each source was received, for "most recently received".
    package let receivedAt: [String: Date]
    package var conflicts: [Conflict] = []

    package init(facts: FactStore, rowsByTable: [TableKey: Int64], receivedAt: [String: Date]) {
        self.facts = facts
        self.rowsByTable = rowsByTable
        self.receivedAt = receivedAt
    }

    // MARK: - Choosing among disagreeing facts

    /// Input order of a source id (`S12` → 12).
    package static func order(_ sourceId: String?) -> Int { Int((sourceId ?? "").dropFirst()) ?? Int.max }

    /// The fact the report uses, and the values when they disagree.
    package mutating func choose<T>(
        _ items: [T], subject: String, comparison: CompareKind?, status: (T) -> CompareStatus, sourceId: (T) -> String?,
        describe: (T) -> String
    ) -> T? {
        guard var best = items.first else { return nil }
        for item in items.dropFirst() {
            let a = status(item).outcome
            let b = status(best).outcome
            if a != b {
                if a > b { best = item }
                continue
            }
            let receivedItem = receivedAt[sourceId(item) ?? ""] ?? .distantPast
            let receivedBest = receivedAt[sourceId(best) ?? ""] ?? .distantPast
            if receivedItem > receivedBest
                || (receivedItem == receivedBest && Self.order(sourceId(item)) > Self.order(sourceId(best)))
            {
                best = item
            }
        }
        var seen: [String] = []
        var values: [String] = []
        for item in items {
            let text = describe(item)
            if !seen.contains(text) {
                seen.append(text)
                values.append(text + " (" + (sourceId(item) ?? "") + ")")
            }
        }
        if seen.count > 1 {
            conflicts.append(
                Conflict(
                    kind: .result, subject: subject, comparison: comparison, values: values,
                    used: describe(best) + " (" + (sourceId(best) ?? "") + ")", rule: .moreSevere))
        }
        return best
    }

    package static func rows(_ value: Int64?) -> String { value.map(String.init) ?? "?" }

    package static func qualified(_ database: String, _ table: String) -> String {
        LedgerRules.qualified(database, table)
    }

    package static func subject(_ key: TableKey) -> String {
        let source = qualified(key.sourceDb, key.sourceTable)
        let target = qualified(key.targetDb, key.targetTable)
        let name = source == target ? source : source + " → " + target
        return key.jobId.map { $0 + ": " + name } ?? name
    }

    package static func merged(_ lists: [[String]]) -> [String] { lists.flatMap { $0 }.uniqued() }

    // MARK: - Grouping

    /// Groups keyed facts, then folds in groups that lack a database or a job when exactly one
    /// group matches them otherwise (a loose v3 detail file names neither).
    package static func group<T>(_ items: [(TableKey, T)]) -> [(TableKey, [T])] {
        var order: [TableKey] = []
        var groups: [TableKey: [T]] = [:]
        for (key, item) in items {
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(item)
        }
        func fold(_ partial: (TableKey) -> Bool, _ matches: (TableKey, TableKey) -> Bool) {
            for key in order where partial(key) {
                guard let items = groups[key] else { continue }
                let candidates = order.filter { $0 != key && !partial($0) && groups[$0] != nil && matches(key, $0) }
                guard candidates.count == 1, let target = candidates.first else { continue }
                groups[target, default: []].append(contentsOf: items)
                groups[key] = nil
            }
        }
        // A fact without a job joins the one job that has the same table; then a fact without a
        // database joins the one entry with the same table names (jobs first, so a job-less copy of
        // that entry does not look like a second candidate).
        let jobless: (TableKey) -> Bool = { $0.jobId == nil }
        fold(jobless) { a, b in a.location == b.location }
        let dbless: (TableKey) -> Bool = { $0.sourceDb.isEmpty }
        fold(dbless) { a, b in
            (a.jobId == nil || b.jobId == nil || a.jobId == b.jobId) && a.sourceTable == b.sourceTable
                && a.targetTable == b.targetTable
        }
        fold(jobless) { a, b in a.location == b.location }
        return order.compactMap { key in groups[key].map { (key, $0) } }
    }

    // MARK: - Tables

    package mutating func tables(objects: [ObjectDetail]) -> [TableEntry] {
        var keyed: [(TableKey, TableFact)] = []
        for fact in facts.lineTables {
            keyed.append(
                (
                    TableKey(
                        jobId: fact.jobId, sourceDb: fact.sourceDatabase, sourceTable: fact.sourceTable,
                        targetDb: fact.targetDatabase, targetTable: fact.targetTable), .line(fact)
                ))
        }
        for fact in facts.contentTables {
            keyed.append(
                (
                    TableKey(
                        jobId: fact.jobId, sourceDb: fact.sourceDatabase, sourceTable: fact.sourceTable,
                        targetDb: fact.targetDatabase, targetTable: fact.targetTable), .content(fact)
                ))
        }
        for (key, count) in rowsByTable.sorted(by: { $0.key < $1.key }) {
            keyed.append((key, .rows(count)))
        }
        for detail in objects where detail.objectType.uppercased() == "TABLE" {
            keyed.append((Self.tableKey(detail), .object(detail)))
        }
        var entries: [TableEntry] = []
        for (key, items) in Self.joinObjectOnly(Self.group(keyed)) {
            var lines: [TableLineResult] = []
            var contents: [TableContentResult] = []
            var objectFacts: [ObjectDetail] = []
            var diffRows: Int64 = 0
            for item in items {
                switch item {
                case .line(let fact): lines.append(fact)
                case .content(let fact): contents.append(fact)
                case .object(let fact): objectFacts.append(fact)
                case .rows(let count):
                    diffRows = diffRows.addingReportingOverflow(count).overflow ? Int64.max : diffRows + count
                }
            }
            let subject = Self.subject(key)
            var reasons: [NotComparedReason] = []
            let coveredLines = lines.filter { !$0.listedAsUncompared }
            var line: LineFacts?
            if var chosen = choose(
                coveredLines, subject: subject, comparison: .line, status: \.status, sourceId: { $0.sourceIds.first },
                describe: { "\($0.status.code) \(Self.rows($0.sourceRows))/\(Self.rows($0.targetRows))" })
            {
                for other in coveredLines {
                    chosen.sourceRows = chosen.sourceRows ?? other.sourceRows
                    chosen.targetRows = chosen.targetRows ?? other.targetRows
                    chosen.difference = chosen.difference ?? other.difference
                    chosen.message = chosen.message ?? other.message
                    chosen.filter = chosen.filter ?? other.filter
                }
                line = LineFacts(
                    sourceRows: chosen.sourceRows, targetRows: chosen.targetRows, difference: chosen.difference,
                    status: chosen.status, message: chosen.message, filter: chosen.filter)
            }
            for fact in lines where fact.listedAsUncompared || fact.status.outcome == .notCompared {
                let reason = Self.reason(
                    .line, fact.status, listed: fact.listedAsUncompared, message: fact.message,
                    rows: (fact.sourceRows, fact.targetRows))
                if !reasons.contains(reason) { reasons.append(reason) }
            }
            let coveredContents = contents.filter { !$0.listedAsUncompared }
            var content: ContentFacts?
            if var chosen = choose(
                coveredContents, subject: subject, comparison: .content,
                status: { $0.contentStatus.merged(with: $0.lineStatus) },
                sourceId: { $0.sourceIds.first },
                describe: {
                    "\($0.contentStatus.code)/\($0.lineStatus.code) \(Self.rows($0.sourceRows))/\(Self.rows($0.targetRows)) \(Self.rows($0.difference))"
                })
            {
                for other in coveredContents {
                    chosen.sourceRows = chosen.sourceRows ?? other.sourceRows
                    chosen.targetRows = chosen.targetRows ?? other.targetRows
                    chosen.difference = chosen.difference ?? other.difference
                    chosen.progress = chosen.progress ?? other.progress
                    chosen.message = chosen.message ?? other.message
                    chosen.filter = chosen.filter ?? other.filter
                    if chosen.contentStatus == .missing { chosen.contentStatus = other.contentStatus }
                    if chosen.lineStatus == .missing { chosen.lineStatus = other.lineStatus }
                }
                content = ContentFacts(
                    sourceRows: chosen.sourceRows, targetRows: chosen.targetRows, inconsistentRows: chosen.difference,
                    status: chosen.contentStatus, lineStatus: chosen.lineStatus, progress: chosen.progress,
                    message: chosen.message, filter: chosen.filter)
            }
            for fact in contents {
                let status = fact.contentStatus.outcome == .notCompared ? fact.contentStatus : fact.lineStatus
                guard fact.listedAsUncompared || status.outcome == .notCompared else { continue }
                let reason = Self.reason(
                    .content, status, listed: fact.listedAsUncompared, message: fact.message,
                    rows: (fact.sourceRows, fact.targetRows))
                if !reasons.contains(reason) { reasons.append(reason) }
            }
            let taskIds = Self.merged([
                lines.compactMap(\.taskId), contents.compactMap(\.taskId), objectFacts.compactMap(\.taskId),
            ])
            let sourceIds = Self.merged(
                lines.map(\.sourceIds) + contents.map(\.sourceIds) + [objectFacts.map(\.sourceId)])
            let object = presence(objectFacts, subject: subject)
            var entry = TableEntry(
                jobId: key.jobId, sourceDb: key.sourceDb, sourceTable: key.sourceTable, targetDb: key.targetDb,
                targetTable: key.targetTable, outcome: .consistent, object: object, line: line, content: content,
                diffRows: diffRows, notCompared: reasons, taskIds: taskIds, sourceIds: sourceIds)
            entry.outcome = LedgerRules.outcome(of: entry)
            entries.append(entry)
        }
        return entries.sorted { Self.key(of: $0) < Self.key(of: $1) }
    }

    package static func key(of entry: TableEntry) -> TableKey {
        TableKey(
            jobId: entry.jobId, sourceDb: entry.sourceDb, sourceTable: entry.sourceTable, targetDb: entry.targetDb,
            targetTable: entry.targetTable)
    }

    /// Object comparison may name a table's target differently from the row and value
    /// comparisons (or not at all); a table known only from object details joins the one other
    /// entry with the same job and source table.
    static func joinObjectOnly(_ groups: [(TableKey, [TableFact])]) -> [(TableKey, [TableFact])] {
        func objectOnly(_ items: [TableFact]) -> Bool {
            items.allSatisfy { if case .object = $0 { return true } else { return false } }
        }
        var result = groups
        var removed = Set<Int>()
        for (index, group) in groups.enumerated() where objectOnly(group.1) {
            let candidates = groups.indices.filter { other in
                other != index && !objectOnly(groups[other].1) && groups[other].0.jobId == group.0.jobId
                    && groups[other].0.sourceDb == group.0.sourceDb
                    && groups[other].0.sourceTable == group.0.sourceTable
            }
            guard candidates.count == 1, let target = candidates.first else { continue }
            result[target].1 += group.1
            removed.insert(index)
        }
        return result.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    enum TableFact {
        case line(TableLineResult)
        case content(TableContentResult)
        case object(ObjectDetail)
        case rows(Int64)
    }

    /// A TABLE object detail names the table by its values: the source's name, or the target's
    /// when the table is missing on the source.
    package static func tableKey(_ detail: ObjectDetail) -> TableKey {
        let source = (detail.sourceValue ?? "").isEmpty ? (detail.targetValue ?? "") : (detail.sourceValue ?? "")
        let target = (detail.targetValue ?? "").isEmpty ? source : (detail.targetValue ?? "")
        let sourceDb = detail.sourceDatabase ?? detail.targetDatabase ?? ""
        return TableKey(
            jobId: detail.jobId, sourceDb: sourceDb, sourceTable: source, targetDb: detail.targetDatabase ?? sourceDb,
            targetTable: target)
    }

    /// Object comparison's view of a table or database: present on each side, and its status.
    package mutating func presence(_ facts: [ObjectDetail], subject: String) -> ObjectPresence? {
        guard
            let chosen = choose(
                facts, subject: subject, comparison: .object, status: \.status, sourceId: { $0.sourceId },
                describe: { "\($0.status.code) \($0.sourceValue ?? "")/\($0.targetValue ?? "")" })
        else { return nil }
        return ObjectPresence(
            onSource: !(chosen.sourceValue ?? "").isEmpty, onTarget: !(chosen.targetValue ?? "").isEmpty,
            status: chosen.status,
            message: chosen.errorMessage.flatMap { $0.isEmpty ? nil : $0 })
    }

    package static func reason(_ kind: CompareKind, _ status: CompareStatus, listed: Bool, message: String?)
        -> NotComparedReason
    {
        if status.outcome == .notCompared {
            return NotComparedReason(comparison: kind, code: status.code, raw: status.raw, message: message)
        }
        // DRS listed it under "uncompare": whatever else it says, the thing was not compared.
        return NotComparedReason(comparison: kind, code: "UNCOMPARE", raw: status.raw, message: message)
    }

    /// The same, keeping the row counts DRS sent with it (an uncompared table still has a size).
    package static func reason(
        _ kind: CompareKind, _ status: CompareStatus, listed: Bool, message: String?, rows: (Int64?, Int64?)
    ) -> NotComparedReason {
        var reason = reason(kind, status, listed: listed, message: message)
        reason.sourceRows = rows.0
        reason.targetRows = rows.1
        return reason
    }

}
