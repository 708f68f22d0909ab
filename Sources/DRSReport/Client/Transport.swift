import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

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
}

/// One HTTP response.
public struct DRSHTTPResponse: Sendable {
    /// Status code.
    public var status: Int
    /// Headers (names lower-cased).
    public var headers: [String: String]
    /// Body bytes.
    public var body: Data
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

    public init() {
        var configuration = HTTPClient.Configuration()
        configuration.decompression = .enabled(limit: .none)
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func send(_ request: DRSHTTPRequest, timeout: TimeInterval) async throws -> DRSHTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers {
            outgoing.headers.add(name: name, value: value)
        }
        if !request.body.isEmpty {
            outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        }
        let response = try await client.execute(outgoing, timeout: .milliseconds(Int64(timeout * 1000)))
        let buffer = try await response.body.collect(upTo: Self.maxBody)
        var headers: [String: String] = [:]
        for (name, value) in response.headers { headers[name.lowercased()] = value }
        if let expected = headers["content-length"].flatMap(Int.init), expected != buffer.readableBytes {
            throw TransportError.truncated(expected: expected, received: buffer.readableBytes)
        }
        return DRSHTTPResponse(status: Int(response.status.code), headers: headers, body: Data(buffer.readableBytesView))
    }

    public func shutdown() async {
        try? await client.shutdown()
    }
}

/// Transport failures the client retries.
public enum TransportError: Error, Sendable {
    /// Fewer body bytes arrived than Content-Length announced.
    case truncated(expected: Int, received: Int)
}
