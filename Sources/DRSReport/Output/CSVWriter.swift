import Foundation

/// csv/: one RFC 4180 file per section, UTF-8, CRLF line ends.
///
/// Formula neutralisation (docs/csv.md): a text cell that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading apostrophe, so no spreadsheet evaluates it; a cell that is a
/// plain number (`-5`, `+3.2`) is left alone because spreadsheets read it as a number, not a formula.
/// Counts written by drs-report itself are numbers and are never prefixed.
public struct CSVWriter: ReportWriter {
    public var format: OutputFormat { .csv }

    public init() {}

    /// The section files, in a fixed order.
    public static let files = [
        "summary.csv", "tasks.csv", "objects.csv", "object_details.csv", "line_databases.csv", "line_tables.csv",
        "content_databases.csv", "content_tables.csv", "diffs.csv", "not_compared.csv", "progress.csv",
        "streaming_progress.csv", "errors.csv", "sources.csv",
    ]

    public func write(_ report: Report, diffs: DiffStream, into directory: URL, options: RenderOptions) throws -> [String] {
        let folder = directory.appendingPathComponent("csv")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func t(_ date: Date?) -> String { Formatting.iso(date) }
        func n(_ value: Int64?) -> Cell { .number(Formatting.count(value)) }
        var written: [String] = []
        func emit(_ name: String, _ header: [String], _ body: (CSVFile) throws -> Void) throws {
            let file = try CSVFile(url: folder.appendingPathComponent(name), bom: options.csvBOM)
            try file.row(header.map(Cell.text))
            try body(file)
            try file.close()
            written.append("csv/" + name)
        }
        try emit("summary.csv", ["item", "value"]) { file in
            let rows: [(String, Cell)] = [
                ("title", .text(report.title)),
                ("verdict", .text(report.verdict.value.rawValue)),
                ("verdict_rule", .text(report.verdict.rule)),
                ("verdict_reasons", .text(report.verdict.reasons.joined(separator: "; "))),
                ("generated_at", .text(t(report.generatedAt))),
                ("generator", .text(report.generator)),
                ("jobs", .text(report.jobs.map(\.id).joined(separator: " "))),
                ("inconsistent_rows_in_input", .number(String(report.diffSummary.rowsInInput))),
                ("inconsistent_rows_reported_by_drs", n(report.diffSummary.rowsReportedByDRS)),
                ("not_compared", .number(String(report.notCompared.count))),
                ("responses_not_retrieved", .number(String(report.retrievalErrors.count))),
                ("input_files", .number(String(report.sources.count))),
                ("inputs_digest", .text(Formatting.inputsDigest(report))),
            ]
            for (item, value) in rows { try file.row([.text(item), value]) }
        }
        try emit("tasks.csv", [
            "task_id", "job_id", "kind", "type", "status", "created_at", "started_at", "ended_at", "export_status",
            "report_remain_seconds", "received_at", "received_at_basis", "expires_at", "expiry_state", "seconds_left", "error",
        ]) { file in
            for task in report.tasks {
                try file.row([
                    .text(task.id), .text(task.jobId ?? ""), .text(task.kind.rawValue), .text(task.rawType ?? ""), .text(task.status ?? ""),
                    .text(t(task.createdAt)), .text(t(task.startedAt)), .text(t(task.endedAt)), .text(task.exportStatus ?? ""),
                    n(task.reportRemainSeconds), .text(t(task.expiry.receivedAt)), .text(task.expiry.receivedAtBasis?.rawValue ?? ""),
                    .text(t(task.expiry.expiresAt)), .text(task.expiry.state.rawValue), n(task.expiry.secondsLeft), .text(task.errorMessage ?? ""),
                ])
            }
        }
        try emit("objects.csv", ["task_id", "object_type", "source_count", "target_count", "diff_count", "outcome", "status", "raw_status"]) { file in
            for item in report.objectSummaries {
                try file.row([
                    .text(item.taskId ?? ""), .text(item.objectType), n(item.sourceCount), n(item.targetCount), n(item.diffCount),
                    .text(item.status.outcome.rawValue), .text(item.status.code), .text(item.status.raw),
                ])
            }
        }
        try emit("object_details.csv", [
            "task_id", "object_type", "source_db", "target_db", "source_value", "target_value", "outcome", "status", "error",
        ]) { file in
            for item in report.objectDetails {
                try file.row([
                    .text(item.taskId ?? ""), .text(item.objectType), .text(item.sourceDatabase ?? ""), .text(item.targetDatabase ?? ""),
                    .text(item.sourceValue ?? ""), .text(item.targetValue ?? ""), .text(item.status.outcome.rawValue),
                    .text(item.status.code), .text(item.errorMessage ?? ""),
                ])
            }
        }
        let databaseHeader = ["task_id", "source_db", "target_db", "outcome", "status", "raw_status", "tables", "finished", "inconsistent", "not_comparable"]
        func databaseRow(_ item: DatabasePairResult) -> [Cell] {
            [
                .text(item.taskId ?? ""), .text(item.sourceDatabase), .text(item.targetDatabase), .text(item.status.outcome.rawValue),
                .text(item.status.code), .text(item.status.raw), n(item.tableCount), n(item.finishedCount), n(item.inconsistentCount),
                n(item.uncomparableCount),
            ]
        }
        try emit("line_databases.csv", databaseHeader) { file in
            for item in report.lineDatabases { try file.row(databaseRow(item)) }
        }
        try emit("line_tables.csv", [
            "task_id", "source_db", "source_table", "target_db", "target_table", "source_rows", "target_rows", "difference",
            "outcome", "status", "raw_status", "listed_as_uncompared", "message", "filter",
        ]) { file in
            for item in report.lineTables {
                try file.row([
                    .text(item.taskId ?? ""), .text(item.sourceDatabase), .text(item.sourceTable), .text(item.targetDatabase),
                    .text(item.targetTable), n(item.sourceRows), n(item.targetRows), n(item.difference), .text(item.status.outcome.rawValue),
                    .text(item.status.code), .text(item.status.raw), .text(item.listedAsUncompared ? "true" : "false"),
                    .text(item.message ?? ""), .text(item.filter ?? ""),
                ])
            }
        }
        try emit("content_databases.csv", databaseHeader) { file in
            for item in report.contentDatabases { try file.row(databaseRow(item)) }
        }
        try emit("content_tables.csv", [
            "task_id", "source_db", "source_table", "target_db", "target_table", "source_rows", "target_rows", "difference",
            "line_outcome", "content_outcome", "content_status", "inconsistent_rows_in_input", "progress", "listed_as_uncompared",
            "message", "filter",
        ]) { file in
            for item in report.contentTables {
                try file.row([
                    .text(item.taskId ?? ""), .text(item.sourceDatabase), .text(item.sourceTable), .text(item.targetDatabase),
                    .text(item.targetTable), n(item.sourceRows), n(item.targetRows), n(item.difference),
                    .text(item.lineStatus.outcome.rawValue), .text(item.contentStatus.outcome.rawValue), .text(item.contentStatus.code),
                    .number(String(item.diffRowsInInput)), .number(item.progress.map { String($0) } ?? ""),
                    .text(item.listedAsUncompared ? "true" : "false"), .text(item.message ?? ""), .text(item.filter ?? ""),
                ])
            }
        }
        try emit("diffs.csv", DiffColumns.csvHeader) { file in
            try diffs.forEach { row in try file.row(DiffColumns.csvCells(row)) }
        }
        try emit("not_compared.csv", ["comparison", "scope", "source", "target", "outcome", "status", "raw_status", "message", "task_id"]) { file in
            for item in report.notCompared {
                try file.row([
                    .text(item.comparison.rawValue), .text(item.scope), .text(item.sourceName), .text(item.targetName),
                    .text(item.status.outcome.rawValue), .text(item.status.code), .text(item.status.raw), .text(item.message ?? ""),
                    .text(item.taskId ?? ""),
                ])
            }
        }
        try emit("progress.csv", [
            "task_id", "full_progress", "full_speed", "full_recheck_rows", "incremental_delay", "incremental_rows_per_second",
            "incremental_log_point", "incremental_recheck_rows",
        ]) { file in
            for item in report.progress.tasks {
                try file.row([
                    .text(item.taskId ?? ""), .number(item.fullProgress.map { String($0) } ?? ""), .text(item.fullSpeed ?? ""),
                    n(item.fullRecheckRows), .number(item.incrementalDelay.map { String($0) } ?? ""), n(item.incrementalRowsPerSecond),
                    .text(item.incrementalLogPoint ?? ""), n(item.incrementalRecheckRows),
                ])
            }
        }
        try emit("streaming_progress.csv", ["object_type", "source_db", "source_object", "target_db", "target_object", "progress"]) { file in
            for item in report.progress.streaming {
                try file.row([
                    .text(item.objectType ?? ""), .text(item.sourceDatabase), .text(item.sourceObject), .text(item.targetDatabase),
                    .text(item.targetObject), n(item.progress),
                ])
            }
        }
        try emit("errors.csv", ["source_id", "file", "request", "http_status", "error_code", "error_message"]) { file in
            for item in report.retrievalErrors {
                try file.row([
                    .text(item.sourceId), .text(item.file), .text(item.request ?? ""), .number(item.httpStatus.map(String.init) ?? ""),
                    .text(item.errorCode), .text(item.errorMessage),
                ])
            }
        }
        try emit("sources.csv", [
            "source_id", "file", "kind", "method", "path", "query", "http_status", "received_at", "received_at_basis", "sha256", "duplicate_of",
        ]) { file in
            for item in report.sources {
                let query = (item.query ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
                try file.row([
                    .text(item.id), .text(item.file), .text(item.kind), .text(item.method ?? ""), .text(item.requestPath ?? ""),
                    .text(query), .number(item.httpStatus.map(String.init) ?? ""), .text(t(item.receivedAt)),
                    .text(item.receivedAtBasis.rawValue), .text(item.sha256), .text(item.duplicateOf ?? ""),
                ])
            }
        }
        return written
    }
}

/// The columns of an inconsistent row, shared by CSV and XLSX so both list the same facts.
enum DiffColumns {
    static let csvHeader = [
        "task_id", "source_db", "source_table", "target_db", "target_table", "diff_kind", "source_key", "target_key",
        "source_select_sql", "target_select_sql", "location_from_sql", "source_id",
    ]

    static func csvCells(_ row: DiffRow) -> [Cell] {
        [
            .text(row.taskId ?? ""), .text(row.sourceDatabase), .text(row.sourceTable), .text(row.targetDatabase), .text(row.targetTable),
            .text(row.kind.rawValue), .text(keyText(row.sourceKey)), .text(keyText(row.targetKey)), .text(row.sourceSQL),
            .text(row.targetSQL), .text(row.locationInferred ? "true" : "false"), .text(row.sourceId),
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

    /// The formula-neutralisation rule (see the type comment of `CSVWriter`).
    static func neutralised(_ text: String) -> String {
        guard let first = text.utf8.first else { return text }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D:
            return "'" + text
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            return isPlainNumber(text) ? text : "'" + text
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
