import DRSCore
import Foundation

/// Every distinct inconsistent row of the inputs, in input order.
///
/// Rows are not kept in memory: ingest parsed each response once and appended its rows to a
/// `RowSpool`; each `forEach` reads the spool again through a small window, so a writer sees a
/// million rows with the memory of that window. Writers iterate independently, on their own threads.
public struct DiffStream: Sendable {
    package let spool: RowSpool?
    /// Rows recorded that are exact duplicates of a kept row (sorted record indices).
    package let skipped: [Int]
    /// The job of every row, resolved once all inputs were read.
    package let jobs: RowJobs
    /// True when the stream is the spool exactly as it was appended (no row skipped, every job as
    /// its response said): what a writer that followed the spool during ingest wrote is then right.
    package var asRead = true

    /// Distinct rows.
    public var count: Int64 { Int64((spool?.records ?? 0) - skipped.count) }

    /// A stream with no rows.
    public static let empty = DiffStream(spool: nil, skipped: [], jobs: RowJobs(), asRead: true)

    /// Calls `body` for every distinct row, in input order.
    public func forEach(_ body: (DiffRow) throws -> Void) throws {
        try forEachRaw { raw in try body(raw.row(jobId: jobs.job(raw.index))) }
    }

    /// The first rows of each table in `limits` (at most its limit), in input order, from one pass
    /// over the spool that decodes only rows whose source table may match; it stops once every
    /// table has its rows.
    package func firstRows(of limits: [TableKey: Int]) throws -> [TableKey: [DiffRow]] {
        var wanted = limits.filter { $0.value > 0 }
        guard !wanted.isEmpty else { return [:] }
        func hash(_ db: UnsafeRawBufferPointer, _ table: UnsafeRawBufferPointer) -> Int {
            var hasher = Hasher()
            hasher.combine(bytes: db)
            hasher.combine(0 as UInt8)
            hasher.combine(bytes: table)
            return hasher.finalize()
        }
        var hashes = Set<Int>()
        for key in wanted.keys {
            let db = Array(key.sourceDb.utf8)
            let table = Array(key.sourceTable.utf8)
            hashes.insert(db.withUnsafeBytes { d in table.withUnsafeBytes { t in hash(d, t) } })
        }
        var found: [TableKey: [DiffRow]] = [:]
        struct Done: Error {}
        do {
            try forEachRaw { raw in
                let h = hash(
                    UnsafeRawBufferPointer(raw.bytes(.sourceDb)), UnsafeRawBufferPointer(raw.bytes(.sourceTable)))
                guard hashes.contains(h) else { return }
                let row = raw.row(jobId: jobs.job(raw.index))
                let key = TableKey(row)
                guard let left = wanted[key] else { return }
                found[key, default: []].append(row)
                if left <= 1 {
                    wanted[key] = nil
                    if wanted.isEmpty { throw Done() }
                } else {
                    wanted[key] = left - 1
                }
            }
        } catch is Done {}
        return found
    }

    /// Calls `body` for every distinct row as bytes (the writers' fast path). The job of a row is
    /// `jobs.job(raw.index)` when resolved, else the row's own.
    package func forEachRaw(_ body: (RawDiffRow) throws -> Void) throws {
        guard let spool else { return }
        var nextSkip = 0
        try spool.read { raw in
            if nextSkip < skipped.count, skipped[nextSkip] == raw.index {
                nextSkip += 1
                return
            }
            try body(raw)
        }
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(spool: RowSpool?, skipped: [Int], jobs: RowJobs, asRead: Bool = true) {
        self.asRead = asRead
        self.spool = spool
        self.skipped = skipped
        self.jobs = jobs
    }
}

/// Which job a fact belongs to when its response does not say: its task's job, or, when the
/// inputs name exactly one job, that one.
package struct JobResolver: Sendable {
    package var taskJobs: [String: String] = [:]
    package var onlyJob: String?

    package func resolve(_ job: String?, task: String?) -> String? {
        if let job, !job.isEmpty { return job }
        if let task, let known = taskJobs[task] { return known }
        return onlyJob
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(taskJobs: [String: String] = [:], onlyJob: String? = nil) {
        self.taskJobs = taskJobs
        self.onlyJob = onlyJob
    }
}
