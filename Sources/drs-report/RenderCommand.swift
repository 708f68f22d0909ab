import ArgumentParser
import DRSReport
import Foundation

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render saved DRS responses (files, folders, archives) into HTML, Markdown, CSV, XLSX and JSON.",
        discussion:
            "Several inputs are merged into one report. Kinds are detected from each body's shape (docs/inputs.md). Every render also writes evidence.json (docs/evidence.md)."
    )

    @Argument(help: "Response files, folders of them, or archive folders.")
    var inputs: [String]

    @Option(name: .long, help: "Output folder (created if missing).")
    var out: String

    @OptionGroup var options: ReportOptions

    @Flag(name: .customLong("fail-on-inconsistent"), help: "Exit 3 when the verdict is INCONSISTENT.")
    var failOnInconsistent = false

    @Flag(name: .customLong("fail-on-incomplete"), help: "Exit 4 when the verdict is INCOMPLETE.")
    var failOnIncomplete = false

    @Flag(name: .shortAndLong, help: "Print nothing on success.")
    var quiet = false

    func validate() throws {
        if out.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--out must name a folder.") }
    }

    func run() throws {
        let (ingest, render) = try options.resolve()
        try InputDiscovery.requireOutside(inputs, output: out)
        let files = try InputDiscovery.discover(inputs, observedAt: ingest.observedAt)
        let progress = RenderProgress(files: files, formats: render.formats, quiet: quiet)
        defer { progress.finish(done: false) }
        let (result, summary) = try Renderer.render(
            files: files, ingest: ingest, to: URL(fileURLWithPath: out), options: render, progress: progress.read)
        progress.finish(done: true)
        let report = result.report
        if !quiet {
            Output.line(
                "Verdict: \(report.verdict.value.rawValue) (\(report.verdictSentences.joined(separator: "; ")))")
            Output.line("Wrote \(summary.files.count) files to \(out):")
            for file in summary.files
            where !(file.hasPrefix("csv/") && file != "csv/diffs.csv") && !file.hasPrefix("recheck/") {
                Output.line("  \(out)/\(file)")
            }
            if summary.files.contains(where: { $0.hasPrefix("csv/") }) {
                Output.line(
                    "  \(out)/csv/ (\(summary.files.filter { $0.hasPrefix("csv/") }.count) CSV files, one per section)")
            }
            let recheck = summary.files.filter { $0.hasPrefix("recheck/") }.count
            if recheck > 0 {
                Output.line(
                    "  \(out)/recheck/ (\(recheck) SQL files: the SELECTs that re-check each inconsistent table on source and target)"
                )
            }
        }
        if failOnInconsistent && report.verdict.value == .inconsistent {
            throw ExitCode(ExitStatus.inconsistent.rawValue)
        }
        if failOnIncomplete && report.verdict.value == .incomplete { throw ExitCode(ExitStatus.incomplete.rawValue) }
    }
}

struct FormatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "formats", abstract: "List the output formats.")

    func run() throws {
        for format in OutputFormat.allCases {
            Output.line("\(format.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(format.summary)")
        }
    }
}

struct ExpiryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expiry",
        abstract: "Show when DRS's own comparison result files expire.",
        discussion:
            "Exit codes: 0 nothing expires within the window, 5 something expires within the window, 6 something has expired (wins over 5), 2 bad input."
    )

    @Argument(help: "Response files, folders of them, or archive folders (as for render).")
    var inputs: [String]

    @Option(name: .long, help: "Window for \"expiring soon\" (e.g. 24h, 3d).")
    var within: String = "24h"

    @Option(
        name: .long, help: "Clock to judge against (ISO-8601 or epoch seconds); default SOURCE_DATE_EPOCH, else now.")
    var now: String?

    @Option(name: .customLong("observed-at"), help: "Response time of loose files (default: their modification time).")
    var observedAt: String?

    @Option(name: .long, help: "Time zone for displayed times.")
    var timezone: String = "UTC"

    @Flag(name: .long, help: "Print JSON for scripts.")
    var json = false

    func run() throws {
        var ingest = IngestOptions(now: try OptionParsing.now(now))
        ingest.observedAt = try observedAt.map { value throws(DRSReportError) in
            try OptionParsing.time(value, option: "--observed-at")
        }
        ingest.expiryWindowSeconds = try OptionParsing.duration(within, option: "--within")
        ingest.previewRows = 0
        let result = try Ingestor.ingest(inputs, options: ingest)
        let scan = ExpiryScan(result.report, now: ingest.now, window: ingest.expiryWindowSeconds)
        Output.raw(json ? try scan.json() : scan.text(timeZone: try OptionParsing.timeZone(timezone)))
        if scan.exitStatus != .success { throw ExitCode(scan.exitStatus.rawValue) }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash a rendered folder (or a whole batch) against its evidence.json.",
        discussion: "Exit codes: 0 every file matches, 7 a file changed, is missing or is extra, 2 no evidence.json."
    )

    @Argument(help: "A folder written by render or batch.")
    var folder: String

    @Option(
        name: .long, parsing: .upToNextOption,
        help: "Also re-hash these inputs (as given to render) against the digests evidence.json recorded.")
    var inputs: [String] = []

    @Option(
        name: .customLong("public-key"), help: "Ed25519 public key file (drs-report keygen): check evidence.sig too.")
    var publicKey: String?

    func run() throws {
        let url = URL(fileURLWithPath: folder)
        let result = inputs.isEmpty ? try Verifier.verify(url) : try Verifier.verify(url, inputs: inputs)
        for file in result.outside { Output.line("refused  \(file) (outside the folder)") }
        for file in result.changed { Output.line("changed  \(file)") }
        for file in result.missing { Output.line("missing  \(file)") }
        for file in result.extra { Output.line("extra    \(file)") }
        for file in result.inputsChanged { Output.line("input changed  \(file)") }
        for file in result.inputsMissing { Output.line("input missing  \(file)") }
        for file in result.inputsExtra { Output.line("input extra    \(file)") }
        var signatureValid = true
        if publicKey == nil,
            FileManager.default.fileExists(atPath: url.appendingPathComponent(EvidenceSignature.fileName).path)
        {
            Output.line("note: evidence.sig is present but not checked; pass --public-key to check it")
        }
        if let publicKey {
            let key = try EvidenceSignature.publicKey(file: publicKey)
            signatureValid = try EvidenceSignature.check(url, key: key)
            Output.line(
                signatureValid
                    ? "signature valid: evidence.json is signed by key \(EvidenceSignature.fingerprint(key))"
                    : "signature INVALID: evidence.sig is missing, or does not sign this evidence.json with key \(EvidenceSignature.fingerprint(key))"
            )
        }
        let inputsNote =
            inputs.isEmpty
            ? ""
            : "; inputs: \(result.inputsChanged.count) changed, \(result.inputsMissing.count) missing, \(result.inputsExtra.count) extra, \(result.inputsMatched) match"
        if result.isClean && signatureValid {
            Output.line("OK: \(result.matched) files match evidence.json\(inputsNote)")
        } else {
            Output.line(
                "FAILED: \(result.changed.count) changed, \(result.missing.count) missing, \(result.extra.count) extra, \(result.outside.count) outside; \(result.matched) match\(inputsNote)"
            )
            throw ExitCode(ExitStatus.verifyMismatch.rawValue)
        }
    }
}

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make an Ed25519 key pair for signing evidence.json (render --sign-key, verify --public-key).",
        discussion:
            "The private key file is created with mode 0600 and never overwritten. Keep it off the machines whose reports it signs if the signature must stand against their operators."
    )

    @Option(name: .customLong("private"), help: "Private key file to create.")
    var privateFile: String

    @Option(name: .customLong("public"), help: "Public key file to create.")
    var publicFile: String

    func run() throws {
        for path in [privateFile, publicFile] where FileManager.default.fileExists(atPath: path) {
            throw DRSReportError.outputNotWritable(path: path, reason: "it exists; keygen never overwrites a key")
        }
        let pair = EvidenceSignature.generate()
        guard
            FileManager.default.createFile(
                atPath: privateFile, contents: Data(pair.privateKey.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw DRSReportError.outputNotWritable(path: privateFile, reason: "cannot create the file")
        }
        guard
            FileManager.default.createFile(
                atPath: publicFile, contents: Data(pair.publicKey.utf8), attributes: [.posixPermissions: 0o644])
        else {
            throw DRSReportError.outputNotWritable(path: publicFile, reason: "cannot create the file")
        }
        let key = try EvidenceSignature.publicKey(file: publicFile)
        Output.line(
            "Wrote \(privateFile) (private, mode 0600) and \(publicFile) (public); key \(EvidenceSignature.fingerprint(key))"
        )
    }
}

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Render every archive and folder of saved responses under ROOT, with an index.",
        discussion:
            "Each input is rendered into DIR/<path relative to ROOT>/; DIR/index.html, index.md and index.csv list them all. Unchanged inputs are skipped unless --force. Exit 8 when any input failed (the others are written)."
    )

    @Argument(help: "Folder holding archives and folders of saved responses.")
    var root: String

    @Option(name: .long, help: "Output folder.")
    var out: String

    @Option(name: .long, help: "Inputs rendered at once (default: the number of cores).")
    var jobs: Int?

    @Flag(name: .long, help: "Render even inputs whose bytes have not changed since the last run.")
    var force = false

    @Option(
        name: .long,
        help:
            "Render only share K of N (1 ≤ K ≤ N), chosen by a hash of each input's path; merge the shares with batch-index."
    )
    var shard: String?

    @OptionGroup var options: ReportOptions

    @Flag(name: .shortAndLong, help: "Print only failures.")
    var quiet = false

    func validate() throws {
        if let jobs, !(1...64).contains(jobs) { throw ValidationError("--jobs must be between 1 and 64.") }
    }

    func run() throws {
        let (ingest, render) = try options.resolve()
        var batch = BatchOptions(ingest: ingest, render: render)
        batch.optionNames = Flags.flag
        batch.force = force
        batch.shard = try shard.map { text throws(DRSReportError) in try Shard(parsing: text) }
        if let jobs { batch.jobs = jobs }
        let progress = Progress(quiet: quiet)
        let result = try Batch.run(root: URL(fileURLWithPath: root), out: URL(fileURLWithPath: out), options: batch) {
            event in
            progress.report(event)
        }
        progress.finish()
        try BatchCommand.summarize(result, out: out, quiet: quiet, shard: batch.shard)
    }

    static func summarize(_ result: BatchResult, out: String, quiet: Bool, shard: Shard? = nil) throws {
        let failures = result.failures
        if !quiet {
            let rendered = result.units.filter { if case .rendered = $0.1 { true } else { false } }.count
            let skipped = result.units.filter { if case .skipped = $0.1 { true } else { false } }.count
            Output.line(
                "batch\(shard.map { " shard \($0)" } ?? ""): \(result.units.count) inputs: \(rendered) rendered, \(skipped) unchanged, \(failures.count) failed"
            )
            Output.line("  \(out)/index.html")
            Output.line("  \(out)/index.md")
            Output.line("  \(out)/index.csv")
        }
        if !failures.isEmpty {
            Output.errorLine("batch: \(failures.count) inputs failed:")
            for (unit, reason) in failures { Output.errorLine("  \(unit.relative): \(reason)") }
            throw ExitCode(ExitStatus.batchFailures.rawValue)
        }
    }
}

struct BatchIndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch-index",
        abstract: "Merge the outputs of batch --shard K/N into one batch folder with one index.",
        discussion:
            "Pass the folders of every shard of one run. Each input's reports are hard-linked (copied across file systems) into --out, and index.html, index.md, index.csv, batch.json and evidence.json are written as one unsharded batch would write them. Exit 8 when any input failed in its shard."
    )

    @Argument(help: "Folders written by batch --shard K/N, one per shard.")
    var folders: [String]

    @Option(name: .long, help: "Output folder for the merged batch.")
    var out: String

    @OptionGroup var options: ReportOptions

    @Flag(name: .shortAndLong, help: "Print only failures.")
    var quiet = false

    func run() throws {
        let (ingest, render) = try options.resolve()
        var batch = BatchOptions(ingest: ingest, render: render)
        batch.optionNames = Flags.flag
        let result = try Batch.mergeIndex(
            folders.map { URL(fileURLWithPath: $0) }, out: URL(fileURLWithPath: out), options: batch)
        try BatchCommand.summarize(result, out: out, quiet: quiet)
    }
}

/// A progress bar on a terminal, plain lines otherwise.
final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private let tty = isatty(STDERR_FILENO) != 0
    private let quiet: Bool
    private var drawn = false

    init(quiet: Bool) {
        self.quiet = quiet
    }

    func report(_ event: BatchEvent) {
        lock.withLock {
            let word: String
            switch event.outcome {
            case .rendered(let e): word = "rendered (\(e.summary.verdict))"
            case .skipped: word = "unchanged"
            case .failed: word = "FAILED"
            }
            if tty && !quiet {
                let width = 30
                let filled = event.total == 0 ? width : width * event.done / event.total
                let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
                FileHandle.standardError.write(
                    Data("\r[\(bar)] \(event.done)/\(event.total) \(event.unit.relative.prefix(40))\u{1B}[K".utf8))
                drawn = true
            } else if !quiet {
                Output.errorLine("batch: [\(event.done)/\(event.total)] \(event.unit.relative): \(word)")
            }
        }
    }

    func finish() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }
}

/// Render progress on standard error. On a terminal: a bar of the bytes read of the total, with the
/// files read and an ETA, then "writing …" until the reports are in place. Otherwise, for inputs of
/// 50 MB and more (a log of a long job), a plain line at each tenth. Nothing with --quiet.
final class RenderProgress {
    private let ends: [Int64]
    private let total: Int64
    private let tty = isatty(STDERR_FILENO) != 0
    private let quiet: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastTenth = 0
    private var drawn = false
    private let formats: String
    /// Inputs this large get plain progress lines when standard error is not a terminal.
    static let plainThreshold: Int64 = 50 << 20

    init(files: [ResponseFile], formats: [OutputFormat], quiet: Bool) {
        var sum: Int64 = 0
        ends = files.map { file in
            let size =
                (try? FileManager.default.attributesOfItem(atPath: file.url.path)[.size] as? NSNumber)??.int64Value ?? 0
            sum += size
            return sum
        }
        total = sum
        self.quiet = quiet
        self.formats = formats.map(\.rawValue).joined(separator: ", ")
    }

    private var active: Bool { !quiet && !ends.isEmpty && (tty || total >= Self.plainThreshold) }

    /// `done` files of the inputs are read.
    func read(_ done: Int) {
        guard active, done > 0, done <= ends.count else { return }
        let bytes = ends[done - 1]
        let elapsed = Date().timeIntervalSince(start)
        let fraction = total > 0 ? Double(bytes) / Double(total) : Double(done) / Double(ends.count)
        if tty {
            guard done == ends.count || Date().timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = Date()
            let width = 30
            let filled = min(width, Int(fraction * Double(width)))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let eta = fraction > 0.01 && done < ends.count ? ", ETA \(Self.clock(elapsed / fraction - elapsed))" : ""
            draw(
                "render: reading [\(bar)] \(Self.megabytes(bytes))/\(Self.megabytes(total)) MB, \(done)/\(ends.count) files\(eta)"
            )
        } else {
            let tenth = Int(fraction * 10)
            guard tenth > lastTenth || done == ends.count else { return }
            lastTenth = tenth
            Output.errorLine(
                "render: read \(Self.megabytes(bytes)) of \(Self.megabytes(total)) MB (\(done)/\(ends.count) files) in \(Self.clock(elapsed))"
            )
        }
        if done == ends.count { writing() }
    }

    private func writing() {
        let line = "render: writing \(formats)…"
        if tty { draw(line) } else { Output.errorLine(line) }
    }

    /// The reports are in place (`done`), or the render failed: the bar is erased either way.
    func finish(done: Bool) {
        guard active, !finished else { return }
        finished = true
        if tty, drawn {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        }
        if !tty, done { Output.errorLine("render: done in \(Self.clock(Date().timeIntervalSince(start)))") }
    }
    private var finished = false

    private func draw(_ line: String) {
        FileHandle.standardError.write(Data("\r\(line)\u{1B}[K".utf8))
        drawn = true
    }

    static func megabytes(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }

    static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
