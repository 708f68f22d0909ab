import DRSJSON
import Foundation
import Testing

@testable import DRSEmulator
@testable import DRSReport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - A raw HTTP/1.1 client (one request per connection, so nothing is retried or pooled)

/// What came back on one connection.
struct EmuHTTPResponse: Sendable {
    /// Status code, nil when no status line arrived.
    var status: Int?
    /// Header fields, names lower-cased.
    var headers: [String: String] = [:]
    /// Body bytes received (de-chunked).
    var body: Data = Data()
    /// Socket error while reading, if any.
    var readError: Int32?

    var contentLength: Int? { headers["content-length"].flatMap { Int($0) } }
    var json: JSONValue? { try? JSONValue.parse(body) }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// The C `send`, named so it does not clash with `EmuHTTP.send`.
private func socketSend(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int, _ flags: Int32) -> Int {
    send(fd, buffer, count, flags)
}

enum EmuHTTP {
    /// Sends one request on a fresh connection and reads until the server closes it.
    static func send(
        port: Int, method: String = "GET", target: String, headers: [(String, String)] = [], body: Data = Data()
    ) async -> EmuHTTPResponse {
        await withCheckedContinuation { (continuation: CheckedContinuation<EmuHTTPResponse, Never>) in
            // Blocking socket calls run on their own thread, never on the cooperative pool the server also uses.
            let thread = Thread {
                continuation.resume(
                    returning: blocking(port: port, method: method, target: target, headers: headers, body: body))
            }
            thread.start()
        }
    }

    private static func blocking(port: Int, method: String, target: String, headers: [(String, String)], body: Data)
        -> EmuHTTPResponse
    {
        var result = EmuHTTPResponse()
        #if os(Linux)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else {
            result.readError = errno
            return result
        }
        defer { close(fd) }
        // Only bounds a hang: a loaded test run can keep the emulator from answering for tens of seconds.
        var timeout = timeval(tv_sec: 180, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            result.readError = errno
            return result
        }

        var head = "\(method) \(target) HTTP/1.1\r\n"
        if !headers.contains(where: { $0.0.lowercased() == "host" }) { head += "Host: 127.0.0.1:\(port)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Connection: close\r\nContent-Length: \(body.count)\r\n\r\n"
        var request = Data(head.utf8)
        request.append(body)
        var sent = 0
        while sent < request.count {
            #if os(Linux)
            let flags = Int32(MSG_NOSIGNAL)
            #else
            let flags: Int32 = 0
            #endif
            let n = request.withUnsafeBytes { socketSend(fd, $0.baseAddress! + sent, request.count - sent, flags) }
            if n <= 0 {
                result.readError = errno
                return result
            }
            sent += n
        }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 {
                received.append(contentsOf: buffer[0..<n])
                continue
            }
            if n < 0 { result.readError = errno }
            break
        }
        guard let split = received.range(of: Data("\r\n\r\n".utf8)) else { return result }
        let lines = String(decoding: received[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        if statusParts.count >= 2 { result.status = Int(statusParts[1]) }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            result.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        var payload = Data(received[split.upperBound...])
        if result.headers["transfer-encoding"]?.lowercased() == "chunked" { payload = dechunk(payload) }
        result.body = payload
        return result
    }

    private static func dechunk(_ data: Data) -> Data {
        var out = Data()
        var rest = data[...]
        while let lineEnd = rest.range(of: Data("\r\n".utf8)) {
            let size =
                Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";")[0], radix: 16)
                ?? 0
            if size == 0 { break }
            let start = lineEnd.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size else {
                out.append(rest[start...])
                break
            }
            let end = rest.index(start, offsetBy: size)
            out.append(rest[start..<end])
            rest = rest[rest.index(end, offsetBy: min(2, rest.distance(from: end, to: rest.endIndex)))...]
        }
        return out
    }
}

// MARK: - Helpers

let emuSampleArchive = Repo.path("samples/v5-mysql-archive")

/// Path and query of a request, the query encoded as the SDK sends it.
func emuTarget(_ path: String, _ query: [(String, String)]) -> String {
    query.isEmpty ? path : path + "?" + SDKSigner.canonicalQuery(query)
}

/// `GET /v5/{project}/jobs/{job}?type=compare&…`.
func emuCompareQuery(_ emulator: RunningEmulator, _ query: [(String, String)], headers: [(String, String)] = []) async
    -> EmuHTTPResponse
{
    await EmuHTTP.send(
        port: emulator.port,
        target: emuTarget("/v5/\(emulator.projectId)/jobs/\(emulator.jobId)", [("type", "compare")] + query),
        headers: headers)
}

/// Compact bytes of a JSON value, for comparing recorded and served rows.
func emuCanonical(_ value: JSONValue) -> [UInt8] { value.compactBytes }

/// Starts an emulator, runs `body`, and always stops it.
func withEmulator<T>(_ config: EmulatorConfiguration, _ body: (RunningEmulator) async throws -> T) async throws -> T {
    let emulator = try await RunningEmulator.start(config)
    do {
        let result = try await body(emulator)
        await emulator.stop()
        return result
    } catch {
        await emulator.stop()
        throw error
    }
}

/// Reads every page of a list with `limit`, returning the rows and the totals of each page.
func emuReadAllPages(
    _ emulator: RunningEmulator, query: [(String, String)], arrayPath: [String], totalPath: [String], limit: Int,
    expectedTotal: Int
) async throws -> (rows: [JSONValue], totals: [Int64], pages: Int) {
    var rows: [JSONValue] = []
    var totals: [Int64] = []
    var offset = 0
    var pages = 0
    repeat {
        let response = await emuCompareQuery(emulator, query + [("offset", String(offset)), ("limit", String(limit))])
        #expect(response.status == 200, "\(query) offset \(offset): \(response.text)")
        let json = try #require(response.json)
        let page = try #require(json.value(at: arrayPath)?.arrayValue, "\(query): no array at \(arrayPath)")
        #expect(page.count <= limit)
        rows += page
        if let total = json.value(at: totalPath)?.wholeNumber { totals.append(total) }
        offset += limit
        pages += 1
        if page.isEmpty { break }
    } while offset < expectedTotal
    return (rows, totals, pages)
}

// MARK: - Tests

/// Every emulator test, so `--filter EmulatorTests` selects them all.
enum EmulatorTests {}
