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
