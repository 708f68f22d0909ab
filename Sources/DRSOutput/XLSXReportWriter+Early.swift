import DRSCore
import DRSIngest
import Foundation
import XLSXWriter

/// The Diffs sheet written while ingest still reads: on its own thread, following the row spool.
/// Right when the stream turns out to be the spool as read (`DiffStream.asRead`) and fits one
/// sheet; otherwise `complete` says no and the ordinary writer runs.
package final class EarlyWorkbook: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var build: XLSXBuild?
    private var outcome: Result<Bool, Error> = .success(false)

    package init(
        spool: RowSpool, directory: URL, language: Language, created: Date, generator: String, timeZone: TimeZone
    ) {
        let thread = Thread { [self] in
            defer { done.signal() }
            do {
                // Errors are mapped as the ordinary writer maps them.
                try XLSXBuild.mapped {
                    let build = try XLSXBuild(
                        directory: directory, language: language, created: created, generator: generator, diffCount: 1,
                        rowsPerSheet: Worksheet.maxRows - 1, timeZone: timeZone)
                    self.build = build
                    outcome = .success(try build.writeDiffs(.empty, follow: spool))
                }
            } catch {
                outcome = .failure(error)
            }
        }
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Workbooks begun early and kept (for tests: the early path must really be taken).
    package nonisolated(unsafe) static var kept = 0
    private static let keptLock = NSLock()

    /// Waits for the Diffs sheet; when it is right for `result`, writes the rest and returns true.
    /// Otherwise discards the workbook and returns false. Workbook errors are thrown.
    package func complete(_ result: IngestResult, options: RenderOptions) throws -> Bool {
        done.wait()
        guard let build else {
            if case .failure(let error) = outcome, !(error is RowSpool.Abandoned) { throw error }
            return false
        }
        guard case .success(true) = outcome, result.diffs.asRead else {
            build.discard()
            if case .failure(let error) = outcome, !(error is RowSpool.Abandoned) { throw error }
            return false
        }
        do {
            try XLSXBuild.mapped { try build.finish(result.report, meta: options.meta, signOff: options.signOff) }
        } catch {
            build.discard()
            throw error
        }
        Self.keptLock.withLock { Self.kept += 1 }
        return true
    }

    /// Waits for the thread and removes what it wrote (ingest failed).
    package func cancel() {
        done.wait()
        build?.discard()
    }
}
