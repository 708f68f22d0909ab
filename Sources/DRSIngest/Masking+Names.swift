import DRSCore
import DRSJSON
import Foundation

/// Every name given a token in this run, so that two names sharing a token are refused rather
/// than merged, and so that each name's HMAC is computed once (a million rows repeat a few names).
package final class NameTokens: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: [String: String] = [:]
    private var owners: [String: String] = [:]

    package func token(_ name: String, make: (String) -> String) throws(DRSReportError) -> String {
        lock.lock()
        defer { lock.unlock() }
        if let known = tokens[name] { return known }
        let token = make(name)
        if owners[token] != nil {
            // Neither name is said: the message may reach a log.
            throw .invalidOption(
                name: OptionName.mask.ref, value: "names",
                expected: "a different masking secret: two database or table names share one token under this one")
        }
        tokens[name] = token
        owners[token] = name
        return token
    }
}

// `names`: a response's database, table and object names become `⟨n:…⟩` tokens as it is read,
// in its members, in the request it answered, in the FROM clause of its SELECTs and wherever a
// DRS message repeats them, so nothing downstream (ledger, rows, every writer) sees a real name.
extension KeyMask {
    /// Members whose string value names a database, a table or a compared object.
    package static let nameMembers: Set<String> = [
        "db_name", "table_name", "source_db", "target_db", "source_db_name", "target_db_name", "src_db", "dst_db",
        "src_tb", "dst_tb", "source_table_name", "target_table_name", "source_db_value", "target_db_value",
    ]
    /// Members holding a row's SELECT, or DRS's row filter (a WHERE predicate: only known names in it are masked).
    package static let sqlMembers: Set<String> = [
        "source_select_sql", "target_select_sql", "select_sql", "compare_line_config_filter",
    ]
    /// Members holding DRS's own words, which may repeat a name ("Table crm.orders does not exist").
    package static let messageMembers: Set<String> = ["message", "error_message", "error_msg", "errorMsg"]

    /// The response and its request with every name masked; unchanged when names are not masked.
    package func maskingNames(_ value: JSONValue, request: RequestContext?) throws(DRSReportError) -> (
        JSONValue, RequestContext?
    ) {
        guard masksNames else { return (value, request) }
        var known = Set<String>()
        collectNames(value, member: nil, into: &known)
        var request = request
        if var masked = request {
            for (key, text) in masked.query where Self.nameMembers.contains(key) && !text.isEmpty {
                known.insert(text)
                masked.query[key] = try nameToken(text)
            }
            request = masked
        }
        let finder = NameFinder(known)
        return (try maskNames(value, member: nil, finder), request)
    }

    private func collectNames(_ value: JSONValue, member: String?, into known: inout Set<String>) {
        switch value {
        case .string(let text):
            guard let member, !text.isEmpty else { return }
            if Self.nameMembers.contains(member) {
                known.insert(text)
            } else if Self.sqlMembers.contains(member), let parsed = SQLLocation.parse(text) {
                for name in [parsed.database, parsed.table].compactMap({ $0 }) where !name.isEmpty {
                    known.insert(name)
                }
            }
        case .array(let items):
            for item in items { collectNames(item, member: member, into: &known) }
        case .object(let members):
            for (key, item) in members { collectNames(item, member: key, into: &known) }
        default:
            return
        }
    }

    private func maskNames(_ value: JSONValue, member: String?, _ finder: NameFinder) throws(DRSReportError)
        -> JSONValue
    {
        switch value {
        case .string(let text):
            guard let member, !text.isEmpty else { return value }
            if Self.nameMembers.contains(member) { return .string(try nameToken(text)) }
            if Self.sqlMembers.contains(member) { return .string(try sqlNames(text, finder)) }
            if Self.messageMembers.contains(member) { return .string(try finder.replace(in: text, with: nameToken)) }
            return value
        case .array(let items):
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try maskNames(item, member: member, finder)) }
            return .array(out)
        case .object(let members):
            var out = members
            for (key, item) in members { out[key] = try maskNames(item, member: key, finder) }
            return .object(out)
        default:
            return value
        }
    }

    /// A SELECT with the table it reads (`FROM db.table`, `JOIN …`) and every identifier that is a
    /// known name replaced by its token, quoted as the name was (unquoted names get backticks);
    /// comments have known names replaced. Literals are left to `sql(_:)` (keys).
    package func sqlNames(_ text: String, _ finder: NameFinder) throws(DRSReportError) -> String {
        let chars = Array(text)
        let n = chars.count
        var out = ""
        var i = 0
        var expectingTable = false
        func isWordStart(_ c: Character) -> Bool { c.isLetter || c == "_" }
        func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "$" }
        /// After a table name: `db.` or `, other` still names a table.
        func stillExpecting(from index: Int) -> Bool {
            var j = index
            while j < n, chars[j].isWhitespace { j += 1 }
            return j < n && (chars[j] == "." || chars[j] == ",")
        }
        while i < n {
            let c = chars[i]
            if c == "'" {
                var j = i + 1
                while j < n {
                    if chars[j] == "\\" {
                        j += 2
                        continue
                    }
                    if chars[j] == "'" {
                        if j + 1 < n && chars[j + 1] == "'" {
                            j += 2
                            continue
                        }
                        break
                    }
                    j += 1
                }
                let end = min(j, n - 1)
                out += String(chars[i...end])
                i = end + 1
                expectingTable = false
            } else if c == "`" || c == "\"" || c == "[" {
                let close: Character = c == "[" ? "]" : c
                var name = ""
                var j = i + 1
                while j < n {
                    if chars[j] == close {
                        if close != "]" && j + 1 < n && chars[j + 1] == close {
                            name.append(close)
                            j += 2
                            continue
                        }
                        break
                    }
                    name.append(chars[j])
                    j += 1
                }
                guard j < n else {
                    // An unterminated quote: what follows is not read as SQL, but no name in it survives.
                    out += try finder.replace(in: String(chars[i...]), with: nameToken)
                    break
                }
                if !name.isEmpty && (expectingTable || finder.names.contains(name)) {
                    out += String(c) + (try nameToken(name)) + String(close)
                } else {
                    out += String(chars[i...j])
                }
                i = j + 1
                expectingTable = expectingTable && stillExpecting(from: i)
            } else if isWordStart(c) {
                var j = i + 1
                while j < n, isWord(chars[j]) { j += 1 }
                let word = String(chars[i..<j])
                let upper = word.uppercased()
                if ["FROM", "JOIN", "UPDATE", "INTO", "TABLE"].contains(upper) {
                    out += word
                    expectingTable = true
                } else if expectingTable || finder.names.contains(word) {
                    out += "`" + (try nameToken(word)) + "`"
                    expectingTable = expectingTable && stillExpecting(from: j)
                } else {
                    out += word
                    expectingTable = false
                }
                i = j
            } else if (c == "-" && i + 1 < n && chars[i + 1] == "-") || c == "#"
                || (c == "/" && i + 1 < n && chars[i + 1] == "*")
            {
                var j = i + 1
                if c == "/" {
                    j = i + 2
                    while j + 1 < n, !(chars[j] == "*" && chars[j + 1] == "/") { j += 1 }
                    j = min(n, j + 2)
                } else {
                    while j < n, chars[j] != "\n" { j += 1 }
                }
                out += try finder.replace(in: String(chars[i..<j]), with: nameToken)
                i = j
            } else {
                out.append(c)
                if !c.isWhitespace && c != "." && c != "," { expectingTable = false }
                i += 1
            }
        }
        return out
    }
}

/// Finds known names in free text: at word boundaries where the name starts or ends with an ASCII
/// letter or digit, anywhere for other scripts (Chinese text has no spaces between words).
/// Longer names win, so `orders_2024` is not read as `orders`.
package struct NameFinder {
    package let names: Set<String>
    private let byFirst: [Character: [[Character]]]

    package init(_ names: Set<String>) {
        self.names = names
        var byFirst: [Character: [[Character]]] = [:]
        for name in names.sorted(by: { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }) {
            let chars = Array(name)
            guard let first = chars.first else { continue }
            byFirst[first, default: []].append(chars)
        }
        self.byFirst = byFirst
    }

    private static func isASCIIWord(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_")
    }

    package func replace(in text: String, with token: (String) throws(DRSReportError) -> String) throws(DRSReportError)
        -> String
    {
        guard !byFirst.isEmpty, !text.isEmpty else { return text }
        let chars = Array(text)
        var out = ""
        var i = 0
        while i < chars.count {
            var matched: [Character]?
            if let candidates = byFirst[chars[i]] {
                for name in candidates where i + name.count <= chars.count && Array(chars[i..<(i + name.count)]) == name
                {
                    let end = i + name.count
                    if Self.isASCIIWord(name[0]), i > 0, Self.isASCIIWord(chars[i - 1]) { continue }
                    if Self.isASCIIWord(name[name.count - 1]), end < chars.count, Self.isASCIIWord(chars[end]) {
                        continue
                    }
                    matched = name
                    break
                }
            }
            if let matched {
                out += try token(String(matched))
                i += matched.count
            } else {
                out.append(chars[i])
                i += 1
            }
        }
        return out
    }
}
