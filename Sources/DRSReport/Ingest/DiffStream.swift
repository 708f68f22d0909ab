import Foundation

/// A response file that carries inconsistent rows.
public struct DiffSource: Sendable {
    /// The file.
    var file: ResponseFile
    /// Its source id.
    var sourceId: String
    /// Its kind.
    var kind: ResponseKind
    /// The job its archive or request names.
    var jobId: String?
    /// Rows it held when first read.
    var rows: Int64
    /// Rows kept (not exact duplicates of an earlier row).
    var kept: Int64
    /// Ordinals (within this file, in reading order) of the rows that duplicate an earlier row.
    var skipped: [Int64]
    /// Index of its first row among every row recorded.
    var firstRecord: Int
}

/// Every distinct inconsistent row of the inputs, in input order.
///
/// Rows are not kept in memory: each `forEach` reads the response files again, one page at a
/// time, so a writer sees a million rows with the memory of one page. Each writer may iterate
/// independently (and on its own thread), which lets the XLSX writer run alongside the others.
public struct DiffStream: Sendable {
    let sources: [DiffSource]
    /// The job of every row, resolved once all inputs were read.
    let jobs: RowJobs

    /// Distinct rows, known from the first pass.
    public var count: Int64 { sources.reduce(0) { $0 + $1.kept } }

    /// A stream with no rows.
    public static let empty = DiffStream(sources: [], jobs: RowJobs())

    /// Calls `body` for every distinct row, in input order. Fails if a file changed since it was first read.
    public func forEach(_ body: (DiffRow) throws -> Void) throws {
        for source in sources where source.rows > 0 {
            let (data, _) = try Ingestor.readBytes(source.file)
            let value = try Ingestor.parse(data, file: source.file.userPath)
            let root = JSONReader(value, file: source.file.userPath)
            let pages = try DiffExtraction.pages(
                from: root, kind: source.kind, request: source.file.request, jobId: source.jobId, sourceId: source.sourceId)
            var ordinal: Int64 = 0
            var nextSkip = 0
            for page in pages {
                for var row in page.rows {
                    defer { ordinal += 1 }
                    if nextSkip < source.skipped.count, source.skipped[nextSkip] == ordinal {
                        nextSkip += 1
                        continue
                    }
                    row.jobId = jobs.job(source.firstRecord + Int(ordinal)) ?? row.jobId
                    try body(row)
                }
            }
            if ordinal != source.rows {
                throw DRSReportError.unreadableFile(
                    path: source.file.userPath, reason: "it changed while the report was written (\(source.rows) rows before, \(ordinal) now)")
            }
        }
    }
}

/// Which job a fact belongs to when its response does not say: its task's job, or, when the
/// inputs name exactly one job, that one.
struct JobResolver: Sendable {
    var taskJobs: [String: String] = [:]
    var onlyJob: String?

    func resolve(_ job: String?, task: String?) -> String? {
        if let job, !job.isEmpty { return job }
        if let task, let known = taskJobs[task] { return known }
        return onlyJob
    }
}
