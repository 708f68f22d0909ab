import ArgumentParser
import DRSReport
import Foundation

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render saved DRS responses (files, folders, archives) into HTML, Markdown, CSV, XLSX and JSON.",
        discussion: "Several inputs are merged into one report. Kinds are detected from each body's shape (docs/inputs.md)."
    )

    @Argument(help: "Response files, folders of them, or archive folders.")
    var inputs: [String]

    @Option(name: .long, help: "Output folder (created if missing).")
    var out: String

    @Option(name: .long, help: "Comma-separated formats: html,md,csv,xlsx,json (default: all).")
    var format: String = "all"

    @Option(name: .long, help: "Label language: en-us or zh-cn.")
    var lang: String = "en-us"

    @Option(name: .long, help: "Report clock (ISO-8601 or epoch seconds); default SOURCE_DATE_EPOCH, else now.")
    var now: String?

    @Option(name: .customLong("observed-at"), help: "Response time of loose files (default: their modification time).")
    var observedAt: String?

    @Option(name: .long, help: "Report title.")
    var title: String?

    @Option(name: .long, help: "Folder of templates overriding the built-in ones (report.html.mustache, report.md.mustache).")
    var templates: String?

    @Option(name: .customLong("max-html-rows"), help: "Rows per HTML table before \"N more rows in csv/…\".")
    var maxHTMLRows: Int = 1_000

    @Option(name: .customLong("max-md-rows"), help: "Inconsistent rows listed in report.md.")
    var maxMarkdownRows: Int = 20

    @Flag(name: .customLong("csv-bom"), help: "Start CSV files with a UTF-8 BOM (for Excel).")
    var csvBOM = false

    @Option(name: .customLong("expiry-window"), help: "\"Expiring soon\" window for DRS result files (e.g. 24h, 3d).")
    var expiryWindow: String = "24h"

    @Option(name: .long, help: "Time zone for displayed times: UTC, an IANA name or an offset like +08:00.")
    var timezone: String = "UTC"

    @Flag(name: .customLong("fail-on-inconsistent"), help: "Exit 3 when the verdict is INCONSISTENT.")
    var failOnInconsistent = false

    @Flag(name: .customLong("fail-on-incomplete"), help: "Exit 4 when the verdict is INCOMPLETE.")
    var failOnIncomplete = false

    @Flag(name: .shortAndLong, help: "Print nothing on success.")
    var quiet = false

    func validate() throws {
        if maxHTMLRows < 0 { throw ValidationError("--max-html-rows must be 0 or more.") }
        if maxMarkdownRows < 0 { throw ValidationError("--max-md-rows must be 0 or more.") }
    }

    func run() throws {
        var ingest = IngestOptions(now: try OptionParsing.now(now))
        ingest.observedAt = try observedAt.map { value throws(DRSReportError) in try OptionParsing.time(value, option: "--observed-at") }
        ingest.expiryWindowSeconds = try OptionParsing.duration(expiryWindow, option: "--expiry-window")
        ingest.title = title
        ingest.language = try OptionParsing.language(lang)
        var render = RenderOptions()
        render.formats = try OutputFormat.parseList(format)
        render.maxHTMLRows = maxHTMLRows
        render.maxMarkdownRows = maxMarkdownRows
        render.csvBOM = csvBOM
        render.timeZone = try OptionParsing.timeZone(timezone)
        ingest.previewRows = max(maxHTMLRows, maxMarkdownRows)
        if let templates {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: templates, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw DRSReportError.invalidOption(name: "--templates", value: templates, expected: "a folder of .mustache templates")
            }
            render.templatesDirectory = URL(fileURLWithPath: templates)
        }
        let result = try Ingestor.ingest(inputs, options: ingest)
        let summary = try Renderer.render(result, to: URL(fileURLWithPath: out), options: render)
        let report = result.report
        if !quiet {
            Output.line("Verdict: \(report.verdict.value.rawValue) (\(report.verdict.reasons.joined(separator: "; ")))")
            Output.line("Wrote \(summary.files.count) files to \(out):")
            for file in summary.files where !file.hasPrefix("csv/") || file == "csv/diffs.csv" {
                Output.line("  \(out)/\(file)")
            }
            if summary.files.contains(where: { $0.hasPrefix("csv/") }) {
                Output.line("  \(out)/csv/ (\(summary.files.filter { $0.hasPrefix("csv/") }.count) CSV files, one per section)")
            }
        }
        if failOnInconsistent && report.verdict.value == .inconsistent { throw ExitCode(ExitStatus.inconsistent.rawValue) }
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
