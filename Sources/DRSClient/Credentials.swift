import DRSCore
import Foundation

/// How requests are authenticated. `description` never shows a secret.
public enum DRSAuth: Sendable, CustomStringConvertible {
    /// An IAM token, sent as `X-Auth-Token`.
    case token(String)
    /// AK/SK signing (SDK-HMAC-SHA256).
    case aksk(AKSKCredentials)

    /// The kind of credentials, never the token or keys themselves.
    public var description: String {
        switch self {
        case .token: return "IAM token (X-Auth-Token)"
        case .aksk(let credentials): return "AK/SK " + credentials.description
        }
    }

    /// Credentials from the environment or a token file, never from flags:
    /// `HUAWEICLOUD_SDK_AK` + `HUAWEICLOUD_SDK_SK` (+ `HUAWEICLOUD_SDK_SECURITY_TOKEN`), else `--token-file`, else `DRS_AUTH_TOKEN`.
    public static func load(tokenFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(DRSReportError) -> DRSAuth
    {
        let auth = try read(tokenFile: tokenFile, environment: environment)
        // Known before the first request, so no message, log line or archive can carry them.
        SecretRegistry.shared.register(auth.secrets)
        return auth
    }

    /// A value as a shell gives it: `$(cat file)` of a Windows file keeps the final carriage return.
    package static func trimmed(_ value: String) -> String {
        var value = value
        while let last = value.unicodeScalars.last, last == "\r" || last == "\n" { value.unicodeScalars.removeLast() }
        return value
    }

    private static func read(tokenFile: String?, environment: [String: String]) throws(DRSReportError) -> DRSAuth {
        if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile),
                let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
                !token.isEmpty
            else {
                throw .credentials(reason: "\(OptionName.tokenFile.ref) \(tokenFile) cannot be read or is empty")
            }
            return .token(token)
        }
        let ak = trimmed(environment["HUAWEICLOUD_SDK_AK"] ?? "")
        let sk = trimmed(environment["HUAWEICLOUD_SDK_SK"] ?? "")
        if !ak.isEmpty || !sk.isEmpty {
            guard !ak.isEmpty, !sk.isEmpty else {
                throw .credentials(reason: "HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK must both be set")
            }
            let token = environment["HUAWEICLOUD_SDK_SECURITY_TOKEN"].map(trimmed).flatMap { $0.isEmpty ? nil : $0 }
            return .aksk(AKSKCredentials(accessKey: ak, secretKey: sk, securityToken: token))
        }
        if let token = environment["DRS_AUTH_TOKEN"].map(trimmed), !token.isEmpty {
            return .token(token)
        }
        throw .credentials(
            reason:
                "no credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (plus HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary credentials), or DRS_AUTH_TOKEN, or pass \(OptionName.tokenFile.ref)"
        )
    }

    /// Header values that are not secret but must be valid too (the access key id).
    package var identifiers: [String] {
        switch self {
        case .token: return []
        case .aksk(let credentials): return [credentials.accessKey]
        }
    }

    /// Every secret this auth holds, so outputs can be checked never to contain one.
    public var secrets: [String] {
        switch self {
        case .token(let token): return [token]
        case .aksk(let credentials): return [credentials.secretKey] + (credentials.securityToken.map { [$0] } ?? [])
        }
    }
}
