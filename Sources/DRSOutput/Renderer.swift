import CSystemShims
import DRSCore
import DRSIngest
import Foundation

/// What a render wrote.
public struct RenderSummary: Sendable, Equatable {
    /// Paths relative to the output folder, sorted.
    public var files: [String]

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(files: [String]) {
        self.files = files
    }
}

/// Runs the writers and puts their files into the output folder atomically.
public enum Renderer {
    /// Writes every requested format and evidence.json into a staging folder beside `outDirectory`,
    /// then swaps the complete set into place in one step (`renameat2(RENAME_EXCHANGE)` on Linux;
    /// elsewhere two renames with a recorded rollback). After any exit `outDirectory` holds the whole
    /// old set or the whole new set, and `verify` passes on it. Staging folders left by killed runs
    /// are removed on the next run.
    public static func render(_ result: IngestResult, to outDirectory: URL, options: RenderOptions) throws
        -> RenderSummary
    {
        let staging = try Staging(outDirectory)
        defer { staging.end() }
        return try write(result, staging: staging, options: options, early: nil)
    }

    /// Ingests `files` and renders them, with the Diffs sheet of report.xlsx written while ingest
    /// still reads (from the row spool, on its own thread): on two cores the workbook, the long
    /// pole, then finishes soon after ingest instead of starting there. When the rows turn out to
    /// need a second look (duplicates skipped, jobs resolved later, more than one Diffs sheet), that
    /// early workbook is dropped and written again the ordinary way: the bytes are the same either way.
    /// `progress` is called with the number of files ingested.
    public static func render(
        files: [ResponseFile], ingest: IngestOptions, to outDirectory: URL, options: RenderOptions,
        progress: ((Int) -> Void)? = nil
    ) throws -> (IngestResult, RenderSummary) {
        let staging = try Staging(outDirectory)
        defer { staging.end() }
        var early: EarlyWorkbook?
        var spool: RowSpool?
        if options.formats.contains(.xlsx), files.count > 1 {
            let created = try RowSpool()
            spool = created
            early = EarlyWorkbook(
                spool: created, directory: staging.folder, language: ingest.language, created: ingest.now,
                generator: "drs-report \(DRSReportVersion.current)", timeZone: options.timeZone)
        }
        let result: IngestResult
        do {
            result = try Ingestor.ingest(files: files, options: ingest, spool: spool, progress: progress)
        } catch {
            spool?.abandon()
            early?.cancel()
            throw error
        }
        return (result, try write(result, staging: staging, options: options, early: early))
    }

    /// The staging folder beside the output, removed unless swapped in.
    package final class Staging {
        package let out: URL
        package let folder: URL
        package var swapped = false
        /// Folders above the output this run created, deepest first: removed again (when still
        /// empty) if the render fails, so a failed render leaves nothing behind.
        private var created: [URL] = []

        /// `ownNames`: the top-level names this command writes; a folder holding anything else is refused.
        package init(_ outDirectory: URL, ownNames: Set<String> = Renderer.ownNames) throws {
            let manager = FileManager.default
            out = outDirectory.standardizedFileURL
            let parent = out.deletingLastPathComponent()
            var missing = parent
            while !manager.fileExists(atPath: missing.path), missing.path != "/" {
                created.append(missing)
                missing = missing.deletingLastPathComponent()
            }
            do {
                try manager.createDirectory(at: parent, withIntermediateDirectories: true)
            } catch {
                throw DRSReportError.outputNotWritable(path: parent.path, reason: "cannot create the folder")
            }
            guard manager.isWritableFile(atPath: parent.path) else {
                throw DRSReportError.outputNotWritable(path: parent.path, reason: "permission denied")
            }
            try OutputPaths.requireNotWorkingDirectory(out, as: outDirectory.relativePath)
            OutputSwap.removeStale(for: out)
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: out.path, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw DRSReportError.outputNotWritable(path: out.path, reason: "it is a file, not a folder")
                }
                // The whole folder is replaced: refuse to replace one holding anything drs-report does not write.
                let names = ((try? manager.contentsOfDirectory(atPath: out.path)) ?? []).filter {
                    !$0.hasPrefix(".drs-report-staging-")
                }
                if names.contains(where: { !ownNames.contains($0) }) {
                    throw DRSReportError.outputNotOurs(path: out.path)
                }
            }
            folder = OutputSwap.stagingFolder(for: out)
            do {
                try manager.createDirectory(at: folder, withIntermediateDirectories: false)
            } catch {
                throw DRSReportError.outputNotWritable(path: parent.path, reason: "cannot create a staging folder")
            }
            TemporaryFolders.shared.add(folder)
        }

        package func end() {
            TemporaryFolders.shared.remove(folder)
            guard !swapped else { return }
            try? FileManager.default.removeItem(at: folder)
            for url in created { rmdir(url.path) }
        }
    }

    private static func write(_ result: IngestResult, staging: Staging, options: RenderOptions, early: EarlyWorkbook?)
        throws -> RenderSummary
    {
        let out = staging.out
        let writers = options.formats.map(\.writer)
        let outcomes = WriterOutcomes(count: writers.count)
        let folder = staging.folder
        // Each writer also hashes its own files for evidence.json, on its own thread.
        @Sendable func run(_ index: Int) {
            do {
                let files: [String]
                if writers[index].format == .xlsx, let early, try early.complete(result, options: options) {
                    files = ["report.xlsx"]
                } else {
                    files = try writers[index].write(result.report, diffs: result.diffs, into: folder, options: options)
                }
                outcomes.set(index, .success(try files.map { try digest(of: $0, in: folder) }))
            } catch {
                outcomes.set(index, .failure(error))
            }
        }
        if early != nil, let workbook = writers.firstIndex(where: { $0.format == .xlsx }) {
            // Two lanes on two cores: the workbook (single-threaded libxlsxwriter, the long pole,
            // whose Diffs rows are still being written) and, one after another, every other
            // writer. No third thread competes with the workbook for a core.
            let others = writers.indices.filter { $0 != workbook }
            DispatchQueue.concurrentPerform(iterations: 2) { lane in
                if lane == 0 { run(workbook) } else { others.forEach(run) }
            }
        } else {
            // The writers run side by side, each reading the row spool itself; XLSX is one of them
            // and never shares its workbook with another thread.
            DispatchQueue.concurrentPerform(iterations: writers.count) { run($0) }
        }
        var digests: [FileDigest] = []
        for outcome in outcomes.all() {
            switch outcome {
            case .success(let files): digests += files
            case .failure(let error): throw OutputSwap.plain(error, path: out.path)
            case nil: throw DRSReportError.outputNotWritable(path: out.path, reason: "a writer did not finish")
            }
        }
        var written = digests.map(\.path)
        do {
            let evidence = Self.evidence(
                for: result.report, outputs: digests.sorted { $0.path < $1.path }, options: options)
            written += try evidence.write(into: staging.folder, signingKey: options.signingKey).filter {
                $0 != Evidence.fileName
            }
        } catch {
            throw OutputSwap.plain(error, path: out.path)
        }
        try OutputSwap.swap(staging.folder, into: out)
        staging.swapped = true
        return RenderSummary(files: (written + [Evidence.fileName]).sorted())
    }

    /// Every name a render writes at the top of its folder.
    package static let ownNames: Set<String> = [
        "report.html", "report.md", "report.json", "report.xlsx", "csv", "recheck", Evidence.fileName, "evidence.sig",
    ]

    /// The options evidence.json records: what the CLI passed, the formats and time zone, and the
    /// templates by content (a custom template changes the output; its path must not leak).
    package static func recordedOptions(_ options: RenderOptions) -> [String: String] {
        var recorded = options.recordedOptions
        if let key = options.signingKey { recorded["signed_by"] = "ed25519:" + key.fingerprint }
        recorded["formats"] = recorded["formats"] ?? options.formats.map(\.rawValue).joined(separator: ",")
        recorded["timezone"] = recorded["timezone"] ?? Formatting.zoneLabel(options.timeZone)
        if let templates = options.templatesDirectory {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: templates.path)) ?? []).sorted()
            let digests = names.compactMap { name in
                FileManager.default.contents(atPath: templates.appendingPathComponent(name).path).map {
                    "\(name)=\(sha256Hex($0))"
                }
            }
            recorded["templates"] = "custom: " + digests.joined(separator: " ")
        } else {
            recorded["templates"] = "built-in"
        }
        return recorded
    }

    /// The digest evidence.json records for `file`, read back from the staging folder.
    package static func digest(of file: String, in staging: URL) throws -> FileDigest {
        guard let digest = sha256OfFile(staging.appendingPathComponent(file)) else {
            throw DRSReportError.outputNotWritable(path: file, reason: "it cannot be read back for its digest")
        }
        return FileDigest(path: file, sha256: digest.hex, bytes: digest.bytes)
    }

    /// evidence.json for `report`, whose files `outputs` lists sorted by path.
    package static func evidence(for report: Report, outputs: [FileDigest], options: RenderOptions) -> Evidence {
        let recorded = recordedOptions(options)
        var evidence = Evidence(
            tool: report.generator, clock: Formatting.iso(report.generatedAt), clockSource: options.clockSource,
            options: recorded,
            inputs: report.sources.map { FileDigest(path: $0.file, sha256: $0.sha256, bytes: nil) },
            inputsDigest: report.inputsDigest, outputs: outputs, summary: EvidenceSummary(report))
        if !options.meta.isEmpty { evidence.meta = options.meta }
        if !options.masking.isEmpty { evidence.masking = options.masking }
        return evidence
    }
}

/// Results collected from concurrent writers.
private final class WriterOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [Result<[FileDigest], Error>?]

    package init(count: Int) {
        outcomes = Array(repeating: nil, count: count)
    }

    package func set(_ index: Int, _ outcome: Result<[FileDigest], Error>) {
        lock.withLock { outcomes[index] = outcome }
    }

    package func all() -> [Result<[FileDigest], Error>?] {
        lock.withLock { outcomes }
    }
}

/// Putting a finished output folder in place of the old one in one step.
package enum OutputSwap {
    package static let stagingMarker = ".drs-report-staging-"
    package static let oldMarker = ".drs-report-old-"

    /// `PARENT/.NAME.drs-report-staging-PID-RANDOM`: beside the output, on the same file system.
    package static func stagingFolder(for out: URL) -> URL {
        out.deletingLastPathComponent().appendingPathComponent(
            ".\(out.lastPathComponent)\(stagingMarker)\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        )
    }

    /// Swaps `staging` into `out`; the old set, now at `staging`, is removed.
    package static func swap(_ staging: URL, into out: URL) throws {
        let manager = FileManager.default
        if !manager.fileExists(atPath: out.path) {
            if rename(staging.path, out.path) != 0 {
                throw DRSReportError.outputNotWritable(path: out.path, reason: String(cString: strerror(errno)))
            }
            return
        }
        if drs_rename_exchange(staging.path, out.path) == 0 {
            try? manager.removeItem(at: staging)
            return
        }
        // No atomic exchange here (another kernel or file system): move the old set aside, move the
        // new one in, and put the old one back if that fails. The old set's name says what it is, so
        // the next run restores it if this one is killed in between.
        let old = out.deletingLastPathComponent().appendingPathComponent(
            ".\(out.lastPathComponent)\(oldMarker)\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        )
        guard rename(out.path, old.path) == 0 else {
            throw DRSReportError.outputNotWritable(path: out.path, reason: String(cString: strerror(errno)))
        }
        guard rename(staging.path, out.path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = rename(old.path, out.path)
            throw DRSReportError.outputNotWritable(path: out.path, reason: reason)
        }
        try? manager.removeItem(at: old)
    }

    /// Removes staging folders of runs that are no longer alive, and restores an old set that a
    /// killed fallback swap left aside. Also removes the in-folder staging of earlier versions.
    package static func removeStale(for out: URL) {
        let manager = FileManager.default
        let parent = out.deletingLastPathComponent()
        let prefix = "." + out.lastPathComponent
        for name in (try? manager.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            for marker in [stagingMarker, oldMarker] where rest.hasPrefix(marker) {
                let pid = Int32(rest.dropFirst(marker.count).split(separator: "-").first ?? "") ?? 0
                guard pid > 0, pid != ProcessInfo.processInfo.processIdentifier, kill(pid, 0) != 0, errno == ESRCH
                else { continue }
                let path = parent.appendingPathComponent(name)
                if marker == oldMarker, !manager.fileExists(atPath: out.path) {
                    _ = rename(path.path, out.path)
                } else {
                    try? manager.removeItem(at: path)
                }
            }
        }
        for name in (try? manager.contentsOfDirectory(atPath: out.path)) ?? [] where name.hasPrefix(stagingMarker) {
            try? manager.removeItem(at: out.appendingPathComponent(name))
        }
    }

    /// Hard-links every file of a folder into a new one (copying where a link is not possible), so an
    /// unchanged batch input keeps its reports without being rendered again.
    package static func link(_ from: URL, to: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: to, withIntermediateDirectories: true)
        for name in try manager.contentsOfDirectory(atPath: from.path) {
            let source = from.appendingPathComponent(name)
            let target = to.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            _ = manager.fileExists(atPath: source.path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                try link(source, to: target)
            } else if posixLink(source.path, target.path) != 0 {
                try manager.copyItem(at: source, to: target)
            }
        }
    }

    private static func posixLink(_ from: String, _ to: String) -> Int32 {
        #if canImport(Glibc)
        return Glibc.link(from, to)
        #elseif canImport(Darwin)
        return Darwin.link(from, to)
        #else
        return -1
        #endif
    }

    /// A writer's failure as a plain message: a full disk is "no space left on device", not an NSError dump.
    package static func plain(_ error: Error, path: String) -> Error {
        if error is DRSReportError { return error }
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return DRSReportError.outputNotWritable(path: path, reason: String(cString: strerror(Int32(posix.code))))
        }
        if ns.domain == NSPOSIXErrorDomain {
            return DRSReportError.outputNotWritable(path: path, reason: String(cString: strerror(Int32(ns.code))))
        }
        switch ns.code {
        case NSFileWriteOutOfSpaceError:
            return DRSReportError.outputNotWritable(path: path, reason: "no space left on device")
        case NSFileWriteNoPermissionError:
            return DRSReportError.outputNotWritable(path: path, reason: "permission denied")
        case NSFileWriteInapplicableStringEncodingError:
            return DRSReportError.outputNotWritable(path: path, reason: "a value cannot be encoded")
        default: return DRSReportError.outputNotWritable(path: path, reason: "writing failed (\(ns.domain) \(ns.code))")
        }
    }
}
