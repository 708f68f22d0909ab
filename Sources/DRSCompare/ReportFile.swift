import Crypto
import DRSCore
import DRSIngest
import DRSJSON
import DRSOutput
import Foundation

/// One inconsistent row of a report.json, as `diff` compares it.
package struct ReportRow: Sendable {
    package var jobId: String
    package var sourceDb: String
    package var sourceTable: String
    package var targetDb: String
    package var targetTable: String
    package var kind: String
    package var sourceKey: [String]
    package var targetKey: [String]
    package var sourceSQL: String
    package var targetSQL: String

    /// A row is the same row in another run when its location, diff kind and both keys are equal
    /// (and its job, when both runs are of the same job). Task ids are not part of it: a re-run
    /// compares in new tasks.
    package func identity(withJob: Bool) -> RowIdentity {
        var hasher = SHA256()
        func add(_ text: String) {
            hasher.update(data: Data(text.utf8))
            hasher.update(data: [0])
        }
        add(withJob ? jobId : "")
        for part in [sourceDb, sourceTable, targetDb, targetTable, kind] { add(part) }
        for key in [sourceKey, targetKey] {
            add(String(key.count))
            for value in key { add(value) }
        }
        let digest = Array(hasher.finalize())
        var high: UInt64 = 0
        var low: UInt64 = 0
        for i in 0..<8 {
            high = high << 8 | UInt64(digest[i])
            low = low << 8 | UInt64(digest[8 + i])
        }
        return RowIdentity(high: high, low: low)
    }

    package func table(withJob: Bool) -> TableIdentity {
        TableIdentity(
            jobId: withJob ? jobId : "", sourceDb: sourceDb, sourceTable: sourceTable, targetDb: targetDb,
            targetTable: targetTable)
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        jobId: String, sourceDb: String, sourceTable: String, targetDb: String, targetTable: String, kind: String,
        sourceKey: [String], targetKey: [String], sourceSQL: String, targetSQL: String
    ) {
        self.jobId = jobId
        self.sourceDb = sourceDb
        self.sourceTable = sourceTable
        self.targetDb = targetDb
        self.targetTable = targetTable
        self.kind = kind
        self.sourceKey = sourceKey
        self.targetKey = targetKey
        self.sourceSQL = sourceSQL
        self.targetSQL = targetSQL
    }
}

/// 128 bits of SHA-256 over a row's identity.
package struct RowIdentity: Hashable, Comparable, Sendable {
    package var high: UInt64
    package var low: UInt64

    package static func < (a: RowIdentity, b: RowIdentity) -> Bool {
        a.high != b.high ? a.high < b.high : a.low < b.low
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}

/// A table pair, the unit `diff` compares (with its job when both runs are of the same job).
package struct TableIdentity: Hashable, Comparable, Sendable {
    package var jobId: String
    package var sourceDb: String
    package var sourceTable: String
    package var targetDb: String
    package var targetTable: String

    package static func < (a: TableIdentity, b: TableIdentity) -> Bool {
        (a.jobId, a.sourceDb, a.sourceTable, a.targetDb, a.targetTable) < (
            b.jobId, b.sourceDb, b.sourceTable, b.targetDb, b.targetTable
        )
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(jobId: String, sourceDb: String, sourceTable: String, targetDb: String, targetTable: String) {
        self.jobId = jobId
        self.sourceDb = sourceDb
        self.sourceTable = sourceTable
        self.targetDb = targetDb
        self.targetTable = targetTable
    }
}

/// A render's report.json, read without holding its rows: everything but `diffs` is parsed once,
/// and the rows (one per line, as render writes them) are streamed, one line at a time, each time
/// they are needed. A report.json reformatted by another tool is read whole instead.
package struct ReportFile {
    package let url: URL
    /// How errors and outputs name it.
    package let display: String
    /// report.json without its rows.
    package let head: JSONValue
    /// sha256 of the file's bytes.
    package let sha256: String
    /// Rows in the file.
    package let rowCount: Int
    /// The rows, when the file was not in render's one-row-per-line layout.
    private let inlineRows: [JSONValue]?

    package static let rowsOpen = Array("  \"diffs\": [".utf8)

    package static func open(_ url: URL, display: String) throws(DRSReportError) -> ReportFile {
        var headText: [UInt8] = []
        var hasher = SHA256()
        var inRows = false
        var sawRows = false
        var rows = 0
        var headLinesBeforeRows = Int.max
        var headLines = 0
        do {
            try LineReader.forEachLine(url, hash: &hasher) { line in
                if inRows {
                    if line.first == UInt8(ascii: " ") && line.count >= 3
                        && line[line.startIndex + 2] == UInt8(ascii: "]")
                    {
                        inRows = false
                        headText += Array("  \"diffs\": []".utf8)
                        if line.last == UInt8(ascii: ",") { headText.append(UInt8(ascii: ",")) }
                        headText.append(0x0A)
                    } else {
                        rows += 1
                    }
                    return
                }
                if !sawRows && line.elementsEqual(rowsOpen) {
                    inRows = true
                    sawRows = true
                    headLinesBeforeRows = headLines + 1
                    return
                }
                headLines += 1
                headText += line
                headText.append(0x0A)
            }
        } catch {
            throw .unreadableFile(path: display, reason: "cannot be read (\(error.localizedDescription))")
        }
        let sha256 = hexString(hasher.finalize())
        if inRows {
            throw .typeMismatch(
                file: display, path: "$.diffs", expected: "report.json as render writes it",
                found: "a file that ends inside its rows")
        }
        var head: JSONValue
        do {
            head = try JSONParser.parse(Data(headText))
        } catch {
            // Lines of the head before the rows are the file's own; after them, the rows and their opening and
            // closing lines (one line in the head) were left out.
            throw .notAReport(
                file: display, line: error.line + (error.line > headLinesBeforeRows ? rows + 1 : 0),
                column: error.column, reason: error.message)
        }
        var inline: [JSONValue]?
        if !sawRows, case .object(var members) = head {
            // Not render's layout (pretty-printed by another tool): the rows are in the parse.
            if case .array(let all) = members["diffs"] ?? .array([]) {
                inline = all
                rows = all.count
            }
            members["diffs"] = .array([])
            head = .object(members)
        }
        let reader = JSONReader(head, file: display)
        guard try reader.int64("schema_version") == 2 else {
            throw .typeMismatch(
                file: display, path: "$.schema_version", expected: "2 (a report.json written by drs-report render)",
                found: head["schema_version"].map(JSONReader.describe) ?? "nothing")
        }
        return ReportFile(url: url, display: display, head: head, sha256: sha256, rowCount: rows, inlineRows: inline)
    }

    /// Each row in file order, with its position.
    package func forEachRow(_ body: (Int, ReportRow) throws -> Void) throws {
        if let inlineRows {
            for (index, value) in inlineRows.enumerated() {
                try body(index, try Self.row(value, index: index, file: display))
            }
            return
        }
        var inRows = false
        var index = 0
        var lineNumber = 0
        var ignored = SHA256()
        var failure: Error?
        try LineReader.forEachLine(url, hash: &ignored) { line in
            lineNumber += 1
            guard failure == nil else { return }
            if !inRows {
                if line.elementsEqual(Self.rowsOpen) { inRows = true }
                return
            }
            if line.count >= 3, line[line.startIndex + 2] == UInt8(ascii: "]") {
                inRows = false
                return
            }
            guard index < rowCount else {
                failure = DRSReportError.unreadableFile(
                    path: display, reason: "it changed while it was read (more rows than before)")
                return
            }
            var slice = line[...]
            while let first = slice.first, first == UInt8(ascii: " ") { slice = slice.dropFirst() }
            if slice.last == UInt8(ascii: ",") { slice = slice.dropLast() }
            do {
                let value = try JSONParser.parse(Data(slice))
                try body(index, try Self.row(value, index: index, file: display))
            } catch let error as JSONSyntaxError {
                failure = DRSReportError.notAReport(
                    file: display, line: lineNumber, column: error.column,
                    reason: "row \(index + 1) of diffs: " + error.message)
            } catch {
                failure = error
            }
            index += 1
        }
        if let failure { throw failure }
        if index != rowCount {
            throw DRSReportError.unreadableFile(
                path: display, reason: "it changed while it was read (fewer rows than before)")
        }
    }

    package static func row(_ value: JSONValue, index: Int, file: String) throws(DRSReportError) -> ReportRow {
        let reader = JSONReader(value, file: file + " (diffs[\(index)])")
        try reader.requireObject()
        return ReportRow(
            jobId: try reader.string("job_id") ?? "", sourceDb: try reader.string("source_database") ?? "",
            sourceTable: try reader.string("source_table") ?? "", targetDb: try reader.string("target_database") ?? "",
            targetTable: try reader.string("target_table") ?? "", kind: try reader.string("kind") ?? "",
            sourceKey: try reader.strings("source_key"), targetKey: try reader.strings("target_key"),
            sourceSQL: try reader.string("source_sql") ?? "", targetSQL: try reader.string("target_sql") ?? "")
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(url: URL, display: String, head: JSONValue, sha256: String, rowCount: Int, inlineRows: [JSONValue]?) {
        self.url = url
        self.display = display
        self.head = head
        self.sha256 = sha256
        self.rowCount = rowCount
        self.inlineRows = inlineRows
    }
}

/// Lines of a file, read 1 MB at a time; each line without its `\n`.
package enum LineReader {
    package static func forEachLine(_ url: URL, hash: inout SHA256, _ body: ([UInt8]) throws -> Void) throws {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var pending: [UInt8] = []
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hash.update(data: chunk)
            var start = chunk.startIndex
            while let newline = chunk[start...].firstIndex(of: 0x0A) {
                if pending.isEmpty {
                    try body(Array(chunk[start..<newline]))
                } else {
                    pending += chunk[start..<newline]
                    try body(pending)
                    pending.removeAll(keepingCapacity: true)
                }
                start = newline + 1
            }
            pending += chunk[start...]
        }
        if !pending.isEmpty { try body(pending) }
    }
}
