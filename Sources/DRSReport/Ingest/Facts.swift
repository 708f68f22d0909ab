import DRSCore
import Foundation

// The facts one response says about one thing, before the ledger joins them. They stay inside
// Ingest: the report model holds only the joined ledger entries.

/// One compared object.
struct ObjectDetail: Sendable, Codable, Equatable {
    /// Job id, when the response or its request says.
    var jobId: String?
    /// Task id, when known.
    var taskId: String?
    /// Object type.
    var objectType: String
    /// Source database.
    var sourceDatabase: String?
    /// Target database.
    var targetDatabase: String?
    /// The object as seen on the source.
    var sourceValue: String?
    /// The object as seen on the target.
    var targetValue: String?
    /// Status (derived from the values when DRS sends none).
    var status: CompareStatus
    /// Failure cause.
    var errorMessage: String?
    /// Source id.
    var sourceId: String
}

/// A database pair in line or content comparison.
struct DatabasePairResult: Sendable, Codable, Equatable {
    /// Job id, when the response or its request says.
    var jobId: String?
    /// Task id, when known.
    var taskId: String?
    /// Source database.
    var sourceDatabase: String
    /// Target database.
    var targetDatabase: String
    /// Status.
    var status: CompareStatus
    /// Tables compared in total, when sent.
    var tableCount: Int64?
    /// Tables finished, when sent.
    var finishedCount: Int64?
    /// Inconsistent tables, when sent.
    var inconsistentCount: Int64?
    /// Tables that could not be compared, when sent.
    var uncomparableCount: Int64?
    /// Source ids.
    var sourceIds: [String]
}

/// Row-count comparison of one table.
struct TableLineResult: Sendable, Codable, Equatable {
    /// Job id, when the response or its request says.
    var jobId: String?
    /// Task id, when known.
    var taskId: String?
    /// Source database ("" when DRS did not say).
    var sourceDatabase: String
    /// Target database.
    var targetDatabase: String
    /// Source table.
    var sourceTable: String
    /// Target table.
    var targetTable: String
    /// Rows on the source.
    var sourceRows: Int64?
    /// Rows on the target.
    var targetRows: Int64?
    /// Difference as sent (or computed when not sent).
    var difference: Int64?
    /// Status.
    var status: CompareStatus
    /// DRS message.
    var message: String?
    /// Row filter applied by DRS.
    var filter: String?
    /// Whether DRS listed the table as "uncompare".
    var listedAsUncompared: Bool
    /// Source ids.
    var sourceIds: [String]
}

/// Value comparison of one table.
struct TableContentResult: Sendable, Codable, Equatable {
    /// Job id, when the response or its request says.
    var jobId: String?
    /// Task id, when known.
    var taskId: String?
    /// Source database.
    var sourceDatabase: String
    /// Target database.
    var targetDatabase: String
    /// Source table.
    var sourceTable: String
    /// Target table.
    var targetTable: String
    /// Rows on the source.
    var sourceRows: Int64?
    /// Rows on the target.
    var targetRows: Int64?
    /// Inconsistent rows as DRS counts them.
    var difference: Int64?
    /// Row-count result.
    var lineStatus: CompareStatus
    /// Value result.
    var contentStatus: CompareStatus
    /// DRS message.
    var message: String?
    /// Row filter applied by DRS.
    var filter: String?
    /// Progress percentage of a running comparison.
    var progress: Double?
    /// Whether DRS listed the table as "uncompare".
    var listedAsUncompared: Bool
    /// Source ids.
    var sourceIds: [String]
}

/// Every fact of every response, in input order, before the ledger joins them.
struct FactStore {
    var objectTypes: [ObjectTypeSummary] = []
    var objectDetails: [ObjectDetail] = []
    var lineDatabases: [DatabasePairResult] = []
    var contentDatabases: [DatabasePairResult] = []
    var lineTables: [TableLineResult] = []
    var contentTables: [TableContentResult] = []
    /// Object-detail bodies that did not say their object type: source id → the body's `count`.
    var untypedObjectSources: [String: Int64?] = [:]
}
