import DRSCore
import Foundation

// The facts one response says about one thing, before the ledger joins them. They stay inside
// Ingest: the report model holds only the joined ledger entries.

/// One compared object.
package struct ObjectDetail: Sendable, Codable, Equatable {
    /// Job id, when the response or its request says.
    package var jobId: String?
    /// Task id, when known.
    package var taskId: String?
    /// Object type.
    package var objectType: String
    /// Source database.
    package var sourceDatabase: String?
    /// Target database.
    package var targetDatabase: String?
    /// The object as seen on the source.
    package var sourceValue: String?
    /// The object as seen on the target.
    package var targetValue: String?
    /// Status (derived from the values when DRS sends none).
    package var status: CompareStatus
    /// Failure cause.
    package var errorMessage: String?
    /// Source id.
    package var sourceId: String

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        jobId: String? = nil, taskId: String? = nil, objectType: String, sourceDatabase: String? = nil,
        targetDatabase: String? = nil, sourceValue: String? = nil, targetValue: String? = nil, status: CompareStatus,
        errorMessage: String? = nil, sourceId: String
    ) {
        self.jobId = jobId
        self.taskId = taskId
        self.objectType = objectType
        self.sourceDatabase = sourceDatabase
        self.targetDatabase = targetDatabase
        self.sourceValue = sourceValue
        self.targetValue = targetValue
        self.status = status
        self.errorMessage = errorMessage
        self.sourceId = sourceId
    }
}

/// A database pair in line or content comparison.
package struct DatabasePairResult: Sendable, Codable, Equatable {
    /// Job id, when the response or its request says.
    package var jobId: String?
    /// Task id, when known.
    package var taskId: String?
    /// Source database.
    package var sourceDatabase: String
    /// Target database.
    package var targetDatabase: String
    /// Status.
    package var status: CompareStatus
    /// Tables compared in total, when sent.
    package var tableCount: Int64?
    /// Tables finished, when sent.
    package var finishedCount: Int64?
    /// Inconsistent tables, when sent.
    package var inconsistentCount: Int64?
    /// Tables that could not be compared, when sent.
    package var uncomparableCount: Int64?
    /// Source ids.
    package var sourceIds: [String]

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        jobId: String? = nil, taskId: String? = nil, sourceDatabase: String, targetDatabase: String,
        status: CompareStatus, tableCount: Int64? = nil, finishedCount: Int64? = nil, inconsistentCount: Int64? = nil,
        uncomparableCount: Int64? = nil, sourceIds: [String]
    ) {
        self.jobId = jobId
        self.taskId = taskId
        self.sourceDatabase = sourceDatabase
        self.targetDatabase = targetDatabase
        self.status = status
        self.tableCount = tableCount
        self.finishedCount = finishedCount
        self.inconsistentCount = inconsistentCount
        self.uncomparableCount = uncomparableCount
        self.sourceIds = sourceIds
    }
}

/// Row-count comparison of one table.
package struct TableLineResult: Sendable, Codable, Equatable {
    /// Job id, when the response or its request says.
    package var jobId: String?
    /// Task id, when known.
    package var taskId: String?
    /// Source database ("" when DRS did not say).
    package var sourceDatabase: String
    /// Target database.
    package var targetDatabase: String
    /// Source table.
    package var sourceTable: String
    /// Target table.
    package var targetTable: String
    /// Rows on the source.
    package var sourceRows: Int64?
    /// Rows on the target.
    package var targetRows: Int64?
    /// Difference as sent (or computed when not sent).
    package var difference: Int64?
    /// Status.
    package var status: CompareStatus
    /// DRS message.
    package var message: String?
    /// Row filter applied by DRS.
    package var filter: String?
    /// Whether DRS listed the table as "uncompare".
    package var listedAsUncompared: Bool
    /// Source ids.
    package var sourceIds: [String]

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        jobId: String? = nil, taskId: String? = nil, sourceDatabase: String, targetDatabase: String,
        sourceTable: String, targetTable: String, sourceRows: Int64? = nil, targetRows: Int64? = nil,
        difference: Int64? = nil, status: CompareStatus, message: String? = nil, filter: String? = nil,
        listedAsUncompared: Bool, sourceIds: [String]
    ) {
        self.jobId = jobId
        self.taskId = taskId
        self.sourceDatabase = sourceDatabase
        self.targetDatabase = targetDatabase
        self.sourceTable = sourceTable
        self.targetTable = targetTable
        self.sourceRows = sourceRows
        self.targetRows = targetRows
        self.difference = difference
        self.status = status
        self.message = message
        self.filter = filter
        self.listedAsUncompared = listedAsUncompared
        self.sourceIds = sourceIds
    }
}

/// Value comparison of one table.
package struct TableContentResult: Sendable, Codable, Equatable {
    /// Job id, when the response or its request says.
    package var jobId: String?
    /// Task id, when known.
    package var taskId: String?
    /// Source database.
    package var sourceDatabase: String
    /// Target database.
    package var targetDatabase: String
    /// Source table.
    package var sourceTable: String
    /// Target table.
    package var targetTable: String
    /// Rows on the source.
    package var sourceRows: Int64?
    /// Rows on the target.
    package var targetRows: Int64?
    /// Inconsistent rows as DRS counts them.
    package var difference: Int64?
    /// Row-count result.
    package var lineStatus: CompareStatus
    /// Value result.
    package var contentStatus: CompareStatus
    /// DRS message.
    package var message: String?
    /// Row filter applied by DRS.
    package var filter: String?
    /// Progress percentage of a running comparison.
    package var progress: Double?
    /// Whether DRS listed the table as "uncompare".
    package var listedAsUncompared: Bool
    /// Source ids.
    package var sourceIds: [String]

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        jobId: String? = nil, taskId: String? = nil, sourceDatabase: String, targetDatabase: String,
        sourceTable: String, targetTable: String, sourceRows: Int64? = nil, targetRows: Int64? = nil,
        difference: Int64? = nil, lineStatus: CompareStatus, contentStatus: CompareStatus, message: String? = nil,
        filter: String? = nil, progress: Double? = nil, listedAsUncompared: Bool, sourceIds: [String]
    ) {
        self.jobId = jobId
        self.taskId = taskId
        self.sourceDatabase = sourceDatabase
        self.targetDatabase = targetDatabase
        self.sourceTable = sourceTable
        self.targetTable = targetTable
        self.sourceRows = sourceRows
        self.targetRows = targetRows
        self.difference = difference
        self.lineStatus = lineStatus
        self.contentStatus = contentStatus
        self.message = message
        self.filter = filter
        self.progress = progress
        self.listedAsUncompared = listedAsUncompared
        self.sourceIds = sourceIds
    }
}

/// Every fact of every response, in input order, before the ledger joins them.
package struct FactStore {
    package var objectTypes: [ObjectTypeSummary] = []
    package var objectDetails: [ObjectDetail] = []
    package var lineDatabases: [DatabasePairResult] = []
    package var contentDatabases: [DatabasePairResult] = []
    package var lineTables: [TableLineResult] = []
    package var contentTables: [TableContentResult] = []
    /// Object-detail bodies that did not say their object type: source id → the body's `count`.
    package var untypedObjectSources: [String: Int64?] = [:]

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        objectTypes: [ObjectTypeSummary] = [], objectDetails: [ObjectDetail] = [],
        lineDatabases: [DatabasePairResult] = [], contentDatabases: [DatabasePairResult] = [],
        lineTables: [TableLineResult] = [], contentTables: [TableContentResult] = [],
        untypedObjectSources: [String: Int64?] = [:]
    ) {
        self.objectTypes = objectTypes
        self.objectDetails = objectDetails
        self.lineDatabases = lineDatabases
        self.contentDatabases = contentDatabases
        self.lineTables = lineTables
        self.contentTables = contentTables
        self.untypedObjectSources = untypedObjectSources
    }
}
