/// Finds array elements in JSON bytes without building a tree (pages of a million-row archive load quickly).
package enum RawJSONScanner {
    package struct Malformed: Error {}

    /// Byte ranges of the elements of the array at `path` (object keys), or nil if the bytes do not have that shape.
    package static func arrayElements(_ bytes: [UInt8], at path: [String]) -> [Range<Int>]? {
        try? bytes.withUnsafeBufferPointer { buffer -> [Range<Int>] in
            var index = skipSpace(buffer, 0)
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF {
                index = skipSpace(buffer, 3)
            }
            for key in path {
                index = try member(buffer, object: index, key: Array(key.utf8))
            }
            guard index < buffer.count, buffer[index] == 0x5B else { throw Malformed() }
            var ranges: [Range<Int>] = []
            index = skipSpace(buffer, index + 1)
            if index < buffer.count, buffer[index] == 0x5D { return ranges }
            while true {
                let start = index
                let end = try skipValue(buffer, start)
                ranges.append(start..<end)
                index = skipSpace(buffer, end)
                guard index < buffer.count else { throw Malformed() }
                if buffer[index] == 0x2C {
                    index = skipSpace(buffer, index + 1)
                    continue
                }
                if buffer[index] == 0x5D { return ranges }
                throw Malformed()
            }
        }
    }

    /// The document with every array cut to its first element (keys, order and scalars kept).
    package static func skeleton(_ bytes: [UInt8]) -> [UInt8]? {
        try? bytes.withUnsafeBufferPointer { buffer -> [UInt8] in
            var index = skipSpace(buffer, 0)
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF {
                index = skipSpace(buffer, 3)
            }
            var out: [UInt8] = []
            out.reserveCapacity(4096)
            index = skipSpace(buffer, try copyOutline(buffer, index, &out))
            guard index == buffer.count else { throw Malformed() }
            return out
        }
    }

    /// The document with the array at `path` replaced by `[]`.
    package static func emptying(_ bytes: [UInt8], at path: [String]) -> [UInt8]? {
        try? bytes.withUnsafeBufferPointer { buffer -> [UInt8] in
            var index = skipSpace(buffer, 0)
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF {
                index = skipSpace(buffer, 3)
            }
            for key in path { index = try member(buffer, object: index, key: Array(key.utf8)) }
            guard index < buffer.count, buffer[index] == 0x5B else { throw Malformed() }
            let end = try skipValue(buffer, index)
            return Array(buffer[..<index]) + [0x5B, 0x5D] + Array(buffer[end...])
        }
    }

    private static func copyOutline(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ out: inout [UInt8]) throws -> Int {
        guard start < b.count else { throw Malformed() }
        var i = start
        switch b[i] {
        case 0x7B:
            out.append(0x7B)
            i = skipSpace(b, i + 1)
            if i < b.count, b[i] == 0x7D {
                out.append(0x7D)
                return i + 1
            }
            while true {
                guard i < b.count, b[i] == 0x22 else { throw Malformed() }
                let keyEnd = try skipString(b, i)
                out.append(contentsOf: b[i..<keyEnd])
                i = skipSpace(b, keyEnd)
                guard i < b.count, b[i] == 0x3A else { throw Malformed() }
                out.append(0x3A)
                i = skipSpace(b, try copyOutline(b, skipSpace(b, i + 1), &out))
                guard i < b.count else { throw Malformed() }
                if b[i] == 0x2C {
                    out.append(0x2C)
                    i = skipSpace(b, i + 1)
                    continue
                }
                if b[i] == 0x7D {
                    out.append(0x7D)
                    return i + 1
                }
                throw Malformed()
            }
        case 0x5B:
            out.append(0x5B)
            i = skipSpace(b, i + 1)
            if i < b.count, b[i] == 0x5D {
                out.append(0x5D)
                return i + 1
            }
            i = skipSpace(b, try copyOutline(b, i, &out))
            while true {
                guard i < b.count else { throw Malformed() }
                if b[i] == 0x2C {
                    i = skipSpace(b, try skipValue(b, skipSpace(b, i + 1)))
                    continue
                }
                if b[i] == 0x5D {
                    out.append(0x5D)
                    return i + 1
                }
                throw Malformed()
            }
        default:
            let end = try skipValue(b, i)
            out.append(contentsOf: b[i..<end])
            return end
        }
    }

    /// The bytes without insignificant whitespace.
    package static func minified(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                out.append(byte)
                if escaped {
                    escaped = false
                } else if byte == 0x5C {
                    escaped = true
                } else if byte == 0x22 {
                    inString = false
                }
            } else if byte == 0x22 {
                inString = true
                out.append(byte)
            } else if byte != 0x20, byte != 0x0A, byte != 0x0D, byte != 0x09 {
                out.append(byte)
            }
        }
        return out
    }

    private static func skipSpace(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        return i
    }

    /// Start of the value of member `key` in the object starting at `object`.
    private static func member(_ b: UnsafeBufferPointer<UInt8>, object: Int, key: [UInt8]) throws -> Int {
        guard object < b.count, b[object] == 0x7B else { throw Malformed() }
        var i = skipSpace(b, object + 1)
        if i < b.count, b[i] == 0x7D { throw Malformed() }
        while true {
            guard i < b.count, b[i] == 0x22 else { throw Malformed() }
            let keyEnd = try skipString(b, i)
            let matches = keyEnd - i - 2 == key.count && key.indices.allSatisfy { b[i + 1 + $0] == key[$0] }
            i = skipSpace(b, keyEnd)
            guard i < b.count, b[i] == 0x3A else { throw Malformed() }
            i = skipSpace(b, i + 1)
            if matches { return i }
            i = skipSpace(b, try skipValue(b, i))
            guard i < b.count else { throw Malformed() }
            if b[i] == 0x2C {
                i = skipSpace(b, i + 1)
                continue
            }
            throw Malformed()
        }
    }

    private static func skipString(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) throws -> Int {
        var i = start + 1
        while i < b.count {
            switch b[i] {
            case 0x5C: i += 2
            case 0x22: return i + 1
            default: i += 1
            }
        }
        throw Malformed()
    }

    private static func skipValue(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) throws -> Int {
        guard start < b.count else { throw Malformed() }
        switch b[start] {
        case 0x22: return try skipString(b, start)
        case 0x7B, 0x5B:
            var depth = 0
            var i = start
            while i < b.count {
                switch b[i] {
                case 0x22:
                    i = try skipString(b, i)
                    continue
                case 0x7B, 0x5B: depth += 1
                case 0x7D, 0x5D:
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
                i += 1
            }
            throw Malformed()
        default:
            var i = start
            while i < b.count, ![0x2C, 0x7D, 0x5D, 0x20, 0x0A, 0x0D, 0x09].contains(b[i]) { i += 1 }
            guard i > start else { throw Malformed() }
            return i
        }
    }
}
