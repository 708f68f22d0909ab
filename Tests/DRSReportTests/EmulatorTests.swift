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
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
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

extension EmulatorTests {
    @Suite struct Replay {
        /// Recorded rows of the sample archive, per request identity, concatenated in offset order.
        struct RecordedList {
            var query: [String: String]
            var rows: [JSONValue] = []
            var total: Int64?
        }

        static func recordedLists() throws -> [String: RecordedList] {
            let folder = URL(fileURLWithPath: emuSampleArchive)
            let manifest = try JSONDecoder().decode(
                ArchiveManifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
            var lists: [String: RecordedList] = [:]
            let entries = manifest.responses.filter {
                $0.status == 200 && $0.query?["limit"] != nil && $0.query?["compare_type"] != nil
            }
            .sorted { Int($0.query?["offset"] ?? "0")! < Int($1.query?["offset"] ?? "0")! }
            for entry in entries {
                let query = entry.query!.filter { $0.key != "offset" && $0.key != "limit" }
                let key = query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
                let body = try JSONValue.parse(Data(contentsOf: folder.appendingPathComponent(entry.file)))
                let (arrayPath, totalPath) = paths(for: query)
                var list = lists[key] ?? RecordedList(query: query)
                list.rows += try #require(body.value(at: arrayPath)?.arrayValue)
                list.total = body.value(at: totalPath)?.wholeNumber
                lists[key] = list
            }
            return lists
        }

        static func paths(for query: [String: String]) -> ([String], [String]) {
            let kind = query["compare_type"]!.replacingOccurrences(of: "_compare", with: "")
            switch (kind, query["query_type"]!) {
            case ("data", _): return (["job", "compare_result", "data_compare_task_list"], ["job", "total_count"])
            case ("object", _):
                return (["job", "compare_result", "objects_compare_detail_infos"], ["job", "total_count"])
            case ("content", "diff"):
                return (
                    ["job", "compare_result", "content_diff_detail_info", "contents_infos"],
                    ["job", "compare_result", "content_diff_detail_info", "count"]
                )
            case (let kind, let type):
                return (["job", "compare_result", "\(kind)_compare_\(type)_infos"], ["job", "total_count"])
            }
        }

        @Test func replaysTheSampleArchiveInAnyPageSize() async throws {
            let lists = try Self.recordedLists()
            #expect(lists.count >= 14)
            try await withEmulator(EmulatorConfiguration(dataset: .archive(path: emuSampleArchive))) { emulator in
                #expect(emulator.jobId == "b7e5a4d1-2c9f-4e3a-8d61-5f0a2c9jb201")
                #expect(emulator.projectId == "0b4f7c2a9e1d4f6b8a3c5e7d9f1a2b3c")
                for (_, list) in lists.sorted(by: { $0.key < $1.key }) {
                    let (arrayPath, totalPath) = Self.paths(for: list.query)
                    let query = list.query.filter { $0.key != "type" }.map { ($0.key, $0.value) }
                    let read = try await emuReadAllPages(
                        emulator, query: query, arrayPath: arrayPath, totalPath: totalPath, limit: 7,
                        expectedTotal: list.rows.count)
                    #expect(read.rows.map(emuCanonical) == list.rows.map(emuCanonical), "\(list.query)")
                    #expect(read.pages == max(1, (list.rows.count + 6) / 7), "\(list.query)")
                    #expect(
                        read.totals.allSatisfy { $0 == list.total },
                        "\(list.query): totals \(read.totals) vs \(String(describing: list.total))")
                }
                // The shop diff was recorded as 50 + 23 rows; count stays 73 on every page.
                let diff = lists.values.first {
                    $0.query["query_type"] == "diff" && $0.query["source_db_name"] == "shop"
                }
                #expect(diff?.rows.count == 73)
                #expect(diff?.total == 73)
            }
        }

        @Test func servesPlainAndErrorResponsesAsRecordedWhateverTheQueryOrder() async throws {
            try await withEmulator(EmulatorConfiguration(dataset: .archive(path: emuSampleArchive))) { emulator in
                let folder = URL(fileURLWithPath: emuSampleArchive)
                let overview = try Data(contentsOf: folder.appendingPathComponent("responses/000002.json"))
                let jobPath = "/v5/\(emulator.projectId)/jobs/\(emulator.jobId)"
                // Byte for byte, in two parameter orders, and without compare_task_id (the newest object task).
                for target in [
                    jobPath
                        + "?type=compare&compare_type=object_compare&query_type=overview&compare_task_id=3f2a9c71-8e4b-4d06-b5a2-c19e7d40f613",
                    jobPath
                        + "?compare_task_id=3f2a9c71-8e4b-4d06-b5a2-c19e7d40f613&query_type=overview&compare_type=object_compare&type=compare",
                    jobPath + "?type=compare&compare_type=object_compare&query_type=overview",
                ] {
                    let response = await EmuHTTP.send(port: emulator.port, target: target)
                    #expect(response.status == 200)
                    #expect(response.body == overview, "\(target)")
                    #expect(response.headers["x-request-id"]?.count == 32)
                }
                // The recorded 400 for the 订单库 diff comes back with its status and body.
                let error = await emuCompareQuery(
                    emulator,
                    [
                        ("compare_type", "content_compare"), ("query_type", "diff"),
                        ("compare_task_id", "c51e7b28-9d3a-4a6f-8e10-f4b2a6c93d07"),
                        ("source_db_name", "订单库"), ("target_db_name", "订单库"), ("offset", "0"), ("limit", "50"),
                    ])
                #expect(error.status == 400)
                #expect(error.body == (try Data(contentsOf: folder.appendingPathComponent("responses/000018.json"))))
                // progress-data was recorded as 10 of 12 rows: slices of what was recorded, count kept.
                let progress = await EmuHTTP.send(
                    port: emulator.port, target: jobPath + "/progress-data/table?offset=7&limit=7")
                #expect(progress.json?["count"]?.wholeNumber == 12)
                #expect(progress.json?["flow_compare_data"]?.arrayValue?.count == 3)
                // compare-progress is plain.
                let compareProgress = await EmuHTTP.send(
                    port: emulator.port, target: jobPath + "/compare-progress/c51e7b28-9d3a-4a6f-8e10-f4b2a6c93d07")
                #expect(
                    compareProgress.body
                        == (try Data(contentsOf: folder.appendingPathComponent("responses/000020.json"))))
            }
        }

        @Test func servesTheJobDetailAsRecordedOrFromWhatTheArchiveKnows() async throws {
            let recorded = try Data(
                contentsOf: URL(fileURLWithPath: emuSampleArchive).appendingPathComponent("responses/000022.json"))
            try await withEmulator(EmulatorConfiguration(dataset: .archive(path: emuSampleArchive))) { emulator in
                let response = await EmuHTTP.send(
                    port: emulator.port, target: "/v5/\(emulator.projectId)/jobs/\(emulator.jobId)?type=detail")
                #expect(response.status == 200)
                #expect(response.body == recorded)
            }
            // An archive from before fetch asked for the job: the emulator still names it.
            let folder = try temporaryFolder("no-detail")
            defer { try? FileManager.default.removeItem(at: folder) }
            let copy = folder.appendingPathComponent("archive")
            try FileManager.default.copyItem(atPath: emuSampleArchive, toPath: copy.path)
            var manifest = try JSONDecoder().decode(
                ArchiveManifest.self, from: Data(contentsOf: copy.appendingPathComponent("manifest.json")))
            manifest.responses.removeAll { $0.query?["type"] == "detail" }
            try JSONEncoder().encode(manifest).write(to: copy.appendingPathComponent("manifest.json"))
            try await withEmulator(EmulatorConfiguration(dataset: .archive(path: copy.path))) { emulator in
                let response = await EmuHTTP.send(
                    port: emulator.port, target: "/v5/\(emulator.projectId)/jobs/\(emulator.jobId)?type=detail")
                #expect(response.status == 200)
                #expect(response.json?["job"]?["id"]?.stringValue == emulator.jobId)
                #expect(response.json?["job"]?["base_info"]?["name"]?.stringValue == "replayed-b7e5a4d1")
            }
        }

        @Test func unknownJobProjectRequestAndOversizedPagesAreDRSErrors() async throws {
            try await withEmulator(EmulatorConfiguration(dataset: .archive(path: emuSampleArchive))) { emulator in
                let other = await EmuHTTP.send(
                    port: emulator.port,
                    target:
                        "/v5/\(emulator.projectId)/jobs/00000000-0000-4000-8000-000000000jb0?type=compare&compare_type=data_compare&query_type=list"
                )
                #expect(other.status == 400)
                #expect(other.text == #"{"error_code":"DRS.M05003","error_msg":"Task information not found."}"#)
                #expect(other.headers["x-request-id"] != nil)

                let tooBig = await emuCompareQuery(
                    emulator,
                    [("compare_type", "data_compare"), ("query_type", "list"), ("offset", "0"), ("limit", "1001")])
                #expect(tooBig.status == 400)
                #expect(tooBig.json?["error_code"]?.stringValue == "DRS.M00211")
                let largest = await emuCompareQuery(
                    emulator,
                    [("compare_type", "data_compare"), ("query_type", "list"), ("offset", "0"), ("limit", "1000")])
                #expect(largest.status == 200)
                #expect(
                    largest.json?.value(at: ["job", "compare_result", "data_compare_task_list"])?.arrayValue?.count == 2
                )

                let unknown = await emuCompareQuery(
                    emulator,
                    [("compare_type", "line_compare"), ("query_type", "overview"), ("compare_task_id", "nope")])
                #expect(unknown.status == 400)
                #expect(unknown.json?["error_code"]?.stringValue?.hasPrefix("DRS.") == true)

                let project = await EmuHTTP.send(
                    port: emulator.port,
                    target: "/v5/ffffffffffffffffffffffffffffffff/jobs/\(emulator.jobId)?type=compare")
                #expect(project.status == 403)
            }
        }

        @Test func urlSessionTalksToTheEmulator() async throws {
            try await withEmulator(EmulatorConfiguration(dataset: .archive(path: emuSampleArchive))) { emulator in
                let url = try #require(
                    URL(
                        string: emulator.baseURL
                            + emuTarget(
                                "/v5/\(emulator.projectId)/jobs/\(emulator.jobId)",
                                [
                                    ("type", "compare"), ("compare_type", "data_compare"), ("query_type", "list"),
                                    ("offset", "0"), ("limit", "10"),
                                ])))
                let (data, response): (Data, URLResponse) = try await withCheckedThrowingContinuation { continuation in
                    let configuration = URLSessionConfiguration.ephemeral
                    configuration.timeoutIntervalForRequest = 30
                    URLSession(configuration: configuration).dataTask(with: url) { data, response, error in
                        if let data, let response {
                            continuation.resume(returning: (data, response))
                        } else {
                            continuation.resume(throwing: error ?? URLError(.badServerResponse))
                        }
                    }.resume()
                }
                let http = try #require(response as? HTTPURLResponse)
                #expect(http.statusCode == 200)
                #expect(http.value(forHTTPHeaderField: "X-Request-Id") != nil)
                #expect((try JSONValue.parse(data)).value(at: ["job", "total_count"])?.wholeNumber == 2)
            }
        }
    }
}

extension EmulatorTests {
    @Suite struct Dataset {
        static let shape = GeneratedShape(databases: 4, tables: 20, diffs: 250)

        static func files(in folder: URL) throws -> [String: Data] {
            var result: [String: Data] = [:]
            for name in try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted() {
                let url = folder.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    result[name] = try Data(contentsOf: url)
                }
            }
            return result
        }

        @Test func theSameSeedGivesTheSameBytes() async throws {
            let folder = try temporaryFolder("drs-emulator")
            defer { try? FileManager.default.removeItem(at: folder) }
            try LoadedDataset.load(.generated(Self.shape), seed: 42).exportArchive(
                to: folder.appendingPathComponent("a").path)
            try LoadedDataset.load(.generated(Self.shape), seed: 42).exportArchive(
                to: folder.appendingPathComponent("b").path)
            try LoadedDataset.load(.generated(Self.shape), seed: 43).exportArchive(
                to: folder.appendingPathComponent("c").path)
            let a = try Self.files(in: folder.appendingPathComponent("a"))
            let b = try Self.files(in: folder.appendingPathComponent("b"))
            let c = try Self.files(in: folder.appendingPathComponent("c"))
            #expect(a.count > 20)
            #expect(a == b)
            #expect(a != c)

            // Over HTTP too: two servers with one seed answer a diff page identically.
            let config = EmulatorConfiguration(dataset: .generated(Self.shape), seed: 42)
            let dataset = try LoadedDataset.load(config.dataset, seed: 42)
            let contents = try #require(dataset.tasks.first { $0.kind == .contents })
            var bodies: [Data] = []
            for _ in 0..<2 {
                let body = try await withEmulator(config) { emulator in
                    let overview = await emuCompareQuery(
                        emulator,
                        [
                            ("compare_type", "content_compare"), ("query_type", "overview"),
                            ("compare_task_id", contents.id), ("offset", "0"), ("limit", "100"),
                        ])
                    let first = try #require(
                        overview.json?.value(at: ["job", "compare_result", "content_compare_overview_infos"])?
                            .arrayValue?.first?["source_db"]?.stringValue)
                    let diff = await emuCompareQuery(
                        emulator,
                        [
                            ("compare_type", "content_compare"), ("query_type", "diff"),
                            ("compare_task_id", contents.id),
                            ("source_db_name", first), ("target_db_name", first), ("offset", "3"), ("limit", "17"),
                        ])
                    #expect(diff.status == 200)
                    return diff.body
                }
                bodies.append(body)
            }
            #expect(bodies[0] == bodies[1])
        }

        @Test func generatedJobLooksLikeARealMySQLJob() throws {
            let dataset = try LoadedDataset.load(.generated(Self.shape), seed: 7)
            #expect(dataset.jobId == DatasetGenerator.jobId)
            #expect(Set(dataset.tasks.map(\.kind)) == [.objects, .lines, .contents])
            var diffRows = 0
            var chinese = false
            var uncompared = 0
            for entry in dataset.store.orderedEntries {
                if entry.query.values.contains(where: { $0.unicodeScalars.contains { $0.value >= 0x4E00 } }) {
                    chinese = true
                }
                guard case .paged(let paged) = entry.body else { continue }
                if entry.query["compare_detail_type"] == "uncompare" { uncompared += paged.items.count }
                guard entry.query["query_type"] == "diff" else { continue }
                let db = try #require(entry.query["source_db_name"])
                #expect(
                    paged.envelope.value(at: ["job", "compare_result", "content_diff_detail_info", "count"])?
                        .wholeNumber == Int64(paged.items.count))
                for index in 0..<paged.items.count {
                    let row = try JSONValue.parse(paged.items.item(index))
                    let sql = try #require(row["source_select_sql"]?.stringValue)
                    #expect(sql.hasPrefix("SELECT * FROM `\(db)`.`"), "\(sql)")
                    #expect(sql.contains("` WHERE `"))
                    diffRows += 1
                }
            }
            #expect(diffRows == Self.shape.diffs)
            #expect(chinese)
            #expect(uncompared > 0)
        }

        @Test func exportWritesAnArchiveDRSReportAccepts() async throws {
            let folder = try temporaryFolder("drs-emulator-export")
            defer { try? FileManager.default.removeItem(at: folder) }
            for (name, dataset) in [
                ("generated", EmulatorDataset.generated(Self.shape)), ("replayed", .archive(path: emuSampleArchive)),
            ] {
                let out = folder.appendingPathComponent(name)
                let loaded = try LoadedDataset.load(dataset, seed: 3)
                try loaded.exportArchive(to: out.path)
                let files = try InputDiscovery.archive(out, display: name, inputPath: out.path)
                #expect(files.count == loaded.responseCount)
                for file in files {
                    #expect(sha256Hex(try Data(contentsOf: file.url)) == file.expectedSHA256)
                }
                // drs-report reads it, and the diff rows it counts are the dataset's.
                let result = try ingest([out.path])
                #expect(result.report.diffSummary.rowsInInput == (name == "generated" ? Int64(Self.shape.diffs) : 73))

                // The exported archive, replayed, serves what the dataset served.
                let original = EmulatorConfiguration(dataset: dataset, seed: 3)
                let reloaded = EmulatorConfiguration(dataset: .archive(path: out.path), seed: 3)
                let lines = try #require(loaded.tasks.first { $0.kind == .lines })
                let query: [(String, String)] = [
                    ("compare_type", "line_compare"), ("query_type", "overview"), ("compare_task_id", lines.id),
                    ("offset", "1"), ("limit", "2"),
                ]
                let first = try await withEmulator(original) { await emuCompareQuery($0, query).body }
                let second = try await withEmulator(reloaded) { await emuCompareQuery($0, query).body }
                #expect(!first.isEmpty)
                #expect(first == second)
                #expect(throws: (any Error).self) { try loaded.exportArchive(to: out.path) }
            }
        }
    }
}

extension EmulatorTests {
    @Suite struct Auth {
        static let ak = "HPUAEXAMPLEAK0000001"
        static let sk = "SkExampleSecretKey0123456789abcdefGHIJKLmn"

        @Test func tokenIsCheckedOnEveryRequest() async throws {
            let config = EmulatorConfiguration(
                dataset: .archive(path: emuSampleArchive), auth: EmulatorAuth(token: "tok-123"),
                faults: [FaultSpec(kind: .serverError)])
            try await withEmulator(config) { emulator in
                let list: [(String, String)] = [
                    ("compare_type", "data_compare"), ("query_type", "list"), ("offset", "0"), ("limit", "10"),
                ]
                let bad = await emuCompareQuery(emulator, list, headers: [("X-Auth-Token", "nope")])
                #expect(bad.status == 401)
                #expect(bad.json?["error_code"]?.stringValue == "APIGW.0301")
                #expect(
                    bad.json?["error_msg"]?.stringValue
                        == "Incorrect IAM authentication information: decrypt token fail")
                #expect(bad.json?["request_id"]?.stringValue == bad.headers["x-request-id"])
                let missing = await emuCompareQuery(emulator, list)
                #expect(missing.status == 401)
                #expect(
                    missing.json?["error_msg"]?.stringValue
                        == "Incorrect IAM authentication information: x-auth-token not found")
                // The 500 fault fires on every request, but only after auth passed.
                let good = await emuCompareQuery(emulator, list, headers: [("X-Auth-Token", "tok-123")])
                #expect(good.status == 500)
                #expect(good.json?["error_code"]?.stringValue == "DRS.M00004")
                #expect(emulator.requestCount == 3)
            }
        }

        func signed(
            _ emulator: RunningEmulator, method: String = "GET", path: String, query: [(String, String)],
            body: Data = Data(), secret: String = sk, date: Date = Date()
        ) -> [(String, String)] {
            SDKSigner.sign(
                method: method, host: "127.0.0.1:\(emulator.port)", path: path, query: query,
                headers: [("Content-Type", "application/json")],
                body: body, credentials: AKSKCredentials(accessKey: Self.ak, secretKey: secret), date: date)
        }

        @Test func akskSignaturesAreVerified() async throws {
            let config = EmulatorConfiguration(
                dataset: .archive(path: emuSampleArchive),
                auth: EmulatorAuth(token: "tok-123", accessKey: Self.ak, secretKey: Self.sk))
            try await withEmulator(config) { emulator in
                let path = "/v5/\(emulator.projectId)/jobs/\(emulator.jobId)"
                let query: [(String, String)] = [
                    ("type", "compare"), ("compare_type", "line_compare"), ("query_type", "detail"),
                    ("compare_task_id", "a8d04e5c-61b7-4f29-9c3e-07b5f2e1d894"),
                    ("source_db_name", "订单库"), ("target_db_name", "订单库"), ("compare_detail_type", "compare"),
                    ("offset", "0"), ("limit", "2"),
                ]
                let target = emuTarget(path, query)
                let ok = await EmuHTTP.send(
                    port: emulator.port, target: target, headers: signed(emulator, path: path, query: query))
                #expect(ok.status == 200, "\(ok.text)")
                #expect(ok.json?.value(at: ["job", "total_count"])?.wholeNumber == 3)

                let wrong = await EmuHTTP.send(
                    port: emulator.port, target: target,
                    headers: signed(emulator, path: path, query: query, secret: "wrong"))
                #expect(wrong.status == 401)
                #expect(
                    wrong.json?["error_msg"]?.stringValue
                        == "Incorrect IAM authentication information: verify aksk signature fail")

                let stale = await EmuHTTP.send(
                    port: emulator.port, target: target,
                    headers: signed(emulator, path: path, query: query, date: Date().addingTimeInterval(-16 * 60)))
                #expect(stale.status == 401)
                #expect(
                    stale.json?["error_msg"]?.stringValue
                        == "Incorrect IAM authentication information: verify aksk signature fail")

                // A signed POST covers its body; the token is accepted too when both are configured.
                let createPath = "/v3/\(emulator.projectId)/jobs/create-compare-task"
                let body = Data(#"{"job_id":"\#(emulator.jobId)"}"#.utf8)
                let post = await EmuHTTP.send(
                    port: emulator.port, method: "POST", target: createPath,
                    headers: signed(emulator, method: "POST", path: createPath, query: [], body: body), body: body)
                #expect(post.status == 200, "\(post.text)")
                let tampered = await EmuHTTP.send(
                    port: emulator.port, method: "POST", target: createPath,
                    headers: signed(emulator, method: "POST", path: createPath, query: [], body: body),
                    body: Data(#"{"job_id":"x"}"#.utf8))
                #expect(tampered.status == 401)
                let token = await EmuHTTP.send(
                    port: emulator.port, target: target, headers: [("X-Auth-Token", "tok-123")])
                #expect(token.status == 200)
            }
        }
    }
}

extension EmulatorTests {
    @Suite struct Faults {
        static let list: [(String, String)] = [
            ("compare_type", "data_compare"), ("query_type", "list"), ("offset", "0"), ("limit", "10"),
        ]

        func config(_ faults: [FaultSpec], seed: UInt64 = 0) -> EmulatorConfiguration {
            EmulatorConfiguration(dataset: .archive(path: emuSampleArchive), faults: faults, seed: seed)
        }

        @Test func faultSpecsParse() throws {
            #expect(try FaultSpec.parse("429") == FaultSpec(kind: .throttle, rate: 1))
            #expect(try FaultSpec.parse("slow:rate=0.25:delay=2") == FaultSpec(kind: .slow, rate: 0.25, delay: 2))
            #expect(try FaultSpec.parse("drop:nth=3") == FaultSpec(kind: .drop, rate: 0, nth: 3))
            #expect(throws: (any Error).self) { try FaultSpec.parse("teapot") }
            #expect(throws: (any Error).self) { try FaultSpec.parse("500:rate=2") }
            #expect(throws: (any Error).self) { try FaultSpec.parse("500:nth=0") }
        }

        @Test func throttleOnTheNthRequestWithRetryAfter() async throws {
            try await withEmulator(config([FaultSpec(kind: .throttle, nth: 2, delay: 3)])) { emulator in
                let statuses = await [
                    emuCompareQuery(emulator, Self.list), emuCompareQuery(emulator, Self.list),
                    emuCompareQuery(emulator, Self.list),
                ]
                #expect(statuses.map(\.status) == [200, 429, 200])
                let throttled = statuses[1]
                #expect(throttled.headers["retry-after"] == "3")
                #expect(throttled.json?["error_code"]?.stringValue == "APIGW.0308")
                #expect(
                    throttled.json?["error_msg"]?.stringValue?.hasPrefix("The throttling threshold has been reached")
                        == true)
                #expect(throttled.json?["request_id"]?.stringValue == throttled.headers["x-request-id"])
            }
            try await withEmulator(config([FaultSpec(kind: .throttle)])) { emulator in
                #expect(await emuCompareQuery(emulator, Self.list).headers["retry-after"] == "1")
            }
        }

        @Test func ratesAreSeeded() async throws {
            var runs: [[Int?]] = []
            for _ in 0..<2 {
                let statuses = try await withEmulator(config([FaultSpec(kind: .serverError, rate: 0.5)], seed: 99)) {
                    emulator in
                    var statuses: [Int?] = []
                    for _ in 0..<24 { statuses.append(await emuCompareQuery(emulator, Self.list).status) }
                    return statuses
                }
                runs.append(statuses)
            }
            #expect(runs[0] == runs[1])
            #expect(runs[0].contains(200))
            #expect(runs[0].contains(500))
        }

        @Test func slowWaitsAtLeastTheDelay() async throws {
            try await withEmulator(config([FaultSpec(kind: .slow, delay: 0.6)])) { emulator in
                let start = Date()
                let response = await emuCompareQuery(emulator, Self.list)
                #expect(Date().timeIntervalSince(start) >= 0.6)
                #expect(response.status == 200)
            }
        }

        @Test func truncateSendsHalfTheBody() async throws {
            try await withEmulator(config([FaultSpec(kind: .truncate, nth: 1)])) { emulator in
                let cut = await emuCompareQuery(emulator, Self.list)
                #expect(cut.status == 200)
                let length = try #require(cut.contentLength)
                #expect(length > 100)
                #expect(cut.body.count < length)
                #expect(cut.body.count == length / 2)
                #expect(cut.json == nil)
                let whole = await emuCompareQuery(emulator, Self.list)
                #expect(whole.body.count == length)
            }
        }

        @Test func dropClosesWithoutAResponse() async throws {
            try await withEmulator(config([FaultSpec(kind: .drop, nth: 1)])) { emulator in
                let dropped = await emuCompareQuery(emulator, Self.list)
                #expect(dropped.status == nil)
                #expect(dropped.body.isEmpty)
                #expect(await emuCompareQuery(emulator, Self.list).status == 200)
                #expect(emulator.requestCount == 2)
            }
        }

        @Test func urlSessionSeesTruncateAndDropAsErrors() async throws {
            for kind in [FaultSpec.Kind.truncate, .drop] {
                try await withEmulator(config([FaultSpec(kind: kind)])) { emulator in
                    let url = try #require(
                        URL(
                            string: emulator.baseURL
                                + emuTarget(
                                    "/v5/\(emulator.projectId)/jobs/\(emulator.jobId)",
                                    [("type", "compare")] + Self.list)))
                    let failed: Bool = await withCheckedContinuation { continuation in
                        let configuration = URLSessionConfiguration.ephemeral
                        configuration.timeoutIntervalForRequest = 30
                        URLSession(configuration: configuration).dataTask(with: url) { _, _, error in
                            continuation.resume(returning: error != nil)
                        }.resume()
                    }
                    #expect(failed, "\(kind)")
                }
            }
        }
    }
}

extension EmulatorTests {
    @Suite struct Tasks {
        static let shape = GeneratedShape()

        func create(_ emulator: RunningEmulator, _ json: String) async -> EmuHTTPResponse {
            await EmuHTTP.send(
                port: emulator.port, method: "POST", target: "/v3/\(emulator.projectId)/jobs/create-compare-task",
                headers: [("Content-Type", "application/json")], body: Data(json.utf8))
        }

        @Test func createdTasksRunThenSucceed() async throws {
            let config = EmulatorConfiguration(dataset: .generated(Self.shape), taskDuration: 0.5, seed: 5)
            try await withEmulator(config) { emulator in
                let baseContents = try #require(emulator.dataset.tasks.first { $0.kind == .contents })
                let created = await create(
                    emulator,
                    #"""
                    {"job_id":"\#(emulator.jobId)","object_level_compare_type":"objects",
                     "data_level_compare_info":{"conflict_policy":"keep","compare_type":"contents","compare_object_infos":[{"db_name":"shop","table_name":["orders"]}]}}
                    """#)
                #expect(created.status == 200, "\(created.text)")
                let objectId = try #require(
                    created.json?.value(at: ["object_level_compare_create_result", "compare_task_id"])?.stringValue)
                let dataId = try #require(
                    created.json?.value(at: ["data_level_compare_create_result", "compare_task_id"])?.stringValue)
                #expect(created.json?["job_id"]?.stringValue == emulator.jobId)

                // Progress rises to 100.
                var samples: [Double] = []
                let deadline = Date().addingTimeInterval(30)
                while Date() < deadline {
                    let progress = await EmuHTTP.send(
                        port: emulator.port,
                        target: "/v5/\(emulator.projectId)/jobs/\(emulator.jobId)/compare-progress/\(dataId)")
                    #expect(progress.status == 200)
                    let value = try #require(progress.json?.value(at: ["full_info", "progress"])).compactBytes
                    samples.append(try #require(Double(String(decoding: value, as: UTF8.self))))
                    if samples.last == 100 { break }
                    try await Task.sleep(nanoseconds: 100_000_000)
                }
                #expect(samples.last == 100)
                #expect(samples == samples.sorted())

                // The data list shows it SUCCESSFUL after the base tasks; totals include it.
                let list = await emuCompareQuery(
                    emulator,
                    [("compare_type", "data_compare"), ("query_type", "list"), ("offset", "0"), ("limit", "10")])
                #expect(list.json?.value(at: ["job", "total_count"])?.wholeNumber == 3)
                let tasks = try #require(
                    list.json?.value(at: ["job", "compare_result", "data_compare_task_list"])?.arrayValue)
                let mine = try #require(tasks.first { $0["id"]?.stringValue == dataId })
                #expect(mine["status"]?.stringValue == "SUCCESSFUL")
                #expect(mine["type"]?.stringValue == "contents")

                // The newest object task answers an overview without compare_task_id.
                let overview = await emuCompareQuery(
                    emulator, [("compare_type", "object_compare"), ("query_type", "overview")])
                let info = try #require(
                    overview.json?.value(at: ["job", "compare_result", "objects_compare_overview_info"]))
                #expect(info["compare_job_id"]?.stringValue == objectId)
                #expect(info["status"]?.stringValue == "SUCCESSFUL")
                #expect((info["compare_results"]?.arrayValue?.count ?? 0) >= 3)

                // Results for the new id are the dataset's, under the new id.
                let contentOverview = await emuCompareQuery(
                    emulator,
                    [
                        ("compare_type", "content_compare"), ("query_type", "overview"), ("compare_task_id", dataId),
                        ("offset", "0"), ("limit", "10"),
                    ])
                let baseOverview = await emuCompareQuery(
                    emulator,
                    [
                        ("compare_type", "content_compare"), ("query_type", "overview"),
                        ("compare_task_id", baseContents.id), ("offset", "0"), ("limit", "10"),
                    ])
                #expect(contentOverview.status == 200)
                #expect(contentOverview.body == baseOverview.body)
            }
        }

        @Test func conflictPolicyKeepAndCancel() async throws {
            let config = EmulatorConfiguration(dataset: .generated(Self.shape), taskDuration: 60, seed: 5)
            try await withEmulator(config) { emulator in
                let first = await create(
                    emulator,
                    #"{"job_id":"\#(emulator.jobId)","data_level_compare_info":{"conflict_policy":"keep","compare_type":"lines"}}"#
                )
                let firstId = try #require(
                    first.json?.value(at: ["data_level_compare_create_result", "compare_task_id"])?.stringValue)
                let kept = await create(
                    emulator,
                    #"{"job_id":"\#(emulator.jobId)","data_level_compare_info":{"conflict_policy":"keep","compare_type":"contents"}}"#
                )
                #expect(kept.status == 200)
                #expect(kept.json?.value(at: ["data_level_compare_create_result", "error_code"])?.stringValue != nil)
                #expect(kept.json?.value(at: ["data_level_compare_create_result", "compare_task_id"]) == nil)
                let list1 = await emuCompareQuery(
                    emulator,
                    [("compare_type", "data_compare"), ("query_type", "list"), ("offset", "2"), ("limit", "10")])
                let running = try #require(
                    list1.json?.value(at: ["job", "compare_result", "data_compare_task_list"])?.arrayValue)
                #expect(running.map { $0["status"]?.stringValue } == ["RUNNING"])

                let cancelled = await create(
                    emulator,
                    #"{"job_id":"\#(emulator.jobId)","data_level_compare_info":{"conflict_policy":"cancel","compare_type":"contents"}}"#
                )
                let secondId = try #require(
                    cancelled.json?.value(at: ["data_level_compare_create_result", "compare_task_id"])?.stringValue)
                let list2 = await emuCompareQuery(
                    emulator,
                    [("compare_type", "data_compare"), ("query_type", "list"), ("offset", "2"), ("limit", "10")])
                let after = try #require(
                    list2.json?.value(at: ["job", "compare_result", "data_compare_task_list"])?.arrayValue)
                #expect(after.map { $0["id"]?.stringValue } == [firstId, secondId])
                #expect(after.map { $0["status"]?.stringValue } == ["CANCELLED", "RUNNING"])

                let invalid = await create(
                    emulator,
                    #"{"job_id":"\#(emulator.jobId)","data_level_compare_info":{"conflict_policy":"maybe","compare_type":"lines"}}"#
                )
                #expect(invalid.status == 400)
                let otherJob = await create(emulator, #"{"job_id":"nope"}"#)
                #expect(otherJob.json?["error_code"]?.stringValue == "DRS.M05003")
            }
        }

        @Test func engineStateMachineWithAFakeClock() async throws {
            let dataset = try LoadedDataset.load(.generated(Self.shape), seed: 5)
            let engine = Engine(
                dataset: dataset,
                config: EmulatorConfiguration(dataset: .generated(Self.shape), taskDuration: 10, seed: 5))
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            func request(_ method: String, _ path: String, _ query: String? = nil, _ body: String = "") -> EmuRequest {
                EmuRequest(method: method, path: path, rawQuery: query, headers: [("host", "x")], body: Data(body.utf8))
            }
            func reply(_ r: EmuRequest, at seconds: Double) async -> EmuReply {
                guard case .reply(let reply) = await engine.handle(r, now: { t0.addingTimeInterval(seconds) }) else {
                    return EmuReply(status: 0, headers: [], body: [])
                }
                return reply
            }
            let created = await reply(
                request(
                    "POST", "/v3/\(dataset.projectId)/jobs/create-compare-task", nil,
                    #"{"job_id":"\#(dataset.jobId)","data_level_compare_info":{"conflict_policy":"keep","compare_type":"lines"}}"#
                ), at: 0)
            let id = try #require(
                try JSONValue.parse(created.body).value(at: ["data_level_compare_create_result", "compare_task_id"])?
                    .stringValue)
            let progressPath = "/v5/\(dataset.projectId)/jobs/\(dataset.jobId)/compare-progress/\(id)"
            var values: [String] = []
            for second in [0.0, 2.5, 5, 9.99, 10, 30] {
                let body = try JSONValue.parse(await reply(request("GET", progressPath), at: second).body)
                values.append(
                    String(
                        decoding: try #require(body.value(at: ["full_info", "progress"])).compactBytes, as: UTF8.self))
            }
            #expect(values == ["0", "25", "50", "99.9", "100", "100"])
            let listQuery = "type=compare&compare_type=data_compare&query_type=list&offset=2&limit=1"
            let listPath = "/v5/\(dataset.projectId)/jobs/\(dataset.jobId)"
            let early = try JSONValue.parse(await reply(request("GET", listPath, listQuery), at: 9).body)
            #expect(
                early.value(at: ["job", "compare_result", "data_compare_task_list"])?.arrayValue?.first?["status"]?
                    .stringValue == "RUNNING")
            let late = try JSONValue.parse(await reply(request("GET", listPath, listQuery), at: 10).body)
            let item = try #require(
                late.value(at: ["job", "compare_result", "data_compare_task_list"])?.arrayValue?.first)
            #expect(item["status"]?.stringValue == "SUCCESSFUL")
            #expect(item["export_status"]?.stringValue == "INIT")

            // Export: EXPORTING for the task duration, then complete and downloadable.
            let filePath = "/v3/\(dataset.projectId)/jobs/\(dataset.jobId)/compare/result/file"
            #expect(
                await reply(request("GET", filePath, "compare_type=lines&compare_job_id=\(id)"), at: 11).status == 400)
            #expect(
                await reply(
                    request("POST", filePath, nil, #"{"compare_type":"lines","compare_job_id":"\#(id)"}"#), at: 11
                ).status == 200)
            #expect(
                await reply(request("GET", filePath, "compare_type=lines&compare_job_id=\(id)"), at: 15).status == 400)
            let file = await reply(request("GET", filePath, "compare_type=lines&compare_job_id=\(id)"), at: 21)
            #expect(file.status == 200)
            #expect(file.headers.contains { $0.0 == "Content-Type" && $0.1 == "application/octet-stream" })
        }

        @Test func resultFileDownload() async throws {
            let config = EmulatorConfiguration(dataset: .generated(Self.shape), taskDuration: 0.3, seed: 5)
            try await withEmulator(config) { emulator in
                let lines = try #require(emulator.dataset.tasks.first { $0.kind == .lines })
                let contents = try #require(emulator.dataset.tasks.first { $0.kind == .contents })
                #expect(lines.exportStatus == "EXPORT_COMPLETE")
                let path = "/v3/\(emulator.projectId)/jobs/\(emulator.jobId)/compare/result/file"
                let file = await EmuHTTP.send(
                    port: emulator.port,
                    target: emuTarget(path, [("compare_type", "lines"), ("compare_job_id", lines.id)]))
                #expect(file.status == 200)
                #expect(file.headers["content-type"] == "application/octet-stream")
                #expect(!file.body.isEmpty)
                let again = await EmuHTTP.send(
                    port: emulator.port,
                    target: emuTarget(path, [("compare_job_id", lines.id), ("compare_type", "lines")]))
                #expect(again.body == file.body)
                let objects = await EmuHTTP.send(
                    port: emulator.port, target: emuTarget(path, [("compare_type", "objects_comparison")]))
                #expect(objects.status == 200)

                // Not exported yet: a DRS error; export, then it downloads.
                let notYet = await EmuHTTP.send(
                    port: emulator.port,
                    target: emuTarget(path, [("compare_type", "contents"), ("compare_job_id", contents.id)]))
                #expect(notYet.status == 400)
                #expect(notYet.json?["error_code"]?.stringValue?.hasPrefix("DRS.") == true)
                let export = await EmuHTTP.send(
                    port: emulator.port, method: "POST", target: path, headers: [("Content-Type", "application/json")],
                    body: Data(#"{"compare_type":"contents","compare_job_id":"\#(contents.id)"}"#.utf8))
                #expect(export.status == 200)
                var status: Int?
                let deadline = Date().addingTimeInterval(30)
                while Date() < deadline {
                    status = await EmuHTTP.send(
                        port: emulator.port,
                        target: emuTarget(path, [("compare_type", "contents"), ("compare_job_id", contents.id)])
                    ).status
                    if status == 200 { break }
                    try await Task.sleep(nanoseconds: 100_000_000)
                }
                #expect(status == 200)
                let list = await emuCompareQuery(
                    emulator,
                    [("compare_type", "data_compare"), ("query_type", "list"), ("offset", "1"), ("limit", "1")])
                let item = list.json?.value(at: ["job", "compare_result", "data_compare_task_list"])?.arrayValue?.first
                #expect(item?["export_status"]?.stringValue == "EXPORT_COMPLETE")
                #expect((item?["report_remain_seconds"]?.wholeNumber ?? -1) > 0)

                let unknownTask = await EmuHTTP.send(
                    port: emulator.port,
                    target: emuTarget(path, [("compare_type", "lines"), ("compare_job_id", "nope")]))
                #expect(unknownTask.status == 400)
            }
        }
    }
}
