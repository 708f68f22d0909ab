import DRSCore
import DRSJSON
import DRSWire
import Foundation

/// How the client retries and times out.
public struct RetryPolicy: Sendable {
    /// Retries after the first attempt.
    public var retries: Int = 5
    /// Per-request timeout, seconds.
    public var timeout: TimeInterval = 60
    /// First backoff, seconds; doubles per attempt, with full jitter.
    public var baseDelay: TimeInterval = 0.5
    /// Longest backoff, seconds.
    public var maxDelay: TimeInterval = 30
    /// Longest Retry-After honoured, seconds.
    public var maxRetryAfter: TimeInterval = 120

    /// The default policy: 5 retries, 30 s per request, exponential backoff with jitter.
    public init() {}
}

/// Something the client did, for progress display and logs. Never carries a secret.
public struct ClientEvent: Sendable {
    /// What happened.
    public enum Kind: Sendable {
        /// A response arrived.
        case response(status: Int)
        /// The request will be retried after `delay` seconds.
        case retry(reason: String, delay: TimeInterval, attempt: Int)
        /// A DRS error body arrived (also inside an HTTP 200).
        case drsError(code: String, message: String)
    }

    /// `GET /v5/…?…`.
    public var request: String
    /// What happened.
    public var kind: Kind
    /// X-Request-Id of the response, when there was one.
    public var requestId: String?

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(request: String, kind: Kind, requestId: String? = nil) {
        self.request = request
        self.kind = kind
        self.requestId = requestId
    }
}

/// A response with when it arrived.
public struct ReceivedResponse: Sendable {
    /// HTTP status.
    public var status: Int
    /// Body bytes, byte for byte.
    public var body: Data
    /// Arrival time.
    public var receivedAt: Date
    /// X-Request-Id.
    public var requestId: String?
    /// The DRS error in the body, if any.
    public var drsError: (code: String, message: String)?

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        status: Int, body: Data, receivedAt: Date, requestId: String? = nil,
        drsError: (code: String, message: String)? = nil
    ) {
        self.status = status
        self.body = body
        self.receivedAt = receivedAt
        self.requestId = requestId
        self.drsError = drsError
    }
}

/// Talks to the DRS API: authentication, timeouts, retries with backoff and jitter.
public struct DRSClient: Sendable {
    /// Base URL, e.g. `https://drs.cn-north-4.myhuaweicloud.com`.
    public let endpoint: String
    /// Project id.
    public let projectId: String
    /// Authentication.
    public let auth: DRSAuth
    /// Language of DRS messages.
    public let language: String
    /// Retry policy.
    public let policy: RetryPolicy
    /// The transport.
    public let transport: any HTTPTransport
    /// Receives events (on any thread).
    public let events: @Sendable (ClientEvent) -> Void
    /// The clock (tests fix it).
    public let clock: @Sendable () -> Date

    /// A client of the DRS API at `endpoint` for `projectId`, authenticated by `auth`.
    public init(
        endpoint: String, projectId: String, auth: DRSAuth, language: String = "en-us",
        policy: RetryPolicy = RetryPolicy(),
        transport: any HTTPTransport, events: @escaping @Sendable (ClientEvent) -> Void = { _ in },
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.projectId = projectId
        self.auth = auth
        self.language = language
        self.policy = policy
        self.transport = transport
        self.events = events
        self.clock = clock
    }

    /// `GET`/`POST` with retries. 401/403 throw at once; other 4xx are returned (they are DRS answers
    /// worth keeping); 429, 5xx, timeouts, dropped or truncated responses and unparsable bodies are retried.
    /// `expectsJSON` is false only for DRS's exported result file, whose 200 body is binary.
    public func send(
        method: String, path: String, query: [(String, String)] = [], body: Data = Data(), expectsJSON: Bool = true
    ) async throws -> ReceivedResponse {
        let description = "\(method) \(path)" + (query.isEmpty ? "" : "?" + SDKSigner.canonicalQuery(query))
        var attempt = 0
        var lastStatus: Int?
        while true {
            attempt += 1
            lastStatus = nil
            let request = try build(method: method, path: path, query: query, body: body)
            var retryReason: String
            var retryAfter: TimeInterval?
            do {
                let response = try await transport.send(request, timeout: policy.timeout)
                let requestId = response.headers["x-request-id"]
                events(
                    ClientEvent(request: description, kind: .response(status: response.status), requestId: requestId))
                let error = Self.drsError(in: response.body)
                // A refused signature or token, whatever the HTTP status it comes with, is never retried:
                // API Gateway locks an AK after five signature failures.
                if response.status == 401 || response.status == 403
                    || error.map({ Self.isAuthenticationFailure($0.code) }) == true
                {
                    throw DRSReportError.authenticationFailed(
                        request: description, status: response.status, code: error?.code ?? "HTTP \(response.status)",
                        message: error?.message ?? "", requestId: requestId)
                }
                if (300..<400).contains(response.status) {
                    // DRS answers, it does not redirect: a redirect means the endpoint is wrong (or a portal page).
                    throw DRSReportError.unexpectedResponse(
                        request: description, status: response.status,
                        reason: "redirected to \(Redact.control(response.headers["location"] ?? "nowhere"))",
                        requestId: requestId)
                }
                if response.status == 429 || response.status >= 500 {
                    retryReason = "HTTP \(response.status)" + (error.map { " \($0.code)" } ?? "")
                    retryAfter = response.headers["retry-after"].flatMap(TimeInterval.init).flatMap {
                        $0.isFinite ? $0 : nil
                    }
                } else if expectsJSON || !(200..<300).contains(response.status),
                    (try? JSONParser.parse(response.body)) == nil
                {
                    // An HTML page from a gateway, a cut body, an empty body: none is a DRS answer to keep.
                    let type = response.headers["content-type"].map { " (\(Redact.control($0)))" } ?? ""
                    let jsonType = (response.headers["content-type"] ?? "").lowercased().contains("json")
                    retryReason =
                        response.body.isEmpty
                        ? "the response body is empty"
                        : jsonType
                            ? "the JSON body is cut short or malformed\(type)" : "the response body is not JSON\(type)"
                    lastStatus = response.status
                } else {
                    if let error {
                        events(
                            ClientEvent(
                                request: description, kind: .drsError(code: error.code, message: error.message),
                                requestId: requestId))
                    }
                    return ReceivedResponse(
                        status: response.status, body: response.body, receivedAt: clock(), requestId: requestId,
                        drsError: error)
                }
            } catch let error as DRSReportError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                retryReason = Self.describe(error)
            }
            guard attempt <= policy.retries else {
                if let lastStatus {
                    throw DRSReportError.unexpectedResponse(
                        request: description, status: lastStatus, reason: retryReason, requestId: nil)
                }
                throw DRSReportError.requestFailed(request: description, reason: retryReason, attempts: attempt)
            }
            let backoff = min(policy.maxDelay, policy.baseDelay * pow(2, Double(attempt - 1)))
            let jittered = Double.random(in: 0...backoff)
            let delay = retryAfter.map { min(policy.maxRetryAfter, max($0, jittered)) } ?? jittered
            events(
                ClientEvent(
                    request: description, kind: .retry(reason: retryReason, delay: delay, attempt: attempt),
                    requestId: nil))
            try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
        }
    }

    /// Builds the request with authentication headers.
    package func build(method: String, path: String, query: [(String, String)], body: Data) throws -> DRSHTTPRequest {
        guard let base = URL(string: endpoint), let host = base.host else {
            throw DRSReportError.invalidOption(
                name: OptionName.endpoint.ref, value: endpoint,
                expected: "a URL such as https://drs.cn-north-4.myhuaweicloud.com")
        }
        let queryString = SDKSigner.canonicalQuery(query)
        let url = endpoint + path + (queryString.isEmpty ? "" : "?" + queryString)
        var headers: [(String, String)] = [
            ("Content-Type", "application/json"),
            ("User-Agent", "drs-report/\(DRSReportVersion.current)"),
            ("X-Language", language),
            ("X-Project-Id", projectId),
        ]
        for secret in auth.secrets + auth.identifiers where !HeaderValue.isValid(secret) {
            _ = secret
            throw DRSReportError.credentials(
                reason:
                    "a credential contains a line break or another control character; remove it (a token read with $(cat file) from a Windows file keeps its carriage return)"
            )
        }
        switch auth {
        case .token(let token):
            headers.append(("X-Auth-Token", token))
        case .aksk(let credentials):
            let hostHeader = base.port.map { "\(host):\($0)" } ?? host
            headers = SDKSigner.sign(
                method: method, host: hostHeader, path: path, query: query, headers: headers, body: body,
                credentials: credentials,
                date: clock())
        }
        return DRSHTTPRequest(method: method, url: url, headers: headers, body: body)
    }

    /// A DRS or API-gateway error in a body, searched like the SDK does (also nested, also camelCase).
    package static func drsError(in body: Data) -> (code: String, message: String)? {
        guard let value = try? JSONParser.parse(body) else { return nil }
        func search(_ value: JSONValue, depth: Int) -> (String, String)? {
            guard depth < 4, case .object(let members) = value else { return nil }
            for (codeKey, messageKey) in [(Wire.Key.errorCode, Wire.Key.errorMsg), ("errorCode", "errorMsg")] {
                if case .string(let code) = members[codeKey] ?? .null, !code.isEmpty {
                    if case .string(let message) = members[messageKey] ?? .null { return (code, message) }
                    return (code, "")
                }
            }
            for key in members.keys.sorted() {
                if let found = search(members[key] ?? .null, depth: depth + 1) { return found }
            }
            return nil
        }
        return search(value, depth: 0).map { (code: $0.0, message: $0.1) }
    }

    /// API Gateway's authentication failures (APIG.0301–0307 and the APIGW spelling); 0308 is throttling.
    package static func isAuthenticationFailure(_ code: String) -> Bool {
        let upper = code.uppercased()
        for prefix in ["APIG.", "APIGW."] where upper.hasPrefix(prefix) {
            let number = upper.dropFirst(prefix.count)
            return ["0301", "0302", "0303", "0304", "0305", "0306", "0307"].contains(String(number))
        }
        return false
    }

    /// The reason a request failed, by the transport error's case (an error the transport did not
    /// classify is classified here, by type, never by its text).
    package static func describe(_ error: Error) -> String {
        switch (error as? TransportError) ?? (TransportError.classify(error, timeout: 0) as? TransportError) {
        case .truncated(let expected, let received)?:
            return "the response was cut short (\(received) of \(expected) bytes)"
        case .timedOut(let seconds)?:
            return seconds > 0 ? "timed out (no complete response within \(Formatting.seconds(seconds)))" : "timed out"
        case .cannotConnect?: return "cannot connect"
        case .connectionClosed?: return "the connection was closed before a complete response"
        case .other(let text)?: return "network error (\(Redact.control(String(text.prefix(120)))))"
        case nil: return "network error (\(Redact.control(String(describing: type(of: error)))))"
        }
    }

}
