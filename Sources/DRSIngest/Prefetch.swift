import DRSCore
import DRSJSON
import DRSWire
import Foundation

/// A response file read, hashed, parsed and, when it carries inconsistent rows, extracted,
/// digested and encoded for the spool: the pure part of ingest, done ahead of the builder.
package struct PreparedFile: @unchecked Sendable {
    package let file: ResponseFile
    package let sourceId: String
    package let digest: String
    package let value: JSONValue
    package let kind: ResponseKind?
    /// The pages of rows, or the error extracting them raised; the builder throws it where it
    /// would have met it (after the kind's own reading), so errors do not change with the pipeline.
    package let pages: Result<[DiffPage], DRSReportError>
    /// Each row's digest, in page order.
    package let digests: [RowDigest]
    /// Each row's spool record, in page order.
    package let encoded: [UInt8]

    package static func prepare(_ file: ResponseFile, sourceId: String, mask: KeyMask? = nil) throws(DRSReportError)
        -> PreparedFile
    {
        var file = file
        let (data, digest) = try Ingestor.readBytes(file)
        var value = try Ingestor.parse(data, file: file.userPath)
        if let mask, mask.masksNames {
            // Names go before anything reads the response, so every fact and row joins on tokens.
            (value, file.request) = try mask.maskingNames(value, request: file.request)
        }
        let kind = ResponseKind.detect(value, request: file.request)
        var pages: Result<[DiffPage], DRSReportError> = .success([])
        var digests: [RowDigest] = []
        var encoded: [UInt8] = []
        if let kind {
            let jobId = file.archiveJobId ?? file.request?.value(after: "jobs")
            do throws(DRSReportError) {
                var extracted = try DiffExtraction.pages(
                    from: JSONReader(value, file: file.userPath), kind: kind, request: file.request, jobId: jobId,
                    sourceId: sourceId)
                for page in extracted.indices {
                    for index in extracted[page].rows.indices {
                        // The identity digest comes from the real values; only then is the row masked.
                        digests.append(RowBook.digest(extracted[page].rows[index]))
                        if let mask { extracted[page].rows[index] = mask.apply(extracted[page].rows[index]) }
                        RowSpool.encode(extracted[page].rows[index], into: &encoded)
                    }
                }
                pages = .success(extracted)
            } catch {
                pages = .failure(error)
            }
        }
        return PreparedFile(
            file: file, sourceId: sourceId, digest: digest, value: value, kind: kind, pages: pages, digests: digests,
            encoded: encoded)
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        file: ResponseFile, sourceId: String, digest: String, value: JSONValue, kind: ResponseKind?,
        pages: Result<[DiffPage], DRSReportError>, digests: [RowDigest], encoded: [UInt8]
    ) {
        self.file = file
        self.sourceId = sourceId
        self.digest = digest
        self.value = value
        self.kind = kind
        self.pages = pages
        self.digests = digests
        self.encoded = encoded
    }
}

/// Prepares files on background threads (one per core, at most two), a few ahead of the builder,
/// so reading and parsing run on every core while the builder counts. Files are handed over in order.
package final class Prefetcher: @unchecked Sendable {
    private let files: [ResponseFile]
    private let mask: KeyMask?
    private let condition = NSCondition()
    private var ready: [Int: Result<PreparedFile, DRSReportError>] = [:]
    private var next = 0
    private var taken = 0
    private var stopped = false
    /// Files prepared ahead at most (each holds its parsed tree and rows until the builder takes it).
    package static let ahead = 4

    /// `threads`: preparing threads (default: one per core, at most two).
    package init(files: [ResponseFile], threads: Int? = nil, mask: KeyMask? = nil) {
        self.files = files
        self.mask = mask
        guard files.count > 1 else { return }
        for _ in 0..<(threads ?? min(2, max(1, ProcessInfo.processInfo.activeProcessorCount))) {
            let thread = Thread { [self] in run() }
            thread.stackSize = 16 << 20
            thread.start()
        }
    }

    private func run() {
        while true {
            condition.lock()
            while next - taken >= Self.ahead, !stopped { condition.wait() }
            guard !stopped, next < files.count else {
                condition.unlock()
                return
            }
            let index = next
            next += 1
            condition.unlock()
            let result = Result { () throws(DRSReportError) in
                try PreparedFile.prepare(files[index], sourceId: "S\(index + 1)", mask: mask)
            }
            condition.lock()
            ready[index] = result
            // No file after a failing one is needed: the builder stops there.
            if case .failure = result { stopped = true }
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The prepared file at `index` (taken in order, each once).
    package func take(_ index: Int) throws(DRSReportError) -> PreparedFile {
        if files.count <= 1 { return try PreparedFile.prepare(files[index], sourceId: "S\(index + 1)", mask: mask) }
        condition.lock()
        while ready[index] == nil { condition.wait() }
        let result = ready.removeValue(forKey: index)!
        taken = index + 1
        condition.broadcast()
        condition.unlock()
        return try result.get()
    }

    /// Stops the thread (after an error, or when done).
    package func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
