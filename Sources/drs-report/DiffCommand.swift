import ArgumentParser
import DRSReport
import Foundation

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract:
            "Compare two runs of a comparison: what a re-run fixed, what remains and what is new, per table and per row.",
        discussion: """
            BEFORE and AFTER are render outputs (folders holding report.json) or inputs render accepts, which are rendered \
            first with the same options. Writes diff.html, diff.md, diff.csv, diff_rows.csv, diff.json and evidence.json \
            (docs/diff.md). The verdict is IMPROVED, UNCHANGED, REGRESSED or MIXED; the rule is written in every output.
            """
    )

    @Argument(help: "The earlier run: a render's folder, or inputs as render takes them.")
    var before: String

    @Argument(help: "The later run: a render's folder, or inputs as render takes them.")
    var after: String

    @Option(name: .long, help: "Output folder (created if missing).")
    var out: String

    @Flag(
        name: .customLong("fail-on-regression"),
        help:
            "Exit 11 when anything got worse: a table newly inconsistent, newly not compared or no longer compared, or a new inconsistent row."
    )
    var failOnRegression = false

    @Flag(
        name: .customLong("allow-different-jobs"),
        help: "Compare runs of different jobs (tables and rows are matched by name).")
    var allowDifferentJobs = false

    @OptionGroup var options: ReportOptions

    @Flag(name: .shortAndLong, help: "Print nothing on success.")
    var quiet = false

    func validate() throws {
        if out.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--out must name a folder.") }
    }

    func run() throws {
        let (ingest, render) = try options.resolve()
        var diffOptions = RunDiffOptions()
        diffOptions.render = render
        diffOptions.now = ingest.now
        diffOptions.allowDifferentJobs = allowDifferentJobs
        let all = RunDiffFormat.allCases.map(\.rawValue)
        let asked =
            options.format.text == "all"
            ? all : options.format.text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let formats = try asked.map { name -> RunDiffFormat in
            guard let format = RunDiffFormat(rawValue: name) else {
                throw DRSReportError.invalidOption(
                    name: "--format", value: name,
                    expected: "a comma-separated list of html, md, csv, json (diff writes no xlsx)")
            }
            return format
        }
        diffOptions.formats = RunDiffFormat.allCases.filter(formats.contains)
        try InputDiscovery.requireOutside([before, after], output: out)

        // A side that is not a render's folder is rendered first, report.json only, into a private
        // temporary folder (removed at the end, and on Ctrl-C).
        var rendered: [RenderedSide] = []
        defer { rendered.forEach { $0.remove() } }
        func reportJSON(_ side: String) throws -> URL {
            let candidate = URL(fileURLWithPath: side).appendingPathComponent("report.json")
            if FileManager.default.fileExists(atPath: candidate.path) {
                // Masking happens as inputs are read: a render's report.json is compared as it was written.
                if options.mask != nil {
                    throw DRSReportError.invalidOption(
                        name: "--mask", value: options.mask ?? "",
                        expected:
                            "to be given when diff renders inputs; \(side) is a render's folder, so mask when rendering it"
                    )
                }
                return candidate
            }
            let side = try RenderedSide(inputs: [side], ingest: ingest, render: render)
            rendered.append(side)
            return side.reportJSON
        }
        let (diff, files) = try RunDiffWriter.write(
            before: try reportJSON(before), after: try reportJSON(after), beforeName: before, afterName: after,
            to: URL(fileURLWithPath: out), options: diffOptions)
        if !quiet {
            let counts = diff.counts
            Output.line(
                "Change: \(diff.verdict.rawValue) (tables: \(counts[.fixed] ?? 0) fixed, \(counts[.stillInconsistent] ?? 0) still inconsistent, "
                    + "\(counts[.newlyInconsistent] ?? 0) newly inconsistent, \(counts[.newlyNotCompared] ?? 0) newly not compared, "
                    + "\(counts[.noLongerCompared] ?? 0) no longer compared; rows: \(diff.rowsFixed) fixed, \(diff.rowsRemaining) remaining, \(diff.rowsNew) new"
                    + (diff.rowsUnverified > 0 ? ", \(diff.rowsUnverified) gone without a re-check of their table" : "")
                    + ")")
            Output.line("Wrote \(files.count) files to \(out):")
            for file in files { Output.line("  \(out)/\(file)") }
        }
        if failOnRegression && diff.regressed { throw ExitCode(ExitStatus.regressed.rawValue) }
    }
}
