import DRSCore
import DRSIngest
import Foundation

/// `RecheckSQL.parse` over the UTF-8 bytes of a row's SQL, as the recheck writer reads the row
/// spool: no String, token or array is made per row, and the answer is the same as `parse`'s.
///
/// The rule is the Character rule of `RecheckSQL`. Over bytes it holds exactly when every
/// Character of the SQL is one scalar (or CR LF): true of ASCII, and of text whose other scalars
/// are all in `isPlainScalar` (Latin, Cyrillic, CJK, kana, Hangul syllables, full-width forms),
/// none of which joins a neighbour into one Character or equals another scalar canonically. Any
/// other SQL, or such a scalar outside quotes (where the rule asks Unicode whether it is a letter,
/// a digit or a space), is `.needsCharacters`, and the caller asks `parse`. Tests check the two
/// agree on every sample and on random text.
extension RecheckSQL {
    /// A token's kind and bytes (`start..<end` of the buffer read).
    package struct ByteToken {
        package enum Kind: UInt8 { case word, quotedName, string, number, symbol }
        package var kind: Kind
        package var start: Int
        package var end: Int

        /// Memberwise, for the modules that build it (Swift's implicit one is internal).
        package init(kind: Kind, start: Int, end: Int) {
            self.kind = kind
            self.start = start
            self.end = end
        }
    }

    /// What `shape` found. For `.keyed`, the parts are in the scratch's ranges.
    package enum ByteShape: Equatable {
        /// `prefix WHERE c1 = v1 AND …`: `Scratch.prefix`, `columns` and `values` (sorted by column).
        case keyed
        /// One SELECT of another shape: the range of its text, without a trailing `;`.
        case select(Range<Int>)
        case notOneSelect
        /// The bytes alone cannot say: ask `parse` with the text.
        case needsCharacters
    }

    /// Buffers reused from row to row.
    package struct Scratch {
        package var tokens: [ByteToken] = []
        package var prefix: Range<Int> = 0..<0
        package var columns: [Range<Int>] = []
        package var values: [Range<Int>] = []
        fileprivate var pairs: [(Range<Int>, Range<Int>)] = []

        package init() {}
    }

    /// Whether `scalar` is always a Character of its own next to ASCII and to every other such
    /// scalar (Grapheme_Cluster_Break Other, or Hangul LV/LVT syllables, which join only jamo),
    /// is in NFC and has no canonical singleton: byte equality and byte order are then String's.
    package static func isPlainScalar(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x00A0...0x024F, 0x0400...0x0482, 0x3000...0x3029, 0x3041...0x3096, 0x30A1...0x30FA, 0x3400...0x4DBF,
            0x4E00...0x9FFF, 0xAC00...0xD7A3, 0xFF01...0xFF5E:
            return true
        default:
            return false
        }
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }

    /// Whether every scalar that is not ASCII is plain (`isPlainScalar`), for valid UTF-8.
    package static func onlyPlainScalars(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 {
                i += 1
            } else if c >= 0xC2 && c <= 0xDF && i + 1 < n {
                guard isPlainScalar(UInt32(c & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F)) else { return false }
                i += 2
            } else if c >= 0xE0 && c <= 0xEF && i + 2 < n {
                guard isPlainScalar(UInt32(c & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F))
                else { return false }
                i += 3
            } else {
                return false
            }
        }
        return true
    }

    /// The tokens of `b[range]` into `tokens`: true when read, false when the SQL is not one
    /// statement (`tokens` would say nil), nil when a byte outside quotes is not ASCII.
    package static func byteTokens(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into tokens: inout [ByteToken])
        -> Bool?
    {
        tokens.removeAll(keepingCapacity: true)
        let n = range.upperBound
        var i = range.lowerBound
        while i < n {
            let c = b[i]
            if c >= 0x80 { return nil }
            if isSpace(c) {
                i += 1
                continue
            }
            if c == 0x2D && i + 1 < n && b[i + 1] == 0x2D { return false }
            if c == 0x2F && i + 1 < n && b[i + 1] == 0x2A { return false }
            if c == 0x23 { return false }
            if c == 0x60 || c == 0x22 {
                var j = i + 1
                while true {
                    guard j < n else { return false }
                    if c == 0x22 && b[j] == 0x5C { return false }
                    if b[j] == c {
                        if j + 1 < n && b[j + 1] == c {
                            j += 2
                            continue
                        }
                        break
                    }
                    j += 1
                }
                tokens.append(ByteToken(kind: .quotedName, start: i, end: j + 1))
                i = j + 1
                continue
            }
            if c == 0x27 {
                var j = i + 1
                while true {
                    guard j < n else { return false }
                    if b[j] == 0x5C {
                        // The escaped Character: one byte, or one whole plain scalar.
                        j += 1
                        if j < n { j += b[j] < 0x80 ? 1 : (b[j] >= 0xE0 ? 3 : 2) }
                        continue
                    }
                    if b[j] == 0x27 {
                        if j + 1 < n && b[j + 1] == 0x27 {
                            j += 2
                            continue
                        }
                        break
                    }
                    j += 1
                }
                tokens.append(ByteToken(kind: .string, start: i, end: j + 1))
                i = j + 1
                continue
            }
            if isDigit(c)
                || (c == 0x2D && i + 1 < n && isDigit(b[i + 1]) && !(tokens.last.map { isValue(b, $0) } ?? false))
            {
                var j = i + 1
                while j < n, isDigit(b[j]) || b[j] == 0x2E || b[j] == 0x65 || b[j] == 0x45 { j += 1 }
                tokens.append(ByteToken(kind: .number, start: i, end: j))
                i = j
                continue
            }
            if isLetter(c) || c == 0x5F {
                var j = i + 1
                while j < n, isLetter(b[j]) || isDigit(b[j]) || b[j] == 0x5F || b[j] == 0x24 { j += 1 }
                tokens.append(ByteToken(kind: .word, start: i, end: j))
                i = j
                continue
            }
            if c == 0x5C { return false }
            tokens.append(ByteToken(kind: .symbol, start: i, end: i + 1))
            i += 1
        }
        while let last = tokens.last, last.kind == .symbol, b[last.start] == 0x3B { tokens.removeLast() }
        if tokens.contains(where: { $0.kind == .symbol && b[$0.start] == 0x3B }) { return false }
        return true
    }

    /// A name, a literal, a word or `)`: what a `-` after it subtracts from.
    static func isValue(_ b: UnsafeBufferPointer<UInt8>, _ token: ByteToken) -> Bool {
        token.kind != .symbol || b[token.start] == 0x29
    }

    static func isSymbol(_ b: UnsafeBufferPointer<UInt8>, _ token: ByteToken, _ c: UInt8) -> Bool {
        token.kind == .symbol && b[token.start] == c
    }

    static func isName(_ b: UnsafeBufferPointer<UInt8>, _ token: ByteToken) -> Bool {
        token.kind == .quotedName || (token.kind == .word && !word(b, token).contains(.reserved))
    }

    static func equal(_ b: UnsafeBufferPointer<UInt8>, _ x: Range<Int>, _ y: Range<Int>) -> Bool {
        x.count == y.count && memcmp(b.baseAddress! + x.lowerBound, b.baseAddress! + y.lowerBound, x.count) == 0
    }

    static func less(_ b: UnsafeBufferPointer<UInt8>, _ x: Range<Int>, _ y: Range<Int>) -> Bool {
        let common = min(x.count, y.count)
        let order = common == 0 ? 0 : memcmp(b.baseAddress! + x.lowerBound, b.baseAddress! + y.lowerBound, common)
        return order != 0 ? order < 0 : x.count < y.count
    }

    /// `parse` over bytes; see the type's comment for when it answers `.needsCharacters`.
    package static func shape(_ b: UnsafeBufferPointer<UInt8>, _ s: inout Scratch) -> ByteShape {
        var ascii = true
        for c in b where c >= 0x80 {
            ascii = false
            break
        }
        if !ascii && !onlyPlainScalars(b) { return .needsCharacters }
        // `trimmed`: whitespace and newlines at both ends.
        var lo = 0
        var hi = b.count
        while lo < hi, isSpace(b[lo]) { lo += 1 }
        while hi > lo, isSpace(b[hi - 1]) { hi -= 1 }
        if lo < hi && (b[lo] >= 0x80 || b[hi - 1] >= 0x80) { return .needsCharacters }
        guard let read = byteTokens(b, lo..<hi, into: &s.tokens) else { return .needsCharacters }
        let tokens = s.tokens
        guard read, let first = tokens.first, word(b, first).contains(.select) else { return .notOneSelect }
        // `isPlainSelect`.
        var froms = 0
        for index in tokens.indices {
            let token = tokens[index]
            switch token.kind {
            case .word:
                let flags = word(b, token)
                if flags.contains(.from) { froms += 1 }
                if flags.contains(.select) && index != 0 { return .notOneSelect }
                if !flags.contains(.allowed), index + 1 < tokens.count, isSymbol(b, tokens[index + 1], 0x28) {
                    return .notOneSelect
                }
                if flags.contains(.refused) { return .notOneSelect }
            case .symbol:
                switch b[token.start] {
                case 0x2A, 0x2C, 0x2E, 0x3D, 0x3C, 0x3E, 0x21, 0x28, 0x29, 0x2B, 0x2D, 0x25, 0x2F: break
                default: return .notOneSelect
                }
            case .quotedName, .string, .number:
                continue
            }
        }
        guard froms == 1 else { return .notOneSelect }
        // The statement without its trailing semicolons (each time trimmed of spaces and tabs).
        var textLo = lo
        var textHi = hi
        while textHi > textLo, b[textHi - 1] == 0x3B {
            textHi -= 1
            while textHi > textLo, b[textHi - 1] == 0x20 || b[textHi - 1] == 0x09 { textHi -= 1 }
            while textLo < textHi, b[textLo] == 0x20 || b[textLo] == 0x09 { textLo += 1 }
        }
        let text = textLo..<textHi
        var at = -1
        for index in tokens.indices where word(b, tokens[index]).contains(.whereWord) {
            guard at < 0 else { return .select(text) }
            at = index
        }
        guard at >= 0 else { return .select(text) }
        var from = -1
        for index in 0..<at where word(b, tokens[index]).contains(.from) {
            guard from < 0 else { return .select(text) }
            from = index
        }
        guard from >= 0 else { return .select(text) }
        let table = tokens[(from + 1)..<at]
        let tableOK =
            (table.count == 1 && isName(b, table[from + 1]))
            || (table.count == 3 && isName(b, table[from + 1]) && isSymbol(b, table[from + 2], 0x2E)
                && isName(b, table[from + 3]))
        var columnsOK = true
        for token in tokens[1..<max(1, from)] {
            switch token.kind {
            case .quotedName, .word: columnsOK = columnsOK && isName(b, token)
            case .symbol:
                columnsOK = columnsOK && (b[token.start] == 0x2A || b[token.start] == 0x2C || b[token.start] == 0x2E)
            default: columnsOK = false
            }
        }
        guard tableOK, columnsOK, from > 1 else { return .select(text) }
        // After WHERE: name = literal (AND name = literal)*.
        s.pairs.removeAll(keepingCapacity: true)
        var i = at + 1
        while i < tokens.count {
            guard i + 2 < tokens.count, isName(b, tokens[i]), isSymbol(b, tokens[i + 1], 0x3D),
                tokens[i + 2].kind == .string || tokens[i + 2].kind == .number
            else { return .select(text) }
            s.pairs.append((tokens[i].start..<tokens[i].end, tokens[i + 2].start..<tokens[i + 2].end))
            i += 3
            if i < tokens.count {
                guard word(b, tokens[i]).contains(.and) else { return .select(text) }
                i += 1
                guard i < tokens.count else { return .select(text) }
            }
        }
        guard !s.pairs.isEmpty else { return .select(text) }
        for x in s.pairs.indices {
            for y in s.pairs.indices where y > x && equal(b, s.pairs[x].0, s.pairs[y].0) { return .select(text) }
        }
        // The prefix as written: everything before the WHERE keyword, trimmed of spaces and tabs.
        guard let keyword = whereOffset(b, text) else { return .select(text) }
        var prefixHi = keyword
        while prefixHi > text.lowerBound, b[prefixHi - 1] == 0x20 || b[prefixHi - 1] == 0x09 { prefixHi -= 1 }
        s.prefix = text.lowerBound..<prefixHi
        s.pairs.sort { less(b, $0.0, $1.0) }
        s.columns.removeAll(keepingCapacity: true)
        s.values.removeAll(keepingCapacity: true)
        for (column, value) in s.pairs {
            s.columns.append(column)
            s.values.append(value)
        }
        return .keyed
    }

    /// `whereRange` over bytes: where the WHERE keyword starts in `b[text]`, outside quotes.
    static func whereOffset(_ b: UnsafeBufferPointer<UInt8>, _ text: Range<Int>) -> Int? {
        func isWord(_ c: UInt8) -> Bool { isLetter(c) || isDigit(c) || c == 0x5F }
        let keyword: [UInt8] = [0x57, 0x48, 0x45, 0x52, 0x45]
        var quote: UInt8 = 0
        var i = text.lowerBound
        let n = text.upperBound
        while i < n {
            let c = b[i]
            if quote != 0 {
                if c == 0x5C && quote == 0x27 {
                    i += 2
                    continue
                }
                if c == quote { quote = 0 }
            } else if c == 0x27 || c == 0x60 || c == 0x22 {
                quote = c
            } else if c | 0x20 == 0x77, i + 5 <= n,
                (0..<5).allSatisfy({
                    (b[i + $0] >= 0x61 && b[i + $0] <= 0x7A ? b[i + $0] - 0x20 : b[i + $0]) == keyword[$0]
                }),
                i == text.lowerBound || !isWord(b[i - 1]), i + 5 == n || !isWord(b[i + 5])
            {
                return i
            }
            i += 1
        }
        return nil
    }
}
