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
        let properties = DocumentProperties(
            title: report.title, subject: "DRS comparison report", author: report.generator,
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
        func status(_ value: CompareStatus) -> SheetWriter.Value {
            .status(strings["outcome.\(value.outcome.rawValue)"] + (value.code.isEmpty ? "" : " (\(value.code))"), value.outcome)
        }
        let diffSheetCount = max(1, Int((diffs.count + Int64(rowsPerSheet) - 1) / Int64(rowsPerSheet)))
        let diffsBase = strings["sheet.diffs"]
        var diffSheetNames: [String] = []
        for index in 0..<diffSheetCount {
            let proposed = index == 0 ? diffsBase : "\(diffsBase) (\(index + 1))"
            let unique = Workbook.sanitizedSheetName(proposed, existing: names)
            diffSheetNames.append(unique)
        }

        // Summary
        do {
            let summary = try SheetWriter(workbook.addWorksheet(name: name("sheet.summary")), formats: sheet, marker: marker, timeZone: timeZone)
            try summary.header([strings["col.item"], strings["col.value"]])
            var rows: [(String, SheetWriter.Value)] = [
                (strings["section.verdict"], .status(strings["verdict.\(report.verdict.value.rawValue)"], report.verdict.value == .consistent ? .consistent : report.verdict.value == .inconsistent ? .inconsistent : .pending)),
                (strings["verdict.rule_label"], .text(report.verdict.rule)),
                (strings["verdict.reasons"], .text(report.verdict.reasons.joined(separator: "\n"))),
                (strings["report.generated_at"], .time(report.generatedAt)),
                (strings["report.time_zone"], .text(timeZone.identifier)),
                (strings["report.generator"], .text(report.generator)),
            ]
            for job in report.jobs {
                rows.append((strings["col.job_id"], .text(job.id + (job.name.map { " (\($0))" } ?? ""))))
            }
            rows += ViewModel.summaryItems(report, strings: strings).map { ($0.0, $0.1.map(SheetWriter.Value.count) ?? .text("")) }
            rows += ViewModel.kindBreakdown(report, strings: strings).map { ($0.0, SheetWriter.Value.text($0.1)) }
            rows += [
                (strings["footer.inputs_digest"], .text(Formatting.inputsDigest(report))),
            ]
            for task in report.tasks {
                rows.append((
                    "\(strings["section.expiry"]): \(task.id) (\(strings["kind.\(task.kind.rawValue)"]))",
                    .text([
                        strings["expiry.\(task.expiry.state.rawValue)"],
                        task.exportStatus ?? "",
                        task.expiry.expiresAt.map { Formatting(timeZone: timeZone).time($0) } ?? "",
                    ].filter { !$0.isEmpty }.joined(separator: " · "))
                ))
            }
            for error in report.retrievalErrors {
                rows.append((strings["section.errors"], .text("\(error.file): \(error.errorCode) \(error.errorMessage)")))
            }
            if diffSheetNames.count > 1 {
                rows.append((strings["section.diffs"], .text(strings.format("xlsx.diffs_continued", diffSheetNames.joined(separator: ", ")))))
            }
            for (label, value) in rows { try summary.row([.text(label), value]) }
            try summary.finish(filter: false)
        }

        // Tasks
        do {
            let tasks = try SheetWriter(workbook.addWorksheet(name: name("sheet.tasks")), formats: sheet, marker: marker, timeZone: timeZone)
            try tasks.header([
                strings["col.task_id"], strings["col.job_id"], strings["col.kind"], strings["col.status"], strings["col.created"],
                strings["col.started"], strings["col.ended"], strings["col.export_status"], strings["col.report_remain_seconds"],
                strings["col.received_at"], strings["col.received_basis"], strings["col.expires_at"], strings["col.expiry_state"],
                strings["col.time_left"], strings["col.error"],
            ])
            for task in report.tasks {
                let expiryOutcome: CompareOutcome = switch task.expiry.state {
                case .valid: .consistent
                case .expired: .inconsistent
                default: .pending
                }
                try tasks.row([
                    .text(task.id), .text(task.jobId ?? ""), .text(strings["kind.\(task.kind.rawValue)"]), .text(task.status ?? ""),
                    .optionalTime(task.createdAt), .optionalTime(task.startedAt), .optionalTime(task.endedAt), .text(task.exportStatus ?? ""),
                    .optionalCount(task.reportRemainSeconds), .optionalTime(task.expiry.receivedAt),
                    .text(task.expiry.receivedAtBasis.map { strings["basis.\($0.rawValue)"] } ?? ""), .optionalTime(task.expiry.expiresAt),
                    .status(strings["expiry.\(task.expiry.state.rawValue)"], expiryOutcome), .text(Formatting.duration(task.expiry.secondsLeft)),
                    .text(task.errorMessage ?? ""),
                ])
            }
            try tasks.finish()
        }

        // Objects and object details
        do {
            let objects = try SheetWriter(workbook.addWorksheet(name: name("sheet.objects")), formats: sheet, marker: marker, timeZone: timeZone)
            try objects.header([
                strings["col.task_id"], strings["col.object_type"], strings["col.source_count"], strings["col.target_count"],
                strings["col.diff_count"], strings["col.status"],
            ])
            for item in report.objectSummaries {
                try objects.row([
                    .text(item.taskId ?? ""), .text(item.objectType), .optionalCount(item.sourceCount), .optionalCount(item.targetCount),
                    .optionalCount(item.diffCount), status(item.status),
                ])
            }
            try objects.finish()
            let details = try SheetWriter(workbook.addWorksheet(name: name("sheet.object_details")), formats: sheet, marker: marker, timeZone: timeZone)
            try details.header([
                strings["col.task_id"], strings["col.object_type"], strings["col.source_db"], strings["col.target_db"],
                strings["col.source_value"], strings["col.target_value"], strings["col.status"], strings["col.error"],
            ])
            for item in report.objectDetails {
                try details.row([
                    .text(item.taskId ?? ""), .text(item.objectType), .text(item.sourceDatabase ?? ""), .text(item.targetDatabase ?? ""),
                    .text(item.sourceValue ?? ""), .text(item.targetValue ?? ""), status(item.status), .text(item.errorMessage ?? ""),
                ])
            }
            try details.finish()
        }

        // Line comparison per table
        do {
            let lines = try SheetWriter(workbook.addWorksheet(name: name("sheet.line")), formats: sheet, marker: marker, timeZone: timeZone)
            try lines.header([
                strings["col.task_id"], strings["col.source_db"], strings["col.source_table"], strings["col.target_db"],
                strings["col.target_table"], strings["col.source_rows"], strings["col.target_rows"], strings["col.difference"],
                strings["col.status"], strings["col.message"], strings["col.filter"],
            ])
            for item in report.lineTables {
                try lines.row([
                    .text(item.taskId ?? ""), .text(item.sourceDatabase), .text(item.sourceTable), .text(item.targetDatabase),
                    .text(item.targetTable), .optionalCount(item.sourceRows), .optionalCount(item.targetRows),
                    .optionalCount(item.difference), status(item.status), .text(item.message ?? ""), .text(item.filter ?? ""),
                ])
            }
            try lines.finish()
        }

        // Content comparison per table
        do {
            let content = try SheetWriter(workbook.addWorksheet(name: name("sheet.content")), formats: sheet, marker: marker, timeZone: timeZone)
            try content.header([
                strings["col.task_id"], strings["col.source_db"], strings["col.source_table"], strings["col.target_db"],
                strings["col.target_table"], strings["col.source_rows"], strings["col.target_rows"], strings["col.difference"],
                strings["col.line_status"], strings["col.content_status"], strings["col.diff_rows"], strings["col.progress"],
                strings["col.message"],
            ])
            for item in report.contentTables {
                try content.row([
                    .text(item.taskId ?? ""), .text(item.sourceDatabase), .text(item.sourceTable), .text(item.targetDatabase),
                    .text(item.targetTable), .optionalCount(item.sourceRows), .optionalCount(item.targetRows),
                    .optionalCount(item.difference), status(item.lineStatus), status(item.contentStatus), .count(item.diffRowsInInput),
                    item.progress.map { .number($0) } ?? .text(""), .text(item.message ?? ""),
                ])
            }
            try content.finish()
        }

        // Diffs, streamed, continuing on further sheets at Excel's row limit.
        do {
            let header = [
                strings["col.task_id"], strings["col.source_db"], strings["col.source_table"], strings["col.target_db"],
                strings["col.target_table"], strings["col.diff_kind"], strings["col.source_key"], strings["col.target_key"],
                strings["col.source_sql"], strings["col.target_sql"],
            ]
            var sheetIndex = 0
            var current = try SheetWriter(workbook.addWorksheet(name: diffSheetNames[0]), formats: sheet, marker: marker, timeZone: timeZone)
            names.insert(diffSheetNames[0].lowercased())
            try current.header(header)
            var rowsOnSheet = 0
            try diffs.forEach { row in
                if rowsOnSheet == rowsPerSheet {
                    try current.finish()
                    sheetIndex += 1
                    let sheetName = sheetIndex < diffSheetNames.count ? diffSheetNames[sheetIndex] : "\(diffsBase) (\(sheetIndex + 1))"
                    current = try SheetWriter(workbook.addWorksheet(name: sheetName), formats: sheet, marker: marker, timeZone: timeZone)
                    names.insert(sheetName.lowercased())
                    try current.header(header)
                    rowsOnSheet = 0
                }
                try current.row([
                    .text(row.taskId ?? ""), .text(row.sourceDatabase), .text(row.sourceTable), .text(row.targetDatabase),
                    .text(row.targetTable), .status(strings["diffkind.\(row.kind.rawValue)"], .inconsistent),
                    .text(DiffColumns.keyText(row.sourceKey)), .text(DiffColumns.keyText(row.targetKey)), .text(row.sourceSQL),
                    .text(row.targetSQL),
                ])
                rowsOnSheet += 1
            }
            try current.finish()
        }

        // Not compared
        do {
            let uncompared = try SheetWriter(workbook.addWorksheet(name: name("sheet.not_compared")), formats: sheet, marker: marker, timeZone: timeZone)
            try uncompared.header([
                strings["col.comparison"], strings["col.scope"], strings["col.source_name"], strings["col.target_name"],
                strings["col.status"], strings["col.message"], strings["col.task_id"],
            ])
            for item in report.notCompared {
                try uncompared.row([
                    .text(strings["kind.\(item.comparison.rawValue)"]), .text(item.scope), .text(item.sourceName), .text(item.targetName),
                    status(item.status), .text(item.message ?? ""), .text(item.taskId ?? ""),
                ])
            }
            try uncompared.finish()
        }

        // Sources: where every fact came from.
        do {
            let sources = try SheetWriter(workbook.addWorksheet(name: name("sheet.sources")), formats: sheet, marker: marker, timeZone: timeZone)
            try sources.header([
                "#", strings["col.file"], strings["col.response_kind"], strings["col.request"], strings["col.http_status"],
                strings["col.received_at"], strings["col.received_basis"], strings["col.sha256"],
            ])
            for item in report.sources {
                let request = item.requestPath.map { path in
                    let query = (item.query ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
                    return "\(item.method ?? "GET") \(path)" + (query.isEmpty ? "" : "?" + query)
                } ?? ""
                try sources.row([
                    .text(item.id), .text(item.file), .text(item.kind), .text(request),
                    item.httpStatus.map { .count(Int64($0)) } ?? .text(""), .time(item.receivedAt),
                    .text(strings["basis.\(item.receivedAtBasis.rawValue)"]), .text(item.sha256),
                ])
            }
            try sources.finish()
        }
        try workbook.close()
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
                try sheet.writeNumber(row: row, col: column, number, format: formats.decimal)
                note(column, String(number))
            case .time(let date):
                try sheet.writeDateTime(row: row, col: column, date, timeZone: timeZone, format: formats.time)
                note(column, "0000-00-00 00:00:00")
            case .optionalTime(let date):
                if let date {
                    try sheet.writeDateTime(row: row, col: column, date, timeZone: timeZone, format: formats.time)
                    note(column, "0000-00-00 00:00:00")
                }
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

    private func note(_ column: Int, _ text: String, bonus: Double = 0) {
        guard column < widths.count, widths[column] < Self.maxWidth else { return }
        var width = 0.0
        for scalar in text.unicodeScalars.prefix(80) {
            if scalar == "\n" { break }
            width += scalar.value >= 0x1100 ? 2 : 1
        }
        widths[column] = min(Self.maxWidth, max(widths[column], width + 1 + bonus))
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
