import DRSJSON
import DRSWire
import Foundation

/// The normalised report: independent of API version and input form. Inconsistent rows are not
/// held here; they stream from `DiffStream` so a million of them never sit in memory.
///
/// The model holds facts (codes and numbers); writers turn them into words through `Strings`.
/// The ledger (`tables`, `databases`, `objects`) has one entry per compared thing and joins
/// everything every input said about it; every writer is built from it.
public struct Report: Sendable, Codable, Equatable {
    /// Version of the report.json schema.
    public static let schemaVersion = 2

    /// Version of the report.json schema this value was built for.
    public var schemaVersion: Int = Report.schemaVersion
    /// Report title: `--title`, else "DRS comparison: <job name> (<job id>)".
    public var title: String
    /// The clock the report was judged against (`--now`).
    public var generatedAt: Date
    /// Label language, `en-us` or `zh-cn`.
    public var language: String
    /// Tool name and version.
    public var generator: String
    /// The DRS jobs the inputs belong to.
    public var jobs: [JobInfo] = []
    /// Where every fact came from.
    public var sources: [SourceRecord] = []
    /// Comparison tasks, with the expiry of DRS's own result file.
    public var tasks: [CompareTask] = []
    /// Object comparison: counts per object type.
    public var objectTypes: [ObjectTypeSummary] = []
    /// The ledger of objects: one entry per compared object (and per object type DRS judged
    /// without listing its objects).
    public var objects: [ObjectEntry] = []
    /// The ledger of database pairs: one entry per job and source/target database pair.
    public var databases: [DatabaseEntry] = []
    /// The ledger of tables: one entry per job and source/target table pair, sorted by job,
    /// source database and source table.
    public var tables: [TableEntry] = []
    /// Inconsistent-row totals; the rows themselves stream from `DiffStream`.
    public var diffSummary = DiffSummary()
    /// A bounded sample of inconsistent rows per table, for HTML and Markdown.
    public var diffPreview: [DiffRow] = []
    /// Everything that could not be compared, one entry per thing, never dropped.
    public var notCompared: [NotComparedEntry] = []
    /// Progress of running comparisons.
    public var progress = ProgressInfo()
    /// Responses that were DRS error bodies: "could not be retrieved".
    public var retrievalErrors: [RetrievalError] = []
    /// Facts about the inputs worth saying (an empty body, a partial task list…).
    public var notes: [Note] = []
    /// Where two inputs disagreed, which value the report used and why.
    public var conflicts: [Conflict] = []
    /// The verdict, its counts, its coverage and the facts that produced it.
    public var verdict = Verdict()
    /// Expiry window used to judge "expiring soon", in seconds.
    public var expiryWindowSeconds: Int64 = 86_400

    /// An empty report: ingest fills it.
    public init(title: String, generatedAt: Date, language: String, generator: String) {
        self.title = title
        self.generatedAt = generatedAt
        self.language = language
        self.generator = generator
    }
}

extension Report {
    /// sha256 over the sorted input digests: one value that names the exact inputs.
    public var inputsDigest: String {
        sha256Hex(Data(sources.map(\.sha256).sorted().joined(separator: "\n").utf8))
    }
}

/// A DRS job (migration, sync or DR task).
public struct JobInfo: Sendable, Codable, Equatable {
    /// Job id.
    public var id: String
    /// Project id, when known.
    public var projectId: String?
    /// API endpoint the job was fetched from, when known.
    public var endpoint: String?
    /// Job name, when known.
    public var name: String?
    /// Job status, when known.
    public var status: String?
    /// Job type (`sync`, `migration`, `cloudDataGuard`…), when known.
    public var jobType: String?
    /// DRS engine type, e.g. `mysql-to-mysql`, when known.
    public var engineType: String?
    /// Source database engine (`db_type`), when known.
    public var sourceEngine: String?
    /// Target database engine (`db_type`), when known.
    public var targetEngine: String?
    /// Region, from the job's endpoints or the API endpoint, when known.
    public var region: String?

    /// Memberwise.
    public init(
        id: String, projectId: String? = nil, endpoint: String? = nil, name: String? = nil, status: String? = nil
    ) {
        self.id = id
        self.projectId = projectId
        self.endpoint = endpoint
        self.name = name
        self.status = status
    }
}

/// How the time of a response is known.
public enum TimeBasis: String, Codable, Sendable {
    /// `received_at` from an archive manifest.
    case manifest
    /// `--observed-at` given by the user.
    case observedAt = "observed_at"
    /// The file's modification time.
    case fileModificationTime = "file_mtime"
}

/// One input file and the request it answered.
public struct SourceRecord: Sendable, Codable, Equatable {
    /// Identifier used by other records (`S1`, `S2`…).
    public var id: String
    /// Path as given on the command line (relative paths stay relative).
    public var file: String
    /// The response kind detected from its shape.
    public var kind: String
    /// HTTP method, from an archive manifest.
    public var method: String?
    /// Request path, from an archive manifest.
    public var requestPath: String?
    /// Request query, from an archive manifest.
    public var query: [String: String]?
    /// HTTP status, from an archive manifest.
    public var httpStatus: Int?
    /// When the response was received.
    public var receivedAt: Date
    /// How `receivedAt` is known.
    public var receivedAtBasis: TimeBasis
    /// sha256 of the file's bytes.
    public var sha256: String
    /// Set when the same bytes were already read from another file.
    public var duplicateOf: String?

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        id: String, file: String, kind: String, method: String? = nil, requestPath: String? = nil,
        query: [String: String]? = nil, httpStatus: Int? = nil, receivedAt: Date, receivedAtBasis: TimeBasis,
        sha256: String, duplicateOf: String? = nil
    ) {
        self.id = id
        self.file = file
        self.kind = kind
        self.method = method
        self.requestPath = requestPath
        self.query = query
        self.httpStatus = httpStatus
        self.receivedAt = receivedAt
        self.receivedAtBasis = receivedAtBasis
        self.sha256 = sha256
        self.duplicateOf = duplicateOf
    }
}

/// The life of DRS's own exported result file.
public enum ExpiryState: String, Codable, Sendable {
    /// `report_remain_seconds` is -1: no file was generated.
    case notGenerated = "NOT_GENERATED"
    /// Valid beyond the expiry window.
    case valid = "VALID"
    /// Expires within the expiry window.
    case expiringSoon = "EXPIRING_SOON"
    /// Already expired.
    case expired = "EXPIRED"
    /// DRS did not say.
    case unknown = "UNKNOWN"
}

/// When DRS's result file of a task expires, and how that was worked out.
public struct Expiry: Sendable, Codable, Equatable {
    /// The state judged against the report clock.
    public var state: ExpiryState
    /// `received_at + report_remain_seconds`.
    public var expiresAt: Date?
    /// The response time the computation used.
    public var receivedAt: Date?
    /// How `receivedAt` is known.
    public var receivedAtBasis: TimeBasis?
    /// Seconds left at the report clock (negative once expired).
    public var secondsLeft: Int64?

    /// Computes the expiry of a file with `remain` seconds left at `receivedAt`.
    public static func compute(remain: Int64?, receivedAt: Date?, basis: TimeBasis?, now: Date, window: Int64) -> Expiry
    {
        guard let remain else {
            return Expiry(
                state: .unknown, expiresAt: nil, receivedAt: receivedAt, receivedAtBasis: basis, secondsLeft: nil)
        }
        if remain < 0 {
            return Expiry(
                state: .notGenerated, expiresAt: nil, receivedAt: receivedAt, receivedAtBasis: basis, secondsLeft: nil)
        }
        guard let receivedAt else {
            return Expiry(state: .unknown, expiresAt: nil, receivedAt: nil, receivedAtBasis: nil, secondsLeft: nil)
        }
        // DRS's number meets the clock here: whole-second arithmetic that saturates, never a trap.
        let receivedSeconds = Int64(saturating: receivedAt.timeIntervalSince1970.rounded(.down))
        let (expiresSeconds, over) = receivedSeconds.addingReportingOverflow(remain)
        let expiry = over ? Int64.max : expiresSeconds
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(expiry))
        let (difference, under) = expiry.subtractingReportingOverflow(
            Int64(saturating: now.timeIntervalSince1970.rounded(.down)))
        let left = under ? (expiry > 0 ? Int64.max : Int64.min) : difference
        let state: ExpiryState = left <= 0 ? .expired : (left <= window ? .expiringSoon : .valid)
        return Expiry(
            state: state, expiresAt: expiresAt, receivedAt: receivedAt, receivedAtBasis: basis, secondsLeft: left)
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        state: ExpiryState, expiresAt: Date? = nil, receivedAt: Date? = nil, receivedAtBasis: TimeBasis? = nil,
        secondsLeft: Int64? = nil
    ) {
        self.state = state
        self.expiresAt = expiresAt
        self.receivedAt = receivedAt
        self.receivedAtBasis = receivedAtBasis
        self.secondsLeft = secondsLeft
    }
}

/// Kinds of comparison task.
public enum CompareKind: String, Codable, Sendable, CaseIterable {
    /// Object-level comparison.
    case object
    /// Row-count comparison.
    case line
    /// Value comparison.
    case content
    /// Sampling comparison.
    case random
    /// Anything else DRS reports.
    case other

    /// Maps the many DRS spellings (`lines`, `line_compare`, `objects_comparison`…).
    public static func from(_ raw: String?) -> CompareKind {
        switch (raw ?? "").lowercased() {
        case "object", "objects", "object_compare", "object_comparison", "objects_comparison": return .object
        case "lines", "line", "line_compare": return .line
        case "contents", "content", "content_compare": return .content
        case "random": return .random
        default: return .other
        }
    }
}

/// A comparison task.
public struct CompareTask: Sendable, Codable, Equatable {
    /// Task id.
    public var id: String
    /// Job the task belongs to.
    public var jobId: String?
    /// Kind of comparison.
    public var kind: CompareKind
    /// The type word DRS sent.
    public var rawType: String?
    /// Task status as DRS sent it (RUNNING, SUCCESSFUL…).
    public var status: String?
    /// Created.
    public var createdAt: Date?
    /// Started.
    public var startedAt: Date?
    /// Ended.
    public var endedAt: Date?
    /// Export state of DRS's result file.
    public var exportStatus: String?
    /// Seconds left on DRS's result file at `expiry.receivedAt` (-1: not generated).
    public var reportRemainSeconds: Int64?
    /// Derived expiry.
    public var expiry: Expiry
    /// Failure cause.
    public var errorMessage: String?
    /// Source ids of the responses that described this task.
    public var sourceIds: [String]

    /// Whether DRS says the task finished successfully.
    public var isFinished: Bool {
        (status ?? "").uppercased() == Wire.TaskStatus.successful
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        id: String, jobId: String? = nil, kind: CompareKind, rawType: String? = nil, status: String? = nil,
        createdAt: Date? = nil, startedAt: Date? = nil, endedAt: Date? = nil, exportStatus: String? = nil,
        reportRemainSeconds: Int64? = nil, expiry: Expiry, errorMessage: String? = nil, sourceIds: [String]
    ) {
        self.id = id
        self.jobId = jobId
        self.kind = kind
        self.rawType = rawType
        self.status = status
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.exportStatus = exportStatus
        self.reportRemainSeconds = reportRemainSeconds
        self.expiry = expiry
        self.errorMessage = errorMessage
        self.sourceIds = sourceIds
    }
}

/// Object comparison counts of one object type.
public struct ObjectTypeSummary: Sendable, Codable, Equatable {
    /// Job id, when known.
    public var jobId: String?
    /// Task id, when known.
    public var taskId: String?
    /// Object type (DB, TABLE, INDEX…).
    public var objectType: String
    /// Objects of this type in the source.
    public var sourceCount: Int64?
    /// Objects of this type in the target.
    public var targetCount: Int64?
    /// Difference count, when DRS sends one.
    public var diffCount: Int64?
    /// Status.
    public var status: CompareStatus
    /// Source ids.
    public var sourceIds: [String]

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        jobId: String? = nil, taskId: String? = nil, objectType: String, sourceCount: Int64? = nil,
        targetCount: Int64? = nil, diffCount: Int64? = nil, status: CompareStatus, sourceIds: [String]
    ) {
        self.jobId = jobId
        self.taskId = taskId
        self.objectType = objectType
        self.sourceCount = sourceCount
        self.targetCount = targetCount
        self.diffCount = diffCount
        self.status = status
        self.sourceIds = sourceIds
    }
}
