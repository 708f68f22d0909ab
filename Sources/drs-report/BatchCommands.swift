import ArgumentParser
import DRSReport
import Foundation

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
