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

/// Serialises `JSONValue` deterministically: sorted keys, two-space indent, UTF-8 unescaped
/// except what JSON requires (and U+2028/U+2029, which break JavaScript consumers).
enum JSONWriter {
    static func write(_ value: JSONValue, into out: inout String, indent: Int?) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let text): out += text
        case .string(let text): out += quote(text)
        case .array(let elements):
            if elements.isEmpty { out += "[]"; return }
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: "  ", count: indent + 1) }
                write(element, into: &out, indent: indent.map { $0 + 1 })
            }
            if let indent { out += "\n" + String(repeating: "  ", count: indent) }
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: "  ", count: indent + 1) }
                out += quote(key) + (indent == nil ? ":" : ": ")
                if let member = members[key] { write(member, into: &out, indent: indent.map { $0 + 1 }) }
            }
            if let indent { out += "\n" + String(repeating: "  ", count: indent) }
            out += "}"
        }
    }

    static func quote(_ text: String) -> String {
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }) {
            return "\"" + text + "\""
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
