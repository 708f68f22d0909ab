internal import CXlsxWriter
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Document properties stored in docProps/core.xml.
public struct DocumentProperties: Equatable, Sendable {
    /// Document title.
    public var title: String?
    /// Document subject.
    public var subject: String?
    /// Author; Excel shows it as the creator (`dc:creator`).
    public var author: String?
    /// Manager field.
    public var manager: String?
    /// Company field.
    public var company: String?
    /// Category field.
    public var category: String?
    /// Keywords field.
    public var keywords: String?
    /// Comments field.
    public var comments: String?
    /// Status field.
    public var status: String?
    /// Hyperlink base URL.
    public var hyperlinkBase: String?
    /// Creation (and modification) time, whole seconds (fraction dropped); nil means "now", which makes output non-reproducible.
    ///
    /// libxlsxwriter 1.1.4 stores it as a `time_t` and treats 0 as "unset = now", so exactly
    /// 1970-01-01T00:00:00Z is rejected. Set it to get byte-identical files for identical content.
    public var created: Date?

    /// Creates properties; every field defaults to nil (not written).
    public init(
        title: String? = nil, subject: String? = nil, author: String? = nil, manager: String? = nil,
        company: String? = nil, category: String? = nil, keywords: String? = nil, comments: String? = nil,
        status: String? = nil, hyperlinkBase: String? = nil, created: Date? = nil
    ) {
        self.title = title
        self.subject = subject
        self.author = author
        self.manager = manager
        self.company = company
        self.category = category
        self.keywords = keywords
        self.comments = comments
        self.status = status
        self.hyperlinkBase = hyperlinkBase
        self.created = created
    }
}

/// Options for creating a workbook (libxlsxwriter's `lxw_workbook_options` plus document properties).
public struct WorkbookOptions: Equatable, Sendable {
    /// Flush each row to a temporary file when the next row starts; rows must then be written in ascending order.
    public var constantMemory: Bool
    /// Folder for libxlsxwriter's temporary files; nil uses the system default. Must exist and be writable.
    public var tmpdir: String?
    /// Allow ZIP64 extensions, needed for files (or parts) over 4 GB.
    public var useZip64: Bool
    /// Document properties, including the `created` time.
    public var properties: DocumentProperties

    /// Creates options; the defaults match libxlsxwriter's (all off, no properties).
    public init(
        constantMemory: Bool = false, tmpdir: String? = nil, useZip64: Bool = false,
        properties: DocumentProperties = DocumentProperties()
    ) {
        self.constantMemory = constantMemory
        self.tmpdir = tmpdir
        self.useZip64 = useZip64
        self.properties = properties
    }
}

/// An .xlsx file being written with libxlsxwriter; single-threaded (use it, its sheets and formats from one thread/task).
///
/// libxlsxwriter is not thread-safe, so `Workbook` and `Worksheet` are deliberately not `Sendable`.
/// Call `close()` to write the file and see any error; if a workbook is released unclosed,
/// `deinit` closes it (writing the file) and ignores errors.
public final class Workbook {
    /// Where the .xlsx file is written on `close()`.
    public let path: String
    /// The options the workbook was created with.
    public let options: WorkbookOptions
    /// True once `close()` has run (or started); every later call throws `.workbookClosed`.
    public private(set) var isClosed = false

    /// The libxlsxwriter workbook; valid only while `!isClosed`.
    private let handle: UnsafeMutablePointer<lxw_workbook>
    /// C strings handed to libxlsxwriter, kept alive until close.
    private var cStrings: [UnsafeMutablePointer<CChar>]
    /// Worksheet names in creation order.
    public private(set) var sheetNames: [String] = []
    /// Formats by spec, so identical specs share one libxlsxwriter format.
    private var formatCache: [FormatSpec: Format] = [:]
    /// libxlsxwriter formats, indexed by `Format.index`.
    private var formatPointers: [UnsafeMutablePointer<lxw_format>] = []
    /// Identity that formats of this workbook carry.
    let identity = WorkbookIdentity()

    /// Number format used by `writeDateTime` when no date format is given.
    public static let defaultDateTimeFormat = "yyyy-mm-dd hh:mm:ss"

    /// Creates a workbook that will be written to `path`; checks the output folder and options before calling libxlsxwriter.
    public init(path: String, options: WorkbookOptions = WorkbookOptions()) throws {
        let op = "Workbook.init"
        try Workbook.checkOutputPath(path)
        if let tmpdir = options.tmpdir {
            try Workbook.checkTemporaryFolder(tmpdir)
        }
        try Workbook.checkProperties(options.properties)

        var owned: [UnsafeMutablePointer<CChar>] = []
        func copy(_ s: String?) throws -> UnsafeMutablePointer<CChar>? {
            guard let s else { return nil }
            guard let p = strdup(s) else {
                throw XLSXError.library(LXW_ERROR_MEMORY_MALLOC_FAILED, operation: op)
            }
            owned.append(p)
            return p
        }
        func freeOwned() {
            for p in owned { free(p) }
        }

        let workbook: UnsafeMutablePointer<lxw_workbook>
        do {
            var lxwOptions = lxw_workbook_options()
            lxwOptions.constant_memory = options.constantMemory ? 1 : 0
            lxwOptions.use_zip64 = options.useZip64 ? 1 : 0
            lxwOptions.tmpdir = try copy(options.tmpdir)
            guard let created = path.withCString({ workbook_new_opt($0, &lxwOptions) }) else {
                throw XLSXError.library(
                    LXW_ERROR_MEMORY_MALLOC_FAILED, operation: "workbook_new_opt",
                    context: "libxlsxwriter could not create the workbook.")
            }
            workbook = created

            do {
                try Workbook.apply(options.properties, to: workbook, copy: copy)
            } catch {
                lxw_workbook_free(workbook)
                throw error
            }
        } catch {
            freeOwned()
            throw error
        }

        self.path = path
        self.options = options
        self.handle = workbook
        self.cStrings = owned
    }

    deinit {
        if !isClosed {
            isClosed = true
            _ = workbook_close(handle)
        }
        releaseCStrings()
    }

    /// Replaces the document properties (before `close`): for a workbook begun before its title was known.
    public func setProperties(_ properties: DocumentProperties) throws {
        guard !isClosed else { throw XLSXError.closed("workbook_set_properties") }
        try Workbook.checkProperties(properties)
        var owned: [UnsafeMutablePointer<CChar>] = []
        func copy(_ s: String?) throws -> UnsafeMutablePointer<CChar>? {
            guard let s else { return nil }
            guard let p = strdup(s) else {
                throw XLSXError.library(LXW_ERROR_MEMORY_MALLOC_FAILED, operation: "workbook_set_properties")
            }
            owned.append(p)
            return p
        }
        defer { cStrings += owned }
        try Workbook.apply(properties, to: handle, copy: copy)
    }

    private static func apply(
        _ p: DocumentProperties, to workbook: UnsafeMutablePointer<lxw_workbook>,
        copy: (String?) throws -> UnsafeMutablePointer<CChar>?
    ) throws {
        var props = lxw_doc_properties()
        props.title = try copy(p.title)
        props.subject = try copy(p.subject)
        props.author = try copy(p.author)
        props.manager = try copy(p.manager)
        props.company = try copy(p.company)
        props.category = try copy(p.category)
        props.keywords = try copy(p.keywords)
        props.comments = try copy(p.comments)
        props.status = try copy(p.status)
        props.hyperlink_base = try copy(p.hyperlinkBase)
        if let created = p.created {
            props.created = time_t(created.timeIntervalSince1970.rounded(.down))
        }
        let err = workbook_set_properties(workbook, &props)
        if err != LXW_NO_ERROR {
            throw XLSXError.library(err, operation: "workbook_set_properties")
        }
    }

    /// Writes the .xlsx file and frees libxlsxwriter's memory; throws the mapped `lxw_error` if writing fails.
    public func close() throws {
        guard !isClosed else { throw XLSXError.closed("workbook_close") }
        isClosed = true
        // libxlsxwriter reports close failures (a full disk, a zip error) with its own fprintf to
        // stderr as well as by its return code; a library must not print, so its stderr is muted for
        // the call and the code becomes the error. Other writers never print, so muting is safe.
        let err = StandardErrorMute.run { workbook_close(handle) }
        releaseCStrings()
        if err != LXW_NO_ERROR {
            throw XLSXError.library(err, operation: "workbook_close", context: "Writing '\(path)' failed.")
        }
    }

    /// Frees the workbook without writing its file (constant-memory temporary files go with it).
    public func abandon() {
        guard !isClosed else { return }
        isClosed = true
        lxw_workbook_free(handle)
        releaseCStrings()
    }

    /// Adds a worksheet after validating `name` in Swift (Excel rules, case-insensitive uniqueness).
    public func addWorksheet(name: String) throws -> Worksheet {
        guard !isClosed else { throw XLSXError.closed("workbook_add_worksheet") }
        try Workbook.validateSheetName(name, existing: sheetNames)
        guard let sheet = name.withCString({ workbook_add_worksheet(handle, $0) }) else {
            throw XLSXError(
                .libxlsxwriter, operation: "workbook_add_worksheet",
                lxwError: options.constantMemory ? LXW_ERROR_CREATING_TMPFILE : LXW_ERROR_MEMORY_MALLOC_FAILED,
                message:
                    "libxlsxwriter could not add worksheet '\(name)'; check free memory and, in constantMemory mode, that the temporary folder is writable."
            )
        }
        sheetNames.append(name)
        return Worksheet(workbook: self, handle: sheet, name: name, index: sheetNames.count - 1)
    }

    /// Returns the format for `spec`, creating it on first use; identical specs return the same `Format`.
    public func addFormat(_ spec: FormatSpec) throws -> Format {
        guard !isClosed else { throw XLSXError.closed("workbook_add_format") }
        if let cached = formatCache[spec] { return cached }
        try spec.validate(operation: "workbook_add_format")
        guard let pointer = workbook_add_format(handle) else {
            throw XLSXError.library(LXW_ERROR_MEMORY_MALLOC_FAILED, operation: "workbook_add_format")
        }
        spec.apply(to: pointer)
        let format = Format(spec: spec, index: formatPointers.count, owner: identity)
        formatPointers.append(pointer)
        formatCache[spec] = format
        return format
    }

    /// The libxlsxwriter format for `format` (nil for nil); throws if it belongs to another workbook.
    func lxwFormat(_ format: Format?, operation: String) throws -> UnsafeMutablePointer<lxw_format>? {
        guard let format else { return nil }
        guard format.owner === identity, formatPointers.indices.contains(format.index) else {
            throw XLSXError(
                .formatFromAnotherWorkbook, operation: operation, lxwError: LXW_ERROR_PARAMETER_VALIDATION,
                message: "The format was created by a different workbook; create it with this workbook's addFormat.")
        }
        return formatPointers[format.index]
    }

    /// Frees the C strings kept for libxlsxwriter.
    private func releaseCStrings() {
        for p in cStrings { free(p) }
        cStrings.removeAll()
    }

    // MARK: - Checks made before any libxlsxwriter call

    /// Throws unless `path` can be created: non-empty, no NUL, folder exists and is writable, not a folder itself.
    static func checkOutputPath(_ path: String) throws {
        let op = "Workbook.init"
        guard !path.isEmpty, !path.utf8.contains(0) else {
            throw XLSXError.invalid(op, "The output path is empty or contains a NUL character; pass a valid file path.")
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw XLSXError(
                .outputFolderMissing(folder: folder), operation: op, lxwError: LXW_ERROR_CREATING_XLSX_FILE,
                message:
                    "The output folder '\(folder)' does not exist; create it before writing '\(url.lastPathComponent)'."
            )
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw XLSXError(
                .outputNotWritable(path: folder), operation: op, lxwError: LXW_ERROR_CREATING_XLSX_FILE,
                message: "The output folder '\(folder)' is not writable; choose another folder or fix its permissions.")
        }
        var targetIsDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &targetIsDirectory) {
            if targetIsDirectory.boolValue {
                throw XLSXError(
                    .outputNotWritable(path: url.path), operation: op, lxwError: LXW_ERROR_CREATING_XLSX_FILE,
                    message: "The output path '\(url.path)' is a folder; pass a file path ending in .xlsx.")
            }
            guard access(url.path, W_OK) == 0 else {
                throw XLSXError(
                    .outputNotWritable(path: url.path), operation: op, lxwError: LXW_ERROR_CREATING_XLSX_FILE,
                    message: "The existing file '\(url.path)' is not writable; remove it or fix its permissions.")
            }
        }
    }

    /// Throws unless `tmpdir` is an existing, writable folder.
    static func checkTemporaryFolder(_ tmpdir: String) throws {
        var isDirectory: ObjCBool = false
        guard !tmpdir.isEmpty, !tmpdir.utf8.contains(0),
            FileManager.default.fileExists(atPath: tmpdir, isDirectory: &isDirectory), isDirectory.boolValue,
            access(tmpdir, W_OK | X_OK) == 0
        else {
            throw XLSXError(
                .temporaryFolderUnusable(path: tmpdir), operation: "Workbook.init",
                lxwError: LXW_ERROR_CREATING_TMPFILE,
                message:
                    "The temporary folder '\(tmpdir)' does not exist or is not writable; create it or pass another tmpdir."
            )
        }
    }

    /// Throws if a property cannot be written to XML faithfully or `created` is the ambiguous value 0.
    static func checkProperties(_ p: DocumentProperties) throws {
        let op = "workbook_set_properties"
        let fields: [(String, String?)] = [
            ("title", p.title), ("subject", p.subject), ("author", p.author), ("manager", p.manager),
            ("company", p.company), ("category", p.category), ("keywords", p.keywords), ("comments", p.comments),
            ("status", p.status), ("hyperlinkBase", p.hyperlinkBase),
        ]
        for (label, value) in fields {
            guard let value else { continue }
            if value.unicodeScalars.contains(where: Worksheet.mustEscape) {
                throw XLSXError.invalid(
                    op,
                    "DocumentProperties.\(label) contains a control character (or U+FFFE/U+FFFF) that XML cannot hold; remove it."
                )
            }
        }
        if let created = p.created {
            let seconds = created.timeIntervalSince1970.rounded(.down)
            guard seconds.isFinite, abs(seconds) < 253_402_300_800 else {
                throw XLSXError.invalid(
                    op, "DocumentProperties.created is outside years 0001...9999; pass a realistic date.")
            }
            if seconds == 0 {
                throw XLSXError.invalid(
                    op,
                    "DocumentProperties.created of exactly 1970-01-01T00:00:00Z means 'now' to libxlsxwriter; use nil for now or another date."
                )
            }
        }
    }
}

/// `Workbook` wraps single-threaded C state and must not cross threads or tasks.
@available(*, unavailable)
extension Workbook: Sendable {}

/// Runs a C call with file descriptor 2 pointed at /dev/null, one call at a time.
enum StandardErrorMute {
    private static let lock = NSLock()

    static func run<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        fflush(nil)
        let saved = dup(STDERR_FILENO)
        let null = open("/dev/null", O_WRONLY)
        guard saved >= 0, null >= 0 else {
            if saved >= 0 { close(saved) }
            if null >= 0 { close(null) }
            return body()
        }
        dup2(null, STDERR_FILENO)
        close(null)
        defer {
            fflush(nil)
            dup2(saved, STDERR_FILENO)
            close(saved)
        }
        return body()
    }
}
