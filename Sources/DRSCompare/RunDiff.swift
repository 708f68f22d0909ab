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
