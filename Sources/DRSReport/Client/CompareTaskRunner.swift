import Foundation

/// What `run` asks DRS to compare.
public struct CompareTaskRequest: Sendable {
    /// Create an object-level comparison.
    public var objectLevel = false
    /// `lines` or `contents`, or nil for no data-level comparison.
    public var dataLevel: String?
    /// `cancel` or `keep` an unfinished data-level task.
    public var conflictPolicy = "keep"
    /// Databases (and optionally tables) to compare; empty means DRS's quick comparison of everything.
    public var objects: [(database: String, tables: [String])] = []

    public init() {}

    /// The request body of `POST /v3/{project_id}/jobs/create-compare-task`.
    func body(jobId: String) -> Data {
        var members: [String: JSONValue] = ["job_id": .string(jobId)]
        if objectLevel { members["object_level_compare_type"] = .string("objects") }
        if let dataLevel {
            var info: [String: JSONValue] = ["conflict_policy": .string(conflictPolicy), "compare_type": .string(dataLevel)]
            if objects.isEmpty {
                info["compare_mode"] = .string("quick_comparison")
            } else {
                info["compare_object_infos"] = .array(objects.map { object in
                    var entry: [String: JSONValue] = ["db_name": .string(object.database)]
                    if !object.tables.isEmpty { entry["table_name"] = .array(object.tables.map(JSONValue.string)) }
                    return .object(entry)
                })
            }
            members["data_level_compare_info"] = .object(info)
        }
        var text = ""
        JSONWriter.write(.object(members), into: &text, indent: nil)
        return Data(text.utf8)
    }
}

/// Progress of `run` while DRS compares.
public struct CompareWaitProgress: Sendable {
    /// Task id.
    public var taskId: String
    /// DRS status.
    public var status: String
    /// Percent, when DRS reports it.
    public var percent: Double?
}

/// Creates comparison tasks and waits for them (`drs-report run`).
public struct CompareTaskRunner: Sendable {
    /// The client.
    public let client: DRSClient
    /// The job.
    public let jobId: String

    public init(client: DRSClient, jobId: String) {
        self.client = client
        self.jobId = jobId
    }

    /// Creates the tasks; returns their ids. A DRS refusal (an error in the 200 body) throws.
    public func create(_ request: CompareTaskRequest) async throws -> [String] {
        let path = "/v3/\(FetchRun.segment(client.projectId))/jobs/create-compare-task"
        let response = try await client.send(method: "POST", path: path, body: request.body(jobId: jobId))
        let description = "POST \(path)"
        guard let value = try? JSONParser.parse(response.body) else {
            throw DRSReportError.requestFailed(request: description, reason: "the response is not JSON", attempts: 1)
        }
        var ids: [String] = []
        var errors: [(String, String)] = []
        if case .string(let code) = value["error_code"] ?? .null {
            errors.append((code, FetchRun.string(value["error_msg"]) ?? ""))
        }
        for key in ["object_level_compare_create_result", "data_level_compare_create_result"] {
            guard let result = value[key] else { continue }
            if let id = FetchRun.string(result["compare_task_id"]) { ids.append(id) }
            if let code = FetchRun.string(result["error_code"]) { errors.append((code, FetchRun.string(result["error_msg"]) ?? "")) }
        }
        if response.status >= 400 || (ids.isEmpty && !errors.isEmpty) || ids.isEmpty {
            let (code, message) = errors.first ?? ("HTTP \(response.status)", "no comparison task was created")
            throw DRSReportError.drsError(request: description, code: code, message: message, requestId: response.requestId)
        }
        return ids
    }

    /// Polls until every task reaches a final state or `timeout` seconds pass.
    public func wait(for ids: [String], timeout: TimeInterval, interval: TimeInterval, progress: @Sendable (CompareWaitProgress) -> Void) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        let final = Set(["SUCCESSFUL", "FAILED", "CANCELLED", "TIMEOUT_INTERRUPT"])
        var pending = Set(ids)
        let jobPath = "/v5/\(FetchRun.segment(client.projectId))/jobs/\(FetchRun.segment(jobId))"
        while true {
            var statuses: [String: String] = [:]
            let list = try await client.send(
                method: "GET", path: jobPath,
                query: [("type", "compare"), ("compare_type", "data_compare"), ("query_type", "list"), ("offset", "0"), ("limit", "1000")])
            if let value = try? JSONParser.parse(list.body), case .array(let items) = FetchRun.compareResult(value)?["data_compare_task_list"] ?? .null {
                for item in items {
                    if let id = FetchRun.string(item["id"]) { statuses[id] = FetchRun.string(item["status"]) ?? "" }
                }
            }
            for id in pending where statuses[id] == nil {
                // Not a data-level task: ask the object overview for it.
                let overview = try await client.send(
                    method: "GET", path: jobPath,
                    query: [("type", "compare"), ("compare_type", "object_compare"), ("query_type", "overview"), ("compare_task_id", id)])
                if let value = try? JSONParser.parse(overview.body), let info = FetchRun.compareResult(value)?["objects_compare_overview_info"] {
                    statuses[id] = FetchRun.string(info["status"]) ?? ""
                }
            }
            for id in pending.sorted() {
                let status = statuses[id] ?? "UNKNOWN"
                var percent: Double?
                if !final.contains(status) {
                    let response = try await client.send(method: "GET", path: jobPath + "/compare-progress/\(FetchRun.segment(id))")
                    if let value = try? JSONParser.parse(response.body), case .number(let text) = value["full_info"]?["progress"] ?? .null {
                        percent = Double(text)
                    }
                } else {
                    percent = status == "SUCCESSFUL" ? 100 : nil
                }
                progress(CompareWaitProgress(taskId: id, status: status, percent: percent))
                if final.contains(status) { pending.remove(id) }
            }
            if pending.isEmpty { return }
            if Date() >= deadline { throw DRSReportError.waitTimedOut(taskIds: pending.sorted(), seconds: Int(timeout)) }
            try await Task.sleep(nanoseconds: UInt64(max(0.05, interval) * 1_000_000_000))
        }
    }
}
