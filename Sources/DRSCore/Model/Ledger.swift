import Foundation

/// The outcome of one ledger entry: a table, a database pair or an object.
public enum LedgerOutcome: String, Codable, Sendable, CaseIterable, Comparable {
    /// Every comparison that covered it agrees.
    case consistent = "CONSISTENT"
    /// A comparison that covered it is still running, or its status is unknown.
    case incomplete = "INCOMPLETE"
    /// At least one comparison could not compare it.
    case notCompared = "NOT_COMPARED"
    /// At least one comparison found a difference, or an inconsistent row of it is present.
    case inconsistent = "INCONSISTENT"

    /// Orders outcomes from the best (consistent) to the worst.
    public static func < (lhs: LedgerOutcome, rhs: LedgerOutcome) -> Bool {
        lhs.rank < rhs.rank
    }

    /// Severity, in the order the cases are declared.
    private var rank: Int {
        switch self {
        case .consistent: return 0
        case .incomplete: return 1
        case .notCompared: return 2
        case .inconsistent: return 3
        }
    }

    /// The ledger outcome a DRS status alone implies.
    package init(_ outcome: CompareOutcome) {
        switch outcome {
        case .consistent: self = .consistent
        case .inconsistent: self = .inconsistent
        case .notCompared: self = .notCompared
        case .pending, .unknown: self = .incomplete
        }
    }
}

/// Whether object comparison found a table on each side.
public struct ObjectPresence: Sendable, Codable, Equatable {
    /// DRS listed the table on the source.
    public var onSource: Bool
    /// DRS listed the table on the target.
    public var onTarget: Bool
    /// Object comparison's status.
    public var status: CompareStatus
    /// DRS's message, when sent.
    public var message: String?

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(onSource: Bool, onTarget: Bool, status: CompareStatus, message: String? = nil) {
        self.onSource = onSource
        self.onTarget = onTarget
        self.status = status
        self.message = message
    }
}

/// Row-count comparison of one table.
public struct LineFacts: Sendable, Codable, Equatable {
    /// Rows on the source.
    public var sourceRows: Int64?
    /// Rows on the target.
    public var targetRows: Int64?
    /// Source minus target, as DRS sent it or computed.
    public var difference: Int64?
    /// Status.
    public var status: CompareStatus
    /// DRS message.
    public var message: String?
    /// Row filter DRS applied.
    public var filter: String?

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        sourceRows: Int64? = nil, targetRows: Int64? = nil, difference: Int64? = nil, status: CompareStatus,
        message: String? = nil, filter: String? = nil
    ) {
        self.sourceRows = sourceRows
        self.targetRows = targetRows
        self.difference = difference
        self.status = status
        self.message = message
        self.filter = filter
    }
}

/// Value comparison of one table.
public struct ContentFacts: Sendable, Codable, Equatable {
    /// Rows on the source, as the value comparison saw them.
    public var sourceRows: Int64?
    /// Rows on the target.
    public var targetRows: Int64?
    /// Inconsistent rows as DRS counts them.
    public var inconsistentRows: Int64?
    /// The value result.
    public var status: CompareStatus
    /// The row-count result DRS sends alongside.
    public var lineStatus: CompareStatus
    /// Progress percentage of a running comparison.
    public var progress: Double?
    /// DRS message.
    public var message: String?
    /// Row filter DRS applied.
    public var filter: String?

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        sourceRows: Int64? = nil, targetRows: Int64? = nil, inconsistentRows: Int64? = nil, status: CompareStatus,
        lineStatus: CompareStatus, progress: Double? = nil, message: String? = nil, filter: String? = nil
    ) {
        self.sourceRows = sourceRows
        self.targetRows = targetRows
        self.inconsistentRows = inconsistentRows
        self.status = status
        self.lineStatus = lineStatus
        self.progress = progress
        self.message = message
        self.filter = filter
    }
}

/// Why something was not compared, by which comparison.
public struct NotComparedReason: Sendable, Codable, Equatable {
    /// The comparison that did not compare it.
    public var comparison: CompareKind
    /// The DRS status word (`UNCOMPARE` when DRS listed it as uncompared).
    public var code: String
    /// The raw status DRS sent.
    public var raw: String
    /// DRS's message, when sent.
    public var message: String?
    /// Rows on the source, when DRS sent them with the reason.
    public var sourceRows: Int64? = nil
    /// Rows on the target, when DRS sent them with the reason.
    public var targetRows: Int64? = nil

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        comparison: CompareKind, code: String, raw: String, message: String? = nil, sourceRows: Int64? = nil,
        targetRows: Int64? = nil
    ) {
        self.comparison = comparison
        self.code = code
        self.raw = raw
        self.message = message
        self.sourceRows = sourceRows
        self.targetRows = targetRows
    }
}

/// One compared table pair, joining everything the inputs say about it.
public struct TableEntry: Sendable, Codable, Equatable {
    /// The job, when known.
    public var jobId: String?
    /// Source database ("" when no input said).
    public var sourceDb: String
    /// Source table.
    public var sourceTable: String
    /// Target database.
    public var targetDb: String
    /// Target table.
    public var targetTable: String
    /// The joined outcome (see `LedgerRules`).
    public var outcome: LedgerOutcome
    /// Object comparison's view of the table, when its details list it.
    public var object: ObjectPresence?
    /// Row-count comparison; nil when no row-count comparison covered the table.
    public var line: LineFacts?
    /// Value comparison; nil when no value comparison covered the table.
    public var content: ContentFacts?
    /// Distinct inconsistent rows of this table present in the inputs.
    public var diffRows: Int64
    /// Why a comparison could not compare it.
    public var notCompared: [NotComparedReason]
    /// Comparison tasks that reported on it.
    public var taskIds: [String]
    /// Inputs that reported on it.
    public var sourceIds: [String]

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        jobId: String? = nil, sourceDb: String, sourceTable: String, targetDb: String, targetTable: String,
        outcome: LedgerOutcome, object: ObjectPresence? = nil, line: LineFacts? = nil, content: ContentFacts? = nil,
        diffRows: Int64, notCompared: [NotComparedReason], taskIds: [String], sourceIds: [String]
    ) {
        self.jobId = jobId
        self.sourceDb = sourceDb
        self.sourceTable = sourceTable
        self.targetDb = targetDb
        self.targetTable = targetTable
        self.outcome = outcome
        self.object = object
        self.line = line
        self.content = content
        self.diffRows = diffRows
        self.notCompared = notCompared
        self.taskIds = taskIds
        self.sourceIds = sourceIds
    }
}

/// Database-level results of one comparison.
public struct DatabaseFacts: Sendable, Codable, Equatable {
    /// Status.
    public var status: CompareStatus
    /// Tables compared, when sent.
    public var tableCount: Int64?
    /// Tables finished, when sent.
    public var finishedCount: Int64?
    /// Inconsistent tables, when sent.
    public var inconsistentCount: Int64?
    /// Tables that could not be compared, when sent.
    public var uncomparableCount: Int64?

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        status: CompareStatus, tableCount: Int64? = nil, finishedCount: Int64? = nil, inconsistentCount: Int64? = nil,
        uncomparableCount: Int64? = nil
    ) {
        self.status = status
        self.tableCount = tableCount
        self.finishedCount = finishedCount
        self.inconsistentCount = inconsistentCount
        self.uncomparableCount = uncomparableCount
    }
}

/// One database pair, joining its database-level results and its tables.
public struct DatabaseEntry: Sendable, Codable, Equatable {
    /// The job, when known.
    public var jobId: String?
    /// Source database.
    public var sourceDb: String
    /// Target database.
    public var targetDb: String
    /// The joined outcome.
    public var outcome: LedgerOutcome
    /// Object comparison's view of the pair, when its DB details list it.
    public var object: ObjectPresence?
    /// Row-count comparison of the pair; nil when none covered it.
    public var line: DatabaseFacts?
    /// Value comparison of the pair; nil when none covered it.
    public var content: DatabaseFacts?
    /// Tables of this pair in the ledger.
    public var tables: Int64
    /// Of those, inconsistent.
    public var inconsistentTables: Int64
    /// Of those, not compared.
    public var notComparedTables: Int64
    /// Distinct inconsistent rows of this pair present in the inputs.
    public var diffRows: Int64
    /// Why a comparison could not compare it.
    public var notCompared: [NotComparedReason]
    /// Comparison tasks that reported on it.
    public var taskIds: [String]
    /// Inputs that reported on it.
    public var sourceIds: [String]

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        jobId: String? = nil, sourceDb: String, targetDb: String, outcome: LedgerOutcome, object: ObjectPresence? = nil,
        line: DatabaseFacts? = nil, content: DatabaseFacts? = nil, tables: Int64, inconsistentTables: Int64,
        notComparedTables: Int64, diffRows: Int64, notCompared: [NotComparedReason], taskIds: [String],
        sourceIds: [String]
    ) {
        self.jobId = jobId
        self.sourceDb = sourceDb
        self.targetDb = targetDb
        self.outcome = outcome
        self.object = object
        self.line = line
        self.content = content
        self.tables = tables
        self.inconsistentTables = inconsistentTables
        self.notComparedTables = notComparedTables
        self.diffRows = diffRows
        self.notCompared = notCompared
        self.taskIds = taskIds
        self.sourceIds = sourceIds
    }
}

/// What an object entry stands for.
public enum ObjectScope: String, Codable, Sendable {
    /// One object (a database, a table, an index…).
    case object
    /// A whole object type that DRS judged without listing its objects in the inputs.
    case type
}

/// One compared object (or object type, see `scope`).
public struct ObjectEntry: Sendable, Codable, Equatable {
    /// The job, when known.
    public var jobId: String?
    /// One object, or a whole type.
    public var scope: ObjectScope
    /// Object type (DB, TABLE, INDEX…).
    public var objectType: String
    /// Source database, when sent.
    public var sourceDb: String?
    /// Target database, when sent.
    public var targetDb: String?
    /// The object as the source has it ("" when missing there).
    public var sourceName: String?
    /// The object as the target has it.
    public var targetName: String?
    /// The joined outcome.
    public var outcome: LedgerOutcome
    /// DRS's status.
    public var status: CompareStatus
    /// DRS's message, when sent.
    public var message: String?
    /// Comparison tasks that reported on it.
    public var taskIds: [String]
    /// Inputs that reported on it.
    public var sourceIds: [String]

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        jobId: String? = nil, scope: ObjectScope, objectType: String, sourceDb: String? = nil, targetDb: String? = nil,
        sourceName: String? = nil, targetName: String? = nil, outcome: LedgerOutcome, status: CompareStatus,
        message: String? = nil, taskIds: [String], sourceIds: [String]
    ) {
        self.jobId = jobId
        self.scope = scope
        self.objectType = objectType
        self.sourceDb = sourceDb
        self.targetDb = targetDb
        self.sourceName = sourceName
        self.targetName = targetName
        self.outcome = outcome
        self.status = status
        self.message = message
        self.taskIds = taskIds
        self.sourceIds = sourceIds
    }
}

/// Something that could not be compared: one entry per thing, with every comparison's reason.
public struct NotComparedEntry: Sendable, Codable, Equatable {
    /// What it is.
    public var scope: NotComparedScope
    /// The job, when known.
    public var jobId: String?
    /// Object type, for objects.
    public var objectType: String?
    /// Source side name (database, database.table, or the object).
    public var sourceName: String
    /// Target side name.
    public var targetName: String
    /// Each comparison's reason.
    public var reasons: [NotComparedReason]

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        scope: NotComparedScope, jobId: String? = nil, objectType: String? = nil, sourceName: String,
        targetName: String, reasons: [NotComparedReason]
    ) {
        self.scope = scope
        self.jobId = jobId
        self.objectType = objectType
        self.sourceName = sourceName
        self.targetName = targetName
        self.reasons = reasons
    }
}

/// The kinds of thing the ledger holds.
public enum NotComparedScope: String, Codable, Sendable {
    /// A table pair.
    case table
    /// A database pair.
    case database
    /// An object, or an object type.
    case object
}

/// A fact about the inputs, as a code the writers translate.
public struct Note: Sendable, Codable, Equatable {
    /// What kind of note (`empty_response`, `task_list_partial`, `job_detail_without_results`).
    public var code: NoteCode
    /// The input it is about.
    public var sourceId: String
    /// That input's display path.
    public var file: String
    /// Numbers the note states, in the order its text uses them.
    public var values: [Int64]
    /// A word the note states (an inferred object type).
    public var subject: String? = nil

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(code: NoteCode, sourceId: String, file: String, values: [Int64], subject: String? = nil) {
        self.code = code
        self.sourceId = sourceId
        self.file = file
        self.values = values
        self.subject = subject
    }
}

/// The notes drs-report makes.
public enum NoteCode: String, Codable, Sendable, CaseIterable {
    /// `{}`: a valid response with nothing in it.
    case emptyResponse = "empty_response"
    /// query-compare-result: `compare_task_list_count` (values[0]) tasks exist, values[1] in this response.
    case taskListPartial = "task_list_partial"
    /// A v5 job body without comparison results (the job's own detail).
    case jobDetailOnly = "job_detail_only"
    /// A loose object-detail body whose object type was inferred (values: none).
    case objectTypeInferred = "object_type_inferred"
}

/// Two inputs disagreed; the report says which value it used and why.
public struct Conflict: Sendable, Codable, Equatable {
    /// What disagreed.
    public var kind: ConflictKind
    /// The thing: a task id, or `job: db.table`.
    public var subject: String
    /// The comparison, for result conflicts.
    public var comparison: CompareKind?
    /// Each value, as `value (S3)`, in input order.
    public var values: [String]
    /// The value the report used.
    public var used: String
    /// The rule that chose it.
    public var rule: ConflictRule

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        kind: ConflictKind, subject: String, comparison: CompareKind? = nil, values: [String], used: String,
        rule: ConflictRule
    ) {
        self.kind = kind
        self.subject = subject
        self.comparison = comparison
        self.values = values
        self.used = used
        self.rule = rule
    }
}

/// Kinds of disagreement.
public enum ConflictKind: String, Codable, Sendable {
    /// A task claimed by two job ids.
    case taskJob = "task_job"
    /// One table (or pair, or object) with different results in two inputs.
    case result
}

/// How a conflict was resolved.
public enum ConflictRule: String, Codable, Sendable {
    /// The first input that named it.
    case firstSeen = "first_seen"
    /// The more severe status, then the most recently received response.
    case moreSevere = "more_severe_then_latest"
}

/// The overall judgement of the report.
public enum VerdictValue: String, Codable, Sendable {
    /// Everything compared agrees, and nothing is missing.
    case consistent = "CONSISTENT"
    /// At least one difference.
    case inconsistent = "INCONSISTENT"
    /// No difference found, but something was not compared, not finished, or not retrieved.
    case incomplete = "INCOMPLETE"
}

/// Distinct things counted for the verdict. Every format's reasons state these numbers.
public struct VerdictCounts: Sendable, Codable, Equatable {
    /// Table pairs whose outcome is INCONSISTENT.
    public var inconsistentTables: Int64 = 0
    /// Database pairs whose outcome is INCONSISTENT.
    public var inconsistentDatabases: Int64 = 0
    /// Objects (or object types without listed objects) whose outcome is INCONSISTENT.
    public var inconsistentObjects: Int64 = 0
    /// Distinct inconsistent rows present in the inputs.
    public var inconsistentRows: Int64 = 0
    /// Object types DRS judged inconsistent without listing an object of that type.
    public var inconsistentObjectTypes: Int64 = 0
    /// Tables, database pairs, objects and object types whose outcome is NOT_COMPARED (each thing
    /// is counted under one outcome: an inconsistent table that one comparison could not compare is
    /// an inconsistent table, with the reason in its entry).
    public var notCompared: Int64 = 0
    /// Of those, tables.
    public var notComparedTables: Int64 = 0
    /// Of those, database pairs.
    public var notComparedDatabases: Int64 = 0
    /// Of those, objects.
    public var notComparedObjects: Int64 = 0
    /// Of those, object types DRS could not compare without listing their objects.
    public var notComparedObjectTypes: Int64 = 0
    /// Responses that were error bodies.
    public var notRetrieved: Int64 = 0
    /// Tables, database pairs and objects still being compared, or of unknown status.
    public var incomplete: Int64 = 0
    /// Comparison tasks that did not finish successfully.
    public var tasksUnfinished: Int64 = 0
    /// Ledger entries in all: tables, database pairs and objects.
    public var compared: Int64 = 0
    /// Inconsistent rows DRS counts for a table beyond the rows of it the inputs hold (a diff page
    /// not fetched or not retrieved), summed over tables.
    public var rowsNotInInputs: Int64 = 0

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        inconsistentTables: Int64 = 0, inconsistentDatabases: Int64 = 0, inconsistentObjects: Int64 = 0,
        inconsistentRows: Int64 = 0, inconsistentObjectTypes: Int64 = 0, notCompared: Int64 = 0,
        notComparedTables: Int64 = 0, notComparedDatabases: Int64 = 0, notComparedObjects: Int64 = 0,
        notComparedObjectTypes: Int64 = 0, notRetrieved: Int64 = 0, incomplete: Int64 = 0, tasksUnfinished: Int64 = 0,
        compared: Int64 = 0, rowsNotInInputs: Int64 = 0
    ) {
        self.inconsistentTables = inconsistentTables
        self.inconsistentDatabases = inconsistentDatabases
        self.inconsistentObjects = inconsistentObjects
        self.inconsistentRows = inconsistentRows
        self.inconsistentObjectTypes = inconsistentObjectTypes
        self.notCompared = notCompared
        self.notComparedTables = notComparedTables
        self.notComparedDatabases = notComparedDatabases
        self.notComparedObjects = notComparedObjects
        self.notComparedObjectTypes = notComparedObjectTypes
        self.notRetrieved = notRetrieved
        self.incomplete = incomplete
        self.tasksUnfinished = tasksUnfinished
        self.compared = compared
        self.rowsNotInInputs = rowsNotInInputs
    }
}

/// Which comparison kinds the inputs hold results of.
public struct Coverage: Sendable, Codable, Equatable {
    /// Object comparison.
    public var object = false
    /// Row-count comparison.
    public var line = false
    /// Value comparison.
    public var content = false

    /// The kinds that ran, in a fixed order.
    public var ran: [CompareKind] {
        [(CompareKind.object, object), (.line, line), (.content, content)].filter(\.1).map(\.0)
    }

    /// The kinds that did not run.
    public var missing: [CompareKind] {
        [(CompareKind.object, object), (.line, line), (.content, content)].filter { !$0.1 }.map(\.0)
    }
}

/// One fact behind the verdict, as a code and a number; writers translate it.
public struct VerdictReason: Sendable, Codable, Equatable {
    /// `tables_inconsistent`, `not_compared`, `kind_not_run`…
    public var code: ReasonCode
    /// The number it states (0 when it states none).
    public var count: Int64
    /// The comparison kind, for `kind_not_run`.
    public var kind: CompareKind?

    /// A reason with its code, the count it is about and, where it applies, the comparison kind.
    public init(_ code: ReasonCode, _ count: Int64 = 0, kind: CompareKind? = nil) {
        self.code = code
        self.count = count
        self.kind = kind
    }

    /// Whether it is a difference (as opposed to a gap).
    public var isInconsistency: Bool {
        switch code {
        case .tablesInconsistent, .databasesInconsistent, .objectsInconsistent, .objectTypesInconsistent, .diffRows:
            return true
        default: return false
        }
    }
}

/// The reasons the verdict can state.
public enum ReasonCode: String, Codable, Sendable, CaseIterable {
    case tablesInconsistent = "tables_inconsistent"
    case databasesInconsistent = "databases_inconsistent"
    case objectsInconsistent = "objects_inconsistent"
    case objectTypesInconsistent = "object_types_inconsistent"
    case diffRows = "diff_rows"
    case notCompared = "not_compared"
    case notRetrieved = "not_retrieved"
    case incomplete = "incomplete"
    case tasksUnfinished = "tasks_unfinished"
    case rowsNotInInputs = "rows_not_in_inputs"
    case kindNotRun = "kind_not_run"
    case noResults = "no_results"
    case allConsistent = "all_consistent"
}

/// The verdict with the facts that produced it. The rule's text is in the string table
/// (`verdict.rule`), so it is written into every report in the report's language.
public struct Verdict: Sendable, Codable, Equatable {
    /// The verdict.
    public var value: VerdictValue = .incomplete
    /// Distinct things counted.
    public var counts = VerdictCounts()
    /// Which comparison kinds the verdict rests on.
    public var coverage = Coverage()
    /// The differences first, then every gap: what was not compared, not retrieved or did not run.
    public var reasons: [VerdictReason] = []

    /// Counts of nothing, to add to.
    public init() {}
}

// report.json states "not covered" as an explicit null, so `line` and `content` (and the object
// view) are always present: the synthesised encoder would leave nil members out.
extension TableEntry {
    package enum CodingKeys: String, CodingKey {
        case jobId, sourceDb, sourceTable, targetDb, targetTable, outcome, object, line, content, diffRows, notCompared,
            taskIds, sourceIds
    }

    /// Encodes the value as report.json has it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jobId, forKey: .jobId)
        try container.encode(sourceDb, forKey: .sourceDb)
        try container.encode(sourceTable, forKey: .sourceTable)
        try container.encode(targetDb, forKey: .targetDb)
        try container.encode(targetTable, forKey: .targetTable)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(object, forKey: .object)
        try container.encode(line, forKey: .line)
        try container.encode(content, forKey: .content)
        try container.encode(diffRows, forKey: .diffRows)
        try container.encode(notCompared, forKey: .notCompared)
        try container.encode(taskIds, forKey: .taskIds)
        try container.encode(sourceIds, forKey: .sourceIds)
    }
}

extension DatabaseEntry {
    package enum CodingKeys: String, CodingKey {
        case jobId, sourceDb, targetDb, outcome, object, line, content, tables, inconsistentTables, notComparedTables,
            diffRows, notCompared
        case taskIds, sourceIds
    }

    /// Encodes the value as report.json has it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jobId, forKey: .jobId)
        try container.encode(sourceDb, forKey: .sourceDb)
        try container.encode(targetDb, forKey: .targetDb)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(object, forKey: .object)
        try container.encode(line, forKey: .line)
        try container.encode(content, forKey: .content)
        try container.encode(tables, forKey: .tables)
        try container.encode(inconsistentTables, forKey: .inconsistentTables)
        try container.encode(notComparedTables, forKey: .notComparedTables)
        try container.encode(diffRows, forKey: .diffRows)
        try container.encode(notCompared, forKey: .notCompared)
        try container.encode(taskIds, forKey: .taskIds)
        try container.encode(sourceIds, forKey: .sourceIds)
    }
}
