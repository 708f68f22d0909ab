import DRSJSON
import DRSWire
import Foundation

/// Progress of comparisons still running.
public struct ProgressInfo: Sendable, Codable, Equatable {
    /// compare-progress responses.
    public var tasks: [TaskProgress] = []
    /// progress-data streaming rows.
    public var streaming: [StreamingProgress] = []
    /// Total streaming rows DRS reports.
    public var streamingTotal: Int64?

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(tasks: [TaskProgress] = [], streaming: [StreamingProgress] = [], streamingTotal: Int64? = nil) {
        self.tasks = tasks
        self.streaming = streaming
        self.streamingTotal = streamingTotal
    }
}

/// A compare-progress response.
public struct TaskProgress: Sendable, Codable, Equatable {
    /// Task id, from the request.
    public var taskId: String?
    /// Full comparison progress, percent.
    public var fullProgress: Double?
    /// Full comparison speed.
    public var fullSpeed: String?
    /// Rows to re-check after the full comparison.
    public var fullRecheckRows: Int64?
    /// Incremental comparison delay, seconds.
    public var incrementalDelay: Double?
    /// Incremental rows per second.
    public var incrementalRowsPerSecond: Int64?
    /// Incremental log position.
    public var incrementalLogPoint: String?
    /// Rows to re-check after the incremental comparison.
    public var incrementalRecheckRows: Int64?
    /// Source id.
    public var sourceId: String

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        taskId: String? = nil, fullProgress: Double? = nil, fullSpeed: String? = nil, fullRecheckRows: Int64? = nil,
        incrementalDelay: Double? = nil, incrementalRowsPerSecond: Int64? = nil, incrementalLogPoint: String? = nil,
        incrementalRecheckRows: Int64? = nil, sourceId: String
    ) {
        self.taskId = taskId
        self.fullProgress = fullProgress
        self.fullSpeed = fullSpeed
        self.fullRecheckRows = fullRecheckRows
        self.incrementalDelay = incrementalDelay
        self.incrementalRowsPerSecond = incrementalRowsPerSecond
        self.incrementalLogPoint = incrementalLogPoint
        self.incrementalRecheckRows = incrementalRecheckRows
        self.sourceId = sourceId
    }
}

/// One row of progress-data.
public struct StreamingProgress: Sendable, Codable, Equatable {
    /// Source database.
    public var sourceDatabase: String
    /// Source object.
    public var sourceObject: String
    /// Target database.
    public var targetDatabase: String
    /// Target object.
    public var targetObject: String
    /// Progress 1–100.
    public var progress: Int64?
    /// Object type from the request (`table`…).
    public var objectType: String?

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        sourceDatabase: String, sourceObject: String, targetDatabase: String, targetObject: String,
        progress: Int64? = nil, objectType: String? = nil
    ) {
        self.sourceDatabase = sourceDatabase
        self.sourceObject = sourceObject
        self.targetDatabase = targetDatabase
        self.targetObject = targetObject
        self.progress = progress
        self.objectType = objectType
    }
}

/// A response that was a DRS error body.
public struct RetrievalError: Sendable, Codable, Equatable {
    /// Source id.
    public var sourceId: String
    /// File.
    public var file: String
    /// What was asked, when known (method, path and query).
    public var request: String?
    /// HTTP status, when known.
    public var httpStatus: Int?
    /// DRS error code.
    public var errorCode: String
    /// DRS error message.
    public var errorMessage: String

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        sourceId: String, file: String, request: String? = nil, httpStatus: Int? = nil, errorCode: String,
        errorMessage: String
    ) {
        self.sourceId = sourceId
        self.file = file
        self.request = request
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }
}
