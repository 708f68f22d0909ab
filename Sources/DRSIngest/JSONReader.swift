import DRSCore
import DRSJSON
import Foundation

/// A position in a JSON document with tolerant, path-aware accessors.
///
/// DRS is inconsistent about types (see docs/inputs.md): counts arrive as numbers or numeric
/// strings, booleans as strings, times as ISO-8601 or epoch milliseconds, and any member may be
/// missing or null. These accessors accept all of those and throw a `typeMismatch` naming the
/// file and JSON path only for values that cannot mean what the field means.
package struct JSONReader {
    package let value: JSONValue
    package let file: String
    /// Where this value is; turned into text (`$.a[3].b`) only for an error message, because
    /// formatting a path for each of a million rows would cost more than parsing them.
    private let location: JSONPath?

    /// The JSON path of this value, e.g. `$.table_line_compare_result_infos[1]`.
    package var path: String { location?.description ?? "$" }

    package init(_ value: JSONValue, file: String) {
        self.value = value
        self.file = file
        self.location = nil
    }

    private init(_ value: JSONValue, file: String, location: JSONPath) {
        self.value = value
        self.file = file
        self.location = location
    }

    package func child(_ key: String) -> JSONReader? {
        guard let member = value[key] else { return nil }
        if case .null = member { return nil }
        return JSONReader(member, file: file, location: JSONPath(location, key: key))
    }

    package func has(_ key: String) -> Bool { child(key) != nil }

    private func mismatch(_ key: String, _ expected: String, _ found: JSONValue) -> DRSReportError {
        .typeMismatch(file: file, path: path + "." + key, expected: expected, found: Self.describe(found))
    }

    package static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text):
            let short = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return "the string \"\(short)\""
        case .number(let text): return "the number \(text)"
        default: return value.typeName
        }
    }

    package func string(_ key: String) throws(DRSReportError) -> String? {
        guard let member = value[key] else { return nil }
        if case .null = member { return nil }
        guard let text = member.textValue else { throw mismatch(key, "a string", member) }
        return text
    }

    /// First non-nil string among several keys that mean the same thing in different API versions.
    package func string(_ keys: String...) throws(DRSReportError) -> String? {
        for key in keys {
            if let text = try string(key) { return text }
        }
        return nil
    }

    package func int64(_ key: String) throws(DRSReportError) -> Int64? {
        guard let member = value[key] else { return nil }
        if case .null = member { return nil }
        if let number = member.wholeNumber { return number }
        guard case .string(let raw) = member else { throw mismatch(key, "a whole number", member) }
        if raw.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
        throw mismatch(key, "a whole number (or a numeric string)", member)
    }

    package func int64(_ keys: String...) throws(DRSReportError) -> Int64? {
        for key in keys {
            if let number = try int64(key) { return number }
        }
        return nil
    }

    package func double(_ key: String) throws(DRSReportError) -> Double? {
        guard let member = value[key] else { return nil }
        switch member {
        case .null: return nil
        case .number(let text):
            // 1e400 is valid JSON but no measurement: refused here, with its file and path.
            if let real = Double(text), real.isFinite { return real }
            throw mismatch(key, "a finite number", member)
        case .string(let raw):
            let text = raw.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "%", with: "")
            if text.isEmpty { return nil }
            if let real = Double(text), real.isFinite { return real }
            throw mismatch(key, "a finite number (or a numeric string)", member)
        default:
            throw mismatch(key, "a number", member)
        }
    }

    package func bool(_ key: String) throws(DRSReportError) -> Bool? {
        guard let member = value[key] else { return nil }
        switch member {
        case .null: return nil
        case .bool(let flag): return flag
        case .number(let text):
            if text == "1" { return true }
            if text == "0" { return false }
        case .string(let raw):
            switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            case "": return nil
            default: break
            }
        default: break
        }
        throw mismatch(key, "a boolean (true/false, or \"true\"/\"false\")", member)
    }

    package func date(_ key: String) throws(DRSReportError) -> Date? {
        guard let member = value[key] else { return nil }
        switch member {
        case .null: return nil
        case .number(let text):
            if let number = Double(text) { return TimeParsing.epoch(number) }
        case .string(let raw):
            let text = raw.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return nil }
            if let date = TimeParsing.parse(text) { return date }
        default: break
        }
        throw mismatch(key, "a time (ISO-8601 or epoch milliseconds)", member)
    }

    package func array(_ key: String) throws(DRSReportError) -> [JSONReader] {
        guard let member = value[key] else { return [] }
        switch member {
        case .null: return []
        case .array(let elements):
            let parent = JSONPath(location, key: key)
            return elements.enumerated().map { JSONReader($1, file: file, location: JSONPath(parent, index: $0)) }
        default: throw mismatch(key, "an array", member)
        }
    }

    package func object(_ key: String) throws(DRSReportError) -> JSONReader? {
        guard let member = value[key] else { return nil }
        switch member {
        case .null: return nil
        case .object: return JSONReader(member, file: file, location: JSONPath(location, key: key))
        default: throw mismatch(key, "an object", member)
        }
    }

    /// A list of strings; a lone string counts as a one-element list.
    package func strings(_ key: String) throws(DRSReportError) -> [String] {
        guard let member = value[key] else { return [] }
        switch member {
        case .null: return []
        case .string(let text): return [text]
        case .array(let elements):
            var result: [String] = []
            result.reserveCapacity(elements.count)
            for (offset, element) in elements.enumerated() {
                switch element {
                case .string(let text): result.append(text)
                case .number(let text): result.append(text)
                case .bool(let flag): result.append(flag ? "true" : "false")
                case .null: result.append("")
                default:
                    throw DRSReportError.typeMismatch(
                        file: file, path: "\(path).\(key)[\(offset)]", expected: "a string",
                        found: Self.describe(element))
                }
            }
            return result
        default: throw mismatch(key, "an array of strings", member)
        }
    }

    /// The value itself as an object, or a type error.
    package func requireObject() throws(DRSReportError) {
        guard case .object = value else {
            throw DRSReportError.typeMismatch(
                file: file, path: path, expected: "an object", found: Self.describe(value))
        }
    }
}
