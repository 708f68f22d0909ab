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
                // Generous: in the full suite, other tests can hold both cooperative threads the
                // emulator answers on for tens of seconds (a 30 s deadline failed that way once).
                let deadline = Date().addingTimeInterval(180)
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
                // Generous: in the full suite, other tests can hold both cooperative threads the
                // emulator answers on for tens of seconds (a 30 s deadline failed that way once).
                let deadline = Date().addingTimeInterval(180)
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
