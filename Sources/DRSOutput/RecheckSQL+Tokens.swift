import DRSCore
import DRSIngest
import Foundation

/// The tokenizer of re-check SQL: the Character rule, and the same rule over ASCII bytes.
extension RecheckSQL {
    /// The tokens of `sql`, or nil when it holds a comment, an unterminated quote or a `;` before its end.
    package static func tokens(_ sql: String) -> [Token]? {
        var sql = sql
        if sql.withUTF8({ $0.allSatisfy { $0 < 0x80 } }) { return sql.withUTF8 { asciiTokens($0) } }
        return unicodeTokens(sql)
    }

    /// `tokens` over Characters: the rule itself, for text that is not all ASCII (and for tests,
    /// which check that the ASCII reader agrees with it).
    package static func unicodeTokens(_ sql: String) -> [Token]? {
        let chars = Array(sql)
        var tokens: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace {
                i += 1
                continue
            }
            if c == "-" && i + 1 < chars.count && chars[i + 1] == "-" { return nil }
            if c == "/" && i + 1 < chars.count && chars[i + 1] == "*" { return nil }
            if c == "#" { return nil }
            if c == "`" || c == "\"" {
                var j = i + 1
                while true {
                    guard j < chars.count else { return nil }
                    // In MySQL a "…" string takes backslash escapes: refuse rather than guess which it is.
                    if c == "\"" && chars[j] == "\\" { return nil }
                    if chars[j] == c {
                        if j + 1 < chars.count && chars[j + 1] == c {
                            j += 2
                            continue
                        }
                        break
                    }
                    j += 1
                }
                tokens.append(.quotedName(String(chars[i...j])))
                i = j + 1
                continue
            }
            if c == "'" {
                var j = i + 1
                while true {
                    guard j < chars.count else { return nil }
                    if chars[j] == "\\" {
                        j += 2
                        continue
                    }
                    if chars[j] == "'" {
                        if j + 1 < chars.count && chars[j + 1] == "'" {
                            j += 2
                            continue
                        }
                        break
                    }
                    j += 1
                }
                tokens.append(.string(String(chars[i...j])))
                i = j + 1
                continue
            }
            if c.isNumber
                || (c == "-" && i + 1 < chars.count && chars[i + 1].isNumber && !(tokens.last.map(isValue) ?? false))
            {
                var j = i + 1
                while j < chars.count, chars[j].isNumber || chars[j] == "." || chars[j] == "e" || chars[j] == "E" {
                    j += 1
                }
                tokens.append(.number(String(chars[i..<j])))
                i = j
                continue
            }
            if c.isLetter || c == "_" {
                var j = i + 1
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "$" {
                    j += 1
                }
                tokens.append(.word(String(chars[i..<j])))
                i = j
                continue
            }
            // A backslash outside a string is a client command (`\! sh`) to mysql and mariadb.
            if c == "\\" { return nil }
            tokens.append(.symbol(c))
            i += 1
        }
        // One statement: a `;` may only end it.
        while tokens.last == .symbol(";") { tokens.removeLast() }
        if tokens.contains(.symbol(";")) { return nil }
        return tokens
    }

    /// `tokens` over ASCII bytes: the same tokens as over Characters (in ASCII a Character is a
    /// byte, but for CR LF, which is whitespace either way), without Unicode property look-ups,
    /// which took most of the time of a million rows.
    package static func asciiTokens(_ b: UnsafeBufferPointer<UInt8>) -> [Token]? {
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
        func text(_ from: Int, _ to: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: b[from..<to]), as: UTF8.self)
        }
        let n = b.count
        var tokens: [Token] = []
        var i = 0
        while i < n {
            let c = b[i]
            if isSpace(c) {
                i += 1
                continue
            }
            if c == 0x2D && i + 1 < n && b[i + 1] == 0x2D { return nil }
            if c == 0x2F && i + 1 < n && b[i + 1] == 0x2A { return nil }
            if c == 0x23 { return nil }
            if c == 0x60 || c == 0x22 {
                var j = i + 1
                while true {
                    guard j < n else { return nil }
                    if c == 0x22 && b[j] == 0x5C { return nil }
                    if b[j] == c {
                        if j + 1 < n && b[j + 1] == c {
                            j += 2
                            continue
                        }
                        break
                    }
                    j += 1
                }
                tokens.append(.quotedName(text(i, j + 1)))
                i = j + 1
                continue
            }
            if c == 0x27 {
                var j = i + 1
                while true {
                    guard j < n else { return nil }
                    if b[j] == 0x5C {
                        j += 2
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
                tokens.append(.string(text(i, j + 1)))
                i = j + 1
                continue
            }
            if isDigit(c) || (c == 0x2D && i + 1 < n && isDigit(b[i + 1]) && !(tokens.last.map(isValue) ?? false)) {
                var j = i + 1
                while j < n, isDigit(b[j]) || b[j] == 0x2E || b[j] == 0x65 || b[j] == 0x45 { j += 1 }
                tokens.append(.number(text(i, j)))
                i = j
                continue
            }
            if isLetter(c) || c == 0x5F {
                var j = i + 1
                while j < n, isLetter(b[j]) || isDigit(b[j]) || b[j] == 0x5F || b[j] == 0x24 { j += 1 }
                tokens.append(.word(text(i, j)))
                i = j
                continue
            }
            if c == 0x5C { return nil }
            tokens.append(.symbol(Character(Unicode.Scalar(c))))
            i += 1
        }
        while tokens.last == .symbol(";") { tokens.removeLast() }
        if tokens.contains(.symbol(";")) { return nil }
        return tokens
    }
}
