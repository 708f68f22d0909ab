import DRSCore
import DRSIngest
import DRSOutput
import Foundation

/// What happened to one table between two runs of a comparison.
public enum TableChange: String, Sendable, CaseIterable, Codable {
    /// Not inconsistent before (or not there), inconsistent now.
    case newlyInconsistent = "NEWLY_INCONSISTENT"
    /// Compared before (or not there), not compared now.
    case newlyNotCompared = "NEWLY_NOT_COMPARED"
    /// In the run before, absent from this one.
    case noLongerCompared = "NO_LONGER_COMPARED"
    /// Inconsistent in both runs (its rows may have changed).
    case stillInconsistent = "STILL_INCONSISTENT"
    /// Inconsistent before, consistent now.
    case fixed = "FIXED"
    /// Another change of outcome, such as inconsistent to incomplete or not compared to consistent.
    case changed = "CHANGED"
    /// Not in the run before; consistent or incomplete now.
    case newlyCompared = "NEWLY_COMPARED"
    /// The same outcome in both runs.
    case unchanged = "UNCHANGED"

    /// Worse: counts against the comparison (and for `--fail-on-regression`).
    public var isRegression: Bool { [.newlyInconsistent, .newlyNotCompared, .noLongerCompared].contains(self) }

    /// The change for a table whose outcome was `before` and is `after` (nil: not in that run).
    package static func of(before: String?, after: String?) -> TableChange {
        switch (before, after) {
        case (nil, nil): return .unchanged
        case (.some, nil): return .noLongerCompared
        case ("INCONSISTENT", "INCONSISTENT"): return .stillInconsistent
        case (_, "INCONSISTENT"): return .newlyInconsistent
        case ("NOT_COMPARED", "NOT_COMPARED"): return .unchanged
        case (_, "NOT_COMPARED"): return .newlyNotCompared
        case ("INCONSISTENT", "CONSISTENT"): return .fixed
        case (nil, .some): return .newlyCompared
        case (let b?, let a?) where b == a: return .unchanged
        default: return .changed
        }
    }
}

/// The verdict of a comparison of two runs.
public enum RunDiffVerdict: String, Sendable, Codable {
    /// Something got better and nothing got worse.
    case improved = "IMPROVED"
    /// Nothing got better or worse.
    case unchanged = "UNCHANGED"
    /// Something got worse and nothing got better.
    case regressed = "REGRESSED"
    /// Something got better and something got worse.
    case mixed = "MIXED"
}

/// One side of a comparison of two runs: a render's report.json.
public struct RunSide: Sendable {
    /// The side as given (a folder or the inputs).
    public var path: String
    /// sha256 of its report.json.
    public var reportSHA256: String
    /// Its inputs digest (as its report and evidence.json show it).
    public var inputsDigest: String
    /// When it was rendered.
    public var generatedAt: String
    /// The latest response time among its inputs.
    public var fetchedAt: String
    /// Its title.
    public var title: String
    /// Its verdict.
    public var verdict: String
    /// Its job ids.
    public var jobs: [String]
    /// Its job names, one per job id ("" where unknown).
    public var jobNames: [String]
    /// Inconsistent tables, as its verdict counts them.
    public var inconsistentTables: Int64
    /// Inconsistent rows in its inputs.
    public var inconsistentRows: Int64
    /// Its report language.
    public var language: String

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        path: String, reportSHA256: String, inputsDigest: String, generatedAt: String, fetchedAt: String, title: String,
        verdict: String, jobs: [String], jobNames: [String], inconsistentTables: Int64, inconsistentRows: Int64,
        language: String
    ) {
        self.path = path
        self.reportSHA256 = reportSHA256
        self.inputsDigest = inputsDigest
        self.generatedAt = generatedAt
        self.fetchedAt = fetchedAt
        self.title = title
        self.verdict = verdict
        self.jobs = jobs
        self.jobNames = jobNames
        self.inconsistentTables = inconsistentTables
        self.inconsistentRows = inconsistentRows
        self.language = language
    }
}

/// What changed for one table.
public struct TableDiff: Sendable {
    /// Job id (empty when the two runs are of different jobs and tables are matched by name).
    public var jobId: String
    /// Source database.
    public var sourceDb: String
    /// Source table.
    public var sourceTable: String
    /// Target database.
    public var targetDb: String
    /// Target table.
    public var targetTable: String
    /// The change.
    public var change: TableChange
    /// Outcome before and after (nil: not in that run).
    public var before: String?
    /// Outcome in the run after (nil: not in that run).
    public var after: String?
    /// Inconsistent rows of the table present in each run's inputs.
    public var beforeRows: Int64 = 0
    /// Inconsistent rows of the table in the run after's inputs.
    public var afterRows: Int64 = 0
    /// Inconsistent rows as DRS counted them in each run.
    public var beforeDRSRows: Int64?
    /// Inconsistent rows as DRS counted them in the run after.
    public var afterDRSRows: Int64?
    /// Rows of the run before that are gone, rows in both, and rows that are new.
    public var rowsFixed: Int64 = 0
    /// Rows in both runs.
    public var rowsRemaining: Int64 = 0
    /// Rows only in the run after.
    public var rowsNew: Int64 = 0
    /// Rows of the run before that the run after lacks although it did not compare their table's
    /// values again in full (absent, not compared, unfinished, or not all its rows retrieved).
    public var rowsUnverified: Int64 = 0

    package var identity: TableIdentity {
        TableIdentity(
            jobId: jobId, sourceDb: sourceDb, sourceTable: sourceTable, targetDb: targetDb, targetTable: targetTable)
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        jobId: String, sourceDb: String, sourceTable: String, targetDb: String, targetTable: String,
        change: TableChange, before: String? = nil, after: String? = nil, beforeRows: Int64 = 0, afterRows: Int64 = 0,
        beforeDRSRows: Int64? = nil, afterDRSRows: Int64? = nil, rowsFixed: Int64 = 0, rowsRemaining: Int64 = 0,
        rowsNew: Int64 = 0, rowsUnverified: Int64 = 0
    ) {
        self.jobId = jobId
        self.sourceDb = sourceDb
        self.sourceTable = sourceTable
        self.targetDb = targetDb
        self.targetTable = targetTable
        self.change = change
        self.before = before
        self.after = after
        self.beforeRows = beforeRows
        self.afterRows = afterRows
        self.beforeDRSRows = beforeDRSRows
        self.afterDRSRows = afterDRSRows
        self.rowsFixed = rowsFixed
        self.rowsRemaining = rowsRemaining
        self.rowsNew = rowsNew
        self.rowsUnverified = rowsUnverified
    }
}

/// A row in the preview of fixed or new rows.
public struct RowChange: Sendable {
    /// `FIXED`, `REMAINING`, `NEW` or `UNVERIFIED`.
    public var change: String
    /// Job id.
    public var jobId: String
    /// Source database.
    public var sourceDb: String
    /// Source table.
    public var sourceTable: String
    /// Target database.
    public var targetDb: String
    /// Target table.
    public var targetTable: String
    /// Diff kind (`DIFFERS`, `SOURCE_ONLY`, `TARGET_ONLY`…).
    public var kind: String
    /// Key values on the source.
    public var sourceKey: [String]
    /// Key values on the target.
    public var targetKey: [String]
    /// SELECT that re-checks the row on the source.
    public var sourceSQL: String
    /// SELECT that re-checks the row on the target.
    public var targetSQL: String

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        change: String, jobId: String, sourceDb: String, sourceTable: String, targetDb: String, targetTable: String,
        kind: String, sourceKey: [String], targetKey: [String], sourceSQL: String, targetSQL: String
    ) {
        self.change = change
        self.jobId = jobId
        self.sourceDb = sourceDb
        self.sourceTable = sourceTable
        self.targetDb = targetDb
        self.targetTable = targetTable
        self.kind = kind
        self.sourceKey = sourceKey
        self.targetKey = targetKey
        self.sourceSQL = sourceSQL
        self.targetSQL = targetSQL
    }
}

/// Two runs compared, table by table and row by row.
public struct RunDiff: Sendable {
    /// The run before.
    public var before: RunSide
    /// The run after.
    public var after: RunSide
    /// Whether both runs are of the same jobs (tables and rows are then matched with their job).
    public var sameJob: Bool
    /// Every table of either run, the changed ones first (in `TableChange` order), then by name.
    public var tables: [TableDiff]
    /// Rows of the run before that are gone and re-checked, over all tables.
    public var rowsFixed: Int64 = 0
    /// Rows in both runs.
    public var rowsRemaining: Int64 = 0
    /// Rows only in the run after.
    public var rowsNew: Int64 = 0
    /// Rows gone from the run after without a re-check of their table (not counted as fixed).
    public var rowsUnverified: Int64 = 0
    /// The first fixed rows and the first new rows, in file order, for the pages people read.
    public var fixedPreview: [RowChange] = []
    /// The first new rows, in file order.
    public var newPreview: [RowChange] = []
    /// IMPROVED, UNCHANGED, REGRESSED or MIXED, by the rule written in every output.
    public var verdict: RunDiffVerdict = .unchanged
    /// When the comparison was made.
    public var generatedAt: Date

    /// Tables per change.
    public var counts: [TableChange: Int] {
        tables.reduce(into: [:]) { $0[$1.change, default: 0] += 1 }
    }

    /// Whether anything got worse: a table newly inconsistent, newly not compared or no longer
    /// compared, or an inconsistent row that is new.
    public var regressed: Bool { tables.contains { $0.change.isRegression } || rowsNew > 0 }
    /// Whether anything got better: a table fixed, or an inconsistent row gone.
    public var improved: Bool { tables.contains { $0.change == .fixed } || rowsFixed > 0 }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        before: RunSide, after: RunSide, sameJob: Bool, tables: [TableDiff], rowsFixed: Int64 = 0,
        rowsRemaining: Int64 = 0, rowsNew: Int64 = 0, rowsUnverified: Int64 = 0, fixedPreview: [RowChange] = [],
        newPreview: [RowChange] = [], verdict: RunDiffVerdict = .unchanged, generatedAt: Date
    ) {
        self.before = before
        self.after = after
        self.sameJob = sameJob
        self.tables = tables
        self.rowsFixed = rowsFixed
        self.rowsRemaining = rowsRemaining
        self.rowsNew = rowsNew
        self.rowsUnverified = rowsUnverified
        self.fixedPreview = fixedPreview
        self.newPreview = newPreview
        self.verdict = verdict
        self.generatedAt = generatedAt
    }
}

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
