import AsyncHTTPClient
import DRSCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP request as the DRS client sends it.
public struct DRSHTTPRequest: Sendable {
    /// GET or POST.
    public var method: String
    /// Full URL.
    public var url: String
    /// Headers, in order.
    public var headers: [(String, String)]
    /// Body bytes (empty for GET).
    public var body: Data

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(method: String, url: String, headers: [(String, String)], body: Data) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response.
public struct DRSHTTPResponse: Sendable {
    /// Status code.
    public var status: Int
    /// Headers (names lower-cased).
    public var headers: [String: String]
    /// Body bytes.
    public var body: Data

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Sends requests. A protocol so unit tests can inject responses; end-to-end tests use real loopback HTTP.
public protocol HTTPTransport: Sendable {
    /// Sends a request, failing after `timeout` seconds.
    func send(_ request: DRSHTTPRequest, timeout: TimeInterval) async throws -> DRSHTTPResponse
    /// Releases connections.
    func shutdown() async
}

/// The production transport: AsyncHTTPClient.
public final class AsyncHTTPTransport: HTTPTransport {
    private let client: HTTPClient
    /// Largest response body accepted.
    public static let maxBody = 256 * 1024 * 1024

    /// A transport with its own HTTP client; call `shutdown()` when done.
    public init() {
        var configuration = HTTPClient.Configuration()
        // A compressing gateway may gzip responses; a small gzip must not expand without bound.
        configuration.decompression = .enabled(limit: .size(Self.maxBody))
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sends `request` and reads the whole body within `timeout` seconds; failures are `TransportError`s.
    public func send(_ request: DRSHTTPRequest, timeout: TimeInterval) async throws -> DRSHTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers {
            outgoing.headers.add(name: name, value: value)
        }
        if !request.body.isEmpty {
            outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        }
        let client = self.client
        let prepared = outgoing
        // The deadline covers the whole exchange, body included: a server that trickles its body
        // byte by byte must not hold a fetch forever.
        return try await Deadline.run(seconds: timeout) {
            let response: HTTPClientResponse
            do {
                response = try await client.execute(
                    prepared, timeout: .milliseconds(Int64(min(timeout, 86_400) * 1000)))
            } catch {
                throw TransportError.classify(error, timeout: timeout)
            }
            let buffer = try await response.body.collect(upTo: Self.maxBody)
            var headers: [String: String] = [:]
            for (name, value) in response.headers { headers[name.lowercased()] = value }
            // Content-Length counts the bytes on the wire; a decompressed body is longer by design.
            let encoded = headers["content-encoding"].map { !$0.isEmpty && $0.lowercased() != "identity" } ?? false
            if !encoded, let expected = headers["content-length"].flatMap(Int.init), expected != buffer.readableBytes {
                throw TransportError.truncated(expected: expected, received: buffer.readableBytes)
            }
            return DRSHTTPResponse(
                status: Int(response.status.code), headers: headers, body: Data(buffer.readableBytesView))
        }
    }

    /// Shuts the HTTP client down; the transport cannot send afterwards.
    public func shutdown() async {
        try? await client.shutdown()
    }
}

/// Transport failures, typed so the client classifies them by case, never by message text.
public enum TransportError: Error, Sendable, Equatable {
    /// Fewer body bytes arrived than Content-Length announced.
    case truncated(expected: Int, received: Int)
    /// The whole exchange did not finish within the deadline.
    case timedOut(seconds: TimeInterval)
    /// The server could not be reached.
    case cannotConnect
    /// The connection closed before a complete response.
    case connectionClosed
    /// Anything else the HTTP stack reported (its text, for the log, already without secrets).
    case other(String)
}

extension TransportError {
    /// The HTTP stack's errors, by case.
    package static func classify(_ error: Error, timeout: TimeInterval) -> Error {
        if error is CancellationError || error is TransportError { return error }
        if let http = error as? HTTPClientError {
            switch http {
            case .remoteConnectionClosed, .cancelled: return TransportError.connectionClosed
            case .connectTimeout: return TransportError.cannotConnect
            case .readTimeout, .writeTimeout, .deadlineExceeded: return TransportError.timedOut(seconds: timeout)
            default: return TransportError.other(String(describing: http))
            }
        }
        if let io = error as? IOError, [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, ECONNRESET].contains(io.errnoCode) {
            return io.errnoCode == ECONNRESET ? TransportError.connectionClosed : TransportError.cannotConnect
        }
        if error is NIOConnectionError { return TransportError.cannotConnect }
        return TransportError.other(String(describing: type(of: error)))
    }
}

/// Runs an operation with a deadline; past it the operation is cancelled and `timedOut` thrown.
package enum Deadline {
    package static func run<T: Sendable>(seconds: TimeInterval, _ operation: @escaping @Sendable () async throws -> T)
        async throws -> T
    {
        let limit = seconds.isFinite && seconds > 0 ? min(seconds, 86_400) : 86_400
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(limit * 1_000_000_000))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw TransportError.timedOut(seconds: limit)
            }
            return value
        }
    }
}
