import Foundation

/// How a ledger entry's outcome follows from its facts. docs/report-json.md states the same rules.
package enum LedgerRules {
    /// A table is INCONSISTENT if its row counts or values differ, or a row of it is present;
    /// otherwise NOT_COMPARED if any comparison could not compare it; otherwise INCOMPLETE if a
    /// comparison of it is unfinished or of unknown status; otherwise CONSISTENT.
    package static func outcome(of table: TableEntry) -> LedgerOutcome {
        var outcomes: [LedgerOutcome] = []
        if let object = table.object { outcomes.append(LedgerOutcome(object.status.outcome)) }
        if let line = table.line { outcomes.append(LedgerOutcome(line.status.outcome)) }
        if let content = table.content {
            let known = [content.status, content.lineStatus].filter { $0 != .missing }
            outcomes += known.isEmpty ? [.incomplete] : known.map { LedgerOutcome($0.outcome) }
            if (content.inconsistentRows ?? 0) > 0 { outcomes.append(.inconsistent) }
        }
        if table.diffRows > 0 { outcomes.append(.inconsistent) }
        if !table.notCompared.isEmpty { outcomes.append(.notCompared) }
        return outcomes.max() ?? .incomplete
    }

    /// A database pair is INCONSISTENT if a comparison says so or one of its tables is; the rest
    /// follows its own database-level statuses as for a table.
    package static func outcome(of database: DatabaseEntry) -> LedgerOutcome {
        var outcomes: [LedgerOutcome] = []
        if let object = database.object { outcomes.append(LedgerOutcome(object.status.outcome)) }
        for facts in [database.line, database.content].compactMap({ $0 }) {
            outcomes.append(facts.status == .missing ? .incomplete : LedgerOutcome(facts.status.outcome))
        }
        if database.inconsistentTables > 0 || database.diffRows > 0 { outcomes.append(.inconsistent) }
        if !database.notCompared.isEmpty { outcomes.append(.notCompared) }
        return outcomes.max() ?? .incomplete
    }

    /// Every ledger entry whose outcome is NOT_COMPARED, one entry per thing, with every reason.
    /// (An inconsistent entry keeps its not-compared reasons in its own row of the ledger.)
    package static func notCompared(_ report: Report) -> [NotComparedEntry] {
        var entries: [NotComparedEntry] = []
        for object in report.objects where object.outcome == .notCompared {
            let reason = NotComparedReason(
                comparison: .object, code: object.status.code, raw: object.status.raw, message: object.message)
            entries.append(
                NotComparedEntry(
                    scope: .object, jobId: object.jobId, objectType: object.objectType,
                    sourceName: qualified(object.sourceDb ?? "", object.sourceName ?? ""),
                    targetName: qualified(object.targetDb ?? "", object.targetName ?? ""), reasons: [reason]))
        }
        for database in report.databases where database.outcome == .notCompared {
            entries.append(
                NotComparedEntry(
                    scope: .database, jobId: database.jobId, objectType: nil, sourceName: database.sourceDb,
                    targetName: database.targetDb,
                    reasons: database.notCompared))
        }
        for table in report.tables where table.outcome == .notCompared {
            entries.append(
                NotComparedEntry(
                    scope: .table, jobId: table.jobId, objectType: nil,
                    sourceName: qualified(table.sourceDb, table.sourceTable),
                    targetName: qualified(table.targetDb, table.targetTable), reasons: table.notCompared))
        }
        return entries
    }

    package static func qualified(_ database: String, _ name: String) -> String {
        database.isEmpty ? name : name.isEmpty ? database : database + "." + name
    }
}

/// The verdict rule, in one place; its text is `verdict.rule` in the string table.
///
/// INCONSISTENT if any table, database pair or object is inconsistent, or any inconsistent row
/// is present; otherwise INCOMPLETE if anything was not compared, is unfinished or of unknown
/// status, could not be retrieved, if a task did not finish successfully, or if the inputs hold
/// no comparison result; otherwise CONSISTENT, resting on the comparison kinds that ran. A kind
/// that did not run is always listed; it does not by itself change the verdict.
package enum VerdictRule {
    package static func judge(_ report: Report) -> Verdict {
        var counts = VerdictCounts()
        counts.inconsistentTables = Int64(report.tables.filter { $0.outcome == .inconsistent }.count)
        counts.inconsistentDatabases = Int64(report.databases.filter { $0.outcome == .inconsistent }.count)
        counts.inconsistentObjects = Int64(
            report.objects.filter { $0.outcome == .inconsistent && $0.scope == .object }.count)
        counts.inconsistentObjectTypes = Int64(
            report.objects.filter { $0.outcome == .inconsistent && $0.scope == .type }.count)
        counts.notComparedTables = Int64(report.tables.filter { $0.outcome == .notCompared }.count)
        counts.notComparedDatabases = Int64(report.databases.filter { $0.outcome == .notCompared }.count)
        counts.notComparedObjects = Int64(
            report.objects.filter { $0.outcome == .notCompared && $0.scope == .object }.count)
        counts.notComparedObjectTypes = Int64(
            report.objects.filter { $0.outcome == .notCompared && $0.scope == .type }.count)
        counts.inconsistentRows = report.diffSummary.rowsInInput
        counts.notCompared = Int64(report.notCompared.count)
        counts.notRetrieved = Int64(report.retrievalErrors.count)
        counts.incomplete = Int64(
            report.tables.filter { $0.outcome == .incomplete }.count
                + report.databases.filter { $0.outcome == .incomplete }.count
                + report.objects.filter { $0.outcome == .incomplete }.count)
        counts.tasksUnfinished = Int64(report.tasks.filter { $0.status != nil && !$0.isFinished }.count)
        counts.compared = Int64(report.tables.count + report.databases.count + report.objects.count)
        for table in report.tables {
            let (missing, overflow) = (table.content?.inconsistentRows ?? 0).subtractingReportingOverflow(
                table.diffRows)
            if !overflow, missing > 0 {
                counts.rowsNotInInputs =
                    counts.rowsNotInInputs.addingReportingOverflow(missing).overflow
                    ? Int64.max : counts.rowsNotInInputs + missing
            }
        }

        var coverage = Coverage()
        coverage.object =
            !report.objectTypes.isEmpty || !report.objects.isEmpty || report.tables.contains { $0.object != nil }
            || report.databases.contains { $0.object != nil }
        coverage.line = report.tables.contains { $0.line != nil } || report.databases.contains { $0.line != nil }
        coverage.content =
            report.tables.contains { $0.content != nil || $0.diffRows > 0 }
            || report.databases.contains { $0.content != nil }

        var verdict = Verdict()
        verdict.counts = counts
        verdict.coverage = coverage
        var reasons: [VerdictReason] = []
        if counts.inconsistentTables > 0 {
            reasons.append(VerdictReason(.tablesInconsistent, counts.inconsistentTables))
        }
        if counts.inconsistentDatabases > 0 {
            reasons.append(VerdictReason(.databasesInconsistent, counts.inconsistentDatabases))
        }
        if counts.inconsistentObjects > 0 {
            reasons.append(VerdictReason(.objectsInconsistent, counts.inconsistentObjects))
        }
        if counts.inconsistentObjectTypes > 0 {
            reasons.append(VerdictReason(.objectTypesInconsistent, counts.inconsistentObjectTypes))
        }
        if counts.inconsistentRows > 0 { reasons.append(VerdictReason(.diffRows, counts.inconsistentRows)) }
        let inconsistent = !reasons.isEmpty
        if counts.notCompared > 0 { reasons.append(VerdictReason(.notCompared, counts.notCompared)) }
        if counts.notRetrieved > 0 { reasons.append(VerdictReason(.notRetrieved, counts.notRetrieved)) }
        if counts.incomplete > 0 { reasons.append(VerdictReason(.incomplete, counts.incomplete)) }
        if counts.tasksUnfinished > 0 { reasons.append(VerdictReason(.tasksUnfinished, counts.tasksUnfinished)) }
        // Evidence, not judgement: the tables are already inconsistent, but some of their rows are not in hand.
        if counts.rowsNotInInputs > 0 { reasons.append(VerdictReason(.rowsNotInInputs, counts.rowsNotInInputs)) }
        let noResults = coverage.ran.isEmpty && counts.inconsistentRows == 0
        if noResults {
            reasons.append(VerdictReason(.noResults))
        } else {
            for kind in coverage.missing { reasons.append(VerdictReason(.kindNotRun, kind: kind)) }
        }
        let gaps = reasons.contains {
            [.notCompared, .notRetrieved, .incomplete, .tasksUnfinished, .noResults].contains($0.code)
        }
        if inconsistent {
            verdict.value = .inconsistent
        } else if gaps {
            verdict.value = .incomplete
        } else {
            verdict.value = .consistent
            reasons.insert(VerdictReason(.allConsistent, counts.compared), at: 0)
        }
        verdict.reasons = reasons
        return verdict
    }
}
