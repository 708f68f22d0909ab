import DRSJSON
import DRSReport
import DRSWire
import Foundation

/// Progress of a comparison task and the creation of new ones (`POST …/compare-task`).
extension Engine {
    func compareProgress(path: String, taskId: String, now: Date) -> EmuReply {
        if let task = createdTask(taskId) {
            let progress = progress(of: task, now: now)
            let running = status(of: task, now: now) == Wire.TaskStatus.running
            return Self.json(
                200,
                .object([
                    (
                        Wire.Key.fullInfo,
                        .object([
                            (Wire.Key.progress, .decimal(progress)),
                            (Wire.Key.srcSpeed, .string(running ? "12.40MB/s" : "0.00B/s")),
                            (Wire.Key.recheckEntities, .int(0)),
                        ])
                    ),
                    (Wire.Key.globalInfo, .object([(Wire.Key.srcSpeed, .string(running ? "12.40MB/s" : "0.00B/s"))])),
                ]))
        }
        if let reply = lookup(method: "GET", path: path, query: [:], page: Paging(offset: 0, limit: nil)) {
            return reply
        }
        return Self.drsError(400, "DRS.M05003", "Task information not found.")
    }

    func createCompareTask(_ data: Data, now: Date) -> EmuReply {
        guard let body = try? JSONValue.parse(data), case .object = body else {
            return Self.drsError(400, "DRS.M00200", "The request body is not valid JSON.")
        }
        guard let jobId = body[Wire.Key.jobId]?.stringValue, !jobId.isEmpty else {
            return Self.drsError(400, "DRS.M00201", "The parameter job_id is empty.")
        }
        guard jobId == store.jobId else { return Self.drsError(400, "DRS.M05003", "Task information not found.") }
        var wantsObjects = false
        switch body[Wire.Key.objectLevelCompareType] {
        case nil, .null?: break
        case .string(let value)? where value.isEmpty: break
        case .string(Wire.Key.objects)?: wantsObjects = true
        default: return Self.drsError(400, "DRS.M00202", "The value of parameter object_level_compare_type is invalid.")
        }
        var data: (policy: String, kind: TaskKind)?
        switch body[Wire.Key.dataLevelCompareInfo] {
        case nil, .null?: break
        case let info? where info.arrayValue == nil && info.stringValue == nil:
            guard case .object = info else {
                return Self.drsError(400, "DRS.M00202", "The value of parameter data_level_compare_info is invalid.")
            }
            guard let policy = info[Wire.Key.conflictPolicy]?.stringValue, ["cancel", "keep"].contains(policy) else {
                return Self.drsError(400, "DRS.M00202", "The value of parameter conflict_policy is invalid.")
            }
            guard let type = info[Wire.Key.compareType]?.stringValue, let kind = TaskKind(rawValue: type),
                kind != .objects
            else {
                return Self.drsError(400, "DRS.M00202", "The value of parameter compare_type is invalid.")
            }
            switch info[Wire.Key.compareObjectInfos] {
            case nil, .null?: break
            case .array(let objects)?:
                for object in objects {
                    guard object[Wire.Key.dbName]?.stringValue?.isEmpty == false else {
                        return Self.drsError(
                            400, "DRS.M00202", "The value of parameter compare_object_infos.db_name is invalid.")
                    }
                    if let tables = object[Wire.Key.tableName], case .null = tables {
                    } else if let tables = object[Wire.Key.tableName],
                        tables.arrayValue?.allSatisfy({ $0.stringValue != nil }) != true
                    {
                        return Self.drsError(
                            400, "DRS.M00202", "The value of parameter compare_object_infos.table_name is invalid.")
                    }
                }
            default:
                return Self.drsError(400, "DRS.M00202", "The value of parameter compare_object_infos is invalid.")
            }
            data = (policy, kind)
        default:
            return Self.drsError(400, "DRS.M00202", "The value of parameter data_level_compare_info is invalid.")
        }

        var members: [(String, JSONValue)] = [(Wire.Key.jobId, .string(store.jobId))]
        let duration = config.taskDuration
        let objectBase = catalog.newest(.objects)?.id
        let dataBase = data.flatMap { catalog.newest($0.kind)?.id }
        locked { state in
            if wantsObjects {
                let id = state.idRandom.uuid()
                state.created.append(CreatedTask(id: id, kind: .objects, base: objectBase, created: now))
                members.append(
                    (Wire.Key.objectLevelCompareCreateResult, .object([(Wire.Key.compareTaskId, .string(id))])))
            }
            if let data {
                let unfinished = state.created.indices.filter { index in
                    let task = state.created[index]
                    return task.kind != .objects && task.cancelledAt == nil
                        && now.timeIntervalSince(task.created) < duration
                }
                if !unfinished.isEmpty, data.policy == "keep" {
                    members.append(
                        (
                            Wire.Key.dataLevelCompareCreateResult,
                            .object([
                                (Wire.Key.errorCode, .string("DRS.M01504")),
                                (
                                    Wire.Key.errorMsg,
                                    .string(
                                        "An unfinished data-level comparison task \(state.created[unfinished[0]].id) exists; it was kept and no new task was created."
                                    )
                                ),
                            ])
                        ))
                } else {
                    for index in unfinished { state.created[index].cancelledAt = now }
                    let id = state.idRandom.uuid()
                    state.created.append(CreatedTask(id: id, kind: data.kind, base: dataBase, created: now))
                    members.append(
                        (Wire.Key.dataLevelCompareCreateResult, .object([(Wire.Key.compareTaskId, .string(id))])))
                }
            }
        }
        return Self.json(200, .object(JSONObject(members)))
    }
}
