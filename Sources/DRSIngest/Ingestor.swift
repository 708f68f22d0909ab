import DRSCore
import DRSJSON
import Foundation

/// Options that shape ingestion.
public struct IngestOptions: Sendable {
    /// The report clock.
    public var now: Date
    /// Response time for loose files (else their modification time).
    public var observedAt: Date?
    /// "Expiring soon" window in seconds.
    public var expiryWindowSeconds: Int64 = 86_400
    /// Inconsistent rows kept in memory for HTML and Markdown.
    public var previewRows: Int = 1_000
    /// Of those, at most this many of one table.
    public var previewRowsPerTable: Int = 20
    /// `--mask keys`: key values and SQL literals become keyed tokens as rows are read.
    public var mask: KeyMask?
    /// Report title.
    public var title: String?
    /// Label language.
    public var language: Language = .enUS

    /// Options with the report clock `now` and, for loose files, the response time `observedAt`.
    public init(now: Date, observedAt: Date? = nil) {
        self.now = now
        self.observedAt = observedAt
    }
}

/// The report model plus the stream of its inconsistent rows.
public struct IngestResult: Sendable {
    /// The normalised report.
    public var report: Report
    /// Every inconsistent row, read again from the inputs on demand.
    public var diffs: DiffStream

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(report: Report, diffs: DiffStream) {
        self.report = report
        self.diffs = diffs
    }
}

/// Reads DRS responses (files, folders, archives) into one report.
public enum Ingestor {
    /// Ingests the inputs in order, merging them into one report.
    public static func ingest(_ inputs: [String], options: IngestOptions) throws(DRSReportError) -> IngestResult {
        let files = try InputDiscovery.discover(inputs, observedAt: options.observedAt)
        return try ingest(files: files, options: options)
    }

    /// Ingests already discovered response files.
    public static func ingest(files: [ResponseFile], options: IngestOptions) throws(DRSReportError) -> IngestResult {
        try ingest(files: files, options: options, spool: nil)
    }

    /// Ingests into a given spool, which another thread may follow while rows arrive (see
    /// `Renderer`); the spool is sealed when ingest finishes. The caller abandons it on failure.
    package static func ingest(
        files: [ResponseFile], options: IngestOptions, spool: RowSpool?, progress: ((Int) -> Void)? = nil,
        threads: Int? = nil
    ) throws(DRSReportError) -> IngestResult {
        let builder = ReportBuilder(options: options, spool: spool)
        let prefetcher = Prefetcher(files: files, threads: threads, mask: options.mask)
        defer { prefetcher.stop() }
        for index in files.indices {
            try builder.add(try prefetcher.take(index))
            progress?(index + 1)
        }
        // Every row is in: a writer following the spool finishes its rows while the ledger is built.
        try spool?.seal()
        return try builder.finish()
    }

    /// Reads a file's bytes, checking an archive checksum when there is one.
    package static func readBytes(_ file: ResponseFile) throws(DRSReportError) -> (Data, String) {
        guard let data = FileManager.default.contents(atPath: file.url.path) else {
            throw .unreadableFile(path: file.userPath, reason: "permission denied or not a regular file")
        }
        let digest = sha256Hex(data)
        if let expected = file.expectedSHA256, expected != digest {
            throw .checksumMismatch(
                archive: file.archive ?? file.userPath, file: file.archiveRelative ?? file.userPath, expected: expected,
                actual: digest)
        }
        return (data, digest)
    }

    /// Parses bytes as JSON, mapping syntax errors to a user-facing error.
    package static func parse(_ data: Data, file: String) throws(DRSReportError) -> JSONValue {
        do {
            return try JSONParser.parse(data)
        } catch {
            throw .notJSON(file: file, line: error.line, column: error.column, reason: error.message)
        }
    }
}
