import DRSCore
import DRSIngest
import Foundation

/// evidence.json: what a render read and wrote, so its integrity can be checked later
/// (`drs-report verify DIR`). Written by every render, last, after the reports are in place.
public struct Evidence: Codable, Sendable, Equatable {
    /// Always `drs-report-evidence`.
    public var format = "drs-report-evidence"
    /// Schema version.
    public var version = 1
    /// Tool and version that rendered.
    public var tool: String
    /// The report clock (`--now`, `SOURCE_DATE_EPOCH` or the system clock), ISO-8601 UTC.
    public var clock: String
    /// Where the clock came from: `--now`, `SOURCE_DATE_EPOCH` or `system`.
    public var clockSource: String
    /// The options that shape the outputs (no machine paths, no secrets).
    public var options: [String: String]
    /// Every input file, by display path, with its sha256.
    public var inputs: [FileDigest]
    /// sha256 over the sorted input digests (also shown in the HTML and Markdown footers).
    public var inputsDigest: String
    /// Every output file, relative to the output folder, with its sha256 and size.
    public var outputs: [FileDigest]
    /// The verdict and counts, so an index can list this render without reading the reports.
    public var summary: EvidenceSummary
    /// The `--meta` fields (ticket, change id…), in the order given; absent when there were none.
    public var meta: [MetaField]?
    /// Whether, and what, `--mask` replaced with keyed tokens (never the key); absent when off.
    public var masking: [String]?

    package enum CodingKeys: String, CodingKey {
        case format, version, tool, clock, options, inputs, outputs, summary, meta, masking
        case clockSource = "clock_source"
        case inputsDigest = "inputs_digest"
    }

    /// The evidence file name.
    public static let fileName = "evidence.json"

    /// Reads `evidence.json` from a folder.
    public static func read(from folder: URL) throws(DRSReportError) -> Evidence {
        let url = folder.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .noEvidence(folder: folder.path)
        }
        do {
            return try JSONDecoder().decode(Evidence.self, from: data)
        } catch {
            throw .typeMismatch(
                file: url.path, path: "$", expected: "drs-report evidence (format drs-report-evidence, version 1)",
                found: "something else")
        }
    }

    /// Writes evidence.json into `folder`, and evidence.sig when a signing key is given; returns the
    /// names written.
    package func write(into folder: URL, signingKey: EvidenceSigningKey?) throws -> [String] {
        let bytes = try encoded()
        try bytes.write(to: folder.appendingPathComponent(Self.fileName))
        guard let key = signingKey else { return [Self.fileName] }
        try Data(try EvidenceSignature.sign(bytes, with: key.key).utf8).write(
            to: folder.appendingPathComponent(EvidenceSignature.fileName))
        return [Self.fileName, EvidenceSignature.fileName]
    }

    /// Deterministic JSON: sorted keys, two-space indent, trailing newline.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        tool: String, clock: String, clockSource: String, options: [String: String], inputs: [FileDigest],
        inputsDigest: String, outputs: [FileDigest], summary: EvidenceSummary, meta: [MetaField]? = nil,
        masking: [String]? = nil
    ) {
        self.tool = tool
        self.clock = clock
        self.clockSource = clockSource
        self.options = options
        self.inputs = inputs
        self.inputsDigest = inputsDigest
        self.outputs = outputs
        self.summary = summary
        self.meta = meta
        self.masking = masking
    }
}

/// A file and its digest.
public struct FileDigest: Codable, Sendable, Equatable {
    /// Path (display path for inputs, relative path for outputs).
    public var path: String
    /// Lowercase hex sha256.
    public var sha256: String
    /// Size in bytes (outputs only).
    public var bytes: Int64?

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(path: String, sha256: String, bytes: Int64? = nil) {
        self.path = path
        self.sha256 = sha256
        self.bytes = bytes
    }
}

/// What an index needs to know about one render.
public struct EvidenceSummary: Codable, Sendable, Equatable {
    /// Job ids.
    public var jobs: [String]
    /// CONSISTENT, INCONSISTENT or INCOMPLETE.
    public var verdict: String
    /// Inconsistent rows in the inputs.
    public var inconsistentRows: Int64
    /// Things not compared.
    public var notCompared: Int
    /// Responses that were error bodies.
    public var notRetrieved: Int
    /// Latest response time, ISO-8601 UTC.
    public var fetchedAt: String?
    /// The most urgent expiry state of DRS's result files.
    public var expiry: String
    /// The earliest expiry among files still valid, ISO-8601 UTC.
    public var nextExpiry: String?
    /// Inconsistent tables, database pairs and objects, counted as the verdict counts them.
    public var inconsistentTables: Int64?
    /// Inconsistent database pairs.
    public var inconsistentDatabases: Int64?
    /// Inconsistent objects.
    public var inconsistentObjects: Int64?
    /// The job's name, when one job was rendered and its detail was fetched.
    public var jobName: String?

    package enum CodingKeys: String, CodingKey {
        case jobs, verdict, expiry
        case inconsistentTables = "inconsistent_tables"
        case inconsistentDatabases = "inconsistent_databases"
        case inconsistentObjects = "inconsistent_objects"
        case jobName = "job_name"
        case inconsistentRows = "inconsistent_rows"
        case notCompared = "not_compared"
        case notRetrieved = "not_retrieved"
        case fetchedAt = "fetched_at"
        case nextExpiry = "next_expiry"
    }

    package init(
        jobs: [String], verdict: String, inconsistentRows: Int64, notCompared: Int, notRetrieved: Int,
        fetchedAt: String?, expiry: String, nextExpiry: String?
    ) {
        self.jobs = jobs
        self.verdict = verdict
        self.inconsistentRows = inconsistentRows
        self.notCompared = notCompared
        self.notRetrieved = notRetrieved
        self.fetchedAt = fetchedAt
        self.expiry = expiry
        self.nextExpiry = nextExpiry
    }

    package init(_ report: Report) {
        jobs = report.jobs.map(\.id)
        verdict = report.verdict.value.rawValue
        inconsistentRows = report.diffSummary.rowsInInput
        notCompared = report.notCompared.count
        notRetrieved = report.retrievalErrors.count
        fetchedAt = report.sources.map(\.receivedAt).max().map(Formatting.iso)
        let states = report.tasks.map(\.expiry.state)
        let order: [ExpiryState] = [.expired, .expiringSoon, .valid, .notGenerated, .unknown]
        expiry = order.first { states.contains($0) }?.rawValue ?? ExpiryState.unknown.rawValue
        nextExpiry = report.tasks.filter { $0.expiry.state == .valid || $0.expiry.state == .expiringSoon }
            .compactMap(\.expiry.expiresAt).min().map(Formatting.iso)
        inconsistentTables = report.verdict.counts.inconsistentTables
        inconsistentDatabases = report.verdict.counts.inconsistentDatabases
        inconsistentObjects = report.verdict.counts.inconsistentObjects
        jobName = report.jobs.count == 1 ? report.jobs[0].name : nil
    }
}
