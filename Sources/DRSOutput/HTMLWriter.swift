import Crypto
import DRSCore
import DRSIngest
import Foundation

/// report.html: one self-contained page from templates/report.html.mustache. Values are
/// HTML-escaped by the template engine (`{{value}}`). The page's Content-Security-Policy forbids
/// every network request and every script but one: templates/report.js (search, filter, sort),
/// allowed by its SHA-256. CSS and pictures (inline SVG) are in the page.
package struct HTMLWriter: ReportWriter {
    package var format: OutputFormat { .html }

    package init() {}

    /// The template file.
    package static let template = "report.html.mustache"
    /// The page's one script.
    package static let script = "report.js"

    package func write(_ report: Report, diffs: DiffStream, into directory: URL, options: RenderOptions) throws
        -> [String]
    {
        var view = ViewModel(
            report: report, options: options, rowLimit: options.maxHTMLRows, diffLimit: options.maxHTMLRows)
        view.rowsPerTable = options.maxRowsPerTable
        view.linkedFiles = Self.linkedFiles(options.formats)
        view.rowsByTable = try Self.previewRows(report, diffs: diffs, options: options)
        var model = view.build()
        let store = TemplateStore(overrideDirectory: options.templatesDirectory)
        let strings = Strings(Language(rawValue: report.language) ?? .enUS)
        (model["script"], model["script_hash"]) = try Self.pageScript(store)
        model["charts"] = HTMLCharts.model(report, strings: strings, ranked: ViewModel.rankedInconsistent(report))
        model["toc"] = Self.contents(report, strings: strings)
        let files = Self.linkedFiles(options.formats).intersection([
            "csv/tables.csv", "csv/diffs.csv", "report.xlsx", "report.md", "report.json",
        ])
        model["files"] = files.sorted().map { ["href": $0] }
        model["files_any"] = !files.isEmpty
        model["filters"] = [
            "outcomes": LedgerOutcome.allCases.reversed().map {
                ["value": $0.rawValue, "label": strings["outcome.\($0.rawValue)"]]
            },
            "kinds": DiffKind.allCases.map { ["value": $0.rawValue, "label": strings["diffkind.\($0.rawValue)"]] },
        ]
        // @page margin boxes take a CSS string: only characters that need no escape there.
        let footer = "\(report.generator) · sha256 \(report.inputsDigest)"
        model["print_footer"] = String(
            footer.unicodeScalars.filter {
                $0.isASCII && ($0.properties.isAlphabetic || " .:-_+/·0123456789".unicodeScalars.contains($0))
            }.map(Character.init))
        let text = try store.render(Self.template, model)
        try Data(text.utf8).write(to: directory.appendingPathComponent("report.html"))
        return ["report.html"]
    }

    /// The page's one script and its `sha256-…` for the CSP (report.html and the batch index).
    package static func pageScript(_ store: TemplateStore) throws(DRSReportError) -> (String, String) {
        let script = try store.text(named: Self.script)
        if script.range(of: "</script", options: .caseInsensitive) != nil || script.range(of: "<!--") != nil {
            throw .badTemplate(
                name: Self.script, reason: "contains </script or <!--, which would end or hide the script; remove them")
        }
        return (script, "sha256-" + Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString())
    }

    /// The files beside the page that it links to, when this render writes them.
    package static func linkedFiles(_ formats: [OutputFormat]) -> Set<String> {
        var files: Set<String> = []
        if formats.contains(.csv) { files.formUnion(CSVWriter.files.map { "csv/" + $0 }) }
        if formats.contains(.xlsx) { files.insert("report.xlsx") }
        if formats.contains(.md) { files.insert("report.md") }
        if formats.contains(.json) { files.insert("report.json") }
        return files
    }

    /// The table of contents: every section, with its count where it has one.
    package static func contents(_ report: Report, strings: Strings) -> [[String: Any]] {
        func entry(_ id: String, _ key: String, _ count: Int? = nil) -> [String: Any] {
            var item: [String: Any] = ["id": id, "label": strings[key]]
            if let count { item["count"] = Formatting.grouped(Int64(count)) }
            return item
        }
        var list = [
            entry("verdict", "section.verdict"), entry("charts", "nav.charts"), entry("summary", "section.summary"),
            entry("jobs", "section.jobs", report.jobs.count), entry("expiry", "section.expiry", report.tasks.count),
            entry("tables", "section.tables", report.tables.count),
            entry("databases", "section.databases", report.databases.count),
            entry("objects", "section.objects", report.objects.count),
        ]
        list.append([
            "id": "diffs", "label": strings["section.diffs"],
            "count": Formatting.grouped(report.diffSummary.rowsInInput),
        ])
        list += [
            entry("not-compared", "section.not_compared", report.notCompared.count),
            entry("errors", "section.errors", report.retrievalErrors.count),
        ]
        if !report.conflicts.isEmpty { list.append(entry("conflicts", "section.conflicts", report.conflicts.count)) }
        list += [entry("progress", "section.progress"), entry("sources", "section.sources", report.sources.count)]
        return list
    }

    /// The rows previewed per table: the first `maxRowsPerTable` of each inconsistent table, most
    /// rows first, until `maxHTMLRows`. From the sample ingest kept when it holds them, else from
    /// one pass over the row stream (ingest samples in input order, not by rank).
    package static func previewRows(_ report: Report, diffs: DiffStream, options: RenderOptions) throws -> [TableKey:
        [DiffRow]]
    {
        var budget = options.maxHTMLRows
        var limits: [TableKey: Int] = [:]
        for entry in ViewModel.rankedInconsistent(report) where budget > 0 && entry.diffRows > 0 {
            let take = Int(min(Int64(options.maxRowsPerTable), entry.diffRows, Int64(budget)))
            guard take > 0 else { continue }
            limits[LedgerBuilder.key(of: entry)] = take
            budget -= take
        }
        var sample: [TableKey: [DiffRow]] = [:]
        for row in report.diffPreview {
            var key = TableKey(row)
            key.jobId = row.jobId
            sample[key, default: []].append(row)
        }
        if diffs.count == 0 || limits.allSatisfy({ (sample[$0.key]?.count ?? 0) >= $0.value }) {
            return limits.reduce(into: [:]) { result, item in
                result[item.key] = Array((sample[item.key] ?? []).prefix(item.value))
            }
        }
        return try diffs.firstRows(of: limits)
    }
}
