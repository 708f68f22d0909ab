import Foundation

/// report.html: one self-contained page from templates/report.html.mustache. Values are
/// HTML-escaped by the template engine (`{{value}}`), the page carries a Content-Security-Policy
/// that forbids scripts and every network request, and CSS is inline.
public struct HTMLWriter: ReportWriter {
    public var format: OutputFormat { .html }

    public init() {}

    /// The template file.
    public static let template = "report.html.mustache"

    public func write(_ report: Report, diffs: DiffStream, into directory: URL, options: RenderOptions) throws -> [String] {
        var view = ViewModel(report: report, options: options, rowLimit: options.maxHTMLRows, diffLimit: options.maxHTMLRows)
        view.rowsPerTable = options.maxRowsPerTable
        let model = view.build()
        let text = try TemplateStore(overrideDirectory: options.templatesDirectory).render(Self.template, model)
        try Data(text.utf8).write(to: directory.appendingPathComponent("report.html"))
        return ["report.html"]
    }
}
