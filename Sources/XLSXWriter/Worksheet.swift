internal import CXlsxWriter
import Foundation

/// How `writeInt64` stored a value.
public enum CellValueKind: Equatable, Sendable {
    /// Stored as an Excel number (exact).
    case number
    /// Stored as text because a Double could not hold it exactly.
    case string
}

/// One worksheet of a `Workbook`; single-threaded like its workbook, and unusable after the workbook is closed.
///
/// Rows and columns are zero-based. Every method throws `.workbookClosed` after `Workbook.close()`,
/// `.cellOutOfRange` for indices outside Excel's grid, and the mapped `lxw_error` otherwise.
public final class Worksheet {
    /// Excel's row count (rows 0...1_048_575).
    public static let maxRows = 1_048_576
    /// Excel's column count (columns 0...16_383).
    public static let maxColumns = 16_384
    /// Largest integer magnitude a Double holds exactly (2^53); `writeInt64` writes larger values as text.
    public static let maxExactInteger: Int64 = 1 << 53

    /// The sheet name.
    public let name: String
    /// Zero-based position of the sheet in the workbook.
    public let index: Int
    /// The owning workbook (kept alive by the sheet).
    public let workbook: Workbook
    /// The libxlsxwriter sheet, owned by the workbook; valid only while the workbook is open.
    private let handle: UnsafeMutablePointer<lxw_worksheet>

    /// Created by `Workbook.addWorksheet`.
    init(workbook: Workbook, handle: UnsafeMutablePointer<lxw_worksheet>, name: String, index: Int) {
        self.workbook = workbook
        self.handle = handle
        self.name = name
        self.index = index
    }

    // MARK: - Cells

    /// Writes `value` as a text cell — never as a formula, whatever it starts with (`=`, `+`, `-`, `@`).
    ///
    /// The text goes through `Worksheet.xmlSafe`. If its stored length exceeds `maxCellCharacters`
    /// this throws `.stringTooLong`, unless `truncateWithMarker` is given: then the text is cut (never inside
    /// a surrogate pair) so that the kept part plus the marker fits. An empty string writes nothing
    /// (or a blank formatted cell if `format` is given), as libxlsxwriter does.
    public func writeString(
        row: Int, col: Int, _ value: String, format: Format? = nil,
        truncateWithMarker: String? = nil
    ) throws {
        let op = "worksheet_write_string"
        let (r, c) = try cell(row, col, op)
        var text = value
        var stored = Worksheet.xmlSafe(text)
        if stored.utf16.count > Worksheet.maxCellCharacters {
            guard let marker = truncateWithMarker else {
                throw XLSXError(
                    .stringTooLong(length: stored.utf16.count, limit: Worksheet.maxCellCharacters),
                    operation: op, lxwError: LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED,
                    message:
                        "Text for cell \(Worksheet.cellName(row, col)) on '\(name)' is \(stored.utf16.count) characters; Excel allows \(Worksheet.maxCellCharacters), so shorten it or pass truncateWithMarker."
                )
            }
            text = try Worksheet.truncated(text, marker: marker)
            stored = Worksheet.xmlSafe(text)
        }
        let fmt = try workbook.lxwFormat(format, operation: op)
        let err = stored.withCString { worksheet_write_string(handle, r, c, $0, fmt) }
        try check(err, op, row, col)
    }

    /// Writes NUL-terminated UTF-8 that `Worksheet.storedAsIs` accepted, with no copy: the fast path
    /// for a million-row sheet. Text it did not accept goes through `writeString`.
    public func writeStoredUTF8(row: Int, col: Int, _ text: UnsafePointer<CChar>, format: Format? = nil) throws {
        let op = "worksheet_write_string"
        let (r, c) = try cell(row, col, op)
        let fmt = try workbook.lxwFormat(format, operation: op)
        try check(worksheet_write_string(handle, r, c, text, fmt), op, row, col)
    }

    /// Writes a finite Double as a number cell; NaN and infinities throw (Excel has no such values).
    public func writeNumber(row: Int, col: Int, _ value: Double, format: Format? = nil) throws {
        let op = "worksheet_write_number"
        let (r, c) = try cell(row, col, op)
        guard value.isFinite else {
            throw XLSXError.invalid(
                op,
                "Cell \(Worksheet.cellName(row, col)) on '\(name)' would get \(value), which Excel cannot store; write a finite number or text instead."
            )
        }
        let fmt = try workbook.lxwFormat(format, operation: op)
        try check(worksheet_write_number(handle, r, c, value, fmt), op, row, col)
    }

    /// Writes an integer: as a number when |value| <= 2^53 (exact in a Double), otherwise as decimal text.
    ///
    /// Note that Excel displays at most 15 significant digits, so numbers above 10^15 show rounded
    /// in Excel although the file holds them exactly.
    @discardableResult
    public func writeInt64(row: Int, col: Int, _ value: Int64, format: Format? = nil) throws -> CellValueKind {
        if value.magnitude <= Worksheet.maxExactInteger.magnitude {
            try writeNumber(row: row, col: col, Double(value), format: format)
            return .number
        }
        try writeString(row: row, col: col, String(value), format: format)
        return .string
    }

    /// Writes a date-time as an Excel serial number in `timeZone`, with a date number format.
    ///
    /// Uses Excel's 1900 date system: serial = days since 1970-01-01 (local time in `timeZone`) + 25569,
    /// rounded to whole milliseconds. Dates before 1900-03-01 (where Excel's fictitious 1900-02-29 makes
    /// the offset wrong) or after 9999-12-31 throw `.dateOutOfRange`. If `format` is nil, or has no
    /// number format, `Workbook.defaultDateTimeFormat` is used (keeping the format's other attributes).
    public func writeDateTime(row: Int, col: Int, _ date: Date, timeZone: TimeZone, format: Format? = nil) throws {
        let op = "worksheet_write_number"
        _ = try cell(row, col, op)
        let serial = Worksheet.excelSerial(for: date, timeZone: timeZone)
        guard serial.isFinite, serial >= 61, serial < 2_958_466 else {
            throw XLSXError(
                .dateOutOfRange(secondsSince1970: date.timeIntervalSince1970), operation: op,
                lxwError: LXW_ERROR_PARAMETER_VALIDATION,
                message:
                    "Date \(date) is outside 1900-03-01...9999-12-31, which Excel cannot show as a date; write it as text instead."
            )
        }
        var effective = format
        if format?.spec.numberFormat == nil {
            var spec = format?.spec ?? FormatSpec()
            spec.numberFormat = Workbook.defaultDateTimeFormat
            _ = try workbook.lxwFormat(format, operation: op)  // reject a foreign format before replacing it
            effective = try workbook.addFormat(spec)
        }
        try writeNumber(row: row, col: col, serial, format: effective)
    }

    /// Excel 1900-system serial number of `date` as wall-clock time in `timeZone` (25569 = 1970-01-01).
    public static func excelSerial(for date: Date, timeZone: TimeZone) -> Double {
        let seconds = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
        let millis = (seconds * 1000).rounded()
        return millis / 86_400_000 + 25_569
    }

    /// Writes TRUE or FALSE.
    public func writeBoolean(row: Int, col: Int, _ value: Bool, format: Format? = nil) throws {
        let op = "worksheet_write_boolean"
        let (r, c) = try cell(row, col, op)
        let fmt = try workbook.lxwFormat(format, operation: op)
        try check(worksheet_write_boolean(handle, r, c, value ? 1 : 0, fmt), op, row, col)
    }

    /// Writes an empty cell carrying `format`; without a format libxlsxwriter writes nothing (Excel needs no blank cell).
    public func writeBlank(row: Int, col: Int, format: Format? = nil) throws {
        let op = "worksheet_write_blank"
        let (r, c) = try cell(row, col, op)
        let fmt = try workbook.lxwFormat(format, operation: op)
        try check(worksheet_write_blank(handle, r, c, fmt), op, row, col)
    }

    // MARK: - Layout

    /// Sets the width (in characters, 0...255) and default format of columns `first...last`.
    public func setColumn(first: Int, last: Int, width: Double, format: Format? = nil) throws {
        let op = "worksheet_set_column"
        let (_, c1) = try cell(0, first, op)
        let (_, c2) = try cell(0, last, op)
        guard first <= last else { throw outOfRange(0, last, op) }
        guard width.isFinite, width >= 0, width <= 255 else {
            throw XLSXError.invalid(op, "Column width \(width) is outside Excel's 0...255; pass a width in that range.")
        }
        let fmt = try workbook.lxwFormat(format, operation: op)
        try check(worksheet_set_column(handle, c1, c2, width, fmt), op, 0, first)
    }

    /// Sets the height (in points, 0...409) and default format of one row.
    public func setRow(_ row: Int, height: Double, format: Format? = nil) throws {
        let op = "worksheet_set_row"
        let (r, _) = try cell(row, 0, op)
        guard height.isFinite, height >= 0, height <= 409 else {
            throw XLSXError.invalid(
                op, "Row height \(height) is outside Excel's 0...409 points; pass a height in that range.")
        }
        let fmt = try workbook.lxwFormat(format, operation: op)
        try check(worksheet_set_row(handle, r, height, fmt), op, row, 0)
    }

    /// Freezes the rows above `row` and the columns left of `col` (e.g. `row: 1, col: 0` freezes a header row).
    public func freezePanes(row: Int, col: Int) throws {
        let (r, c) = try cell(row, col, "worksheet_freeze_panes")
        worksheet_freeze_panes(handle, r, c)
    }

    /// Adds an autofilter to the given range (typically the header row through the last data row).
    public func autofilter(firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int) throws {
        let op = "worksheet_autofilter"
        let (r1, c1) = try cell(firstRow, firstCol, op)
        let (r2, c2) = try cell(lastRow, lastCol, op)
        guard firstRow <= lastRow, firstCol <= lastCol else { throw outOfRange(lastRow, lastCol, op) }
        try check(worksheet_autofilter(handle, r1, c1, r2, c2), op, firstRow, firstCol)
    }

    /// Prints rows `first...last` at the top of every page.
    public func repeatRows(first: Int, last: Int) throws {
        let op = "worksheet_repeat_rows"
        let (r1, _) = try cell(first, 0, op)
        let (r2, _) = try cell(last, 0, op)
        guard first <= last else { throw outOfRange(last, 0, op) }
        try check(worksheet_repeat_rows(handle, r1, r2), op, first, 0)
    }

    // MARK: - Page setup and view

    /// Prints in landscape orientation.
    public func setLandscape() throws {
        try checkOpen("worksheet_set_landscape")
        worksheet_set_landscape(handle)
    }

    /// Prints in portrait orientation (the default).
    public func setPortrait() throws {
        try checkOpen("worksheet_set_portrait")
        worksheet_set_portrait(handle)
    }

    /// Scales printing to fit `width` pages across and `height` pages down (0 = as many as needed).
    public func fitToPages(width: Int, height: Int) throws {
        let op = "worksheet_fit_to_pages"
        try checkOpen(op)
        guard let w = UInt16(exactly: width), let h = UInt16(exactly: height) else {
            throw XLSXError.invalid(op, "Page counts must be 0...65535; pass smaller values.")
        }
        worksheet_fit_to_pages(handle, w, h)
    }

    /// Prints on paper `code` (libxlsxwriter's paper index: 9 is A4, 1 is US Letter).
    public func setPaper(_ code: Int) throws {
        let op = "worksheet_set_paper"
        try checkOpen(op)
        guard let value = UInt8(exactly: code) else {
            throw XLSXError.invalid(op, "Paper code \(code) is outside 0...255; pass one of Excel's paper indexes.")
        }
        worksheet_set_paper(handle, value)
    }

    /// Prints `text` as the page footer, with Excel's codes (`&A` sheet name, `&P` page, `&N`
    /// pages; `&&` is a literal ampersand). At most 255 bytes, Excel's limit.
    public func setFooter(_ text: String) throws {
        let op = "worksheet_set_footer"
        try checkOpen(op)
        guard text.utf8.count <= 255 else {
            throw XLSXError.invalid(op, "A footer holds at most 255 bytes; shorten it.")
        }
        try check(worksheet_set_footer(handle, text), op, 0, 0)
    }

    /// Sets the on-screen zoom in percent (10...400).
    public func setZoom(_ percent: Int) throws {
        let op = "worksheet_set_zoom"
        try checkOpen(op)
        guard (10...400).contains(percent) else {
            throw XLSXError.invalid(op, "Zoom \(percent)% is outside Excel's 10...400; pass a value in that range.")
        }
        worksheet_set_zoom(handle, UInt16(percent))
    }

    /// Makes this the sheet shown when the file is opened.
    public func activate() throws {
        try checkOpen("worksheet_activate")
        worksheet_activate(handle)
    }

    /// Colors the sheet tab (0xRRGGBB).
    public func setTabColor(_ rgb: UInt32) throws {
        let op = "worksheet_set_tab_color"
        try checkOpen(op)
        guard rgb <= 0xFF_FFFF else {
            throw XLSXError.invalid(
                op, "Tab color 0x\(String(rgb, radix: 16)) is not a 0xRRGGBB value; use 0x000000...0xFFFFFF.")
        }
        worksheet_set_tab_color(handle, FormatSpec.lxwColor(rgb))
    }

    // MARK: - Helpers

    /// "A1"-style name of a zero-based cell, for messages.
    public static func cellName(_ row: Int, _ col: Int) -> String {
        guard row >= 0, col >= 0 else { return "R\(row)C\(col)" }
        var letters = ""
        var n = col + 1
        while n > 0 {
            let rem = (n - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + rem))) + letters
            n = (n - 1) / 26
        }
        return "\(letters)\(row + 1)"
    }

    /// Throws `.workbookClosed` if the owning workbook is closed.
    private func checkOpen(_ op: String) throws {
        if workbook.isClosed { throw XLSXError.closed(op) }
    }

    /// Checks the workbook is open and the cell is on the grid, and converts to libxlsxwriter's index types.
    private func cell(_ row: Int, _ col: Int, _ op: String) throws -> (lxw_row_t, lxw_col_t) {
        try checkOpen(op)
        guard row >= 0, row < Worksheet.maxRows, col >= 0, col < Worksheet.maxColumns,
            let r = lxw_row_t(exactly: row), let c = lxw_col_t(exactly: col)
        else {
            throw outOfRange(row, col, op)
        }
        return (r, c)
    }

    /// The error for an index outside the grid or an inverted range.
    private func outOfRange(_ row: Int, _ col: Int, _ op: String) -> XLSXError {
        XLSXError(
            .cellOutOfRange(row: row, column: col), operation: op, lxwError: LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE,
            message:
                "Row \(row), column \(col) on '\(name)' is outside Excel's 1,048,576 x 16,384 grid (or the range is inverted); use zero-based indices inside it."
        )
    }

    /// Throws the mapped error for a non-zero libxlsxwriter result.
    private func check(_ err: lxw_error, _ op: String, _ row: Int, _ col: Int) throws {
        guard err != LXW_NO_ERROR else { return }
        throw XLSXError.library(err, operation: op, context: "Sheet '\(name)', cell \(Worksheet.cellName(row, col)).")
    }
}

/// `Worksheet` wraps single-threaded C state and must not cross threads or tasks.
@available(*, unavailable)
extension Worksheet: Sendable {}
