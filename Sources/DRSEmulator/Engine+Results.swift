import DRSJSON
import DRSReport
import DRSWire
import Foundation

/// DRS's exported result files: their export state, and the download that is refused once expired.
extension Engine {
    static func resultKind(_ compareType: String?) -> TaskKind? {
        switch compareType {
        case "lines": return .lines
        case "contents": return .contents
        case "objects_comparison": return .objects
        default: return nil
        }
    }

    /// The task a result-file request names, with its finished flag and export state.
    func resultTask(compareType: String?, taskId: String?, now: Date) -> Result<
        (id: String, finished: Bool, export: (String, Int64)), EmuFailure
    > {
        guard let kind = Self.resultKind(compareType) else {
            return .failure(
                EmuFailure(reply: Self.drsError(400, "DRS.M00202", "The value of parameter compare_type is invalid.")))
        }
        var id = taskId.flatMap { $0.isEmpty ? nil : $0 }
        if id == nil, kind == .objects {
            id = locked { $0.created.last { $0.kind == .objects }?.id } ?? catalog.newest(.objects)?.id
        }
        guard let id else {
            return .failure(
                EmuFailure(reply: Self.drsError(400, "DRS.M00201", "The parameter compare_job_id is empty.")))
        }
        if let created = createdTask(id), created.kind == kind {
            return .success(
                (
                    id, status(of: created, now: now) == Wire.TaskStatus.successful,
                    exportState(taskId: id, recorded: (Wire.ExportStatus.initial, -1), now: now)
                ))
        }
        if let task = catalog.task(id), task.kind == kind {
            let finished = task.status == Wire.TaskStatus.successful
            return .success(
                (
                    id, finished,
                    exportState(taskId: id, recorded: (task.exportStatus, task.reportRemainSeconds), now: now)
                ))
        }
        return .failure(EmuFailure(reply: Self.drsError(400, "DRS.M05003", "Task information not found.")))
    }

    struct EmuFailure: Error {
        var reply: EmuReply
    }

    func downloadResult(path: String, query: [String: String], body: Data, now: Date) -> EmuReply {
        if let recorded = lookup(method: "GET", path: path, query: query, page: Paging(offset: 0, limit: nil)) {
            return recorded
        }
        // The SDK may also send the parameters as a JSON body.
        let fromBody = (try? JSONValue.parse(body)) ?? .null
        let compareType = query[Wire.Key.compareType] ?? fromBody[Wire.Key.compareType]?.stringValue
        let taskId = query[Wire.Key.compareJobId] ?? fromBody[Wire.Key.compareJobId]?.stringValue
        switch resultTask(compareType: compareType, taskId: taskId, now: now) {
        case .failure(let failure):
            return failure.reply
        case .success(let task):
            guard task.export.0 == Wire.ExportStatus.complete, task.export.1 >= 0 else {
                return Self.drsError(
                    400, "DRS.M00304",
                    "The comparison result file is not available (export_status \(task.export.0), report_remain_seconds \(task.export.1)); export it first."
                )
            }
            let text =
                "drs-emulator comparison result file\r\njob_id,\(store.jobId)\r\ncompare_type,\(compareType ?? "")\r\ncompare_job_id,\(task.id)\r\n"
            return EmuReply(
                status: 200,
                headers: [
                    ("Content-Type", "application/octet-stream"),
                    ("Content-Disposition", "attachment; filename=\"\(compareType ?? "result")_\(task.id).csv\""),
                ], body: Array(text.utf8))
        }
    }

    func exportResult(_ data: Data, now: Date) -> EmuReply {
        guard let body = try? JSONValue.parse(data), case .object = body else {
            return Self.drsError(400, "DRS.M00200", "The request body is not valid JSON.")
        }
        switch resultTask(
            compareType: body[Wire.Key.compareType]?.stringValue, taskId: body[Wire.Key.compareJobId]?.stringValue,
            now: now)
        {
        case .failure(let failure):
            return failure.reply
        case .success(let task):
            guard task.finished else {
                return Self.drsError(
                    400, "DRS.M00304", "The comparison task \(task.id) is not finished; export its result later.")
            }
            locked { $0.exports[task.id] = now }
            return Self.json(200, .object([]))
        }
    }
}
