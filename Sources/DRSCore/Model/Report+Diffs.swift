import DRSJSON
import DRSWire
import Foundation

/// Where an inconsistent row is missing, if anywhere.
public enum DiffKind: String, Codable, Sendable, CaseIterable {
    /// Present only on the source.
    case missingOnTarget = "MISSING_ON_TARGET"
    /// Present only on the target.
    case missingOnSource = "MISSING_ON_SOURCE"
    /// Present on both with different values.
    case differs = "DIFFERS"
}

/// One inconsistent row.
public struct DiffRow: Sendable, Codable, Equatable {
    /// Job id, when known.
    public var jobId: String?
    /// Task id, when known.
    public var taskId: String?
    /// Source database.
    public var sourceDatabase: String
    /// Target database.
    public var targetDatabase: String
    /// Source table.
    public var sourceTable: String
    /// Target table.
    public var targetTable: String
    /// Key values on the source (empty when missing there).
    public var sourceKey: [String]
    /// Key values on the target (empty when missing there).
    public var targetKey: [String]
    /// SELECT to re-check the row on the source.
    public var sourceSQL: String
    /// SELECT to re-check the row on the target.
    public var targetSQL: String
    /// Missing on one side, or different.
    public var kind: DiffKind
    /// Whether database/table came from the SELECT SQL because the response did not say.
    public var locationInferred: Bool
    /// Source id of the response.
    public var sourceId: String

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        jobId: String? = nil, taskId: String? = nil, sourceDatabase: String, targetDatabase: String,
        sourceTable: String, targetTable: String, sourceKey: [String], targetKey: [String], sourceSQL: String,
        targetSQL: String, kind: DiffKind, locationInferred: Bool, sourceId: String
    ) {
        self.jobId = jobId
        self.taskId = taskId
        self.sourceDatabase = sourceDatabase
        self.targetDatabase = targetDatabase
        self.sourceTable = sourceTable
        self.targetTable = targetTable
        self.sourceKey = sourceKey
        self.targetKey = targetKey
        self.sourceSQL = sourceSQL
        self.targetSQL = targetSQL
        self.kind = kind
        self.locationInferred = locationInferred
        self.sourceId = sourceId
    }
}

/// Totals of inconsistent rows.
public struct DiffSummary: Sendable, Codable, Equatable {
    /// Distinct rows in the inputs (exact duplicates counted once).
    public var rowsInInput: Int64 = 0
    /// Distinct rows by kind.
    public var byKind: [String: Int64] = [:]
    /// Rows DRS says exist (sum of the `count` of diff queries), when sent.
    public var rowsReportedByDRS: Int64?
    /// Rows whose table was named only by their SQL, or by the other side's location.
    public var rowsWithInferredLocation: Int64 = 0
    /// Rows whose table is unknown; such a row never merges with another.
    public var rowsWithUnknownLocation: Int64 = 0
    /// Exact duplicates (same job, task, table, kind and keys) delivered again, counted once:
    /// the same page fetched twice, or the same rows from content-difference and query-compare-result.
    public var duplicateRows: Int64 = 0

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        rowsInInput: Int64 = 0, byKind: [String: Int64] = [:], rowsReportedByDRS: Int64? = nil,
        rowsWithInferredLocation: Int64 = 0, rowsWithUnknownLocation: Int64 = 0, duplicateRows: Int64 = 0
    ) {
        self.rowsInInput = rowsInInput
        self.byKind = byKind
        self.rowsReportedByDRS = rowsReportedByDRS
        self.rowsWithInferredLocation = rowsWithInferredLocation
        self.rowsWithUnknownLocation = rowsWithUnknownLocation
        self.duplicateRows = duplicateRows
    }
}
