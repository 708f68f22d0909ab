import DRSCore
import Foundation

/// The ledger of objects: object types merged per job and type, and one entry per object.
extension LedgerBuilder {
    /// Object types merged per job and type.
    package mutating func objectTypes() -> [ObjectTypeSummary] {
        var order: [String] = []
        var groups: [String: [ObjectTypeSummary]] = [:]
        for summary in facts.objectTypes {
            let key = (summary.jobId ?? "") + "\u{1}" + summary.objectType.uppercased()
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(summary)
        }
        return order.compactMap { key -> ObjectTypeSummary? in
            guard let list = groups[key],
                var chosen = choose(
                    list, subject: (list[0].jobId.map { $0 + ": " } ?? "") + list[0].objectType, comparison: .object,
                    status: \.status,
                    sourceId: { $0.sourceIds.first },
                    describe: { "\($0.status.code) \(Self.rows($0.sourceCount))/\(Self.rows($0.targetCount))" })
            else { return nil }
            for other in list {
                chosen.sourceCount = chosen.sourceCount ?? other.sourceCount
                chosen.targetCount = chosen.targetCount ?? other.targetCount
                chosen.diffCount = chosen.diffCount ?? other.diffCount
                chosen.taskId = chosen.taskId ?? other.taskId
            }
            chosen.sourceIds = Self.merged(list.map(\.sourceIds))
            return chosen
        }
    }

    /// One entry per object; and one per object type DRS judged not consistent without listing
    /// an object of that type that explains it.
    package mutating func objects(
        details: [ObjectDetail], types: [ObjectTypeSummary], tables: [TableEntry], databases: [DatabaseEntry]
    ) -> [ObjectEntry] {
        var order: [String] = []
        var groups: [String: [ObjectDetail]] = [:]
        // Tables and databases are ledger entries of their own; their object view is joined there.
        for detail in details where !["TABLE", "DB"].contains(detail.objectType.uppercased()) {
            let name = (detail.sourceValue ?? "").isEmpty ? (detail.targetValue ?? "") : (detail.sourceValue ?? "")
            let key = [
                detail.jobId ?? "", detail.objectType.uppercased(), detail.sourceDatabase ?? "",
                detail.targetDatabase ?? "", name,
            ]
            .joined(separator: "\u{1}")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(detail)
        }
        var entries: [ObjectEntry] = []
        for key in order {
            guard let list = groups[key],
                let chosen = choose(
                    list, subject: Self.objectSubject(list[0]), comparison: .object, status: \.status,
                    sourceId: { $0.sourceId },
                    describe: { "\($0.status.code) \($0.sourceValue ?? "")/\($0.targetValue ?? "")" })
            else { continue }
            let outcome = LedgerOutcome(chosen.status.outcome)
            entries.append(
                ObjectEntry(
                    jobId: chosen.jobId, scope: .object, objectType: chosen.objectType, sourceDb: chosen.sourceDatabase,
                    targetDb: chosen.targetDatabase, sourceName: chosen.sourceValue, targetName: chosen.targetValue,
                    outcome: outcome,
                    status: chosen.status, message: chosen.errorMessage.flatMap { $0.isEmpty ? nil : $0 },
                    taskIds: Self.merged([list.compactMap(\.taskId)]), sourceIds: Self.merged([list.map(\.sourceId)])))
        }
        for summary in types {
            let outcome = LedgerOutcome(summary.status.outcome)
            guard outcome != .consistent else { continue }
            let type = summary.objectType.uppercased()
            let explained: Bool
            switch type {
            case "TABLE":
                explained = tables.contains {
                    $0.jobId == summary.jobId && $0.object.map { LedgerOutcome($0.status.outcome) >= outcome } == true
                }
            case "DB":
                explained = databases.contains {
                    $0.jobId == summary.jobId && $0.object.map { LedgerOutcome($0.status.outcome) >= outcome } == true
                }
            default:
                explained = entries.contains {
                    $0.jobId == summary.jobId && $0.objectType.uppercased() == type && $0.outcome >= outcome
                }
            }
            guard !explained else { continue }
            entries.append(
                ObjectEntry(
                    jobId: summary.jobId, scope: .type, objectType: summary.objectType, sourceDb: nil, targetDb: nil,
                    sourceName: nil,
                    targetName: nil, outcome: outcome, status: summary.status, message: nil,
                    taskIds: summary.taskId.map { [$0] } ?? [], sourceIds: summary.sourceIds))
        }
        return entries
    }

    package static func objectSubject(_ detail: ObjectDetail) -> String {
        let name = (detail.sourceValue ?? "").isEmpty ? (detail.targetValue ?? "") : (detail.sourceValue ?? "")
        return (detail.jobId.map { $0 + ": " } ?? "") + detail.objectType + " "
            + qualified(detail.sourceDatabase ?? "", name)
    }
}
