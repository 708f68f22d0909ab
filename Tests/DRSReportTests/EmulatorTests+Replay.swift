import DRSJSON
import Foundation
import TestSupport
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
