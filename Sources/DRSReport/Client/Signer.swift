import Crypto
import Foundation

// Huawei Cloud API request signing, algorithm SDK-HMAC-SHA256, as implemented by the official SDKs
// (huaweicloudsdkcore `signer/signer.py`; see docs in /work/shared/reference/sdk/auth.md).
// Tests/vectors/signer-vectors.json holds the Python SDK's own outputs for these functions.
//
//   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n hex(SHA256(body))
//   StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(SHA256(CanonicalRequest))
//   Signature        = hex(HMAC-SHA256(key: SK, StringToSign))
//   Authorization    = "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b;c>, Signature=<hex>"

/// AK/SK credentials; `description` and `debugDescription` never show the secret or token.
public struct AKSKCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The access key id (AK); not a secret, it is sent in every Authorization header.
    public let accessKey: String
    /// The secret access key (SK); only ever used as the HMAC key.
    public let secretKey: String
    /// The security token of temporary credentials, sent (and signed) as `X-Security-Token`.
    public let securityToken: String?

    /// Creates credentials; pass `securityToken` for temporary (STS) credentials.
    public init(accessKey: String, secretKey: String, securityToken: String? = nil) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.securityToken = securityToken
    }

    /// The access key and whether a security token is present; never the secret key or the token.
    public var description: String {
        "access key \(accessKey), secret key hidden" + (securityToken == nil ? "" : ", security token hidden")
    }

    /// Like `description`, in a debugging shape; never the secret key or the token.
    public var debugDescription: String {
        "AKSKCredentials(accessKey: \(String(reflecting: accessKey)), secretKey: <redacted>, securityToken: "
            + (securityToken == nil ? "nil" : "<redacted>") + ")"
    }
}

/// Huawei Cloud's `SDK-HMAC-SHA256` request signer (client side) and verifier (server side).
public enum SDKSigner {
    /// The algorithm name that starts every Authorization header this signer makes.
    public static let algorithm = "SDK-HMAC-SHA256"

    /// Hex SHA-256 of an empty body.
    static let emptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    // MARK: - Encoding

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

    /// `date` as an X-Sdk-Date value, `yyyyMMdd'T'HHmmss'Z'` in UTC (fractional seconds dropped).
    public static func sdkDate(_ date: Date) -> String {
        let t = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secondOfDay = t - days * 86_400
        let (y, m, d) = civilDate(fromDays: days)
        return pad(y, 4) + pad(m, 2) + pad(d, 2) + "T"
            + pad(secondOfDay / 3600, 2) + pad(secondOfDay % 3600 / 60, 2) + pad(secondOfDay % 60, 2) + "Z"
    }

    // MARK: - Client side

    /// Returns the headers to send: the given ones plus X-Sdk-Date, Host (host[:port], unless given), X-Security-Token (if any) and Authorization.
    ///
    /// Given values are trimmed as the SDK does. A given `X-Sdk-Date` or `Authorization` is replaced,
    /// as is a given `X-Security-Token` when the credentials carry one. `path` is the path as sent
    /// (percent-encoded, no query); the query to send is `canonicalQuery(query)`.
    public static func sign(
        method: String, host: String, path: String, query: [(String, String)], headers: [(String, String)],
        body: Data, credentials: AKSKCredentials, date: Date
    ) -> [(String, String)] {
        let dateValue = sdkDate(date)
        var out: [(String, String)] = []
        for (name, value) in headers {
            switch name.lowercased() {
            case "x-sdk-date", "authorization": continue
            case "x-security-token" where credentials.securityToken != nil: continue
            default: out.append((name, pythonStrip(value)))
            }
        }
        if let token = credentials.securityToken { out.append(("X-Security-Token", pythonStrip(token))) }
        out.append(("X-Sdk-Date", dateValue))
        if !out.contains(where: { $0.0.lowercased() == "host" }) { out.append(("Host", host)) }

        let (canonical, signedHeaders) = canonicalRequest(
            method: method, path: path, query: query, headers: out, body: body)
        let signature = hexSignature(
            stringToSign: stringToSign(canonicalRequest: canonical, sdkDate: dateValue),
            secretKey: credentials.secretKey)
        out.append(
            (
                "Authorization",
                authorizationHeader(
                    accessKey: credentials.accessKey, signedHeaders: signedHeaders, signature: signature)
            ))
        return out
    }

    /// The canonical request and its SignedHeaders list, for tests and debugging; `headers` must already hold Host and X-Sdk-Date (see `sign`).
    ///
    /// Every header whose name has no `_` is signed, as in the Python SDK.
    public static func canonicalRequest(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], body: Data
    ) -> (canonical: String, signedHeaders: String) {
        let names = signableHeaderNames(headers)
        let canonical = buildCanonicalRequest(
            method: method, path: path, query: query, headers: headers, signedNames: names, bodyHash: sha256Hex(body))
        return (canonical ?? "", names.joined(separator: ";"))
    }

    // MARK: - Server side

    /// Server side: checks an incoming request's Authorization header. `rawQuery` is the query string exactly as received (percent-encoded, may be nil).
    ///
    /// `path` is the request path as received, without the query. The canonical request is rebuilt
    /// with the SignedHeaders list the Authorization header announces (so Go-SDK requests that do
    /// not sign content-type verify too), which must include `host` and `x-sdk-date`. Checks run in
    /// this order: missing / malformed, unknown access key, clock skew, signature (compared in
    /// constant time).
    public static func verify(
        method: String, path: String, rawQuery: String?, headers: [(String, String)], body: Data,
        secretKey: (String) -> String?, now: Date, maxSkew: TimeInterval = 900
    ) -> SignatureCheck {
        let authorizations = headers.filter { $0.0.lowercased() == "authorization" }
        guard let authorizationValue = authorizations.first?.1 else { return .missingAuthorization }
        guard authorizations.count == 1 else { return .malformed("more than one Authorization header") }

        let auth: ParsedAuthorization
        switch parseAuthorization(authorizationValue) {
        case .success(let parsed): auth = parsed
        case .failure(let problem): return .malformed(problem.reason)
        }
        for required in ["host", "x-sdk-date"] where !auth.signedHeaders.contains(required) {
            return .malformed("SignedHeaders does not include \(required)")
        }
        for name in auth.signedHeaders where !headers.contains(where: { $0.0.lowercased() == name }) {
            return .malformed("signed header \(name) is not in the request")
        }

        let dates = headers.filter { $0.0.lowercased() == "x-sdk-date" }.map { pythonStrip($0.1) }
        guard dates.count == 1, let dateValue = dates.first else {
            return .malformed("more than one X-Sdk-Date header")
        }
        guard let signedAt = parseSDKDate(dateValue) else {
            return .malformed("X-Sdk-Date is not in the form yyyyMMddTHHmmssZ")
        }

        guard let query = parseRawQuery(rawQuery) else {
            return .malformed("query string is not valid percent-encoded UTF-8")
        }

        guard let secret = secretKey(auth.accessKey) else { return .unknownAccessKey }

        let skew = abs(now.timeIntervalSince(signedAt))
        if skew > maxSkew { return .clockSkew(seconds: Int(skew.rounded())) }

        guard
            let canonical = buildCanonicalRequest(
                method: method, path: path, query: query, headers: headers, signedNames: auth.signedHeaders,
                bodyHash: sha256Hex(body))
        else { return .malformed("signed header missing") }  // unreachable: presence was checked above
        let message = Data(stringToSign(canonicalRequest: canonical, sdkDate: dateValue).utf8)
        let key = SymmetricKey(data: Data(secret.utf8))
        // swift-crypto compares the MAC in constant time.
        guard HMAC<SHA256>.isValidAuthenticationCode(auth.signature, authenticating: message, using: key) else {
            return .badSignature
        }
        return .valid(accessKey: auth.accessKey)
    }

    // MARK: - Internal helpers (also used by the tests)

    /// The string to sign for a canonical request and the exact X-Sdk-Date header value.
    static func stringToSign(canonicalRequest: String, sdkDate: String) -> String {
        algorithm + "\n" + sdkDate + "\n" + sha256Hex(Data(canonicalRequest.utf8))
    }

    /// Lower-case hex HMAC-SHA256 of the string to sign, keyed with the UTF-8 bytes of the SK.
    static func hexSignature(stringToSign: String, secretKey: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(stringToSign.utf8), using: SymmetricKey(data: Data(secretKey.utf8)))
        return hex(mac)
    }

    /// The Authorization header value, exactly as the SDK formats it.
    static func authorizationHeader(accessKey: String, signedHeaders: String, signature: String) -> String {
        "\(algorithm) Access=\(accessKey), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    /// Lower-cased names of the headers the Python SDK signs (no `_` in the name), sorted, without duplicates.
    static func signableHeaderNames(_ headers: [(String, String)]) -> [String] {
        Set(headers.map { $0.0.lowercased() }.filter { !$0.contains("_") })
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The canonical request signing `signedNames` in that order; nil if one of them is not in `headers`.
    ///
    /// A header given more than once contributes its trimmed values joined with `,` (the SDK's
    /// dictionary cannot hold duplicates, so there is no SDK behaviour to copy).
    static func buildCanonicalRequest(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], signedNames: [String],
        bodyHash: String
    ) -> String? {
        var canonicalHeaders = ""
        for name in signedNames {
            let values = headers.filter { $0.0.lowercased() == name }.map { pythonStrip($0.1) }
            guard !values.isEmpty else { return nil }
            canonicalHeaders += name + ":" + values.joined(separator: ",") + "\n"
        }
        return [
            method.uppercased(),
            canonicalURI(path),
            canonicalQuery(query),
            canonicalHeaders,
            signedNames.joined(separator: ";"),
            bodyHash,
        ].joined(separator: "\n")
    }

    /// Parses an X-Sdk-Date value strictly (`yyyyMMdd'T'HHmmss'Z'`, a real calendar date, UTC).
    static func parseSDKDate(_ value: String) -> Date? {
        let b = Array(value.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var n: Int64 = 0
            for i in range {
                guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
                n = n * 10 + Int64(b[i] - UInt8(ascii: "0"))
            }
            return n
        }
        guard let y = number(0..<4), let m = number(4..<6), let d = number(6..<8),
            let hh = number(9..<11), let mm = number(11..<13), let ss = number(13..<15),
            (1...12).contains(m), d >= 1, d <= daysInMonth(year: y, month: m),
            hh < 24, mm < 60, ss < 60
        else { return nil }
        let seconds = daysFromCivil(year: y, month: m, day: d) * 86_400 + hh * 3600 + mm * 60 + ss
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Splits a raw query string into decoded pairs (`+` stays a plus); nil if an escape or the UTF-8 is invalid.
    static func parseRawQuery(_ rawQuery: String?) -> [(String, String)]? {
        guard let rawQuery, !rawQuery.isEmpty else { return [] }
        var pairs: [(String, String)] = []
        for component in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let key: Substring
            let value: Substring
            if let eq = component.firstIndex(of: "=") {
                key = component[..<eq]
                value = component[component.index(after: eq)...]
            } else {
                key = component
                value = ""
            }
            guard let k = strictPercentDecode(key), let v = strictPercentDecode(value) else { return nil }
            pairs.append((k, v))
        }
        return pairs
    }

    /// Python `str.strip()` with no argument: trims Unicode whitespace (including U+001C–U+001F) at both ends.
    static func pythonStrip(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isPythonSpace($0) }),
            let last = scalars.lastIndex(where: { !isPythonSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }

    // MARK: - Private

    private struct ParsedAuthorization {
        var accessKey: String
        var signedHeaders: [String]
        var signature: Data
    }

    private struct AuthorizationProblem: Error {
        var reason: String
    }

    /// Parses `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex` (spaces after commas optional).
    private static func parseAuthorization(_ raw: String) -> Result<ParsedAuthorization, AuthorizationProblem> {
        func fail(_ reason: String) -> Result<ParsedAuthorization, AuthorizationProblem> {
            .failure(AuthorizationProblem(reason: "Authorization: " + reason))
        }
        let value = pythonStrip(raw)
        guard value.hasPrefix(algorithm + " ") else {
            return fail(value.isEmpty ? "empty" : "unsupported algorithm (expected \(algorithm))")
        }
        var fields: [String: String] = [:]
        for part in value.dropFirst(algorithm.count + 1).split(separator: ",", omittingEmptySubsequences: false) {
            let item = pythonStrip(String(part))
            guard let eq = item.firstIndex(of: "=") else { return fail("expected name=value items") }
            let name = String(item[..<eq])
            guard ["Access", "SignedHeaders", "Signature"].contains(name) else {
                return fail("unexpected item \(name)")
            }
            guard fields[name] == nil else { return fail("\(name) given twice") }
            fields[name] = String(item[item.index(after: eq)...])
        }
        guard let accessKey = fields["Access"], !accessKey.isEmpty else { return fail("no Access") }
        guard let signedList = fields["SignedHeaders"], !signedList.isEmpty else { return fail("no SignedHeaders") }
        guard let signatureHex = fields["Signature"] else { return fail("no Signature") }
        guard let signature = decodeHex(signatureHex), signature.count == SHA256.byteCount else {
            return fail("Signature is not 64 hex digits")
        }
        let names = signedList.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard names.allSatisfy({ !$0.isEmpty && $0 == $0.lowercased() && !$0.contains(":") }) else {
            return fail("SignedHeaders must be non-empty lower-case names separated by ';'")
        }
        guard Set(names).count == names.count else { return fail("SignedHeaders lists a name twice") }
        return .success(ParsedAuthorization(accessKey: accessKey, signedHeaders: names, signature: signature))
    }

    private static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
    private static let lowerHexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func isUnreserved(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        hexString(bytes)
    }

    private static func decodeHex(_ s: String) -> Data? {
        let b = Array(s.utf8)
        guard b.count % 2 == 0 else { return nil }
        var out = Data(capacity: b.count / 2)
        var i = 0
        while i < b.count {
            guard let hi = hexValue(b[i]), let lo = hexValue(b[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// `%XX` → byte where XX is hex; anything else (including a stray `%`) stays as its UTF-8 bytes.
    private static func lenientPercentDecode(_ s: String) -> [UInt8] {
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
    private static func strictPercentDecode(_ s: Substring) -> String? {
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

    private static func isPythonSpace(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    private static func pad(_ n: Int64, _ width: Int) -> String {
        let digits = String(n)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func isLeapYear(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    private static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
    private static func civilDate(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// Outcome of `SDKSigner.verify`.
public enum SignatureCheck: Equatable, Sendable {
    /// The signature matches; the request was signed with this access key's secret.
    case valid(accessKey: String)
    /// The request has no Authorization header.
    case missingAuthorization
    /// The Authorization or X-Sdk-Date header (or the query) cannot be parsed; the text says what, never a secret.
    case malformed(String)
    /// The access key is not known to the `secretKey` lookup.
    case unknownAccessKey
    /// The signature does not match the request.
    case badSignature
    /// |now - X-Sdk-Date| exceeds `maxSkew`; `seconds` is that absolute difference, rounded.
    case clockSkew(seconds: Int)
}
