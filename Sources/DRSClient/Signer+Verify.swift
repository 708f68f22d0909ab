import Crypto
import DRSCore
import Foundation

/// The server side of `SDK-HMAC-SHA256`: the emulator checks a request's Authorization header as
/// API Gateway does.
extension SDKSigner {
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

    package struct ParsedAuthorization {
        package var accessKey: String
        package var signedHeaders: [String]
        package var signature: Data

        /// Memberwise, for the modules that build it (Swift's implicit one is internal).
        package init(accessKey: String, signedHeaders: [String], signature: Data) {
            self.accessKey = accessKey
            self.signedHeaders = signedHeaders
            self.signature = signature
        }
    }

    package struct AuthorizationProblem: Error {
        package var reason: String

        /// Memberwise, for the modules that build it (Swift's implicit one is internal).
        package init(reason: String) {
            self.reason = reason
        }
    }

    /// Parses `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex` (spaces after commas optional).
    package static func parseAuthorization(_ raw: String) -> Result<ParsedAuthorization, AuthorizationProblem> {
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

    /// Splits a raw query string into decoded pairs (`+` stays a plus); nil if an escape or the UTF-8 is invalid.
    package static func parseRawQuery(_ rawQuery: String?) -> [(String, String)]? {
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

    package static func decodeHex(_ s: String) -> Data? {
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
}
