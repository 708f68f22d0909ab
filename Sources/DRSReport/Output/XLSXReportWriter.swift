import Foundation
import XLSXWriter

/// report.xlsx through libxlsxwriter, in constant-memory mode so a million-row Diffs sheet streams
/// to disk. Text is always written as text (never a formula), counts as exact numbers, times as
/// Excel date-times in the report's time zone. Diffs beyond Excel's row limit continue on
/// "Diffs (2)", "Diffs (3)"…; cells beyond 32,767 characters are cut with a visible marker (the full
/// value stays in csv/diffs.csv). The workbook's created time is the report clock, so the same
/// input gives the same bytes.
public struct XLSXReportWriter: ReportWriter {
    public var format: OutputFormat { .xlsx }

    public init() {}

    /// Data rows per Diffs sheet (Excel's limit less the header row). Tests lower it to exercise continuation.
    var rowsPerSheet = Worksheet.maxRows - 1

    public func write(_ report: Report, diffs: DiffStream, into directory: URL, options: RenderOptions) throws -> [String] {
        do {
            try writeWorkbook(report, diffs: diffs, into: directory, options: options)
        } catch let error as XLSXError {
            throw DRSReportError.xlsx(reason: error.message)
        }
        return ["report.xlsx"]
    }

    private func writeWorkbook(_ report: Report, diffs: DiffStream, into directory: URL, options: RenderOptions) throws {
        let strings = Strings(Language(rawValue: report.language) ?? .enUS)
        let tmp = directory.appendingPathComponent(".xlsx-tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        // The title can carry a job's name or id from the data; XML cannot hold a control character,
        // so it is shown as ⟨U+0001⟩ rather than failing the workbook (the fuzzer found this).
        let properties = DocumentProperties(
            title: Redact.control(report.title), subject: "DRS comparison report", author: report.generator,
            comments: "Verdict: \(report.verdict.value.rawValue)", created: report.generatedAt)
        let workbook = try Workbook(
            path: directory.appendingPathComponent("report.xlsx").path,
            options: WorkbookOptions(constantMemory: true, tmpdir: tmp.path, useZip64: true, properties: properties))
        let sheet = try SheetWriter.Formats(workbook: workbook)
        let timeZone = options.timeZone
        let marker = strings["xlsx.truncated"]
        var names = Set<String>()
        func name(_ key: String) -> String {
            let proposed = Workbook.sanitizedSheetName(strings[key], existing: names)
            names.insert(proposed.lowercased())
            return proposed
        }
        let diffSheetCount = max(1, Int((diffs.count + Int64(rowsPerSheet) - 1) / Int64(rowsPerSheet)))
        let diffsBase = strings["sheet.diffs"]
        func sheetWriter(_ sheetName: String) throws -> SheetWriter {
            try SheetWriter(workbook.addWorksheet(name: sheetName), formats: sheet, marker: marker, timeZone: timeZone)
        }
        // Every sheet is named before any is written, so the Summary can name the Diffs continuations.
        let sections = ReportSections.all(report, strings: strings).filter { $0.sheet != nil }
        let summaryName = name("sheet.summary")
        var sectionNames: [String: String] = [:]
        for section in sections { if let key = section.sheet { sectionNames[section.file] = name(key) } }
        var diffSheetNames: [String] = []
        for index in 0..<diffSheetCount {
            let proposed = index == 0 ? diffsBase : "\(diffsBase) (\(index + 1))"
            let unique = Workbook.sanitizedSheetName(proposed, existing: names)
            names.insert(unique.lowercased())
            diffSheetNames.append(unique)
        }

        // Summary: labels and values side by side.
        do {
            let summary = try sheetWriter(summaryName)
            try summary.header([strings["col.item"], strings["col.value"]])
            for item in ReportSections.summary(report, strings: strings, timeZone: timeZone) {
                try summary.row([.text(item.label), Self.value(item.value)])
            }
            if diffSheetNames.count > 1 {
                try summary.row([
                    .text(strings["sheet.diffs"]),
                    .text(strings.format("xlsx.diffs_continued", diffSheetNames.dropFirst().joined(separator: ", "))),
                ])
            }
            try summary.finish(filter: false)
        }

        // Every section of the shared table, then Diffs after the ledger sheets.
        func write(_ section: Section) throws {
            guard let sheetName = sectionNames[section.file] else { return }
            let writer = try sheetWriter(sheetName)
            let columns = section.ids.indices.filter { section.included($0, csv: false) }
            try writer.header(columns.map { strings[section.labels[$0]] })
            for row in section.rows { try writer.row(columns.map { Self.value(row[$0]) }) }
            try writer.finish()
        }
        let beforeDiffs = ["jobs", "tasks", "tables", "databases", "object_types", "objects"]
        for section in sections where beforeDiffs.contains(section.file) { try write(section) }

        // Diffs, streamed, continuing on further sheets at Excel's row limit.
        do {
            let columns = DiffColumns.columns(strings).filter { $0.placement != .csvOnly }
            let header = columns.map { strings[$0.label] }
            var sheetIndex = 0
            var current = try sheetWriter(diffSheetNames[0])
            try current.header(header)
            var rowsOnSheet = 0
            func nextSheetIfFull() throws {
                guard rowsOnSheet == rowsPerSheet else { return }
                try current.finish()
                sheetIndex += 1
                var sheetName = "\(diffsBase) (\(sheetIndex + 1))"
                if sheetIndex < diffSheetNames.count {
                    sheetName = diffSheetNames[sheetIndex]
                } else {
                    sheetName = Workbook.sanitizedSheetName(sheetName, existing: names)
                    names.insert(sheetName.lowercased())
                }
                current = try sheetWriter(sheetName)
                try current.header(header)
                rowsOnSheet = 0
            }
            if let plan = RawCell.plan(columns.map(\.id)) {
                // The fast path: spooled bytes straight to libxlsxwriter; widths from the first rows.
                let kinds = DiffKind.allCases.map { CText(strings["diffkind.\($0.rawValue)"]) }
                let jobNames = diffs.jobs.names.map(CText.init)
                var seen = 0
                try diffs.forEachRaw { row in
                    try nextSheetIfFull()
                    let measure = seen < Self.widthSample
                    for (column, cell) in plan.enumerated() {
                        switch cell {
                        case .field(.job):
                            if let job = diffs.jobs.nameIndex(row.index) {
                                try current.text(column, jobNames[job], measure: measure)
                            } else {
                                try current.utf8(column, row, .job, measure: measure)
                            }
                        case .field(let field): try current.utf8(column, row, field, measure: measure)
                        case .kind: try current.text(column, kinds[DiffKind.allCases.firstIndex(of: row.kind) ?? 0], format: .inconsistent, measure: measure)
                        case .inferred: try current.text(column, row.locationInferred ? CText.yes : CText.no, measure: measure)
                        }
                    }
                    current.endRow()
                    rowsOnSheet += 1
                    seen += 1
                }
            } else {
                try diffs.forEach { row in
                    try nextSheetIfFull()
                    try current.row(columns.map { Self.value($0.value(row)) })
                    rowsOnSheet += 1
                }
            }
            try current.finish()
        }
        for section in sections where !beforeDiffs.contains(section.file) { try write(section) }
        try workbook.close()
    }
}

extension XLSXReportWriter {
    /// Rows of the Diffs sheet whose text sizes its columns; a wider value further down is shown
    /// whole in its cell when selected, as any cell over the width is.
    static let widthSample = 10_000

    /// A section cell as a typed workbook cell.
    static func value(_ value: CellValue) -> SheetWriter.Value {
        switch value {
        case .text(let text): return .text(text)
        case .count(let number): return .optionalCount(number)
        case .decimal(let number): return number.map { .number($0) } ?? .text("")
        case .time(let date): return .optionalTime(date)
        case .flag(let flag): return .text(flag ? "true" : "false")
        case .word(_, let label, let tone):
            switch tone {
            case .good: return .status(label, .consistent)
            case .bad: return .status(label, .inconsistent)
            case .attention: return .status(label, .pending)
            case .plain: return .text(label)
            }
        }
    }
}

/// Writes one table sheet row by row (constant-memory mode needs rows in order), tracks column
/// widths, and on `finish` adds the frozen header, the autofilter and the widths.
final class SheetWriter {
    /// Formats shared by every sheet of a workbook.
    struct Formats {
        let header: Format
        let time: Format
        let count: Format
        let decimal: Format
        let consistent: Format
        let inconsistent: Format
        let attention: Format

        init(workbook: Workbook) throws {
            header = try workbook.addFormat(FormatSpec(bold: true, backgroundColor: 0xD9E1F2, border: .thin))
            time = try workbook.addFormat(FormatSpec(numberFormat: Workbook.defaultDateTimeFormat))
            count = try workbook.addFormat(FormatSpec(numberFormat: "0"))
            decimal = try workbook.addFormat(FormatSpec(numberFormat: "0.0"))
            consistent = try workbook.addFormat(FormatSpec(fontColor: 0x006100, backgroundColor: 0xC6EFCE))
            inconsistent = try workbook.addFormat(FormatSpec(fontColor: 0x9C0006, backgroundColor: 0xFFC7CE))
            attention = try workbook.addFormat(FormatSpec(fontColor: 0x9C5700, backgroundColor: 0xFFEB9C))
        }
    }

    /// A cell value.
    enum Value {
        case text(String)
        case count(Int64)
        case optionalCount(Int64?)
        case number(Double)
        case time(Date)
        case optionalTime(Date?)
        case status(String, CompareOutcome)
    }

    private let sheet: Worksheet
    private let formats: Formats
    private let marker: String
    private let timeZone: TimeZone
    private var row = 0
    private var columns = 0
    private var widths: [Double] = []
    /// Widest column, in Excel character units.
    static let maxWidth = 60.0

    init(_ sheet: Worksheet, formats: Formats, marker: String, timeZone: TimeZone) throws {
        self.sheet = sheet
        self.formats = formats
        self.marker = marker
        self.timeZone = timeZone
    }

    func header(_ titles: [String]) throws {
        columns = titles.count
        widths = Array(repeating: 8, count: titles.count)
        for (column, title) in titles.enumerated() {
            try sheet.writeString(row: row, col: column, title, format: formats.header)
            note(column, title, bonus: 2)
        }
        row += 1
    }

    func row(_ values: [Value]) throws {
        for (column, value) in values.enumerated() {
            switch value {
            case .text(let text):
                try sheet.writeString(row: row, col: column, text, truncateWithMarker: marker)
                note(column, text)
            case .count(let number):
                _ = try sheet.writeInt64(row: row, col: column, number, format: formats.count)
                note(column, String(number))
            case .optionalCount(let number):
                if let number {
                    _ = try sheet.writeInt64(row: row, col: column, number, format: formats.count)
                    note(column, String(number))
                }
            case .number(let number):
                // inf and nan (1e400 in a body) are no spreadsheet number: they are written as their text.
                if number.isFinite {
                    try sheet.writeNumber(row: row, col: column, number, format: formats.decimal)
                } else {
                    try sheet.writeString(row: row, col: column, String(number), truncateWithMarker: marker)
                }
                note(column, String(number))
            case .time(let date):
                try time(date, column)
            case .optionalTime(let date):
                if let date { try time(date, column) }
            case .status(let label, let outcome):
                let format: Format = switch outcome {
                case .consistent: formats.consistent
                case .inconsistent: formats.inconsistent
                default: formats.attention
                }
                try sheet.writeString(row: row, col: column, label, format: format, truncateWithMarker: marker)
                note(column, label)
            }
        }
        row += 1
    }

    /// A date-time cell; a time Excel cannot show as a date (before 1900-03-01 or after 9999) is
    /// written as its text, in the report's zone, rather than failing the workbook.
    private func time(_ date: Date, _ column: Int) throws {
        let serial = Worksheet.excelSerial(for: date, timeZone: timeZone)
        if serial.isFinite, serial >= 61, serial < 2_958_466 {
            try sheet.writeDateTime(row: row, col: column, date, timeZone: timeZone, format: formats.time)
            note(column, "0000-00-00 00:00:00")
        } else {
            let text = Formatting(timeZone: timeZone).time(date)
            try sheet.writeString(row: row, col: column, text, truncateWithMarker: marker)
            note(column, text)
        }
    }

    private func note(_ column: Int, _ text: String, bonus: Double = 0) {
        guard column < widths.count, widths[column] < Self.maxWidth else { return }
        var width = 0.0
        for scalar in text.unicodeScalars.prefix(80) {
            if scalar == "\n" { break }
            width += scalar.value >= 0x1100 ? 2 : 1
        }
        widths[column] = min(Self.maxWidth, max(widths[column], width + 1 + bonus))
    }

    /// A text cell from a spooled row: handed over as it lies when XLSX stores it as it is,
    /// through `writeString` (escapes, the cell limit) otherwise.
    func utf8(_ column: Int, _ raw: RawDiffRow, _ field: RowSpool.Field, measure: Bool) throws {
        if raw.plain(field) {
            try sheet.writeStoredUTF8(row: row, col: column, raw.cString(field))
        } else {
            try sheet.writeString(row: row, col: column, raw.string(field), truncateWithMarker: marker)
        }
        if measure { note(column, bytes: raw.bytes(field)) }
    }

    /// A text cell the writer made once (a label, a job id).
    func text(_ column: Int, _ text: CText, format tone: CompareOutcome? = nil, measure: Bool) throws {
        let format: Format? = switch tone {
        case .consistent: formats.consistent
        case .inconsistent: formats.inconsistent
        case nil: nil
        default: formats.attention
        }
        if text.plain {
            try text.bytes.withUnsafeBufferPointer { try sheet.writeStoredUTF8(row: row, col: column, $0.baseAddress!, format: format) }
        } else {
            try sheet.writeString(row: row, col: column, text.string, format: format, truncateWithMarker: marker)
        }
        if measure { note(column, text.string) }
    }

    func endRow() {
        row += 1
    }

    private func note(_ column: Int, bytes: UnsafeBufferPointer<UInt8>) {
        guard column < widths.count, widths[column] < Self.maxWidth else { return }
        // 80 scalars take at most 320 bytes.
        note(column, String(decoding: UnsafeBufferPointer(rebasing: bytes.prefix(320)), as: UTF8.self))
    }

    func finish(filter: Bool = true) throws {
        try sheet.freezePanes(row: 1, col: 0)
        if filter && columns > 0 {
            try sheet.autofilter(firstRow: 0, firstCol: 0, lastRow: max(0, row - 1), lastCol: columns - 1)
        }
        for (column, width) in widths.enumerated() {
            try sheet.setColumn(first: column, last: column, width: width)
        }
    }
}

/// Text made once and written many times: its NUL-terminated UTF-8, and whether XLSX stores it as it is.
struct CText {
    let string: String
    let bytes: [CChar]
    let plain: Bool

    init(_ string: String) {
        self.string = string
        var utf8 = Array(string.utf8)
        plain = utf8.withUnsafeBufferPointer { Worksheet.storedAsIs($0) }
        utf8.append(0)
        bytes = utf8.map { CChar(bitPattern: $0) }
    }

    static let yes = CText("true")
    static let no = CText("false")
}
