import ArgumentParser
import DRSReport
import Foundation

/// Options shared by render and batch.
struct ReportOptions: ParsableArguments {
    @Option(name: .long, help: "Comma-separated formats: html,md,csv,xlsx,json,sql, or all.")
    var format: FormatListOption = .all

    @Option(name: .long, help: "Label language.")
    var lang: LanguageOption = .enUS

    @Option(name: .long, help: "Report clock (ISO-8601 or epoch seconds); default SOURCE_DATE_EPOCH, else now.")
    var now: String?

    @Option(name: .customLong("observed-at"), help: "Response time of loose files (default: their modification time).")
    var observedAt: String?

    @Option(name: .long, help: "Report title.")
    var title: String?

    @Option(
        name: .long,
        help:
            "Folder of templates overriding the built-in ones (report.html.mustache, report.md.mustache, index.*.mustache)."
    )
    var templates: String?

    @Option(name: .customLong("max-html-rows"), help: "Rows per HTML table before \"N more rows in csv/…\".")
    var maxHTMLRows: Int = 1_000

    @Option(name: .customLong("max-md-rows"), help: "Inconsistent rows listed in report.md.")
    var maxMarkdownRows: Int = 20

    @Option(
        name: .customLong("max-rows-per-table"),
        help: "Inconsistent rows of one table shown in report.html (and kept for previews).")
    var maxRowsPerTable: Int = 20

    @Option(name: .customLong("max-md-tables"), help: "Inconsistent tables listed in report.md.")
    var maxMarkdownTables: Int = 20

    @Option(
        name: .customLong("md-max-chars"),
        help:
            "Size cap of report.md in characters (UTF-16 units); GitHub comments allow 65,536, Jira 32,767 by default.")
    var maxMarkdownChars: Int = 60_000

    @Option(
        name: .customLong("sign-key"),
        help: "Ed25519 private key file (drs-report keygen): also write evidence.sig, a signature of evidence.json.")
    var signKey: String?

    @Option(
        name: .customLong("meta"),
        help:
            "A field for the report header, such as ticket=CHG-1234 (repeatable): shown in HTML, Markdown, the XLSX Summary and csv/summary.csv, and recorded in evidence.json."
    )
    var meta: [String] = []

    @Option(
        name: .customLong("sign-off"),
        help:
            "Comma-separated roles that sign the report off, such as \"Reviewer,Approver\": a name, date and signature line for each in the printed HTML and the XLSX Summary."
    )
    var signOff: String?

    @Option(
        name: .customLong("mask"),
        help:
            "keys, names or keys,names: replace key values and the literals in the SELECT SQL with keyed tokens such as ⟨k:3f9a1c2b⟩, and database, table and object names with tokens such as ⟨n:3f9a1c2b7d4e⟩ (HMAC-SHA256 with the secret from DRS_REPORT_MASK_KEY or --mask-key-file), so the report can be shared."
    )
    var mask: String?

    @Option(
        name: .customLong("mask-key-file"),
        help:
            "File holding the masking secret (at least 16 bytes); default: the DRS_REPORT_MASK_KEY environment variable."
    )
    var maskKeyFile: String?

    @Flag(name: .customLong("csv-bom"), help: "Start CSV files with a UTF-8 BOM (for Excel).")
    var csvBOM = false

    @Option(name: .customLong("expiry-window"), help: "\"Expiring soon\" window for DRS result files (e.g. 24h, 3d).")
    var expiryWindow: String = "24h"

    @Option(name: .long, help: "Time zone for displayed times: UTC, an IANA name or an offset like +08:00.")
    var timezone: String = "UTC"

    func validate() throws {
        if maxHTMLRows < 0 { throw ValidationError("--max-html-rows must be 0 or more.") }
        if maxMarkdownRows < 0 { throw ValidationError("--max-md-rows must be 0 or more.") }
        if maxMarkdownTables < 0 { throw ValidationError("--max-md-tables must be 0 or more.") }
        if maxRowsPerTable < 1 { throw ValidationError("--max-rows-per-table must be 1 or more.") }
        if maxMarkdownChars < 1_000 {
            throw ValidationError("--md-max-chars must be 1000 or more, so the verdict always fits.")
        }
    }

    /// The ingest and render options, with what evidence.json records.
    func resolve() throws -> (IngestOptions, RenderOptions) {
        let environment = ProcessInfo.processInfo.environment
        var ingest = IngestOptions(now: try OptionParsing.now(now, environment: environment))
        ingest.observedAt = try observedAt.map { value throws(DRSReportError) in
            try OptionParsing.time(value, option: "--observed-at")
        }
        ingest.expiryWindowSeconds = try OptionParsing.duration(expiryWindow, option: "--expiry-window")
        ingest.title = title
        ingest.language = lang.language
        ingest.previewRows = max(maxHTMLRows, maxMarkdownRows)
        ingest.previewRowsPerTable = max(maxRowsPerTable, maxMarkdownRows)
        var render = RenderOptions()
        render.formats = try format.formats()
        render.maxHTMLRows = maxHTMLRows
        render.maxMarkdownRows = maxMarkdownRows
        render.maxMarkdownTables = maxMarkdownTables
        render.maxRowsPerTable = maxRowsPerTable
        render.maxMarkdownChars = maxMarkdownChars
        render.csvBOM = csvBOM
        render.signingKey = try signKey.map { file throws(DRSReportError) in try EvidenceSigningKey(file: file) }
        render.timeZone = try OptionParsing.timeZone(timezone)
        render.meta = try meta.map { text throws(DRSReportError) in try MetaField.parse(text) }
        try MetaField.validate(render.meta)
        if let signOff {
            render.signOff = signOff.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            guard !render.signOff.isEmpty, render.signOff.allSatisfy({ $0.count <= 100 }) else {
                throw DRSReportError.invalidOption(
                    name: "--sign-off", value: signOff,
                    expected: "comma-separated roles such as \"Reviewer,Approver\", each at most 100 characters")
            }
        }
        if let templates {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: templates, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw DRSReportError.invalidOption(
                    name: "--templates", value: templates, expected: "a folder of .mustache templates")
            }
            render.templatesDirectory = URL(fileURLWithPath: templates)
        }
        render.clockSource =
            now != nil
            ? "--now" : (environment["SOURCE_DATE_EPOCH"].map { !$0.isEmpty } == true ? "SOURCE_DATE_EPOCH" : "system")
        var recorded: [String: String] = [
            "lang": ingest.language.rawValue,
            "expiry_window_seconds": String(ingest.expiryWindowSeconds),
            "max_html_rows": String(maxHTMLRows),
            "max_md_rows": String(maxMarkdownRows),
            "max_md_tables": String(maxMarkdownTables),
            "max_rows_per_table": String(maxRowsPerTable),
            "md_max_chars": String(maxMarkdownChars),
            "csv_bom": csvBOM ? "true" : "false",
        ]
        if let mask {
            let parts = mask.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard !parts.isEmpty, Set(parts).isSubset(of: ["keys", "names"]), Set(parts).count == parts.count else {
                throw DRSReportError.invalidOption(
                    name: "--mask", value: mask,
                    expected:
                        "keys, names or keys,names (key values and SQL literals; database, table and object names)")
            }
            let secret: Data
            if let maskKeyFile {
                guard let data = FileManager.default.contents(atPath: maskKeyFile) else {
                    throw DRSReportError.invalidOption(
                        name: "--mask-key-file", value: maskKeyFile,
                        expected: "a readable file holding the masking secret")
                }
                secret = data
            } else if let value = environment["DRS_REPORT_MASK_KEY"], !value.isEmpty {
                secret = Data(value.utf8)
            } else {
                throw DRSReportError.invalidOption(
                    name: "--mask", value: mask,
                    expected: "a masking secret: set DRS_REPORT_MASK_KEY or pass --mask-key-file FILE")
            }
            let keyMask = try KeyMask(secret: secret, keys: parts.contains("keys"), names: parts.contains("names"))
            ingest.mask = keyMask
            render.masking = keyMask.parts
            recorded["mask"] = keyMask.parts.joined(separator: ",")
        } else if maskKeyFile != nil {
            throw DRSReportError.invalidOption(
                name: "--mask-key-file", value: "(file)", expected: "to be used with --mask")
        }
        if let observed = ingest.observedAt { recorded["observed_at"] = OptionParsing.iso(observed) }
        if let title { recorded["title"] = title }
        if !render.signOff.isEmpty { recorded["sign_off"] = render.signOff.joined(separator: ",") }
        render.recordedOptions = recorded
        return (ingest, render)
    }
}
