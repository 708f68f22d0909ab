import DRSJSON
import Foundation

/// How the emulator builds, edits, reads and writes JSON: DRSJSON's value, whose objects keep
/// their members in order, so a recorded body is served back in the order it was recorded.
extension JSONValue {
    /// An integer number.
    static func int<T: BinaryInteger>(_ value: T) -> JSONValue { .number(String(value)) }

    /// A number with at most two decimals, without trailing zeros (`37.5`, `100`).
    static func decimal(_ value: Double) -> JSONValue {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return .number(String(Int64(rounded))) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return .number(text)
    }

    /// A copy with the value at `path` replaced (or added as the last member when absent).
    func setting(_ path: [String], to newValue: JSONValue) -> JSONValue {
        guard let first = path.first else { return newValue }
        guard case .object(var members) = self else { return self }
        let rest = Array(path.dropFirst())
        if let member = members[first] {
            members[first] = member.setting(rest, to: newValue)
        } else if rest.isEmpty {
            members[first] = newValue
        } else {
            return self
        }
        return .object(members)
    }

    /// A copy without the member at `path`.
    func removing(_ path: [String]) -> JSONValue {
        guard let first = path.first, case .object(var members) = self else { return self }
        if path.count == 1 {
            members[first] = nil
        } else if let member = members[first] {
            members[first] = member.removing(Array(path.dropFirst()))
        }
        return .object(members)
    }

    /// Compact UTF-8 bytes.
    var compactBytes: [UInt8] { JSONWriter.bytes(self, indent: nil) }

    /// Pretty-printed UTF-8 bytes (two-space indent).
    var prettyBytes: [UInt8] { JSONWriter.bytes(self, indent: 2) }

    /// Parses a complete JSON document (a leading UTF-8 BOM is skipped).
    static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        try JSONParser.parse(bytes: bytes)
    }
}
