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
