import Foundation

/// report.json: the normalised model with sorted keys, and every inconsistent row streamed in
/// `diffs` (one row per line). The schema version is `schema_version`; see docs/report-json.md.
public struct JSONReportWriter: ReportWriter {
    public var format: OutputFormat { .json }

    public init() {}

    public func write(_ report: Report, diffs: DiffStream, into directory: URL, options: RenderOptions) throws -> [String] {
        guard case .object(var members) = try Self.encode(report) else {
            throw DRSReportError.outputNotWritable(path: "report.json", reason: "the model did not encode as an object")
        }
        // The preview is a subset of `diffs`; report.json carries all rows instead.
        members.removeValue(forKey: "diff_preview")
        let url = directory.appendingPathComponent("report.json")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw DRSReportError.outputNotWritable(path: "report.json", reason: "cannot create the file")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var out = "{\n"
        var keys = members.keys.map { $0 }
        keys.append("diffs")
        keys.sort()
        for (index, key) in keys.enumerated() {
            out += "  " + JSONWriter.quote(key) + ": "
            if key == "diffs" {
                try handle.write(contentsOf: Data(out.utf8))
                out = ""
                var first = true
                var buffer = "["
                try diffs.forEach { row in
                    buffer += first ? "\n    " : ",\n    "
                    first = false
                    Self.writeRow(row, into: &buffer)
                    if buffer.utf8.count > 1 << 16 {
                        try handle.write(contentsOf: Data(buffer.utf8))
                        buffer = ""
                    }
                }
                buffer += first ? "]" : "\n  ]"
                try handle.write(contentsOf: Data(buffer.utf8))
            } else if let value = members[key] {
                JSONWriter.write(value, into: &out, indent: 1)
            }
            out += index == keys.count - 1 ? "\n" : ",\n"
        }
        out += "}\n"
        try handle.write(contentsOf: Data(out.utf8))
        return ["report.json"]
    }

    /// One inconsistent row, written directly (sorted keys, no spaces): the same text
    /// `JSONWriter` makes from the Codable encoding, which a test checks, at a fraction of the cost.
    static func writeRow(_ row: DiffRow, into out: inout String) {
        func strings(_ values: [String]) -> String {
            "[" + values.map(JSONWriter.quote).joined(separator: ",") + "]"
        }
        out += "{"
        if let jobId = row.jobId { out += "\"job_id\":" + JSONWriter.quote(jobId) + "," }
        out += "\"kind\":" + JSONWriter.quote(row.kind.rawValue)
        out += ",\"location_inferred\":" + (row.locationInferred ? "true" : "false")
        out += ",\"source_database\":" + JSONWriter.quote(row.sourceDatabase)
        out += ",\"source_id\":" + JSONWriter.quote(row.sourceId)
        out += ",\"source_key\":" + strings(row.sourceKey)
        out += ",\"source_sql\":" + JSONWriter.quote(row.sourceSQL)
        out += ",\"source_table\":" + JSONWriter.quote(row.sourceTable)
        out += ",\"target_database\":" + JSONWriter.quote(row.targetDatabase)
        out += ",\"target_key\":" + strings(row.targetKey)
        out += ",\"target_sql\":" + JSONWriter.quote(row.targetSQL)
        out += ",\"target_table\":" + JSONWriter.quote(row.targetTable)
        if let taskId = row.taskId { out += ",\"task_id\":" + JSONWriter.quote(taskId) }
        out += "}"
    }

    static func rowEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Formatting.iso(date))
        }
        return encoder
    }

    /// The model as a JSON value (snake_case keys, ISO-8601 UTC times).
    static func encode(_ report: Report) throws -> JSONValue {
        try JSONParser.parse(try rowEncoder().encode(report))
    }
}
