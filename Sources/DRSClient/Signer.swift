import Crypto
import DRSCore
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
    package static let emptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    // MARK: - Client side (encoders, dates and verification are in Signer+*.swift)

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

    // MARK: - Helpers shared by signing and verification (also used by the tests)

    /// The string to sign for a canonical request and the exact X-Sdk-Date header value.
    package static func stringToSign(canonicalRequest: String, sdkDate: String) -> String {
        algorithm + "\n" + sdkDate + "\n" + sha256Hex(Data(canonicalRequest.utf8))
    }

    /// Lower-case hex HMAC-SHA256 of the string to sign, keyed with the UTF-8 bytes of the SK.
    package static func hexSignature(stringToSign: String, secretKey: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(stringToSign.utf8), using: SymmetricKey(data: Data(secretKey.utf8)))
        return hex(mac)
    }

    /// The Authorization header value, exactly as the SDK formats it.
    package static func authorizationHeader(accessKey: String, signedHeaders: String, signature: String) -> String {
        "\(algorithm) Access=\(accessKey), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    /// Lower-cased names of the headers the Python SDK signs (no `_` in the name), sorted, without duplicates.
    package static func signableHeaderNames(_ headers: [(String, String)]) -> [String] {
        Set(headers.map { $0.0.lowercased() }.filter { !$0.contains("_") })
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The canonical request signing `signedNames` in that order; nil if one of them is not in `headers`.
    ///
    /// A header given more than once contributes its trimmed values joined with `,` (the SDK's
    /// dictionary cannot hold duplicates, so there is no SDK behaviour to copy).
    package static func buildCanonicalRequest(
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
