import Foundation

/// An order-preserving JSON value; numbers keep their source text so Int64 counts stay exact.
enum EJSON: Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([EJSON])
    case object([(String, EJSON)])
    /// Bytes that are already valid JSON, written as they are.
    case raw([UInt8])

    /// An integer number.
    static func int<T: BinaryInteger>(_ value: T) -> EJSON { .number(String(value)) }

    /// A number with at most two decimals, without trailing zeros (`37.5`, `100`).
    static func decimal(_ value: Double) -> EJSON {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return .number(String(Int64(rounded))) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return .number(text)
    }

    /// The member `key` of an object.
    subscript(key: String) -> EJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The value at a path of object keys.
    func value(at path: [String]) -> EJSON? {
        var current: EJSON? = self
        for key in path { current = current?[key] }
        return current
    }

    /// A string value.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// A number (or numeric string) as Int64.
    var int64Value: Int64? {
        switch self {
        case .number(let text): return Int64(text) ?? Double(text).map { Int64($0) }
        case .string(let text): return Int64(text)
        default: return nil
        }
    }

    /// The elements of an array.
    var arrayValue: [EJSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// A copy with the value at `path` replaced (or added as the last member when absent).
    func setting(_ path: [String], to newValue: EJSON) -> EJSON {
        guard let first = path.first else { return newValue }
        guard case .object(var members) = self else { return self }
        let rest = Array(path.dropFirst())
        if let index = members.firstIndex(where: { $0.0 == first }) {
            members[index].1 = members[index].1.setting(rest, to: newValue)
        } else if rest.isEmpty {
            members.append((first, newValue))
        } else {
            return self
        }
        return .object(members)
    }

    /// A copy without the member at `path`.
    func removing(_ path: [String]) -> EJSON {
        guard let first = path.first, case .object(var members) = self else { return self }
        if path.count == 1 {
            members.removeAll { $0.0 == first }
        } else if let index = members.firstIndex(where: { $0.0 == first }) {
            members[index].1 = members[index].1.removing(Array(path.dropFirst()))
        }
        return .object(members)
    }

    // MARK: - Writing

    /// Compact UTF-8 bytes.
    var compactBytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// Pretty-printed UTF-8 bytes (two-space indent).
    var prettyBytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out, indent: 2, level: 0)
        return out
    }

    func write(to out: inout [UInt8], indent: Int?, level: Int) {
        func newline(_ level: Int) {
            guard let indent else { return }
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: indent * level))
        }
        switch self {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let flag): out.append(contentsOf: Array((flag ? "true" : "false").utf8))
        case .number(let text): out.append(contentsOf: Array(text.utf8))
        case .string(let text): Self.writeString(text, to: &out)
        case .raw(let bytes): out.append(contentsOf: bytes)
        case .array(let items):
            out.append(0x5B)
            if items.isEmpty { out.append(0x5D); return }
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(0x2C) }
                newline(level + 1)
                item.write(to: &out, indent: indent, level: level + 1)
            }
            newline(level)
            out.append(0x5D)
        case .object(let members):
            out.append(0x7B)
            if members.isEmpty { out.append(0x7D); return }
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out.append(0x2C) }
                newline(level + 1)
                Self.writeString(key, to: &out)
                out.append(0x3A)
                if indent != nil { out.append(0x20) }
                value.write(to: &out, indent: indent, level: level + 1)
            }
            newline(level)
            out.append(0x7D)
        }
    }

    static func writeString(_ text: String, to out: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        out.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0x00..<0x20:
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }

    // MARK: - Reading

    /// Parses a complete JSON document (a leading UTF-8 BOM is skipped).
    static func parse(_ data: some Collection<UInt8>) throws(EJSONError) -> EJSON {
        var reader = Reader(bytes: Array(data))
        return try reader.document()
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0
        var depth = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func document() throws(EJSONError) -> EJSON {
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
            skip()
            let value = try parseValue()
            skip()
            guard index == bytes.count else { throw fail("text after the JSON value") }
            return value
        }

        func fail(_ message: String) -> EJSONError { EJSONError(message: message, offset: index) }

        mutating func skip() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func parseValue() throws(EJSONError) -> EJSON {
            guard index < bytes.count else { throw fail("unexpected end") }
            switch bytes[index] {
            case 0x7B: return try parseObject()
            case 0x5B: return try parseArray()
            case 0x22: return .string(try parseString())
            case 0x74: try literal("true"); return .bool(true)
            case 0x66: try literal("false"); return .bool(false)
            case 0x6E: try literal("null"); return .null
            default: return .number(try parseNumber())
            }
        }

        mutating func literal(_ word: String) throws(EJSONError) {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
                throw fail("invalid literal")
            }
            index += expected.count
        }

        mutating func parseObject() throws(EJSONError) -> EJSON {
            depth += 1
            guard depth < 512 else { throw fail("nested too deeply") }
            defer { depth -= 1 }
            index += 1
            var members: [(String, EJSON)] = []
            skip()
            if index < bytes.count, bytes[index] == 0x7D { index += 1; return .object(members) }
            while true {
                skip()
                guard index < bytes.count, bytes[index] == 0x22 else { throw fail("expected a member name") }
                let key = try parseString()
                skip()
                guard index < bytes.count, bytes[index] == 0x3A else { throw fail("expected ':'") }
                index += 1
                skip()
                members.append((key, try parseValue()))
                skip()
                guard index < bytes.count else { throw fail("unexpected end in an object") }
                if bytes[index] == 0x2C { index += 1; continue }
                if bytes[index] == 0x7D { index += 1; return .object(members) }
                throw fail("expected ',' or '}'")
            }
        }

        mutating func parseArray() throws(EJSONError) -> EJSON {
            depth += 1
            guard depth < 512 else { throw fail("nested too deeply") }
            defer { depth -= 1 }
            index += 1
            var items: [EJSON] = []
            skip()
            if index < bytes.count, bytes[index] == 0x5D { index += 1; return .array(items) }
            while true {
                skip()
                items.append(try parseValue())
                skip()
                guard index < bytes.count else { throw fail("unexpected end in an array") }
                if bytes[index] == 0x2C { index += 1; continue }
                if bytes[index] == 0x5D { index += 1; return .array(items) }
                throw fail("expected ',' or ']'")
            }
        }

        mutating func parseNumber() throws(EJSONError) -> String {
            let start = index
            if index < bytes.count, bytes[index] == 0x2D { index += 1 }
            var digits = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1; digits += 1 }
            guard digits > 0 else { throw fail("invalid value") }
            if index < bytes.count, bytes[index] == 0x2E {
                index += 1
                var fraction = 0
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1; fraction += 1 }
                guard fraction > 0 else { throw fail("invalid number") }
            }
            if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
                index += 1
                if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
                var exponent = 0
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1; exponent += 1 }
                guard exponent > 0 else { throw fail("invalid number") }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func parseString() throws(EJSONError) -> String {
            index += 1
            var buffer: [UInt8] = []
            while true {
                guard index < bytes.count else { throw fail("unterminated string") }
                let byte = bytes[index]
                if byte == 0x22 { index += 1; break }
                if byte < 0x20 { throw fail("control character in a string") }
                if byte != 0x5C { buffer.append(byte); index += 1; continue }
                index += 1
                guard index < bytes.count else { throw fail("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case 0x22: buffer.append(0x22)
                case 0x5C: buffer.append(0x5C)
                case 0x2F: buffer.append(0x2F)
                case 0x62: buffer.append(0x08)
                case 0x66: buffer.append(0x0C)
                case 0x6E: buffer.append(0x0A)
                case 0x72: buffer.append(0x0D)
                case 0x74: buffer.append(0x09)
                case 0x75:
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75 {
                        index += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            buffer.append(contentsOf: Array(String(Character(Unicode.Scalar(0xFFFD)!)).utf8))
                            scalar = low
                        }
                    }
                    let character = Unicode.Scalar(scalar).map { Character($0) } ?? Character(Unicode.Scalar(0xFFFD)!)
                    buffer.append(contentsOf: Array(String(character).utf8))
                default: throw fail("invalid escape")
                }
            }
            return String(decoding: buffer, as: UTF8.self)
        }

        mutating func hex4() throws(EJSONError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw fail("short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                index += 1
                value <<= 4
                switch byte {
                case 0x30...0x39: value |= UInt32(byte - 0x30)
                case 0x41...0x46: value |= UInt32(byte - 0x41 + 10)
                case 0x61...0x66: value |= UInt32(byte - 0x61 + 10)
                default: throw fail("invalid \\u escape")
                }
            }
            return value
        }
    }
}

/// A JSON syntax error with the byte offset where it was found.
struct EJSONError: Error, Sendable, CustomStringConvertible {
    var message: String
    var offset: Int
    var description: String { "\(message) at byte \(offset)" }
}
