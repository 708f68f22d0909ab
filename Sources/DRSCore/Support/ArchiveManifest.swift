import Foundation

/// The archive manifest, format version 1 (docs/archive-format.md).
public struct ArchiveManifest: Sendable, Codable, Equatable {
    /// The manifest's file name at the top of an archive.
    public static let fileName = "manifest.json"

    /// Always `drs-report-archive`.
    public var format: String
    /// Format version.
    public var version: Int
    /// Creation time.
    public var createdAt: String?
    /// Tool that wrote it.
    public var generator: String?
    /// API endpoint.
    public var endpoint: String?
    /// Project id.
    public var projectId: String?
    /// Job id.
    public var jobId: String?
    /// Language of the responses.
    public var language: String?
    /// The responses.
    public var responses: [Entry]
    /// DRS's own exported result files saved with `--download-report`.
    public var reportFiles: [ReportFile]?

    /// A DRS result file saved in the archive.
    public struct ReportFile: Sendable, Codable, Equatable {
        /// Path inside the archive (`report-files/…`).
        public var file: String
        /// `compare_type` of the download request.
        public var compareType: String
        /// The comparison task.
        public var compareJobId: String
        /// When it was downloaded.
        public var receivedAt: String
        /// sha256 of its bytes.
        public var sha256: String

        package enum CodingKeys: String, CodingKey {
            case file, sha256
            case compareType = "compare_type"
            case compareJobId = "compare_job_id"
            case receivedAt = "received_at"
        }

        /// Memberwise, for the modules that build it (Swift's implicit one is internal).
        package init(file: String, compareType: String, compareJobId: String, receivedAt: String, sha256: String) {
            self.file = file
            self.compareType = compareType
            self.compareJobId = compareJobId
            self.receivedAt = receivedAt
            self.sha256 = sha256
        }
    }

    /// One response in the archive.
    public struct Entry: Sendable, Codable, Equatable {
        /// Path relative to the archive.
        public var file: String
        /// HTTP method.
        public var method: String
        /// Request path.
        public var path: String
        /// Query parameters.
        public var query: [String: String]?
        /// HTTP status.
        public var status: Int?
        /// Receive time.
        public var receivedAt: String
        /// sha256 of the file's bytes.
        public var sha256: String

        /// Memberwise, for the modules that build it (Swift's implicit one is internal).
        package init(
            file: String, method: String, path: String, query: [String: String]? = nil, status: Int? = nil,
            receivedAt: String, sha256: String
        ) {
            self.file = file
            self.method = method
            self.path = path
            self.query = query
            self.status = status
            self.receivedAt = receivedAt
            self.sha256 = sha256
        }
    }

    package enum CodingKeys: String, CodingKey {
        case format, version, generator, endpoint, language, responses
        case reportFiles = "report_files"
        case createdAt = "created_at"
        case projectId = "project_id"
        case jobId = "job_id"
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        format: String, version: Int, createdAt: String? = nil, generator: String? = nil, endpoint: String? = nil,
        projectId: String? = nil, jobId: String? = nil, language: String? = nil, responses: [Entry],
        reportFiles: [ReportFile]? = nil
    ) {
        self.format = format
        self.version = version
        self.createdAt = createdAt
        self.generator = generator
        self.endpoint = endpoint
        self.projectId = projectId
        self.jobId = jobId
        self.language = language
        self.responses = responses
        self.reportFiles = reportFiles
    }
}

extension ArchiveManifest.Entry {
    enum CodingKeys: String, CodingKey {
        case file, method, path, query, status, sha256
        case receivedAt = "received_at"
    }
}
