import Crypto
import DRSCore
import Foundation

/// `--mask keys[,names]`: key values, and the literals of the SELECT SQL, replaced by a keyed token
/// `⟨k:3f9a1c2b⟩` (the first 4 bytes of HMAC-SHA256 over the value, in hex), so a report can be
/// shared without the data. The same value gives the same token everywhere in a report, so rows
/// still match; the secret never leaves this value (not in any file, log or message).
///
/// Keys are masked as rows are read, after each row's identity digest is taken from its real
/// values: two rows whose tokens happen to collide are still two rows.
///
/// With `names`, database and table names (and object names) become `⟨n:…⟩` tokens of 6 bytes as
/// each response is read, before anything joins them: the ledger joins tokens, so a table's rows
/// still meet its row counts. Two names sharing a token would merge two tables, so the mask
/// remembers every name it gave a token to in this run and refuses a collision instead.
public struct KeyMask: Sendable {
    /// The secret (SymmetricKey is not Sendable; the key is made from these bytes when used).
    private let secret: [UInt8]
    /// Whether key values and SQL literals are masked.
    public let masksKeys: Bool
    /// Whether database, table and object names are masked.
    public let masksNames: Bool
    private let names = NameTokens()

    /// At least 16 bytes of secret (a passphrase or random bytes).
    public init(secret: Data, keys: Bool = true, names: Bool = false) throws(DRSReportError) {
        guard secret.count >= 16 else {
            throw .invalidOption(
                name: OptionName.mask.ref, value: "keys",
                expected: "a masking secret of at least 16 bytes (DRS_REPORT_MASK_KEY or \(OptionName.maskKeyFile.ref))"
            )
        }
        self.secret = Array(secret)
        masksKeys = keys
        masksNames = names
    }

    /// What this mask replaces, as evidence.json records it: `keys`, `names`.
    public var parts: [String] { (masksKeys ? ["keys"] : []) + (masksNames ? ["names"] : []) }

    /// The token of one value.
    public func token(_ value: String) -> String {
        "⟨k:" + hex(value, bytes: 4) + "⟩"
    }

    /// The token of a database, table or object name: longer than a key's, since names are joined on.
    public func nameToken(_ name: String) throws(DRSReportError) -> String {
        try names.token(name) { "⟨n:" + hex($0, bytes: 6) + "⟩" }
    }

    private func hex(_ value: String, bytes: Int) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: SymmetricKey(data: secret))
        return mac.prefix(bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// The row with its keys and SQL literals masked (names were masked in the response already).
    package func apply(_ row: DiffRow) -> DiffRow {
        guard masksKeys else { return row }
        var masked = row
        masked.sourceKey = row.sourceKey.map { $0.isEmpty ? $0 : token($0) }
        masked.targetKey = row.targetKey.map { $0.isEmpty ? $0 : token($0) }
        masked.sourceSQL = sql(row.sourceSQL)
        masked.targetSQL = sql(row.targetSQL)
        return masked
    }

    /// SQL with every string and number literal replaced by `'⟨k:…⟩'` (the token of the literal's
    /// value, so it matches the key's token), comments replaced by `/*⟨masked⟩*/`, and the rest of
    /// a statement whose quote never closes masked whole. Quoted names stay.
    public func sql(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        func previousIsWordCharacter() -> Bool {
            guard let last = out.last else { return false }
            return last.isLetter || last.isNumber || last == "_" || last == "$"
        }
        while i < chars.count {
            let c = chars[i]
            if c == "`" {
                var j = i + 1
                while j < chars.count, !(chars[j] == "`" && !(j + 1 < chars.count && chars[j + 1] == "`")) {
                    j += chars[j] == "`" ? 2 : 1
                }
                guard j < chars.count else { return out + "'" + token(String(chars[i...])) + "'" }
                out += String(chars[i...j])
                i = j + 1
            } else if c == "'" || c == "\"" {
                var value = ""
                var j = i + 1
                var closed = false
                while j < chars.count {
                    if chars[j] == "\\", j + 1 < chars.count {
                        value.append(chars[j + 1])
                        j += 2
                    } else if chars[j] == c {
                        if j + 1 < chars.count && chars[j + 1] == c {
                            value.append(c)
                            j += 2
                        } else {
                            closed = true
                            break
                        }
                    } else {
                        value.append(chars[j])
                        j += 1
                    }
                }
                guard closed else { return out + "'" + token(String(chars[i...])) + "'" }
                out += "'" + token(value) + "'"
                i = j + 1
            } else if (c == "-" && i + 1 < chars.count && chars[i + 1] == "-") || c == "#" {
                out += "/*⟨masked⟩*/"
                while i < chars.count, chars[i] != "\n" { i += 1 }
            } else if c == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
                out += "/*⟨masked⟩*/"
                var j = i + 2
                while j + 1 < chars.count, !(chars[j] == "*" && chars[j + 1] == "/") { j += 1 }
                i = min(chars.count, j + 2)
            } else if c.isNumber && !previousIsWordCharacter() {
                var j = i
                while j < chars.count, chars[j].isNumber || chars[j] == "." || chars[j] == "e" || chars[j] == "E" {
                    j += 1
                }
                out += "'" + token(String(chars[i..<j])) + "'"
                i = j
            } else {
                out.append(c)
                i += 1
            }
        }
        return out
    }
}
