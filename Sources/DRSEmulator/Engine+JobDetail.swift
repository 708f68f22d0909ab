import DRSJSON
import DRSReport
import DRSWire
import Foundation

/// The job's detail: comparison queries (lists, overviews, details) answered from the recorded
/// archive or the generated dataset, with tasks created at run time merged into the lists.
extension Engine {
    static let dataListQuery = [
        Wire.Key.type: "compare", Wire.Key.compareType: "data_compare", Wire.Key.queryType: "list",
    ]

    func jobDetail(path: String, query: [String: String], page: Paging, now: Date) -> EmuReply {
        if query[Wire.Key.type] == "compare", query[Wire.Key.compareType] == "data_compare",
            query[Wire.Key.queryType] == "list"
        {
            return dataList(query: query, page: page, now: now) ?? unknown("GET", path, query)
        }
        if query[Wire.Key.type] == "compare", query[Wire.Key.compareType] == "object_compare",
            query[Wire.Key.queryType] == "overview"
        {
            return objectOverview(path: path, query: query, now: now)
        }
        if query[Wire.Key.type] == "detail", query.count == 1,
            store.entry(method: "GET", path: path, query: query) == nil
        {
            // A replayed archive from before `fetch` asked for the job itself: answer with what the archive knows.
            return Self.json(
                200,
                DatasetGenerator.jobDetail(
                    jobId: store.jobId, projectId: store.projectId, name: "replayed-\(store.jobId.prefix(8))"))
        }
        if let taskId = query[Wire.Key.compareTaskId], let created = createdTask(taskId) {
            guard let base = created.base else { return unknown("GET", path, query) }
            var aliased = query
            aliased[Wire.Key.compareTaskId] = base
            guard var reply = lookup(method: "GET", path: path, query: aliased, page: page) else {
                return unknown("GET", path, query)
            }
            reply.body = Self.replacing(base, with: created.id, in: reply.body)
            return reply
        }
        return lookup(method: "GET", path: path, query: query, page: page) ?? unknown("GET", path, query)
    }

    func createdTask(_ id: String) -> CreatedTask? { locked { $0.created.first { $0.id == id } } }

    func status(of task: CreatedTask, now: Date) -> String {
        if task.cancelledAt != nil { return Wire.TaskStatus.cancelled }
        return now.timeIntervalSince(task.created) < config.taskDuration
            ? Wire.TaskStatus.running : Wire.TaskStatus.successful
    }

    func progress(of task: CreatedTask, now: Date) -> Double {
        let end = task.cancelledAt ?? now
        guard config.taskDuration > 0 else { return 100 }
        return min(100, max(0, end.timeIntervalSince(task.created) / config.taskDuration * 100))
    }

    /// Export status and remaining seconds of a task, with exports requested in this session applied.
    func exportState(taskId: String, recorded: (String, Int64), now: Date) -> (String, Int64) {
        guard let requested = locked({ $0.exports[taskId] }) else { return recorded }
        let elapsed = now.timeIntervalSince(requested)
        if elapsed < config.taskDuration { return (Wire.ExportStatus.exporting, -1) }
        return (
            Wire.ExportStatus.complete,
            Int64(max(0, Self.reportValidity - (elapsed - config.taskDuration)).rounded(.down))
        )
    }

    func dataList(query: [String: String], page: Paging, now: Date) -> EmuReply? {
        let entry = store.entry(method: "GET", path: store.jobPath, query: Self.dataListQuery)
        let created = locked { $0.created.filter { $0.kind != .objects } }
        var base: PagedBody?
        if let entry {
            switch entry.body {
            case .paged(let paged):
                base = paged
            case .plain(let bytes):
                // A list recorded without paging: page it here so created tasks can be appended.
                let path = [Wire.Key.job, Wire.Key.compareResult, Wire.Key.dataCompareTaskList]
                guard (200..<300).contains(entry.status), let body = try? JSONValue.parse(bytes),
                    let rows = body.value(at: path)?.arrayValue
                else {
                    return render(entry, page: page)
                }
                var items = ItemList()
                for row in rows { items.append(row) }
                base = PagedBody(
                    envelope: body.setting(path, to: .array([])), arrayPath: path, items: items, recordedPaged: false)
            }
        }
        if base == nil, created.isEmpty { return nil }
        let baseCount = base?.items.count ?? 0
        let total = baseCount + created.count
        let limit = page.limit ?? (base?.recordedPaged == false ? max(1, total) : 10)
        var items: [JSONValue] = []
        if page.offset < total {
            for index in page.offset..<min(total, page.offset + limit) {
                if index < baseCount, let base {
                    var item = try? JSONValue.parse(base.items.item(index))
                    if let parsed = item, let id = parsed[Wire.Key.id]?.stringValue, let task = catalog.task(id) {
                        let (status, remain) = exportState(
                            taskId: id, recorded: (task.exportStatus, task.reportRemainSeconds), now: now)
                        if status != task.exportStatus || remain != task.reportRemainSeconds {
                            item = parsed.setting([Wire.Key.exportStatus], to: .string(status)).setting(
                                [Wire.Key.reportRemainSeconds], to: .int(remain))
                        }
                    }
                    items.append(item.map { .raw($0.compactBytes) } ?? .raw(Array(base.items.item(index))))
                } else {
                    items.append(createdListItem(created[index - baseCount], now: now))
                }
            }
        }
        let recordedTotal =
            base?.envelope.value(at: [Wire.Key.job, Wire.Key.totalCount])?.wholeNumber.map(Int.init) ?? baseCount
        var envelope =
            base?.envelope
            ?? .object([
                (
                    Wire.Key.job,
                    .object([
                        (Wire.Key.id, .string(store.jobId)), (Wire.Key.totalCount, .int(0)),
                        (Wire.Key.compareResult, .object([(Wire.Key.dataCompareTaskList, .array([]))])),
                    ])
                )
            ])
        let path = base?.arrayPath ?? [Wire.Key.job, Wire.Key.compareResult, Wire.Key.dataCompareTaskList]
        envelope = envelope.setting(
            [Wire.Key.job, Wire.Key.totalCount], to: .int(max(recordedTotal, baseCount) + created.count))
        return Self.json(200, envelope.setting(path, to: .array(items)))
    }

    func createdListItem(_ task: CreatedTask, now: Date) -> JSONValue {
        let status = status(of: task, now: now)
        var members: [(String, JSONValue)] = [
            (Wire.Key.id, .string(task.id)), (Wire.Key.type, .string(task.kind.rawValue)),
            (Wire.Key.startTime, .string(Self.iso(task.created))),
        ]
        if status == Wire.TaskStatus.successful {
            members.append((Wire.Key.endTime, .string(Self.iso(task.created.addingTimeInterval(config.taskDuration)))))
        } else if let cancelled = task.cancelledAt {
            members.append((Wire.Key.endTime, .string(Self.iso(cancelled))))
        }
        let (export, remain) = exportState(taskId: task.id, recorded: (Wire.ExportStatus.initial, -1), now: now)
        members += [
            (Wire.Key.status, .string(status)), (Wire.Key.computeType, .string("drs")),
            (Wire.Key.exportStatus, .string(export)),
            (Wire.Key.reportRemainSeconds, .int(remain)), (Wire.Key.compareJobTag, .object([])),
        ]
        return .object(JSONObject(members))
    }

    func objectOverview(path: String, query: [String: String], now: Date) -> EmuReply {
        let wanted = query[Wire.Key.compareTaskId]
        let created: CreatedTask? = locked { state in
            if let wanted { return state.created.first { $0.id == wanted && $0.kind == .objects } }
            return state.created.last { $0.kind == .objects }
        }
        if let created {
            var aliased = query
            aliased[Wire.Key.compareTaskId] = created.base
            let recorded = created.base.flatMap { _ in
                lookup(method: "GET", path: path, query: aliased, page: Paging(offset: 0, limit: nil))
            }
            var body: JSONValue = .object([
                (
                    Wire.Key.job,
                    .object([
                        (Wire.Key.id, .string(store.jobId)),
                        (
                            Wire.Key.compareResult,
                            .object([
                                (Wire.Key.objectsCompareOverviewInfo, .object([(Wire.Key.compareResults, .array([]))]))
                            ])
                        ),
                    ])
                )
            ])
            if let recorded, (200..<300).contains(recorded.status),
                let parsed = try? JSONValue.parse(
                    Self.replacing(created.base ?? "", with: created.id, in: recorded.body))
            {
                body = parsed
            }
            let infoPath = [Wire.Key.job, Wire.Key.compareResult, Wire.Key.objectsCompareOverviewInfo]
            let status = status(of: created, now: now)
            var info = body.value(at: infoPath) ?? .object([])
            if status != Wire.TaskStatus.successful, let rows = info[Wire.Key.compareResults]?.arrayValue {
                info = info.setting(
                    [Wire.Key.compareResults],
                    to: .array(
                        rows.map {
                            $0.setting(
                                [Wire.Key.status],
                                to: .string(
                                    status == Wire.TaskStatus.running
                                        ? Wire.ResultStatus.comparing : Wire.ResultStatus.canNotCompare))
                        }))
            }
            let (export, remain) = exportState(taskId: created.id, recorded: (Wire.ExportStatus.initial, -1), now: now)
            info = info.setting([Wire.Key.createTime], to: .string(Self.iso(created.created)))
                .setting([Wire.Key.startTime], to: .string(Self.iso(created.created)))
                .setting([Wire.Key.status], to: .string(status))
                .setting([Wire.Key.exportStatus], to: .string(export))
                .setting([Wire.Key.reportRemainSeconds], to: .int(remain))
                .setting([Wire.Key.compareJobId], to: .string(created.id))
            return Self.json(200, body.setting(infoPath, to: info))
        }
        if let wanted, catalog.task(wanted) == nil, store.entry(method: "GET", path: path, query: query) == nil {
            return Self.drsError(400, "DRS.M05003", "Task information not found.")
        }
        guard var reply = lookup(method: "GET", path: path, query: query, page: Paging(offset: 0, limit: nil)) else {
            return unknown("GET", path, query)
        }
        // Exports requested in this session show in the overview.
        let infoPath = [Wire.Key.job, Wire.Key.compareResult, Wire.Key.objectsCompareOverviewInfo]
        if (200..<300).contains(reply.status), let body = try? JSONValue.parse(reply.body),
            let info = body.value(at: infoPath),
            let id = info[Wire.Key.compareJobId]?.stringValue, let task = catalog.task(id)
        {
            let (export, remain) = exportState(
                taskId: id, recorded: (task.exportStatus, task.reportRemainSeconds), now: now)
            if export != task.exportStatus || remain != task.reportRemainSeconds {
                let patched = info.setting([Wire.Key.exportStatus], to: .string(export)).setting(
                    [Wire.Key.reportRemainSeconds], to: .int(remain))
                reply.body = body.setting(infoPath, to: patched).compactBytes
            }
        }
        return reply
    }
}
