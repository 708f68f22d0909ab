import Foundation

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
