import DRSCore
import DRSIngest
import Foundation

/// The output formats. The exhaustive `switch` in `writer` is the one registry: a new case does
/// not compile until it has a writer.
public enum OutputFormat: String, CaseIterable, Sendable, Codable {
    /// report.html: one self-contained page.
    case html
    /// report.md: GitHub-flavoured Markdown for tickets.
    case md
    /// csv/: one RFC 4180 file per section.
    case csv
    /// report.xlsx: a workbook through libxlsxwriter.
    case xlsx
    /// report.json: the normalised model, schema-versioned.
    case json
    /// recheck/: per table, the SELECTs that re-check its inconsistent rows in a few statements.
    case sql

    /// The writer of this format.
    package var writer: any ReportWriter {
        switch self {
        case .html: return HTMLWriter()
        case .md: return MarkdownWriter()
        case .csv: return CSVWriter()
        case .xlsx: return XLSXReportWriter()
        case .json: return JSONReportWriter()
        case .sql: return RecheckWriter()
        }
    }

    /// One line saying what the format is.
    public var summary: String {
        switch self {
        case .html:
            return "report.html: self-contained page, summary and verdict first (templates/report.html.mustache)"
        case .md: return "report.md: GitHub-flavoured Markdown for tickets, size-capped (templates/report.md.mustache)"
        case .csv:
            return
                "csv/*.csv: one RFC 4180 file per section; csv/tables.csv is the table ledger, csv/diffs.csv every inconsistent row"
        case .xlsx:
            return
                "report.xlsx: workbook with Summary, Jobs, Tasks, Tables, Database pairs, Objects, Diffs, Not compared, Conflicts"
        case .json: return "report.json: the normalised model with sorted keys, for automation"
        case .sql:
            return
                "recheck/*.sql: per table, SELECTs that re-check every inconsistent row on source and target (IN lists of up to 1,000 keys)"
        }
    }

    /// Parses `html,md,csv` (spaces allowed); `all` means every format.
    public static func parseList(_ text: String) throws(DRSReportError) -> [OutputFormat] {
        var result: [OutputFormat] = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            if name == "all" { return OutputFormat.allCases }
            let alias = name == "markdown" ? "md" : name
            guard let format = OutputFormat(rawValue: alias) else {
                throw .invalidOption(
                    name: OptionName.format.ref, value: String(part),
                    expected: "a comma-separated list of " + allCases.map(\.rawValue).joined(separator: ","))
            }
            if !result.contains(format) { result.append(format) }
        }
        if result.isEmpty {
            throw .invalidOption(
                name: OptionName.format.ref, value: text,
                expected: "at least one of " + allCases.map(\.rawValue).joined(separator: ","))
        }
        return result
    }
}

/// Options for the writers.
public struct RenderOptions: Sendable {
    /// Formats to write.
    public var formats: [OutputFormat] = OutputFormat.allCases
    /// Rows per HTML table before "N more rows in …".
    public var maxHTMLRows: Int = 1_000
    /// Inconsistent rows shown in report.md.
    public var maxMarkdownRows: Int = 20
    /// Inconsistent rows of one table shown in report.html (the rest are in csv/diffs.csv).
    public var maxRowsPerTable: Int = 20
    /// Inconsistent tables listed in report.md.
    public var maxMarkdownTables: Int = 20
    /// report.md's size cap in UTF-16 units (what GitHub's and Jira's limits count).
    public var maxMarkdownChars: Int = 60_000
    /// Write a UTF-8 BOM at the start of CSV files (for Excel).
    public var csvBOM: Bool = false
    /// Time zone for displayed and spreadsheet times.
    public var timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .gmt
    /// A folder whose templates replace the built-in ones.
    public var templatesDirectory: URL?
    /// Where the report clock came from (`--now`, `SOURCE_DATE_EPOCH`, `system`), for evidence.json.
    public var clockSource = "system"
    /// The options that shaped the report, as recorded in evidence.json (never paths or secrets).
    public var recordedOptions: [String: String] = [:]
    /// Signs evidence.json into evidence.sig when set.
    public var signingKey: EvidenceSigningKey?
    /// Fields such as ticket, change id or environment, in the order given: shown in the header
    /// of report.html and report.md, in the XLSX Summary and csv/summary.csv, and recorded in
    /// evidence.json.
    public var meta: [MetaField] = []
    /// Roles (such as Reviewer, Approver) that sign the report off: a name, date and signature
    /// line for each, in the printed HTML and the XLSX Summary.
    public var signOff: [String] = []
    /// What ingest masked (`keys`), recorded in evidence.json; never the secret.
    public var masking: [String] = []

    /// Every format, English labels, UTC, the default caps.
    public init() {}
}

/// Writes one output format from the report model. Writers must not print, and must write only
/// inside `directory` (a staging folder that the renderer moves into place afterwards).
package protocol ReportWriter: Sendable {
    /// The format written.
    var format: OutputFormat { get }
    /// Writes the format's files into `directory` and returns their paths relative to it.
    func write(_ report: Report, diffs: DiffStream, into directory: URL, options: RenderOptions) throws -> [String]
}

/// One `--meta KEY=VALUE` field.
public struct MetaField: Sendable, Equatable, Codable {
    /// The field's name and its value.
    public var key: String
    /// The field's value.
    public var value: String

    /// A field `key=value`.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Parses `KEY=VALUE`: a key of 1 to 64 letters, digits, `_`, `-` or `.`, and a value of at most
    /// 1,000 characters without control characters.
    public static func parse(_ text: String) throws(DRSReportError) -> MetaField {
        let expected =
            "KEY=VALUE, a key of 1 to 64 letters, digits, _ - or ., and a value of at most 1,000 characters without control characters"
        guard let equals = text.firstIndex(of: "=") else {
            throw .invalidOption(name: OptionName.meta.ref, value: text, expected: expected)
        }
        let key = String(text[..<equals])
        let value = String(text[text.index(after: equals)...])
        let keyOK =
            (1...64).contains(key.count)
            && key.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0))
            }
        let valueOK =
            value.count <= 1_000 && !value.unicodeScalars.contains { $0.properties.generalCategory == .control }
        guard keyOK, valueOK else { throw .invalidOption(name: OptionName.meta.ref, value: text, expected: expected) }
        return MetaField(key: key, value: value)
    }

    /// Checks a list: no key twice.
    public static func validate(_ fields: [MetaField]) throws(DRSReportError) {
        var seen = Set<String>()
        for field in fields where !seen.insert(field.key.lowercased()).inserted {
            throw .invalidOption(name: OptionName.meta.ref, value: field.key, expected: "each key once")
        }
    }
}
