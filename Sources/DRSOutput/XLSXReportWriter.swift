import DRSCore
import DRSIngest
import Foundation
import XLSXWriter

/// report.xlsx through libxlsxwriter, in constant-memory mode so a million-row Diffs sheet streams
/// to disk. Text is always written as text (never a formula), counts as exact numbers, times as
/// Excel date-times in the report's time zone. Diffs beyond Excel's row limit continue on
/// "Diffs (2)", "Diffs (3)"…; cells beyond 32,767 characters are cut with a visible marker (the full
/// value stays in csv/diffs.csv). The workbook's created time is the report clock, so the same
/// input gives the same bytes.
package struct XLSXReportWriter: ReportWriter {
    package var format: OutputFormat { .xlsx }

    package init() {}

    /// Data rows per Diffs sheet (Excel's limit less the header row). Tests lower it to exercise continuation.
    package var rowsPerSheet = Worksheet.maxRows - 1

    package func write(_ report: Report, diffs: DiffStream, into directory: URL, options: RenderOptions) throws
        -> [String]
    {
        try XLSXBuild.mapped {
            let build = try XLSXBuild(
                directory: directory, language: Language(rawValue: report.language) ?? .enUS,
                created: report.generatedAt,
                generator: report.generator, diffCount: diffs.count, rowsPerSheet: rowsPerSheet,
                timeZone: options.timeZone)
            do {
                guard try build.writeDiffs(diffs) else {
                    throw DRSReportError.xlsx(
                        reason: "the rows outgrew the Diffs sheets made for them; report this as a bug")
                }
                try build.finish(report, meta: options.meta, signOff: options.signOff)
            } catch {
                build.discard()
                throw error
            }
        }
        return ["report.xlsx"]
    }
}

/// report.xlsx in steps: open it with every sheet named in order, stream the Diffs sheet, then
/// write the ledger sheets and close. The steps let `Renderer` write Diffs while ingest still reads
/// (`EarlyWorkbook`): libxlsxwriter's constant-memory mode keeps each sheet in its own file, so
/// the Summary can be written after Diffs and still come first.
package final class XLSXBuild {
    private let workbook: Workbook
    private let directory: URL
    private let tmp: URL
    private let strings: Strings
    private let formats: SheetWriter.Formats
    private let marker: String
    private let timeZone: TimeZone
    private let rowsPerSheet: Int
    private let created: Date
    private let generator: String
    private let summary: SheetWriter
    private var sections: [String: SheetWriter] = [:]
    private var diffSheets: [SheetWriter] = []
    private var diffSheetNames: [String] = []
    private let header: [String]
    private let columns: [Column<DiffRow>]
    /// Sections shown before the Diffs sheets; the rest come after.
    package static let beforeDiffs = ["jobs", "tasks", "tables", "databases", "object_types", "objects"]

    package init(
        directory: URL, language: Language, created: Date, generator: String, diffCount: Int64, rowsPerSheet: Int,
        timeZone: TimeZone
    ) throws {
        self.directory = directory
        self.timeZone = timeZone
        self.rowsPerSheet = rowsPerSheet
        self.created = created
        self.generator = generator
        let strings = Strings(language)
        self.strings = strings
        tmp = directory.appendingPathComponent(".xlsx-tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        workbook = try Workbook(
            path: directory.appendingPathComponent("report.xlsx").path,
            options: WorkbookOptions(constantMemory: true, tmpdir: tmp.path, useZip64: true))
        formats = try SheetWriter.Formats(workbook: workbook)
        marker = strings["xlsx.truncated"]
        let sheetSections = ReportSections.all(Report.empty(language), strings: strings).filter { $0.sheet != nil }
        let columns = DiffColumns.columns(strings).filter { $0.placement != .csvOnly }
        self.columns = columns
        header = columns.map { strings[$0.label] }
        // Every sheet is named and added before any is written, so the Summary can name the Diffs continuations.
        var pending: [(String, String)] = []
        var taken = Set<String>()
        func name(_ proposed: String) -> String {
            let unique = Workbook.sanitizedSheetName(proposed, existing: taken)
            taken.insert(unique.lowercased())
            return unique
        }
        let summaryName = name(strings["sheet.summary"])
        for section in sheetSections where Self.beforeDiffs.contains(section.file) {
            pending.append((section.file, name(strings[section.sheet!])))
        }
        let diffSheetCount = max(1, Int((diffCount + Int64(rowsPerSheet) - 1) / Int64(rowsPerSheet)))
        let diffsBase = strings["sheet.diffs"]
        for index in 0..<diffSheetCount {
            pending.append(("", name(index == 0 ? diffsBase : "\(diffsBase) (\(index + 1))")))
        }
        for section in sheetSections where !Self.beforeDiffs.contains(section.file) {
            pending.append((section.file, name(strings[section.sheet!])))
        }
        summary = try SheetWriter(
            workbook.addWorksheet(name: summaryName), formats: formats, marker: marker, timeZone: timeZone)
        for (file, sheetName) in pending {
            let writer = try SheetWriter(
                workbook.addWorksheet(name: sheetName), formats: formats, marker: marker, timeZone: timeZone)
            if file.isEmpty {
                diffSheets.append(writer)
                diffSheetNames.append(sheetName)
            } else {
                sections[file] = writer
            }
        }
    }

    /// Runs `body`, mapping workbook errors to the report's.
    package static func mapped(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as XLSXError {
            throw DRSReportError.xlsx(reason: error.message)
        }
    }

    /// Writes every row of the stream. With `follow`, reads the spool while ingest still appends,
    /// as the rows were read; returns false (and stops) when they need more sheets than were added.
    @discardableResult
    package func writeDiffs(_ diffs: DiffStream, follow spool: RowSpool? = nil) throws -> Bool {
        var sheetIndex = 0
        var current = diffSheets[0]
        try current.header(header)
        var rowsOnSheet = 0
        /// Moves to the next sheet at Excel's row limit; false when there is none.
        func room() throws -> Bool {
            guard rowsOnSheet == rowsPerSheet else { return true }
            try current.finish()
            sheetIndex += 1
            guard sheetIndex < diffSheets.count else { return false }
            current = diffSheets[sheetIndex]
            try current.header(header)
            rowsOnSheet = 0
            return true
        }
        struct Full: Error {}
        guard let plan = RawCell.plan(columns.map(\.id)) else {
            try diffs.forEach { row in
                guard try room() else { throw Full() }
                try current.row(columns.map { XLSXReportWriter.value($0.value(row)) })
                rowsOnSheet += 1
            }
            try current.finish()
            return true
        }
        // The fast path: spooled bytes straight to libxlsxwriter; widths from the first rows.
        let kinds = DiffKind.allCases.map { CText(strings["diffkind.\($0.rawValue)"]) }
        let jobNames = diffs.jobs.names.map(CText.init)
        var seen = 0
        func write(_ row: RawDiffRow, resolvedJob: Int?) throws {
            guard try room() else { throw Full() }
            let measure = seen < XLSXReportWriter.widthSample
            for (column, cell) in plan.enumerated() {
                switch cell {
                case .field(.job):
                    if let job = resolvedJob {
                        try current.text(column, jobNames[job], measure: measure)
                    } else {
                        try current.utf8(column, row, .job, measure: measure)
                    }
                case .field(let field): try current.utf8(column, row, field, measure: measure)
                case .kind:
                    try current.text(
                        column, kinds[DiffKind.allCases.firstIndex(of: row.kind) ?? 0], format: .inconsistent,
                        measure: measure)
                case .inferred: try current.text(column, row.locationInferred ? CText.yes : CText.no, measure: measure)
                }
            }
            current.endRow()
            rowsOnSheet += 1
            seen += 1
        }
        do {
            if let spool {
                try spool.read(follow: true) { row in try write(row, resolvedJob: nil) }
            } else {
                try diffs.forEachRaw { row in try write(row, resolvedJob: diffs.jobs.nameIndex(row.index)) }
            }
        } catch is Full {
            return false
        }
        try current.finish()
        return true
    }

    /// Writes the Summary and ledger sheets and closes the workbook.
    package func finish(_ report: Report, meta: [MetaField] = [], signOff: [String] = []) throws {
        defer { try? FileManager.default.removeItem(at: tmp) }
        // The title can carry a job's name or id from the data; XML cannot hold a control character,
        // so it is shown as ⟨U+0001⟩ rather than failing the workbook (the fuzzer found this).
        try workbook.setProperties(
            DocumentProperties(
                title: Redact.control(report.title), subject: "DRS comparison report", author: generator,
                comments: "Verdict: \(report.verdict.value.rawValue)", created: created))
        try summary.header([strings["col.item"], strings["col.value"]])
        for item in ReportSections.summary(report, strings: strings, timeZone: timeZone, meta: meta) {
            try summary.row([.text(item.label), XLSXReportWriter.value(item.value)])
        }
        // A line for each role that signs the report off.
        for role in signOff {
            try summary.row([.text(strings["signoff.heading"] + ": " + role), .text(strings["signoff.line"])])
        }
        if diffSheetNames.count > 1 {
            try summary.row([
                .text(strings["sheet.diffs"]),
                .text(strings.format("xlsx.diffs_continued", diffSheetNames.dropFirst().joined(separator: ", "))),
            ])
        }
        try summary.finish(filter: false)
        for section in ReportSections.all(report, strings: strings) {
            guard let writer = sections[section.file] else { continue }
            let columns = section.ids.indices.filter { section.included($0, csv: false) }
            try writer.header(columns.map { strings[section.labels[$0]] })
            for row in section.rows { try writer.row(columns.map { XLSXReportWriter.value(row[$0]) }) }
            try writer.finish()
        }
        try workbook.close()
    }

    /// Abandons the workbook without writing it: nothing of it is left.
    package func discard() {
        workbook.abandon()
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("report.xlsx"))
        try? FileManager.default.removeItem(at: tmp)
    }
}

extension Report {
    /// A report with nothing in it: the sections' shape (their sheets) without their rows.
    fileprivate static func empty(_ language: Language) -> Report {
        Report(title: "", generatedAt: Date(timeIntervalSince1970: 0), language: language.rawValue, generator: "")
    }
}

extension XLSXReportWriter {
    /// Rows of the Diffs sheet whose text sizes its columns; a wider value further down is shown
    /// whole in its cell when selected, as any cell over the width is.
    package static let widthSample = 10_000

    /// A section cell as a typed workbook cell.
    package static func value(_ value: CellValue) -> SheetWriter.Value {
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
