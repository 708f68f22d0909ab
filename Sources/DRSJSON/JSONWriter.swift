import Foundation

/// Serialises `JSONValue` deterministically: two-space indent, UTF-8 unescaped except what JSON
/// requires (and, for reports, U+2028/U+2029, which break JavaScript consumers). Reports sort
/// object keys (`write(_:into:indent:)`); a server keeps them in order (`bytes`).
package enum JSONWriter {
    package static func write(_ value: JSONValue, into out: inout String, indent: Int?) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let text): out += text
        case .string(let text): out += quote(text)
        case .raw(let bytes): out += String(decoding: bytes, as: UTF8.self)
        case .array(let elements):
            if elements.isEmpty {
                out += "[]"
                return
            }
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: "  ", count: indent + 1) }
                write(element, into: &out, indent: indent.map { $0 + 1 })
            }
            if let indent { out += "\n" + String(repeating: "  ", count: indent) }
            out += "]"
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
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

    /// `value` as UTF-8 bytes with its members in document order: `indent` spaces a level (nil:
    /// on one line), strings escaped as JSON requires (`lineSeparators`: U+2028/U+2029 too).
    package static func bytes(_ value: JSONValue, indent: Int? = 2, lineSeparators: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        write(value, to: &out, indent: indent, level: 0, lineSeparators: lineSeparators)
        return out
    }

    package static func write(
        _ value: JSONValue, to out: inout [UInt8], indent: Int?, level: Int, lineSeparators: Bool = false
    ) {
        func newline(_ level: Int) {
            guard let indent else { return }
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: indent * level))
        }
        func string(_ text: String) {
            var text = text
            text.withUTF8 { quote($0, into: &out, lineSeparators: lineSeparators) }
        }
        switch value {
        case .null: out += "null".utf8
        case .bool(let flag): out += (flag ? "true" : "false").utf8
        case .number(let text): out += text.utf8
        case .string(let text): string(text)
        case .raw(let bytes): out += bytes
        case .array(let items):
            out.append(0x5B)
            if items.isEmpty {
                out.append(0x5D)
                return
            }
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(0x2C) }
                newline(level + 1)
                write(item, to: &out, indent: indent, level: level + 1, lineSeparators: lineSeparators)
            }
            newline(level)
            out.append(0x5D)
        case .object(let members):
            out.append(0x7B)
            if members.isEmpty {
                out.append(0x7D)
                return
            }
            for (index, (key, member)) in members.enumerated() {
                if index > 0 { out.append(0x2C) }
                newline(level + 1)
                string(key)
                out.append(0x3A)
                if indent != nil { out.append(0x20) }
                write(member, to: &out, indent: indent, level: level + 1, lineSeparators: lineSeparators)
            }
            newline(level)
            out.append(0x7D)
        }
    }

    /// `quote` over UTF-8 bytes, appended to `out`: the same escapes, for the streaming writers
    /// (U+2028/U+2029 unescaped when `lineSeparators` is false).
    package static func quote(_ utf8: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], lineSeparators: Bool = true)
    {
        out.append(0x22)
        if !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || ($0 == 0xE2 && lineSeparators) }) {
            out.append(contentsOf: utf8)
            out.append(0x22)
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        var i = 0
        let n = utf8.count
        while i < n {
            let byte = utf8[i]
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0xE2
            where lineSeparators && i + 2 < n && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9):
                out += Array("\\u202".utf8) + [utf8[i + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9")]
                i += 2
            default:
                if byte < 0x20 {
                    out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                } else {
                    out.append(byte)
                }
            }
            i += 1
        }
        out.append(0x22)
    }

    package static func quote(_ text: String) -> String {
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
