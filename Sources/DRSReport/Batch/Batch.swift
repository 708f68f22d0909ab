import DRSCompare
import DRSCore
import DRSIngest
import DRSOutput
import Foundation

/// Converts every archive and folder of saved responses under a root (`drs-report batch`).
public enum Batch {
    /// Finds the units under `root` in sorted order, never looking inside `exclude` (the output folder).
    public static func discover(_ root: URL, excluding exclude: URL?) throws(DRSReportError) -> [BatchUnit] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .inputNotFound(path: root.path)
        }
        var units: [BatchUnit] = []
        let excluded = exclude.map { InputDiscovery.realFolder($0) }
        var visited = Set<String>()
        func walk(_ folder: URL, relative: String) {
            let real = InputDiscovery.realFolder(folder)
            if let excluded, real == excluded { return }
            // Each real folder once: links that loop back are not followed again.
            guard visited.insert(real).inserted else { return }
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(InputDiscovery.manifestName).path) {
                units.append(BatchUnit(relative: relative, inputs: [folder.path]))
                return
            }
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
                !$0.hasPrefix(".")
            }.sorted()
            var files: [String] = []
            var folders: [String] = []
            for name in names {
                var isDirectory: ObjCBool = false
                let path = folder.appendingPathComponent(name).path
                _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                if isDirectory.boolValue {
                    folders.append(name)
                } else if name.lowercased().hasSuffix(".json") {
                    files.append(path)
                }
            }
            if !files.isEmpty { units.append(BatchUnit(relative: relative, inputs: files)) }
            for name in folders {
                walk(folder.appendingPathComponent(name), relative: relative == "." ? name : relative + "/" + name)
            }
        }
        walk(root, relative: ".")
        return units
    }

    /// Where a unit's reports go, relative to the output folder: `reports/<its relative path>/%report`,
    /// each path component with `%` written `%25`. No input name can produce `%report`, so no input
    /// takes another's folder (`_root`), the index (`index.html`) or `evidence.json`, and a folder's
    /// reports never hold a subfolder's (each render replaces its folder whole).
    static func outputRelative(_ unit: BatchUnit) -> String {
        let components =
            unit.relative == "."
            ? [] : unit.relative.split(separator: "/").map { $0.replacingOccurrences(of: "%", with: "%25") }
        return (["reports"] + components + ["%report"]).joined(separator: "/")
    }

    static func outputFolder(_ unit: BatchUnit, in out: URL) -> URL {
        out.appendingPathComponent(outputRelative(unit))
    }

    /// Runs the batch. Failures are collected, never thrown; only an unusable output folder throws.
    ///
    /// The whole output, index and every input's reports, is built in a staging folder beside `out`
    /// and swapped in one step, as a render's is: after any exit `out` holds the whole old batch or
    /// the whole new one. An unchanged input's reports are hard-linked from the old output, not
    /// rendered again; a failed input keeps its old reports.
    public static func run(
        root: URL, out: URL, options: BatchOptions, progress: @Sendable (BatchEvent) -> Void = { _ in }
    ) throws -> BatchResult {
        let out = out.standardizedFileURL
        let staging = try beginOutput(out)
        var swapped = false
        defer {
            TemporaryFolders.shared.remove(staging)
            if !swapped { try? FileManager.default.removeItem(at: staging) }
        }
        let all = try discover(root, excluding: out)
        let chosen = all.indices.filter { options.shard?.owns(all[$0].relative) ?? true }
        let units = chosen.map { all[$0] }
        let outcomes = Outcomes(count: units.count)
        let next = Counter()
        let workers = max(1, min(options.jobs, units.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = next.take(below: units.count) {
                let unit = units[index]
                let outcome = convert(
                    unit, previous: outputFolder(unit, in: out), into: outputFolder(unit, in: staging),
                    options: options, root: root)
                let done = outcomes.set(index, outcome)
                progress(BatchEvent(done: done, total: units.count, unit: unit, outcome: outcome))
            }
        }
        let results = zip(units, outcomes.all()).map { ($0, $1 ?? .failed(reason: "not run", previous: nil)) }
        let indexFiles = try BatchIndex.write(
            results, ordinals: chosen, shard: options.shard, to: staging, options: options)
        try OutputSwap.swap(staging, into: out)
        swapped = true
        return BatchResult(units: results, indexFiles: indexFiles)
    }

    /// The first symbolic link in a folder tree (or the folder itself), if any.
    static func firstSymbolicLink(in folder: URL) -> String? {
        let manager = FileManager.default
        if (try? manager.attributesOfItem(atPath: folder.path)[.type] as? FileAttributeType) == .typeSymbolicLink {
            return folder.path
        }
        guard let enumerator = manager.enumerator(atPath: folder.path) else { return nil }
        while let name = enumerator.nextObject() as? String {
            if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeSymbolicLink {
                return folder.appendingPathComponent(name).path
            }
        }
        return nil
    }

    /// Names a batch writes at the top of its output folder.
    static let ownNames: Set<String> = [
        "index.html", "index.md", "index.csv", Evidence.fileName, EvidenceSignature.fileName, BatchManifest.fileName,
        "reports", "diffs",
    ]

    /// Checks the output folder and creates the staging folder beside it (registered for clean-up).
    private static func beginOutput(_ out: URL) throws -> URL {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw DRSReportError.outputNotWritable(path: out.path, reason: "cannot create the folder")
        }
        try OutputPaths.requireNotWorkingDirectory(out, as: out.path)
        OutputSwap.removeStale(for: out)
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: out.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw DRSReportError.outputNotWritable(path: out.path, reason: "it is a file, not a folder")
            }
            let names = ((try? manager.contentsOfDirectory(atPath: out.path)) ?? []).filter { !$0.hasPrefix(".") }
            // A folder a batch wrote (its evidence.json, any earlier layout) or one holding only batch names.
            if !names.isEmpty, !names.contains(Evidence.fileName), names.contains(where: { !ownNames.contains($0) }) {
                throw DRSReportError.outputNotOurs(path: out.path)
            }
        }
        let staging = OutputSwap.stagingFolder(for: out)
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw DRSReportError.outputNotWritable(path: out.path, reason: "cannot create a staging folder")
        }
        TemporaryFolders.shared.add(staging)
        return staging
    }

    /// Merges the outputs of `batch --shard K/N` (every K of one N) into one batch folder at `out`:
    /// each input's reports are hard-linked (copied across file systems), and index.html/md/csv,
    /// batch.json and evidence.json are written as one unsharded run would write them.
    public static func mergeIndex(_ folders: [URL], out: URL, options: BatchOptions) throws -> BatchResult {
        guard !folders.isEmpty else {
            throw DRSReportError.shards(
                reason: "no shard folders given; pass every DIR that `batch \(OptionName.shard.ref) K/N` wrote.")
        }
        var byShard: [Int: URL] = [:]
        var count: Int?
        var units: [(ordinal: Int, unit: BatchManifest.Unit, folder: URL)] = []
        var recorded: [String: String]?
        var clock: (String, String)?
        for folder in folders.map(\.standardizedFileURL) {
            let manifest = try BatchManifest.read(from: folder)
            guard let text = manifest.shard else {
                throw DRSReportError.shards(
                    reason:
                        "\(folder.path): is a whole batch, not a shard; pass only folders written with \(OptionName.shard.ref) K/N."
                )
            }
            let shard = try Shard(parsing: text)
            if let count, count != shard.count {
                throw DRSReportError.shards(
                    reason:
                        "\(folder.path): is shard \(shard) but another folder is of \(count) shards; merge the shards of one run."
                )
            }
            count = shard.count
            if let other = byShard[shard.index] {
                throw DRSReportError.shards(
                    reason: "\(folder.path) and \(other.path) are both shard \(shard); pass each shard once.")
            }
            byShard[shard.index] = folder
            let evidence = try Evidence.read(from: folder)
            var options = evidence.options
            options.removeValue(forKey: "shard")
            options.removeValue(forKey: "signed_by")
            if let recorded, recorded != options {
                throw DRSReportError.shards(
                    reason:
                        "\(folder.path): was rendered with other options than the other shards; render every shard with the same options."
                )
            }
            recorded = options
            if let clock, clock != (evidence.clock, evidence.clockSource) {
                throw DRSReportError.shards(
                    reason:
                        "\(folder.path): has the clock \(evidence.clock) and the other shards \(clock.0); render every shard with one clock (\(OptionName.now.ref) or SOURCE_DATE_EPOCH)."
                )
            }
            clock = (evidence.clock, evidence.clockSource)
            for unit in manifest.units {
                // batch.json is data anyone can edit: a path must be one batch could have written, in this shard.
                let parts = unit.path.split(separator: "/", omittingEmptySubsequences: false)
                guard
                    unit.path == "."
                        || (!unit.path.hasPrefix("/") && !parts.contains { $0.isEmpty || $0 == "." || $0 == ".." }),
                    shard.owns(unit.path)
                else {
                    throw DRSReportError.shards(
                        reason:
                            "\(folder.path)/\(BatchManifest.fileName): lists '\(unit.path)', which shard \(shard) cannot hold; render that shard again."
                    )
                }
                units.append((unit.ordinal, unit, folder))
            }
        }
        if let count, let missing = (1...count).first(where: { byShard[$0] == nil }) {
            throw DRSReportError.shards(
                reason: "shard \(missing)/\(count) is missing; pass the folders of all \(count) shards.")
        }
        units.sort { $0.ordinal < $1.ordinal }
        var seen = Set<String>()
        for item in units where !seen.insert(item.unit.path).inserted {
            throw DRSReportError.shards(
                reason:
                    "\(item.unit.path) is in more than one shard; the shards come from different runs, render them again."
            )
        }
        // The index is written as the shards' run would have written it: their clock, language,
        // title and options; the templates must be the same ones.
        var merged = options
        merged.render.recordedOptions = recorded ?? [:]
        if let clock, let date = TimeParsing.parse(clock.0) {
            merged.ingest.now = date
            merged.render.clockSource = clock.1
        }
        if let lang = recorded?["lang"], let language = Language(rawValue: lang) { merged.ingest.language = language }
        merged.ingest.title = recorded?["title"]
        if let theirs = recorded?["templates"], theirs != Renderer.recordedOptions(merged.render)["templates"] {
            throw DRSReportError.shards(
                reason:
                    "the shards were rendered with other templates (\(theirs.prefix(60))); pass the same \(OptionName.templates.ref) to batch-index."
            )
        }
        let out = out.standardizedFileURL
        for folder in byShard.values where folder == out || folder.path.hasPrefix(out.path + "/") {
            throw DRSReportError.inputInsideOutput(input: folder.path, output: out.path)
        }
        let staging = try beginOutput(out)
        var swapped = false
        defer {
            TemporaryFolders.shared.remove(staging)
            if !swapped { try? FileManager.default.removeItem(at: staging) }
        }
        var results: [(BatchUnit, BatchOutcome)] = []
        for item in units {
            let unit = BatchUnit(relative: item.unit.path, inputs: [])
            let source = outputFolder(unit, in: item.folder)
            let evidence = try? Evidence.read(from: source)
            if evidence != nil {
                if let link = Self.firstSymbolicLink(in: source) {
                    throw DRSReportError.shards(
                        reason: "\(link): is a symbolic link, which batch never writes; render that shard again.")
                }
                try OutputSwap.link(source, to: outputFolder(unit, in: staging))
            }
            let outcome: BatchOutcome
            switch (item.unit.status, evidence) {
            case ("rendered", let e?): outcome = .rendered(e)
            case ("unchanged", let e?): outcome = .skipped(e)
            case ("failed", _): outcome = .failed(reason: item.unit.reason ?? "", previous: evidence)
            default:
                throw DRSReportError.shards(
                    reason:
                        "\(item.folder.path): lists \(item.unit.path) as \(item.unit.status) but holds no reports for it; render that shard again."
                )
            }
            results.append((unit, outcome))
        }
        let indexFiles = try BatchIndex.write(
            results, ordinals: units.map(\.ordinal), shard: nil, to: staging, options: merged)
        try OutputSwap.swap(staging, into: out)
        swapped = true
        return BatchResult(units: results, indexFiles: indexFiles)
    }

    private static func convert(_ unit: BatchUnit, previous old: URL, into new: URL, options: BatchOptions, root: URL)
        -> BatchOutcome
    {
        // Reasons name files relative to ROOT: the index must not carry the machine's paths.
        func relative(_ message: String) -> String {
            message.replacingOccurrences(of: root.path + "/", with: "").replacingOccurrences(
                of: root.standardizedFileURL.path + "/", with: "")
        }
        let previous = try? Evidence.read(from: old)
        do {
            let files = try InputDiscovery.discover(unit.inputs, observedAt: options.ingest.observedAt)
            if !options.force, let previous, try unchanged(files, previous: previous, out: old, options: options) {
                try OutputSwap.link(old, to: new)
                return .skipped(previous)
            }
            // Units already run side by side on every core, so each ingests first and renders after
            // (no workbook begun early), and a unit that fails creates no folder.
            let result = try Ingestor.ingest(
                files: files, options: options.ingest, spool: nil, threads: options.jobs > 1 ? 1 : nil)
            _ = try Renderer.render(result, to: new, options: options.render)
            return .rendered(try Evidence.read(from: new))
        } catch let error as DRSReportError {
            if previous != nil { try? OutputSwap.link(old, to: new) }
            return .failed(reason: relative(error.message(naming: options.optionNames)), previous: previous)
        } catch {
            if previous != nil { try? OutputSwap.link(old, to: new) }
            return .failed(reason: relative("\(error)"), previous: previous)
        }
    }

    /// Same input bytes, same options, and every output still there with its size.
    private static func unchanged(_ files: [ResponseFile], previous: Evidence, out: URL, options: BatchOptions) throws
        -> Bool
    {
        var current: [FileDigest] = []
        for file in files {
            let (_, digest) = try Ingestor.readBytes(file)
            current.append(FileDigest(path: file.displayPath, sha256: digest, bytes: nil))
        }
        let before = previous.inputs.map { "\($0.path)\u{1}\($0.sha256)" }
        let now = current.map { "\($0.path)\u{1}\($0.sha256)" }
        guard Set(before) == Set(now), before.count == now.count else { return false }
        guard previous.options == Renderer.recordedOptions(options.render) else { return false }
        for output in previous.outputs {
            let attributes = try? FileManager.default.attributesOfItem(
                atPath: out.appendingPathComponent(output.path).path)
            guard let size = attributes?[.size] as? NSNumber, size.int64Value == output.bytes else { return false }
        }
        return true
    }
}

/// Hands out indices to worker threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

/// Outcomes collected from worker threads.
final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [BatchOutcome?]
    private var done = 0

    init(count: Int) {
        outcomes = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ outcome: BatchOutcome) -> Int {
        lock.withLock {
            outcomes[index] = outcome
            done += 1
            return done
        }
    }

    func all() -> [BatchOutcome?] {
        lock.withLock { outcomes }
    }
}
