import Foundation

/// csv/: one RFC 4180 file per section, UTF-8, CRLF line ends.
///
/// Formula neutralisation (docs/csv.md): a text cell that starts with `=`, `+`, `-`, `@`, a tab, a
/// line break, or spaces before any of these, gets a leading apostrophe, so no spreadsheet evaluates it; a cell that is a
/// plain number (`-5`, `+3.2`) is left alone because spreadsheets read it as a number, not a formula.
/// Counts written by drs-report itself are numbers and are never prefixed.
public struct CSVWriter: ReportWriter {
    public var format: OutputFormat { .csv }

    public init() {}

    /// The files written, one per section, sorted.
    public static var files: [String] {
        let empty = Report(title: "", generatedAt: Date(timeIntervalSince1970: 0), language: Language.enUS.rawValue, generator: "")
        return (["summary", "diffs"] + ReportSections.all(empty, strings: Strings(.enUS)).map(\.file)).map { $0 + ".csv" }.sorted()
    }

    public func write(_ report: Report, diffs: DiffStream, into directory: URL, options: RenderOptions) throws -> [String] {
        let folder = directory.appendingPathComponent("csv")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let strings = Strings(Language(rawValue: report.language) ?? .enUS)
        var written: [String] = []
        func emit(_ name: String, _ header: [String], _ body: (CSVFile) throws -> Void) throws {
            let file = try CSVFile(url: folder.appendingPathComponent(name), bom: options.csvBOM)
            try file.row(header.map(Cell.text))
            try body(file)
            try file.close()
            written.append("csv/" + name)
        }
        try emit("summary.csv", ["item", "value"]) { file in
            for item in ReportSections.summary(report, strings: strings, timeZone: options.timeZone) {
                try file.row([.text(item.id), Self.cell(item.value)])
            }
        }
        for section in ReportSections.all(report, strings: strings) {
            let columns = section.ids.indices.filter { section.included($0, csv: true) }
            try emit(section.file + ".csv", columns.map { section.ids[$0] }) { file in
                for row in section.rows { try file.row(columns.map { Self.cell(row[$0]) }) }
            }
        }
        let diffColumns = DiffColumns.columns(strings)
        try emit("diffs.csv", diffColumns.filter { $0.placement != .xlsxOnly }.map(\.id)) { file in
            let columns = diffColumns.filter { $0.placement != .xlsxOnly }
            try diffs.forEach { row in try file.row(columns.map { Self.cell($0.value(row)) }) }
        }
        return written.sorted()
    }

    /// A section cell as CSV text: codes, ISO-8601 UTC times, plain digits.
    static func cell(_ value: CellValue) -> Cell {
        switch value {
        case .text(let text): return .text(text)
        case .count(let number): return .number(Formatting.count(number))
        case .decimal(let number): return .number(number.map { String($0) } ?? "")
        case .time(let date): return .text(Formatting.iso(date))
        case .word(let code, _, _): return .text(code)
        case .flag(let flag): return .text(flag ? "true" : "false")
        }
    }
}

/// The columns of an inconsistent row, shared by CSV and XLSX so both list the same facts.
enum DiffColumns {
    static func columns(_ strings: Strings) -> [Column<DiffRow>] {
        [
            Column("job_id", "col.job_id") { .text($0.jobId ?? "") },
            Column("task_id", "col.task_id") { .text($0.taskId ?? "") },
            Column("source_db", "col.source_db") { .text($0.sourceDatabase) },
            Column("source_table", "col.source_table") { .text($0.sourceTable) },
            Column("target_db", "col.target_db") { .text($0.targetDatabase) },
            Column("target_table", "col.target_table") { .text($0.targetTable) },
            Column("diff_kind", "col.diff_kind") { .word(code: $0.kind.rawValue, label: strings["diffkind.\($0.kind.rawValue)"], tone: .bad) },
            Column("source_key", "col.source_key") { .text(keyText($0.sourceKey)) },
            Column("target_key", "col.target_key") { .text(keyText($0.targetKey)) },
            Column("source_select_sql", "col.source_sql") { .text($0.sourceSQL) },
            Column("target_select_sql", "col.target_sql") { .text($0.targetSQL) },
            Column("location_from_sql", "col.location_inferred", .csvOnly) { .flag($0.locationInferred) },
            Column("source_id", "col.sources", .csvOnly) { .text($0.sourceId) },
        ]
    }

    /// A single key value as it is; several joined by ", ", or a JSON array when a value itself
    /// holds a comma or a quote, so a composite key is never ambiguous.
    static func keyText(_ values: [String]) -> String {
        if values.count == 1 { return values[0] }
        if values.contains(where: { $0.contains(",") || $0.contains("\"") }) {
            return "[" + values.map { JSONWriter.quote($0) }.joined(separator: ",") + "]"
        }
        return values.joined(separator: ", ")
    }
}

/// A CSV cell: text is neutralised against formulas, numbers are not.
enum Cell {
    case text(String)
    case number(String)
}

/// A buffered RFC 4180 file writer.
final class CSVFile {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let url: URL

    init(url: URL, bom: Bool) throws {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw DRSReportError.outputNotWritable(path: url.lastPathComponent, reason: "cannot create the file")
        }
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(1 << 16)
        if bom { buffer += [0xEF, 0xBB, 0xBF] }
    }

    func row(_ cells: [Cell]) throws {
        for (index, cell) in cells.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            switch cell {
            case .number(let text): append(text)
            case .text(let text): append(CSVFile.neutralised(text))
            }
        }
        buffer += [0x0D, 0x0A]
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func append(_ text: String) {
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        if needsQuotes {
            buffer.append(UInt8(ascii: "\""))
            for byte in text.utf8 {
                if byte == UInt8(ascii: "\"") { buffer.append(byte) }
                buffer.append(byte)
            }
            buffer.append(UInt8(ascii: "\""))
        } else {
            buffer += text.utf8
        }
    }

    /// The formula-neutralisation rule (see the type comment of `CSVWriter`). Leading spaces are
    /// looked past: LibreOffice with "trim spaces" on evaluates `  =1+1`.
    static func neutralised(_ text: String) -> String {
        guard let first = text.utf8.first else { return text }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D, 0x0A:
            return "'" + text
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            return isPlainNumber(text) ? text : "'" + text
        case UInt8(ascii: " "):
            guard let next = text.utf8.first(where: { $0 != UInt8(ascii: " ") && $0 != 0x09 }) else { return text }
            return [UInt8(ascii: "="), UInt8(ascii: "@"), UInt8(ascii: "+"), UInt8(ascii: "-"), 0x0D, 0x0A].contains(next) ? "'" + text : text
        default:
            return text
        }
    }

    private static func isPlainNumber(_ text: String) -> Bool {
        let body = text.utf8.dropFirst()
        guard !body.isEmpty else { return false }
        var dots = 0
        for byte in body {
            if byte == UInt8(ascii: ".") { dots += 1; continue }
            if byte < 0x30 || byte > 0x39 { return false }
        }
        return dots <= 1 && body.first != UInt8(ascii: ".")
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        try handle.close()
    }
}
