import DRSCore
import DRSIngest
import Foundation
import XLSXWriter

/// Writes one table sheet row by row (constant-memory mode needs rows in order), tracks column
/// widths, and on `finish` adds the frozen header, the autofilter and the widths.
package final class SheetWriter {
    /// Formats shared by every sheet of a workbook.
    package struct Formats {
        package let header: Format
        package let time: Format
        package let count: Format
        package let decimal: Format
        package let consistent: Format
        package let inconsistent: Format
        package let attention: Format

        package init(workbook: Workbook) throws {
            header = try workbook.addFormat(FormatSpec(bold: true, backgroundColor: 0xD9E1F2, border: .thin))
            time = try workbook.addFormat(FormatSpec(numberFormat: Workbook.defaultDateTimeFormat))
            count = try workbook.addFormat(FormatSpec(numberFormat: "#,##0"))
            decimal = try workbook.addFormat(FormatSpec(numberFormat: "0.0"))
            consistent = try workbook.addFormat(FormatSpec(fontColor: 0x006100, backgroundColor: 0xC6EFCE))
            inconsistent = try workbook.addFormat(FormatSpec(fontColor: 0x9C0006, backgroundColor: 0xFFC7CE))
            attention = try workbook.addFormat(FormatSpec(fontColor: 0x9C5700, backgroundColor: 0xFFEB9C))
        }
    }

    /// A cell value.
    package enum Value {
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
    package static let maxWidth = 60.0

    package init(
        _ sheet: Worksheet, formats: Formats, marker: String, timeZone: TimeZone, footer: String = "&C&A · &P / &N"
    )
        throws
    {
        self.sheet = sheet
        self.formats = formats
        self.marker = marker
        self.timeZone = timeZone
        // Printable as it is: A4 landscape, one page wide, the header row on every page, and a
        // footer with the sheet name and page number.
        try sheet.setLandscape()
        try sheet.setPaper(9)
        try sheet.fitToPages(width: 1, height: 0)
        try sheet.repeatRows(first: 0, last: 0)
        try sheet.setFooter(footer)
    }

    package func header(_ titles: [String]) throws {
        columns = titles.count
        widths = Array(repeating: 8, count: titles.count)
        for (column, title) in titles.enumerated() {
            try sheet.writeString(row: row, col: column, title, format: formats.header)
            note(column, title, bonus: 2)
        }
        row += 1
    }

    package func row(_ values: [Value]) throws {
        for (column, value) in values.enumerated() {
            switch value {
            case .text(let text):
                try sheet.writeString(row: row, col: column, text, truncateWithMarker: marker)
                note(column, text)
            case .count(let number):
                _ = try sheet.writeInt64(row: row, col: column, number, format: formats.count)
                note(column, Formatting.count(number))
            case .optionalCount(let number):
                if let number {
                    _ = try sheet.writeInt64(row: row, col: column, number, format: formats.count)
                    note(column, Formatting.count(number))
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
                let format: Format =
                    switch outcome {
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
    package func utf8(_ column: Int, _ raw: RawDiffRow, _ field: RowSpool.Field, measure: Bool) throws {
        if raw.plain(field) {
            try sheet.writeStoredUTF8(row: row, col: column, raw.cString(field))
        } else {
            try sheet.writeString(row: row, col: column, raw.string(field), truncateWithMarker: marker)
        }
        if measure { note(column, bytes: raw.bytes(field)) }
    }

    /// A text cell the writer made once (a label, a job id).
    package func text(_ column: Int, _ text: CText, format tone: CompareOutcome? = nil, measure: Bool) throws {
        let format: Format? =
            switch tone {
            case .consistent: formats.consistent
            case .inconsistent: formats.inconsistent
            case nil: nil
            default: formats.attention
            }
        if text.plain {
            try text.bytes.withUnsafeBufferPointer {
                try sheet.writeStoredUTF8(row: row, col: column, $0.baseAddress!, format: format)
            }
        } else {
            try sheet.writeString(row: row, col: column, text.string, format: format, truncateWithMarker: marker)
        }
        if measure { note(column, text.string) }
    }

    package func endRow() {
        row += 1
    }

    private func note(_ column: Int, bytes: UnsafeBufferPointer<UInt8>) {
        guard column < widths.count, widths[column] < Self.maxWidth else { return }
        // 80 scalars take at most 320 bytes.
        note(column, String(decoding: UnsafeBufferPointer(rebasing: bytes.prefix(320)), as: UTF8.self))
    }

    package func finish(filter: Bool = true) throws {
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
package struct CText {
    package let string: String
    package let bytes: [CChar]
    package let plain: Bool

    package init(_ string: String) {
        self.string = string
        var utf8 = Array(string.utf8)
        plain = utf8.withUnsafeBufferPointer { Worksheet.storedAsIs($0) }
        utf8.append(0)
        bytes = utf8.map { CChar(bitPattern: $0) }
    }

    package static let yes = CText("true")
    package static let no = CText("false")
}
