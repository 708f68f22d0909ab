import Crypto
import DRSCore
import Foundation

/// The signer's encoders: percent-encoding, the canonical URI and query, hex, and Python's
/// `strip()`, exactly as the official SDK computes them (Tests/vectors/signer-vectors.json).
extension SDKSigner {
    /// The SDK's `enc()` (`urllib.parse.quote(s, safe='~')`): UTF-8, keep `A-Z a-z 0-9 - _ . ~`, every other byte `%XX` upper-case.
    public static func percentEncode(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for byte in s.utf8 {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHexDigits[Int(byte >> 4)])
                out.append(upperHexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The canonical URI: percent-decode the path, split on `/`, `percentEncode` each segment, and end with `/`.
    public static func canonicalURI(_ path: String) -> String {
        // Python's unquote(): malformed escapes stay literal, invalid UTF-8 becomes U+FFFD.
        let decoded = String(decoding: lenientPercentDecode(path), as: UTF8.self)
        var uri = decoded.split(separator: "/", omittingEmptySubsequences: false)
            .map { percentEncode(String($0)) }
            .joined(separator: "/")
        if !uri.hasSuffix("/") { uri += "/" }  // the SDK would crash on an empty path; "/" is the sane answer
        return uri
    }

    /// The canonical query: pairs sorted by raw (key, value) in code-point order, `enc(key)=enc(value)` joined by `&`; the SDK sends exactly this as the URL query.
    public static func canonicalQuery(_ items: [(String, String)]) -> String {
        items
            .map { (key: Array($0.0.utf8), value: Array($0.1.utf8), pair: $0) }
            // UTF-8 byte order is code-point order, which is how Python compares str tuples.
            .sorted { lhs, rhs in
                lhs.key == rhs.key
                    ? lhs.value.lexicographicallyPrecedes(rhs.value)
                    : lhs.key.lexicographicallyPrecedes(rhs.key)
            }
            .map { percentEncode($0.pair.0) + "=" + percentEncode($0.pair.1) }
            .joined(separator: "&")
    }

    package static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    package static let lowerHexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    package static func isUnreserved(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    package static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    package static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        hexString(bytes)
    }

    /// `%XX` → byte where XX is hex; anything else (including a stray `%`) stays as its UTF-8 bytes.
    package static func lenientPercentDecode(_ s: String) -> [UInt8] {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let hi = hexValue(b[i + 1]), let lo = hexValue(b[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return out
    }

    /// `%XX` → byte, `+` stays `+`; nil for a malformed escape or bytes that are not UTF-8.
    package static func strictPercentDecode(_ s: Substring) -> String? {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%") {
                guard i + 2 < b.count, let hi = hexValue(b[i + 1]), let lo = hexValue(b[i + 2]) else { return nil }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    /// Python `str.strip()` with no argument: trims Unicode whitespace (including U+001C–U+001F) at both ends.
    package static func pythonStrip(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isPythonSpace($0) }),
            let last = scalars.lastIndex(where: { !isPythonSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }

    package static func isPythonSpace(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
