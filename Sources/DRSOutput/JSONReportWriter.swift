import DRSCore
import DRSIngest
import DRSJSON
import Foundation

/// report.json: the normalised model with sorted keys, and every inconsistent row streamed in
/// `diffs` (one row per line). The schema version is `schema_version`; see docs/report-json.md.
package struct JSONReportWriter: ReportWriter {
    package var format: OutputFormat { .json }

    package init() {}

    package func write(_ report: Report, diffs: DiffStream, into directory: URL, options: RenderOptions) throws
        -> [String]
    {
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
                var buffer: [UInt8] = Array("[".utf8)
                buffer.reserveCapacity(1 << 17)
                try diffs.forEachRaw { row in
                    buffer.append(contentsOf: first ? Self.firstSeparator : Self.separator)
                    first = false
                    Self.writeRow(row, job: diffs.jobs.job(row.index), into: &buffer)
                    if buffer.count > 1 << 16 {
                        try handle.write(contentsOf: buffer)
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
                buffer.append(contentsOf: first ? Array("]".utf8) : Array("\n  ]".utf8))
                try handle.write(contentsOf: buffer)
            } else if let value = members[key] {
                JSONWriter.write(value, into: &out, indent: 1)
            }
            out += index == keys.count - 1 ? "\n" : ",\n"
        }
        out += "}\n"
        try handle.write(contentsOf: Data(out.utf8))
        return ["report.json"]
    }

    private static let firstSeparator = Array("\n    ".utf8)
    private static let separator = Array(",\n    ".utf8)

    /// One inconsistent row, written from its spooled bytes (sorted keys, no spaces): the same text
    /// `JSONWriter` makes from the Codable encoding, which a test checks, at a fraction of the cost.
    package static func writeRow(_ row: RawDiffRow, job: String?, into out: inout [UInt8]) {
        func key(_ name: StaticString) {
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        }
        func text(_ name: StaticString, _ field: RowSpool.Field) {
            key(name)
            JSONWriter.quote(row.bytes(field), into: &out)
        }
        func keys(_ count: Int, _ value: (Int) -> UnsafeBufferPointer<UInt8>) {
            out.append(UInt8(ascii: "["))
            for i in 0..<count {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.quote(value(i), into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "{"))
        if var job {
            key("\"job_id\":")
            job.withUTF8 { JSONWriter.quote($0, into: &out) }
            out.append(UInt8(ascii: ","))
        } else if row.hasJob {
            text("\"job_id\":", .job)
            out.append(UInt8(ascii: ","))
        }
        key("\"kind\":\"")
        var kind = row.kind.rawValue
        kind.withUTF8 { out.append(contentsOf: $0) }
        key(row.locationInferred ? "\",\"location_inferred\":true" : "\",\"location_inferred\":false")
        text(",\"source_database\":", .sourceDb)
        text(",\"source_id\":", .sourceId)
        key(",\"source_key\":")
        keys(row.sourceKeys, row.sourceKey)
        text(",\"source_sql\":", .sourceSQL)
        text(",\"source_table\":", .sourceTable)
        text(",\"target_database\":", .targetDb)
        key(",\"target_key\":")
        keys(row.targetKeys, row.targetKey)
        text(",\"target_sql\":", .targetSQL)
        text(",\"target_table\":", .targetTable)
        if row.hasTask { text(",\"task_id\":", .task) }
        out.append(UInt8(ascii: "}"))
    }

    /// One row as report.json writes it, through the same spool and byte writer (for tests).
    package static func writeRow(_ row: DiffRow) throws -> String {
        let spool = try RowSpool()
        try spool.append(row)
        try spool.flush()
        var out: [UInt8] = []
        try spool.read { writeRow($0, job: nil, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    package static func rowEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Formatting.iso(date))
        }
        return encoder
    }

    /// The model as a JSON value (snake_case keys, ISO-8601 UTC times).
    package static func encode(_ report: Report) throws -> JSONValue {
        try JSONParser.parse(try rowEncoder().encode(report))
    }
}
