internal import CXlsxWriter

/// An error from the XLSXWriter wrapper: what was attempted, the libxlsxwriter code (if any) and what to do about it.
public struct XLSXError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, with the data needed to act on it.
    public enum Kind: Equatable, Sendable {
        /// The proposed worksheet name breaks one of Excel's rules.
        case invalidSheetName(name: String, problem: SheetNameProblem)
        /// The folder that should receive the .xlsx file does not exist (or is not a folder).
        case outputFolderMissing(folder: String)
        /// The output folder, or an existing file at the output path, cannot be written.
        case outputNotWritable(path: String)
        /// The `tmpdir` option names a folder that is missing or not writable.
        case temporaryFolderUnusable(path: String)
        /// A row or column index lies outside Excel's grid (or a range is inverted).
        case cellOutOfRange(row: Int, column: Int)
        /// A cell string is longer than Excel allows (lengths in UTF-16 code units after `xmlSafe` escaping).
        case stringTooLong(length: Int, limit: Int)
        /// A date lies outside the range Excel's 1900 date system can show correctly.
        case dateOutOfRange(secondsSince1970: Double)
        /// An argument is not acceptable (non-finite number, bad color, text that cannot go into XML, ...).
        case invalidArgument(detail: String)
        /// A `Format` created by a different `Workbook` was passed in.
        case formatFromAnotherWorkbook
        /// The workbook was already closed; nothing more can be written to it.
        case workbookClosed
        /// libxlsxwriter itself reported an error; see `lxwError` and `lxwStrerror`.
        case libxlsxwriter
    }

    /// Why a worksheet name was rejected.
    public enum SheetNameProblem: Equatable, Sendable {
        /// The name is empty.
        case empty
        /// The name is longer than 31 UTF-16 code units.
        case tooLong(length: Int)
        /// The name contains one of `[ ] : * ? / \` or a control character.
        case illegalCharacter(Character)
        /// The name starts or ends with an apostrophe.
        case apostropheAtStartOrEnd
        /// Another sheet already uses this name (compared case-insensitively).
        case duplicate(existing: String)
        /// The name is "History", which Excel reserves.
        case reserved
    }

    /// The category and details of the failure.
    public let kind: Kind
    /// The operation that failed, e.g. `"worksheet_write_string"` or `"Workbook.init"`.
    public let operation: String
    /// The libxlsxwriter `lxw_error` code (raw value) that applies, or nil if there is no equivalent.
    public let lxwError: Int32?
    /// The `lxw_strerror` text for `lxwError`, or nil if there is no code.
    public let lxwStrerror: String?
    /// A one-sentence explanation that says what to do.
    public let message: String

    /// Creates an error; `lxwError` is filled in with its `lxw_strerror` text.
    init(_ kind: Kind, operation: String, lxwError code: lxw_error? = nil, message: String) {
        self.kind = kind
        self.operation = operation
        if let code {
            self.lxwError = Int32(bitPattern: code.rawValue)
            self.lxwStrerror = XLSXError.strerror(code)
        } else {
            self.lxwError = nil
            self.lxwStrerror = nil
        }
        self.message = message
    }

    /// Human-readable description: operation, message and (if any) the libxlsxwriter code and text.
    public var description: String {
        var text = "\(operation): \(message)"
        if let lxwError {
            text += " [lxw_error \(lxwError): \(lxwStrerror ?? "unknown")]"
        }
        return text
    }

    /// The `lxw_strerror` text for a code, safe for any value.
    static func strerror(_ code: lxw_error) -> String {
        guard code.rawValue < LXW_MAX_ERRNO.rawValue, let cText = lxw_strerror(code) else {
            return "Unknown libxlsxwriter error \(code.rawValue)."
        }
        return String(cString: cText)
    }

    /// Wraps a non-zero libxlsxwriter return code, with advice suited to that code.
    static func library(_ code: lxw_error, operation: String, context: String? = nil) -> XLSXError {
        let advice: String
        switch code {
        case LXW_ERROR_MEMORY_MALLOC_FAILED:
            advice =
                "libxlsxwriter ran out of memory; free memory or use WorkbookOptions.constantMemory for large sheets."
        case LXW_ERROR_CREATING_XLSX_FILE:
            advice =
                "The .xlsx file could not be created; check that its folder exists and is writable and that the file is not open elsewhere."
        case LXW_ERROR_CREATING_TMPFILE, LXW_ERROR_READING_TMPFILE:
            advice =
                "A temporary file failed; check that the temporary folder (tmpdir or the system default) exists, is writable and has free space."
        case LXW_ERROR_ZIP_FILE_OPERATION, LXW_ERROR_ZIP_PARAMETER_ERROR, LXW_ERROR_ZIP_BAD_ZIP_FILE,
            LXW_ERROR_ZIP_INTERNAL_ERROR, LXW_ERROR_ZIP_FILE_ADD, LXW_ERROR_ZIP_CLOSE:
            advice =
                "Writing the zip container failed; check free disk space, and enable WorkbookOptions.useZip64 for files over 4 GB."
        case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE:
            advice =
                "The cell is outside the sheet, or (in constantMemory mode) its row is before a row already written; write rows in ascending order."
        case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED:
            advice =
                "The string is longer than Excel's 32,767-character cell limit; shorten it or pass truncateWithMarker."
        case LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED, LXW_ERROR_INVALID_SHEETNAME_CHARACTER,
            LXW_ERROR_SHEETNAME_START_END_APOSTROPHE, LXW_ERROR_SHEETNAME_ALREADY_USED:
            advice = "The sheet name was rejected; use Workbook.sanitizedSheetName to make a legal, unique name."
        case LXW_ERROR_PARAMETER_VALIDATION, LXW_ERROR_NULL_PARAMETER_IGNORED:
            advice = "libxlsxwriter rejected a parameter; check the values passed to this call."
        default:
            advice = "libxlsxwriter reported an unexpected error; report it together with the operation and code."
        }
        let text = context.map { "\($0) \(advice)" } ?? advice
        return XLSXError(.libxlsxwriter, operation: operation, lxwError: code, message: text)
    }

    /// The error thrown for any call on a closed workbook.
    static func closed(_ operation: String) -> XLSXError {
        XLSXError(
            .workbookClosed, operation: operation,
            message: "The workbook is already closed; create a new Workbook to write another file.")
    }

    /// The error thrown for an unacceptable argument.
    static func invalid(_ operation: String, _ detail: String) -> XLSXError {
        XLSXError(
            .invalidArgument(detail: detail), operation: operation, lxwError: LXW_ERROR_PARAMETER_VALIDATION,
            message: detail)
    }
}
