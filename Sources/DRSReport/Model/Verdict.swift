import Foundation

/// Builds the "not compared" section from every comparison section, so nothing uncompared is dropped.
enum NotComparedCollector {
    static func collect(_ report: Report) -> [NotComparedEntry] {
        var entries: [NotComparedEntry] = []
        for summary in report.objectSummaries where summary.status.outcome == .notCompared {
            entries.append(NotComparedEntry(
                comparison: .object, scope: summary.objectType, sourceName: "", targetName: "", status: summary.status,
                message: nil, taskId: summary.taskId))
        }
        for detail in report.objectDetails where detail.status.outcome == .notCompared {
            entries.append(NotComparedEntry(
                comparison: .object, scope: detail.objectType, sourceName: detail.sourceValue ?? detail.sourceDatabase ?? "",
                targetName: detail.targetValue ?? detail.targetDatabase ?? "", status: detail.status, message: detail.errorMessage,
                taskId: detail.taskId))
        }
        for pair in report.lineDatabases where pair.status.outcome == .notCompared {
            entries.append(NotComparedEntry(
                comparison: .line, scope: "database", sourceName: pair.sourceDatabase, targetName: pair.targetDatabase,
                status: pair.status, message: nil, taskId: pair.taskId))
        }
        for table in report.lineTables where table.status.outcome == .notCompared || table.listedAsUncompared {
            entries.append(NotComparedEntry(
                comparison: .line, scope: "table", sourceName: qualified(table.sourceDatabase, table.sourceTable),
                targetName: qualified(table.targetDatabase, table.targetTable), status: uncompared(table.status), message: table.message,
                taskId: table.taskId))
        }
        for pair in report.contentDatabases where pair.status.outcome == .notCompared {
            entries.append(NotComparedEntry(
                comparison: .content, scope: "database", sourceName: pair.sourceDatabase, targetName: pair.targetDatabase,
                status: pair.status, message: nil, taskId: pair.taskId))
        }
        for table in report.contentTables
        where table.contentStatus.outcome == .notCompared || table.lineStatus.outcome == .notCompared || table.listedAsUncompared {
            let status = uncompared(table.contentStatus.outcome == .notCompared ? table.contentStatus : table.lineStatus)
            entries.append(NotComparedEntry(
                comparison: .content, scope: "table", sourceName: qualified(table.sourceDatabase, table.sourceTable),
                targetName: qualified(table.targetDatabase, table.targetTable), status: status, message: table.message,
                taskId: table.taskId))
        }
        return entries
    }

    /// DRS listed it under "uncompare": whatever else it says, the thing was not compared.
    static func uncompared(_ status: CompareStatus) -> CompareStatus {
        status.outcome == .notCompared ? status : CompareStatus(outcome: .notCompared, code: "UNCOMPARE", raw: status.raw)
    }

    static func qualified(_ database: String, _ table: String) -> String {
        database.isEmpty ? table : table.isEmpty ? database : database + "." + table
    }
}

/// The verdict rule, in one place. The rule text in the report comes from the string table.
enum VerdictRule {
    static func judge(_ report: Report, strings: Strings) -> Verdict {
        var outcomes: [CompareOutcome] = []
        outcomes += report.objectSummaries.map(\.status.outcome)
        outcomes += report.objectDetails.map(\.status.outcome)
        outcomes += report.lineDatabases.map(\.status.outcome)
        outcomes += report.contentDatabases.map(\.status.outcome)
        let tableOutcomes = report.lineTables.map(\.status.outcome)
            + report.contentTables.flatMap { [$0.lineStatus.outcome, $0.contentStatus.outcome].filter { $0 != .unknown } }
        let objectsInconsistent = (report.objectSummaries.map(\.status.outcome) + report.objectDetails.map(\.status.outcome))
            .filter { $0 == .inconsistent }.count
        let databasesInconsistent = (report.lineDatabases + report.contentDatabases).filter { $0.status.outcome == .inconsistent }.count
        let tablesInconsistent = report.lineTables.filter { $0.status.outcome == .inconsistent }.count
            + report.contentTables.filter { $0.contentStatus.outcome == .inconsistent || $0.lineStatus.outcome == .inconsistent }.count
        let all = outcomes + tableOutcomes
        var reasons: [String] = []
        if objectsInconsistent > 0 { reasons.append(strings.format("reason.objects_inconsistent", objectsInconsistent)) }
        if databasesInconsistent > 0 { reasons.append(strings.format("reason.databases_inconsistent", databasesInconsistent)) }
        if tablesInconsistent > 0 { reasons.append(strings.format("reason.tables_inconsistent", tablesInconsistent)) }
        if report.diffSummary.rowsInInput > 0 { reasons.append(strings.format("reason.diff_rows", report.diffSummary.rowsInInput)) }
        let rule = strings["verdict.rule"]
        if !reasons.isEmpty {
            return Verdict(value: .inconsistent, rule: rule, reasons: reasons)
        }
        let notCompared = report.notCompared.count
        let pending = all.filter { $0 == .pending }.count
        let unknown = (report.objectSummaries.map(\.status.outcome) + report.lineDatabases.map(\.status.outcome)
            + report.contentDatabases.map(\.status.outcome) + report.lineTables.map(\.status.outcome))
            .filter { $0 == .unknown }.count
        let unfinished = report.tasks.filter { $0.status != nil && !$0.isFinished }.count
        if notCompared > 0 { reasons.append(strings.format("reason.not_compared", notCompared)) }
        if pending > 0 { reasons.append(strings.format("reason.pending", pending)) }
        if unknown > 0 { reasons.append(strings.format("reason.unknown", unknown)) }
        if !report.retrievalErrors.isEmpty { reasons.append(strings.format("reason.errors", report.retrievalErrors.count)) }
        if unfinished > 0 { reasons.append(strings.format("reason.tasks_unfinished", unfinished)) }
        if all.isEmpty { reasons.append(strings["reason.no_results"]) }
        if !reasons.isEmpty {
            return Verdict(value: .incomplete, rule: rule, reasons: reasons)
        }
        return Verdict(value: .consistent, rule: rule, reasons: [strings.format("reason.all_consistent", all.count)])
    }
}
