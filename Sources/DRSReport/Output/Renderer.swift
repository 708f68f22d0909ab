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
        let evidence = try Self.evidence(for: result.report, files: written.sorted(), in: staging, options: options)
        try evidence.encoded().write(to: staging.appendingPathComponent(Evidence.fileName))
        // The old evidence goes first and the new one comes last: an interrupted render never
        // leaves evidence that vouches for outputs it did not write.
        try? manager.removeItem(at: outDirectory.appendingPathComponent(Evidence.fileName))
        for relative in written.sorted() + [Evidence.fileName] {
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
        return RenderSummary(files: (written + [Evidence.fileName]).sorted())
    }

    /// The options evidence.json records: what the CLI passed, the formats and time zone, and the
    /// templates by content (a custom template changes the output; its path must not leak).
    static func recordedOptions(_ options: RenderOptions) -> [String: String] {
        var recorded = options.recordedOptions
        recorded["formats"] = recorded["formats"] ?? options.formats.map(\.rawValue).joined(separator: ",")
        recorded["timezone"] = recorded["timezone"] ?? options.timeZone.identifier
        if let templates = options.templatesDirectory {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: templates.path)) ?? []).sorted()
            let digests = names.compactMap { name in
                FileManager.default.contents(atPath: templates.appendingPathComponent(name).path).map { "\(name)=\(sha256Hex($0))" }
            }
            recorded["templates"] = "custom: " + digests.joined(separator: " ")
        } else {
            recorded["templates"] = "built-in"
        }
        return recorded
    }

    static func evidence(for report: Report, files: [String], in staging: URL, options: RenderOptions) throws -> Evidence {
        var outputs: [FileDigest] = []
        for file in files {
            let data = try Data(contentsOf: staging.appendingPathComponent(file))
            outputs.append(FileDigest(path: file, sha256: sha256Hex(data), bytes: Int64(data.count)))
        }
        let recorded = recordedOptions(options)
        return Evidence(
            tool: report.generator, clock: Formatting.iso(report.generatedAt), clockSource: options.clockSource, options: recorded,
            inputs: report.sources.map { FileDigest(path: $0.file, sha256: $0.sha256, bytes: nil) },
            inputsDigest: report.inputsDigest, outputs: outputs, summary: EvidenceSummary(report))
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
