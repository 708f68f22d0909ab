import DRSCore
import DRSJSON
import DRSWire
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

    /// A request for nothing yet: set `objectLevel` and/or `dataLevel`.
    public init() {}

    /// The request body of `POST /v3/{project_id}/jobs/create-compare-task`.
    package func body(jobId: String) -> Data {
        var members: JSONObject = [Wire.Key.jobId: .string(jobId)]
        if objectLevel { members[Wire.Key.objectLevelCompareType] = .string(Wire.Key.objects) }
        if let dataLevel {
            var info: JSONObject = [
                Wire.Key.conflictPolicy: .string(conflictPolicy), Wire.Key.compareType: .string(dataLevel),
            ]
            if objects.isEmpty {
                info[Wire.Key.compareMode] = .string("quick_comparison")
            } else {
                info[Wire.Key.compareObjectInfos] = .array(
                    objects.map { object in
                        var entry: JSONObject = [Wire.Key.dbName: .string(object.database)]
                        if !object.tables.isEmpty {
                            entry[Wire.Key.tableName] = .array(object.tables.map(JSONValue.string))
                        }
                        return .object(entry)
                    })
            }
            members[Wire.Key.dataLevelCompareInfo] = .object(info)
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

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(taskId: String, status: String, percent: Double? = nil) {
        self.taskId = taskId
        self.status = status
        self.percent = percent
    }
}

/// Creates comparison tasks and waits for them (`drs-report run`).
public struct CompareTaskRunner: Sendable {
    /// The client.
    public let client: DRSClient
    /// The job.
    public let jobId: String

    /// A runner for `jobId`, calling DRS through `client`.
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
        if case .string(let code) = value[Wire.Key.errorCode] ?? .null {
            errors.append((code, FetchRun.string(value[Wire.Key.errorMsg]) ?? ""))
        }
        for key in [Wire.Key.objectLevelCompareCreateResult, Wire.Key.dataLevelCompareCreateResult] {
            guard let result = value[key] else { continue }
            if let id = FetchRun.string(result[Wire.Key.compareTaskId]) { ids.append(id) }
            if let code = FetchRun.string(result[Wire.Key.errorCode]) {
                errors.append((code, FetchRun.string(result[Wire.Key.errorMsg]) ?? ""))
            }
        }
        if response.status >= 400 || (ids.isEmpty && !errors.isEmpty) || ids.isEmpty {
            let (code, message) = errors.first ?? ("HTTP \(response.status)", "no comparison task was created")
            throw DRSReportError.drsError(
                request: description, code: code, message: message, requestId: response.requestId)
        }
        return ids
    }

    /// Polls until every task reaches a final state or `timeout` seconds pass.
    public func wait(
        for ids: [String], timeout: TimeInterval, interval: TimeInterval,
        progress: @Sendable (CompareWaitProgress) -> Void
    ) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        let final = Wire.TaskStatus.final
        var pending = Set(ids)
        let jobPath = "/v5/\(FetchRun.segment(client.projectId))/jobs/\(FetchRun.segment(jobId))"
        while true {
            var statuses: [String: String] = [:]
            let list = try await client.send(
                method: "GET", path: jobPath,
                query: [
                    (Wire.Key.type, "compare"), (Wire.Key.compareType, "data_compare"), (Wire.Key.queryType, "list"),
                    (Wire.Key.offset, "0"), (Wire.Key.limit, "1000"),
                ])
            if let value = try? JSONParser.parse(list.body),
                case .array(let items) = FetchRun.compareResult(value)?[Wire.Key.dataCompareTaskList] ?? .null
            {
                for item in items {
                    if let id = FetchRun.string(item[Wire.Key.id]) {
                        statuses[id] = FetchRun.string(item[Wire.Key.status]) ?? ""
                    }
                }
            }
            for id in pending where statuses[id] == nil {
                // Not a data-level task: ask the object overview for it.
                let overview = try await client.send(
                    method: "GET", path: jobPath,
                    query: [
                        (Wire.Key.type, "compare"), (Wire.Key.compareType, "object_compare"),
                        (Wire.Key.queryType, "overview"), (Wire.Key.compareTaskId, id),
                    ])
                if let value = try? JSONParser.parse(overview.body),
                    let info = FetchRun.compareResult(value)?[Wire.Key.objectsCompareOverviewInfo]
                {
                    statuses[id] = FetchRun.string(info[Wire.Key.status]) ?? ""
                }
            }
            for id in pending.sorted() {
                let status = statuses[id] ?? "UNKNOWN"
                var percent: Double?
                if !final.contains(status) {
                    let response = try await client.send(
                        method: "GET", path: jobPath + "/compare-progress/\(FetchRun.segment(id))")
                    if let value = try? JSONParser.parse(response.body),
                        case .number(let text) = value[Wire.Key.fullInfo]?[Wire.Key.progress] ?? .null
                    {
                        percent = Double(text)
                    }
                } else {
                    percent = status == Wire.TaskStatus.successful ? 100 : nil
                }
                progress(CompareWaitProgress(taskId: id, status: status, percent: percent))
                if final.contains(status) { pending.remove(id) }
            }
            if pending.isEmpty { return }
            if Date() >= deadline {
                throw DRSReportError.waitTimedOut(taskIds: pending.sorted(), seconds: Int(timeout))
            }
            try await Task.sleep(nanoseconds: UInt64(max(0.05, interval) * 1_000_000_000))
        }
    }
}
