import DRSCore
import DRSIngest
import Foundation

extension Words {
    /// "12 consistent, 3 inconsistent" for the ledger entries a comparison kind covered.
    package func breakdown(_ report: Report, _ kind: CompareKind) -> String? {
        guard let counts = Self.outcomeCounts(report, kind) else { return nil }
        return LedgerOutcome.allCases.reversed().compactMap { outcome in
            let count = counts[outcome] ?? 0
            return count == 0 ? nil : "\(count) \(strings["outcome.\(outcome.rawValue)"].lowercased())"
        }.joined(separator: ", ")
    }

    /// How many ledger entries a comparison kind covered, by outcome; nil when it covered none.
    package static func outcomeCounts(_ report: Report, _ kind: CompareKind) -> [LedgerOutcome: Int]? {
        let outcomes: [LedgerOutcome]
        switch kind {
        case .object:
            outcomes =
                report.objects.map(\.outcome)
                + report.tables.compactMap { $0.object.map { LedgerOutcome($0.status.outcome) } }
                + report.databases.compactMap { $0.object.map { LedgerOutcome($0.status.outcome) } }
        case .line:
            // Every table the row-count comparison was asked about, uncompared ones included.
            outcomes = report.tables.compactMap { table in
                if table.notCompared.contains(where: { $0.comparison == .line }) { return .notCompared }
                return table.line.map { LedgerOutcome($0.status.outcome) }
            }
        case .content:
            outcomes = report.tables.filter { table in
                table.content != nil || table.diffRows > 0 || table.notCompared.contains { $0.comparison == .content }
            }.map { table in
                if table.notCompared.contains(where: { $0.comparison == .content }) && table.content == nil
                    && table.diffRows == 0
                {
                    return .notCompared
                }
                let content = table.content
                var list = [content?.status, content?.lineStatus].compactMap { $0 }.filter { $0 != .missing }.map {
                    LedgerOutcome($0.outcome)
                }
                if table.diffRows > 0 || (content?.inconsistentRows ?? 0) > 0 { list.append(.inconsistent) }
                return list.max() ?? .incomplete
            }
        default: return nil
        }
        guard !outcomes.isEmpty else { return nil }
        return outcomes.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}

/// The verdict's reasons in the report language, shared by every writer.
package struct VerdictText {
    package let report: Report
    package let strings: Strings
    /// Counts with thousands separators, for pages people read (CSV and XLSX keep plain digits).
    package var grouped = false

    private func number(_ value: Int64) -> String {
        grouped ? Formatting.grouped(value) : Formatting.count(value)
    }

    /// One sentence per reason: the differences, then every gap.
    package var reasons: [String] {
        report.verdict.reasons.map(sentence)
    }

    package func sentence(_ reason: VerdictReason) -> String {
        if reason.code == .kindNotRun, let kind = reason.kind {
            return strings.format("reason.kind_not_run", strings["kindname.\(kind.rawValue)"])
        }
        if reason.code == .notCompared {
            // Say what the things are: "7 were not compared: 4 tables, 1 database pair, 1 object type".
            let counts = report.verdict.counts
            let parts = [
                (counts.notComparedTables, "part.tables"), (counts.notComparedDatabases, "part.databases"),
                (counts.notComparedObjects, "part.objects"), (counts.notComparedObjectTypes, "part.object_types"),
            ].filter { $0.0 > 0 }.map { strings.format($0.1, number($0.0)) }
            return strings.format("reason.not_compared", number(reason.count), strings.list(parts))
        }
        return strings.format("reason.\(reason.code.rawValue)", number(reason.count))
    }

    /// "Rests on: object, row-count and value comparison".
    package var coverage: String {
        let ran = report.verdict.coverage.ran.map { strings["kindname.\($0.rawValue)"] }
        return ran.isEmpty ? strings["coverage.none"] : strings.format("coverage.rests_on", strings.list(ran))
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(report: Report, strings: Strings, grouped: Bool = false) {
        self.grouped = grouped
        self.report = report
        self.strings = strings
    }
}

extension Report {
    /// The verdict's reasons as sentences in the report's language (the model keeps them as codes).
    public var verdictSentences: [String] {
        VerdictText(report: self, strings: Strings(Language(rawValue: language) ?? .enUS)).reasons
    }
}
