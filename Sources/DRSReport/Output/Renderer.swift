import Foundation

/// What a render wrote.
public struct RenderSummary: Sendable, Equatable {
    /// Paths relative to the output folder, sorted.
    public var files: [String]
}

/// Runs the writers and puts their files into the output folder atomically.
public enum Renderer {
    /// Writes every requested format. Writers run concurrently into a staging folder inside `outDirectory`;
    /// only when all succeed is each file renamed into place, so a failed run leaves nothing half-written.
    public static func render(_ result: IngestResult, to outDirectory: URL, options: RenderOptions) throws -> RenderSummary {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: outDirectory, withIntermediateDirectories: true)
        } catch {
            throw DRSReportError.outputNotWritable(path: outDirectory.path, reason: "cannot create the folder")
        }
        guard manager.isWritableFile(atPath: outDirectory.path) else {
            throw DRSReportError.outputNotWritable(path: outDirectory.path, reason: "permission denied")
        }
        let staging = outDirectory.appendingPathComponent(".drs-report-staging-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw DRSReportError.outputNotWritable(path: outDirectory.path, reason: "cannot create a staging folder")
        }
        defer { try? manager.removeItem(at: staging) }

        let writers = options.formats.map(\.writer)
        let outcomes = WriterOutcomes(count: writers.count)
        // Each writer reads the diff stream itself, so they run side by side; XLSX (single-threaded
        // libxlsxwriter) is one of them and never shares its workbook with another thread.
        DispatchQueue.concurrentPerform(iterations: writers.count) { index in
            do {
                let files = try writers[index].write(result.report, diffs: result.diffs, into: staging, options: options)
                outcomes.set(index, .success(files))
            } catch {
                outcomes.set(index, .failure(error))
            }
        }
        var written: [String] = []
        for outcome in outcomes.all() {
            switch outcome {
            case .success(let files): written += files
            case .failure(let error): throw error
            case nil: throw DRSReportError.outputNotWritable(path: outDirectory.path, reason: "a writer did not finish")
            }
        }
        for relative in written.sorted() {
            let from = staging.appendingPathComponent(relative)
            let to = outDirectory.appendingPathComponent(relative)
            do {
                try manager.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
                if rename(from.path, to.path) != 0 {
                    throw DRSReportError.outputNotWritable(path: to.path, reason: String(cString: strerror(errno)))
                }
            } catch let error as DRSReportError {
                throw error
            } catch {
                throw DRSReportError.outputNotWritable(path: to.path, reason: "cannot create its folder")
            }
        }
        return RenderSummary(files: written.sorted())
    }
}

/// Results collected from concurrent writers.
private final class WriterOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [Result<[String], Error>?]

    init(count: Int) {
        outcomes = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ outcome: Result<[String], Error>) {
        lock.withLock { outcomes[index] = outcome }
    }

    func all() -> [Result<[String], Error>?] {
        lock.withLock { outcomes }
    }
}
