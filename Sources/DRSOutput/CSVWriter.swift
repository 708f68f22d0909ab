import DRSCore
import DRSIngest
import DRSJSON
import Foundation

/// csv/: one RFC 4180 file per section, UTF-8, CRLF line ends.
///
/// Formula neutralisation (docs/csv.md): a text cell that starts with `=`, `+`, `-`, `@`, a tab, a
/// line break, or spaces before any of these, gets a leading apostrophe, so no spreadsheet evaluates it; a cell that is a
/// plain number (`-5`, `+3.2`) is left alone because spreadsheets read it as a number, not a formula.
/// Counts written by drs-report itself are numbers and are never prefixed.
package struct CSVWriter: ReportWriter {
    package var format: OutputFormat { .csv }

    package init() {}

    /// The files written, one per section, sorted.
    package static var files: [String] {
        let empty = Report(
            title: "", generatedAt: Date(timeIntervalSince1970: 0), language: Language.enUS.rawValue, generator: "")
        return (["summary", "diffs"] + ReportSections.all(empty, strings: Strings(.enUS)).map(\.file)).map {
            $0 + ".csv"
        }.sorted()
    }

    package func write(_ report: Report, diffs: DiffStream, into directory: URL, options: RenderOptions) throws
        -> [String]
    {
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
            for item in ReportSections.summary(report, strings: strings, timeZone: options.timeZone, meta: options.meta)
            {
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
        let columns = diffColumns.filter { $0.placement != .xlsxOnly }
        try emit("diffs.csv", columns.map(\.id)) { file in
            if let plan = RawCell.plan(columns.map(\.id)) {
                var jobNames = diffs.jobs.names
                try diffs.forEachRaw { row in
                    for (index, cell) in plan.enumerated() {
                        if index > 0 { file.separator() }
                        switch cell {
                        case .field(.job):
                            if let job = diffs.jobs.nameIndex(row.index) {
                                jobNames[job].withUTF8 { file.text($0) }
                            } else {
                                file.text(row.bytes(.job))
                            }
                        case .field(let field): file.text(row.bytes(field))
                        case .kind:
                            var code = row.kind.rawValue
                            code.withUTF8 { file.text($0) }
                        case .inferred:
                            var flag = row.locationInferred ? "true" : "false"
                            flag.withUTF8 { file.text($0) }
                        }
                    }
                    try file.endRow()
                }
            } else {
                try diffs.forEach { row in try file.row(columns.map { Self.cell($0.value(row)) }) }
            }
        }
        return written.sorted()
    }

    /// A section cell as CSV text: codes, ISO-8601 UTC times, plain digits.
    package static func cell(_ value: CellValue) -> Cell {
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
package enum DiffColumns {
    package static func columns(_ strings: Strings) -> [Column<DiffRow>] {
        [
            Column("job_id", "col.job_id") { .text($0.jobId ?? "") },
            Column("task_id", "col.task_id") { .text($0.taskId ?? "") },
            Column("source_db", "col.source_db") { .text($0.sourceDatabase) },
            Column("source_table", "col.source_table") { .text($0.sourceTable) },
            Column("target_db", "col.target_db") { .text($0.targetDatabase) },
            Column("target_table", "col.target_table") { .text($0.targetTable) },
            Column("diff_kind", "col.diff_kind") {
                .word(code: $0.kind.rawValue, label: strings["diffkind.\($0.kind.rawValue)"], tone: .bad)
            },
            Column("source_key", "col.source_key") { .text(keyText($0.sourceKey)) },
            Column("target_key", "col.target_key") { .text(keyText($0.targetKey)) },
            Column("source_select_sql", "col.source_sql") { .text($0.sourceSQL) },
            Column("target_select_sql", "col.target_sql") { .text($0.targetSQL) },
            Column("location_from_sql", "col.location_inferred", .csvOnly) { .flag($0.locationInferred) },
            Column("source_id", "col.sources", .csvOnly) { .text($0.sourceId) },
        ]
    }

    /// How a diff column reads a spooled row; nil when a column has no such reading (then the
    /// writers take the `DiffRow` path).
    package static func rawCell(_ id: String) -> RawCell? {
        switch id {
        case "job_id": .field(.job)
        case "task_id": .field(.task)
        case "source_db": .field(.sourceDb)
        case "source_table": .field(.sourceTable)
        case "target_db": .field(.targetDb)
        case "target_table": .field(.targetTable)
        case "diff_kind": .kind
        case "source_key": .field(.sourceKeyText)
        case "target_key": .field(.targetKeyText)
        case "source_select_sql": .field(.sourceSQL)
        case "target_select_sql": .field(.targetSQL)
        case "location_from_sql": .inferred
        case "source_id": .field(.sourceId)
        default: nil
        }
    }

    /// A key as one cell: `DiffRow.keyText`.
    package static func keyText(_ values: [String]) -> String { DiffRow.keyText(values) }
}

/// A diff column over a spooled row.
package enum RawCell {
    case field(RowSpool.Field)
    case kind
    case inferred

    package static func plan(_ ids: [String]) -> [RawCell]? {
        let cells = ids.compactMap(DiffColumns.rawCell)
        return cells.count == ids.count ? cells : nil
    }
}

/// A CSV cell: text is neutralised against formulas, numbers are not.
package enum Cell {
    case text(String)
    case number(String)
}

/// A buffered RFC 4180 file writer.
package final class CSVFile {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let url: URL

    package init(url: URL, bom: Bool) throws {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw DRSReportError.outputNotWritable(path: url.lastPathComponent, reason: "cannot create the file")
        }
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(1 << 16)
        if bom { buffer += [0xEF, 0xBB, 0xBF] }
    }

    package func row(_ cells: [Cell]) throws {
        for (index, cell) in cells.enumerated() {
            if index > 0 { separator() }
            switch cell {
            case .number(var text): text.withUTF8 { append($0, neutralise: false) }
            case .text(var text): text.withUTF8 { append($0, neutralise: true) }
            }
        }
        try endRow()
    }

    /// A text cell from UTF-8 bytes, neutralised; the streaming writer's path.
    package func text(_ utf8: UnsafeBufferPointer<UInt8>) {
        append(utf8, neutralise: true)
    }

    package func separator() {
        buffer.append(UInt8(ascii: ","))
    }

    package func endRow() throws {
        buffer += [0x0D, 0x0A]
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func append(_ utf8: UnsafeBufferPointer<UInt8>, neutralise: Bool) {
        let apostrophe = neutralise && Self.needsApostrophe(utf8)
        let needsQuotes = utf8.contains {
            $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D
        }
        if needsQuotes { buffer.append(UInt8(ascii: "\"")) }
        if apostrophe { buffer.append(UInt8(ascii: "'")) }
        if needsQuotes {
            for byte in utf8 {
                if byte == UInt8(ascii: "\"") { buffer.append(byte) }
                buffer.append(byte)
            }
            buffer.append(UInt8(ascii: "\""))
        } else {
            buffer.append(contentsOf: utf8)
        }
    }

    /// The formula-neutralisation rule (see the type comment of `CSVWriter`). Leading spaces are
    /// looked past: LibreOffice with "trim spaces" on evaluates `  =1+1`.
    package static func neutralised(_ text: String) -> String {
        var text = text
        return text.withUTF8 { needsApostrophe($0) } ? "'" + text : text
    }

    package static func needsApostrophe(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = utf8.first else { return false }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D, 0x0A:
            return true
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            return !isPlainNumber(utf8)
        case UInt8(ascii: " "):
            guard let next = utf8.first(where: { $0 != UInt8(ascii: " ") && $0 != 0x09 }) else { return false }
            return [UInt8(ascii: "="), UInt8(ascii: "@"), UInt8(ascii: "+"), UInt8(ascii: "-"), 0x0D, 0x0A].contains(
                next)
        default:
            return false
        }
    }

    private static func isPlainNumber(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let body = utf8.dropFirst()
        guard !body.isEmpty else { return false }
        var dots = 0
        for byte in body {
            if byte == UInt8(ascii: ".") {
                dots += 1
                continue
            }
            if byte < 0x30 || byte > 0x39 { return false }
        }
        return dots <= 1 && body.first != UInt8(ascii: ".")
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    package func close() throws {
        try flush()
        try handle.close()
    }
}
