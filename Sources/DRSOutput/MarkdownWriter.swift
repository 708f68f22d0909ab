import DRSCore
import DRSIngest
import Foundation

/// report.md: GitHub-flavoured Markdown for tickets from templates/report.md.mustache. The
/// template declares `{{% CONTENT_TYPE: MARKDOWN}}`, so every `{{value}}` is Markdown-escaped.
///
/// The page fits a ticket: it is at most `maxMarkdownChars` UTF-16 units (GitHub allows 65,536
/// characters in an issue or comment; Jira's default text field 32,767). When the full lists do
/// not fit, fewer tables and rows are shown, and the page says so near the top; if even the
/// shortest page is too long, it is cut at a line break with a note saying where.
package struct MarkdownWriter: ReportWriter {
    package var format: OutputFormat { .md }

    package init() {}

    /// The template file.
    package static let template = "report.md.mustache"

    /// Rows of each list (tasks, not compared, errors…) shown before "N more rows in …".
    package static let listRows = 50
    /// Inconsistent rows of one table: a ticket shows a few of several tables rather than many of one.
    package static let rowsPerTable = 5

    package func write(_ report: Report, diffs: DiffStream, into directory: URL, options: RenderOptions) throws
        -> [String]
    {
        let text = try Self.render(report, options: options)
        try Data(text.utf8).write(to: directory.appendingPathComponent("report.md"))
        return ["report.md"]
    }

    package static func render(_ report: Report, options: RenderOptions) throws -> String {
        let strings = Strings(Language(rawValue: report.language) ?? .enUS)
        let store = TemplateStore(overrideDirectory: options.templatesDirectory)
        let cap = max(1_000, options.maxMarkdownChars)
        var rows = options.maxMarkdownRows
        var tables = options.maxMarkdownTables
        var lists = listRows
        var shortened = false
        while true {
            var view = ViewModel(report: report, options: options, rowLimit: lists, diffLimit: rows)
            view.tableLimit = tables
            // A few rows of each of several tables; with few tables, more of each, up to --max-md-rows.
            let shownTables = max(1, min(tables, ViewModel.rankedInconsistent(report).count))
            view.rowsPerTable = max(Self.rowsPerTable, rows / shownTables)
            var model = view.build()
            if shortened {
                let ranked = ViewModel.rankedInconsistent(report).count
                model["truncated"] = strings.format(
                    "md.shortened", Formatting.grouped(Int64(cap)), min(tables, ranked), ranked,
                    min(Int64(rows), report.diffSummary.rowsInInput), report.diffSummary.rowsInInput)
            }
            let text = try store.render(template, model)
            if text.utf16.count <= cap { return text }
            if rows == 0 && tables == 0 && lists == 0 {
                return hardCut(
                    text, cap: cap, marker: "\n\n_" + strings.format("md.cut", Formatting.grouped(Int64(cap))) + "_\n")
            }
            shortened = true
            rows = rows * 2 / 3
            tables = tables * 2 / 3
            lists = lists * 2 / 3
        }
    }

    /// Cuts at the last line break that leaves room for the marker, outside a code fence.
    package static func hardCut(_ text: String, cap: Int, marker: String) -> String {
        let budget = cap - marker.utf16.count
        var kept = ""
        var used = 0
        var inFence = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let cost = line.utf16.count + 1
            if used + cost + (inFence ? 4 : 0) > budget { break }
            kept += line + "\n"
            used += cost
            if line.hasPrefix("```") { inFence.toggle() }
        }
        if inFence { kept += "```\n" }
        return kept + marker
    }
}
