import Foundation

/// report.md: GitHub-flavoured Markdown for tickets from templates/report.md.mustache. The
/// template declares `{{% CONTENT_TYPE: MARKDOWN}}`, so every `{{value}}` is Markdown-escaped;
/// SQL goes into fenced code blocks whose fence is longer than any backtick run in the SQL.
public struct MarkdownWriter: ReportWriter {
    public var format: OutputFormat { .md }

    public init() {}

    /// The template file.
    public static let template = "report.md.mustache"

    public func write(_ report: Report, diffs: DiffStream, into directory: URL, options: RenderOptions) throws -> [String] {
        let model = ViewModel(report: report, options: options, rowLimit: options.maxHTMLRows, diffLimit: options.maxMarkdownRows).build()
        let text = try TemplateStore(overrideDirectory: options.templatesDirectory).render(Self.template, model)
        try Data(text.utf8).write(to: directory.appendingPathComponent("report.md"))
        return ["report.md"]
    }
}
