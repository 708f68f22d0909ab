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
    /// byte, but for CR LF, which is whitespace either way), read by the byte reader the recheck
    /// writer uses (`byteTokens`), so the tests that hold this to the Character rule hold it too.
    package static func asciiTokens(_ b: UnsafeBufferPointer<UInt8>) -> [Token]? {
        var tokens: [ByteToken] = []
        guard byteTokens(b, 0..<b.count, into: &tokens) == true else { return nil }
        return tokens.map { token in
            let text = String(decoding: UnsafeBufferPointer(rebasing: b[token.start..<token.end]), as: UTF8.self)
            switch token.kind {
            case .word: return .word(text)
            case .quotedName: return .quotedName(text)
            case .string: return .string(text)
            case .number: return .number(text)
            case .symbol: return .symbol(Character(Unicode.Scalar(b[token.start])))
            }
        }
    }
}
