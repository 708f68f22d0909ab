import DRSCore
import DRSIngest
import DRSOutput
import Foundation

/// `diff`: compares two renders' report.json, in memory that does not grow with their rows.
public enum RunComparison {
    /// Rows kept for each preview.
    package static let previewLimit = 200

    /// Compares `before` and `after` (each a report.json), writing every fixed, remaining and new
    /// row to `rowsCSV` when given. Refuses two runs of different jobs with different tables unless
    /// `allowDifferentJobs`.
    package static func compare(
        before beforeFile: ReportFile, after afterFile: ReportFile, beforeName: String, afterName: String,
        allowDifferentJobs: Bool, now: Date, rowsCSV: URL?, csvBOM: Bool
    ) throws -> RunDiff {
        let before = try side(beforeFile, name: beforeName)
        let after = try side(afterFile, name: afterName)
        let sameJob = !before.jobs.isEmpty && Set(before.jobs) == Set(after.jobs)
        let beforeTables = try ledger(beforeFile, withJob: sameJob)
        let afterTables = try ledger(afterFile, withJob: sameJob)
        if !sameJob && !allowDifferentJobs {
            let names = { (tables: [TableIdentity: LedgerFacts]) in Set(tables.keys) }
            if beforeTables.isEmpty || names(beforeTables) != names(afterTables) {
                throw DRSReportError.differentRuns(
                    before: beforeName, after: afterName, beforeJobs: before.jobs, afterJobs: after.jobs)
            }
        }
        var diff = RunDiff(before: before, after: after, sameJob: sameJob, tables: [], generatedAt: now)

        // Rows: which rows of each run the other holds.
        let matcher = try RowMatcher(counts: [beforeFile.rowCount, afterFile.rowCount])
        for (run, file) in [beforeFile, afterFile].enumerated() {
            try file.forEachRow { position, row in
                try matcher.add(run: run, position: position, row.identity(withJob: sameJob))
            }
        }
        let matches = try matcher.matches()

        // Tables: the ledgers joined, then the rows counted into them.
        var tables: [TableIdentity: TableDiff] = [:]
        for key in Set(beforeTables.keys).union(afterTables.keys) {
            let b = beforeTables[key]
            let a = afterTables[key]
            tables[key] = TableDiff(
                jobId: key.jobId, sourceDb: key.sourceDb, sourceTable: key.sourceTable, targetDb: key.targetDb,
                targetTable: key.targetTable,
                change: .of(before: b?.outcome, after: a?.outcome), before: b?.outcome, after: a?.outcome,
                beforeRows: b?.diffRows ?? 0, afterRows: a?.diffRows ?? 0, beforeDRSRows: b?.drsRows,
                afterDRSRows: a?.drsRows)
        }
        let csv = try rowsCSV.map { try CSVFile(url: $0, bom: csvBOM) }
        try csv?.row(RowChange.columns.map(Cell.text))
        for (run, file) in [beforeFile, afterFile].enumerated() {
            try file.forEachRow { position, row in
                let inBoth = matches[run].contains(position)
                // A row in both runs is listed once, from the run after.
                if run == 0 && inBoth { return }
                let key = row.table(withJob: sameJob)
                // A row the run after lacks is fixed only where that run compared its table's values
                // again and holds all of the table's inconsistent rows; otherwise it is unverified.
                let change =
                    run == 1
                    ? (inBoth ? "REMAINING" : "NEW")
                    : (afterTables[key].map(\.rechecksRows) == true ? "FIXED" : "UNVERIFIED")
                var table =
                    tables[key]
                    ?? TableDiff(
                        jobId: key.jobId, sourceDb: key.sourceDb, sourceTable: key.sourceTable, targetDb: key.targetDb,
                        targetTable: key.targetTable, change: .unchanged, before: nil, after: nil)
                switch change {
                case "FIXED":
                    table.rowsFixed += 1
                    diff.rowsFixed += 1
                case "REMAINING":
                    table.rowsRemaining += 1
                    diff.rowsRemaining += 1
                case "UNVERIFIED":
                    table.rowsUnverified += 1
                    diff.rowsUnverified += 1
                default:
                    table.rowsNew += 1
                    diff.rowsNew += 1
                }
                tables[key] = table
                let item = RowChange(
                    change: change, jobId: row.jobId, sourceDb: row.sourceDb, sourceTable: row.sourceTable,
                    targetDb: row.targetDb,
                    targetTable: row.targetTable, kind: row.kind, sourceKey: row.sourceKey, targetKey: row.targetKey,
                    sourceSQL: row.sourceSQL, targetSQL: row.targetSQL)
                if change == "FIXED" && diff.fixedPreview.count < previewLimit { diff.fixedPreview.append(item) }
                if change == "NEW" && diff.newPreview.count < previewLimit { diff.newPreview.append(item) }
                try csv?.row(item.cells)
            }
        }
        try csv?.close()
        // A table only the rows name (no ledger entry in either run) is judged by its rows.
        for (key, table) in tables where table.before == nil && table.after == nil {
            var judged = table
            judged.change =
                table.rowsNew > 0
                ? (table.rowsFixed + table.rowsRemaining + table.rowsUnverified > 0
                    ? .stillInconsistent : .newlyInconsistent)
                : table.rowsRemaining > 0
                    ? .stillInconsistent
                    : table.rowsFixed > 0 ? .fixed : table.rowsUnverified > 0 ? .changed : .unchanged
            tables[key] = judged
        }
        let order = Dictionary(uniqueKeysWithValues: TableChange.allCases.enumerated().map { ($1, $0) })
        diff.tables = tables.values.sorted {
            order[$0.change]! != order[$1.change]! ? order[$0.change]! < order[$1.change]! : $0.identity < $1.identity
        }
        diff.verdict =
            diff.improved ? (diff.regressed ? .mixed : .improved) : (diff.regressed ? .regressed : .unchanged)
        return diff
    }

    package struct LedgerFacts {
        package var outcome: String
        package var diffRows: Int64
        package var drsRows: Int64?
        /// Whether a value comparison covered the table.
        package var valuesCompared = false

        /// Whether the run's absence of one of the table's rows means the row is fixed: its values
        /// were compared, and it is consistent, or inconsistent with every row DRS counts present.
        package var rechecksRows: Bool {
            guard valuesCompared else { return false }
            if outcome == "CONSISTENT" { return true }
            return outcome == "INCONSISTENT" && drsRows.map { diffRows >= $0 } == true
        }

        /// Memberwise, for the modules that build it (Swift's implicit one is internal).
        package init(outcome: String, diffRows: Int64, drsRows: Int64? = nil, valuesCompared: Bool = false) {
            self.valuesCompared = valuesCompared
            self.outcome = outcome
            self.diffRows = diffRows
            self.drsRows = drsRows
        }
    }

    package static func ledger(_ file: ReportFile, withJob: Bool) throws(DRSReportError) -> [TableIdentity: LedgerFacts]
    {
        let root = JSONReader(file.head, file: file.display)
        var out: [TableIdentity: LedgerFacts] = [:]
        for entry in try root.array("tables") {
            try entry.requireObject()
            let key = TableIdentity(
                jobId: withJob ? try entry.string("job_id") ?? "" : "", sourceDb: try entry.string("source_db") ?? "",
                sourceTable: try entry.string("source_table") ?? "", targetDb: try entry.string("target_db") ?? "",
                targetTable: try entry.string("target_table") ?? "")
            let content = try entry.object("content")
            var facts = LedgerFacts(
                outcome: try entry.string("outcome") ?? "UNKNOWN", diffRows: try entry.int64("diff_rows") ?? 0,
                drsRows: try content?.int64("inconsistent_rows"), valuesCompared: content != nil)
            // Two jobs' tables of one name, matched without their jobs: the more severe outcome stands.
            if let known = out[key] {
                let severity = ["INCONSISTENT": 4, "NOT_COMPARED": 3, "INCOMPLETE": 2, "UNKNOWN": 1, "CONSISTENT": 0]
                if (severity[known.outcome] ?? 1) > (severity[facts.outcome] ?? 1) { facts.outcome = known.outcome }
                facts.diffRows += known.diffRows
                facts.drsRows = known.drsRows.map { $0 + (facts.drsRows ?? 0) } ?? facts.drsRows
                facts.valuesCompared = facts.valuesCompared && known.valuesCompared
            }
            out[key] = facts
        }
        return out
    }

    package static func side(_ file: ReportFile, name: String) throws(DRSReportError) -> RunSide {
        let root = JSONReader(file.head, file: file.display)
        // Each job's name beside its id (empty when unknown), sorted by id.
        var pairs: [(String, String)] = []
        for job in try root.array("jobs") {
            if let id = try job.string("id") { pairs.append((id, try job.string("name") ?? "")) }
        }
        pairs.sort { $0.0 < $1.0 }
        var fetched = ""
        var digests: [String] = []
        for source in try root.array("sources") {
            if let time = try source.string("received_at"), time > fetched { fetched = time }
            if let digest = try source.string("sha256") { digests.append(digest) }
        }
        // As `Report.inputsDigest` makes it (report.json does not carry it).
        let inputsDigest = sha256Hex(Data(digests.sorted().joined(separator: "\n").utf8))
        let verdict = try root.object("verdict")
        return RunSide(
            path: name, reportSHA256: file.sha256, inputsDigest: inputsDigest,
            generatedAt: try root.string("generated_at") ?? "", fetchedAt: fetched,
            title: try root.string("title") ?? "",
            verdict: try verdict?.string("value") ?? "", jobs: pairs.map(\.0), jobNames: pairs.map(\.1),
            inconsistentTables: try verdict?.object("counts")?.int64("inconsistent_tables") ?? 0,
            inconsistentRows: Int64(file.rowCount), language: try root.string("language") ?? "en-us")
    }
}

extension RowChange {
    package static let columns = [
        "change", "job_id", "source_db", "source_table", "target_db", "target_table", "diff_kind", "source_key",
        "target_key",
        "source_select_sql", "target_select_sql",
    ]

    package var cells: [Cell] {
        [
            change, jobId, sourceDb, sourceTable, targetDb, targetTable, kind, DiffColumns.keyText(sourceKey),
            DiffColumns.keyText(targetKey),
            sourceSQL, targetSQL,
        ].map(Cell.text)
    }
}
