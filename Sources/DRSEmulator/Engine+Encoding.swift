import DRSJSON
import DRSReport
import DRSWire
import Foundation

/// How the emulator answers: JSON replies, DRS errors, ISO times, and query decoding.
extension Engine {
    static let jsonType = "application/json;charset=UTF-8"

    static func json(_ status: Int, _ body: JSONValue) -> EmuReply {
        EmuReply(status: status, headers: [("Content-Type", jsonType)], body: body.compactBytes)
    }

    static func drsError(_ status: Int, _ code: String, _ message: String) -> EmuReply {
        json(status, .object([(Wire.Key.errorCode, .string(code)), (Wire.Key.errorMsg, .string(message))]))
    }

    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    static func percentDecode(_ text: String) -> String { text.removingPercentEncoding ?? text }

    /// Decoded query parameters (`+` stays a plus, as in the SDK's signing); the last of repeated names wins.
    static func parseQuery(_ raw: String?) -> [String: String] {
        guard let raw, !raw.isEmpty else { return [:] }
        var query: [String: String] = [:]
        for component in raw.split(separator: "&") {
            let pair = component.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(pair[0]))
            query[key] = pair.count > 1 ? percentDecode(String(pair[1])) : ""
        }
        return query
    }

    static func replacing(_ old: String, with new: String, in bytes: [UInt8]) -> [UInt8] {
        let needle = Array(old.utf8)
        let replacement = Array(new.utf8)
        guard !needle.isEmpty, bytes.count >= needle.count else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == needle[0], index + needle.count <= bytes.count,
                bytes[index..<index + needle.count].elementsEqual(needle)
            {
                out.append(contentsOf: replacement)
                index += needle.count
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }
}
