import DRSCore
import DRSIngest
import Foundation

/// Reads a DRS row SELECT far enough to combine it safely.
package enum RecheckSQL {
    package enum Shape: Equatable {
        /// `prefix WHERE c1 = v1 AND c2 = v2`: the text before WHERE, the columns and the literals, as written.
        case keyed(prefix: String, columns: [String], values: [String])
        /// One SELECT statement of another shape, without a trailing `;`.
        case select(String)
        /// Not one SELECT (several statements, a comment, or something else).
        case notOneSelect
    }

    package enum Token: Equatable {
        case word(String)
        case quotedName(String)
        case string(String)
        case number(String)
        case symbol(Character)
    }

    /// Whether `word` uppercased is `keyword` (an ASCII keyword), without making the uppercased word.
    package static func isKeyword(_ word: String, _ keyword: StaticString) -> Bool {
        var word = word
        let answer: Bool? = word.withUTF8 { utf8 in
            guard utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
            guard utf8.count == keyword.utf8CodeUnitCount else { return false }
            let key = UnsafeBufferPointer(start: keyword.utf8Start, count: keyword.utf8CodeUnitCount)
            for i in 0..<utf8.count where (utf8[i] >= 0x61 && utf8[i] <= 0x7A ? utf8[i] - 0x20 : utf8[i]) != key[i] {
                return false
            }
            return true
        }
        return answer ?? (word.uppercased() == keyword.description)
    }

    /// Trimmed of spaces and tabs at both ends (Foundation's `.whitespaces`), over bytes for ASCII text.
    package static func trimmedSpaces(_ text: Substring) -> String {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.trimmingCharacters(in: .whitespaces) }
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
            let last = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })
        else {
            return ""
        }
        return String(text[first...last])
    }

    /// `uppercased()`, without its Unicode tables for ASCII words.
    package static func upper(_ word: String) -> String {
        var word = word
        return word.withUTF8 { utf8 in
            guard utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
            return String(decoding: utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
        } ?? word.uppercased()
    }

    /// Trimmed of whitespace and newlines at both ends (Foundation's rule), at once when an ASCII
    /// character that is not a space stands at each end.
    package static func trimmed(_ text: String) -> String {
        if let first = text.utf8.first, let last = text.utf8.last,
            first > 0x20 && first < 0x7F && last > 0x20 && last < 0x7F
        {
            return text
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func isValue(_ token: Token) -> Bool {
        switch token {
        case .quotedName, .string, .number, .word: return true
        case .symbol(let c): return c == ")"
        }
    }

    /// Words a re-check SELECT may hold besides names: anything else (INTO OUTFILE, FOR UPDATE,
    /// a function such as SLEEP or LOAD_FILE, a subquery) is not copied into a file meant to be run.
    package static let refusedWords: Set<String> = [
        "INTO", "FOR", "LOCK", "UNION", "JOIN", "PROCEDURE", "WINDOW", "HAVING", "GROUP",
    ]
    package static let reservedWords: Set<String> = [
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "NULL", "IS", "IN", "UNION", "JOIN", "ON", "LIMIT", "ORDER",
        "GROUP", "BY",
        "HAVING", "LIKE", "BETWEEN",
    ]

    package static let allowedWords: Set<String> = [
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IS", "NULL", "IN", "BETWEEN", "LIKE", "ORDER", "BY", "ASC",
        "DESC",
        "LIMIT", "OFFSET", "TRUE", "FALSE",
    ]

    /// Whether every token is a name, a literal, an operator or an allowed word, with no call:
    /// one plain SELECT from one table.
    package static func isPlainSelect(_ tokens: [Token]) -> Bool {
        var froms = 0
        for (index, token) in tokens.enumerated() {
            switch token {
            case .word(let word):
                let upper = Self.upper(word)
                if upper == "FROM" { froms += 1 }
                if upper == "SELECT" && index != 0 { return false }
                let next = index + 1 < tokens.count ? tokens[index + 1] : nil
                if !allowedWords.contains(upper) && next == .symbol("(") { return false }
                if refusedWords.contains(upper) { return false }
            case .symbol(let c):
                guard "*,.=<>!()+-%/".contains(c) else { return false }
            case .quotedName, .string, .number: continue
            }
        }
        return froms == 1
    }

    package static func parse(_ sql: String) -> Shape {
        let trimmed = Self.trimmed(sql)
        guard let tokens = tokens(trimmed), case .word(let first)? = tokens.first, upper(first) == "SELECT",
            isPlainSelect(tokens)
        else { return .notOneSelect }
        // The statement without its trailing semicolons.
        var text = trimmed
        while text.hasSuffix(";") { text = String(text.dropLast()).trimmingCharacters(in: .whitespaces) }
        let whereIndices = tokens.indices.filter {
            if case .word(let w) = tokens[$0], isKeyword(w, "WHERE") { return true }
            return false
        }
        guard whereIndices.count == 1, let at = whereIndices.first else { return .select(text) }
        // Before WHERE: SELECT … FROM name(.name) only, no joins or subqueries.
        let head = tokens[..<at]
        let fromIndices = head.indices.filter {
            if case .word(let w) = head[$0], isKeyword(w, "FROM") { return true }
            return false
        }
        guard fromIndices.count == 1, let from = fromIndices.first else { return .select(text) }
        let table = Array(head[(from + 1)...])
        let tableOK =
            (table.count == 1 && isName(table[0]))
            || (table.count == 3 && isName(table[0]) && table[1] == .symbol(".") && isName(table[2]))
        let columnsOK = head[1..<from].allSatisfy { token in
            switch token {
            case .quotedName, .word: return isName(token)
            case .symbol(let c): return c == "*" || c == "," || c == "."
            default: return false
            }
        }
        guard tableOK, columnsOK, from > 1 else { return .select(text) }
        // After WHERE: name = literal (AND name = literal)*.
        var columns: [String] = []
        var values: [String] = []
        var i = at + 1
        while i < tokens.count {
            guard i + 2 < tokens.count, isName(tokens[i]), tokens[i + 1] == .symbol("="),
                let value = literal(tokens[i + 2]),
                let column = name(tokens[i])
            else { return .select(text) }
            columns.append(column)
            values.append(value)
            i += 3
            if i < tokens.count {
                guard case .word(let w) = tokens[i], isKeyword(w, "AND") else { return .select(text) }
                i += 1
                guard i < tokens.count else { return .select(text) }
            }
        }
        guard !columns.isEmpty, Set(columns).count == columns.count else { return .select(text) }
        // The prefix as written: everything before the WHERE keyword.
        guard let range = whereRange(in: text) else { return .select(text) }
        let prefix = trimmedSpaces(text[..<range.lowerBound])
        // A stable column order, so rows naming keys in another order still share a list.
        let sorted = zip(columns, values).sorted { $0.0 < $1.0 }
        return .keyed(prefix: prefix, columns: sorted.map(\.0), values: sorted.map(\.1))
    }

    /// `whereRange` over ASCII bytes (the same rule: a quote skips to its end, a backslash escapes
    /// inside '…', and WHERE counts only between non-word characters).
    static func asciiWhereRange(in text: String) -> Range<String.Index>? {
        let utf8 = Array(text.utf8)
        func isWord(_ c: UInt8) -> Bool {
            (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || (c >= 0x30 && c <= 0x39) || c == 0x5F
        }
        let keyword = Array("WHERE".utf8)
        var quote: UInt8 = 0
        var i = 0
        while i < utf8.count {
            let c = utf8[i]
            if quote != 0 {
                if c == 0x5C && quote == 0x27 {
                    i += 2
                    continue
                }
                if c == quote { quote = 0 }
            } else if c == 0x27 || c == 0x60 || c == 0x22 {
                quote = c
            } else if c | 0x20 == 0x77, i + 5 <= utf8.count,
                (0..<5).allSatisfy({
                    (utf8[i + $0] >= 0x61 && utf8[i + $0] <= 0x7A ? utf8[i + $0] - 0x20 : utf8[i + $0]) == keyword[$0]
                }),
                i == 0 || !isWord(utf8[i - 1]), i + 5 == utf8.count || !isWord(utf8[i + 5])
            {
                let start = text.utf8.index(text.startIndex, offsetBy: i)
                return start..<text.utf8.index(start, offsetBy: 5)
            }
            i += 1
        }
        return nil
    }

    static func isName(_ token: Token) -> Bool { name(token) != nil }

    static func name(_ token: Token) -> String? {
        switch token {
        case .quotedName(let text): return text
        case .word(let text):
            return reservedWords.contains(upper(text)) ? nil : text
        default: return nil
        }
    }

    static func literal(_ token: Token) -> String? {
        switch token {
        case .string(let text), .number(let text): return text
        default: return nil
        }
    }

    /// Where the one WHERE keyword is in `text`, outside quotes.
    package static func whereRange(in text: String, unicode: Bool = false) -> Range<String.Index>? {
        if !unicode, text.utf8.allSatisfy({ $0 < 0x80 }) { return asciiWhereRange(in: text) }
        var quote: Character?
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if let q = quote {
                if c == "\\" && q == "'" {
                    index = text.index(after: index)
                    if index < text.endIndex { index = text.index(after: index) }
                    continue
                }
                if c == q { quote = nil }
            } else if c == "'" || c == "`" || c == "\"" {
                quote = c
            } else if c == "w" || c == "W", text[index...].prefix(5).uppercased() == "WHERE" {
                let before = index == text.startIndex ? " " : text[text.index(before: index)]
                let afterIndex = text.index(index, offsetBy: 5)
                let after = afterIndex < text.endIndex ? text[afterIndex] : " "
                if !(before.isLetter || before.isNumber || before == "_"),
                    !(after.isLetter || after.isNumber || after == "_")
                {
                    return index..<afterIndex
                }
            }
            index = text.index(after: index)
        }
        return nil
    }
}
