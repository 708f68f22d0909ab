import DRSJSON
import DRSReport
import DRSWire
import Foundation

/// An HTTP request as the engine sees it.
struct EmuRequest: Sendable {
    var method: String
    /// Path as received (percent-encoded, no query).
    var path: String
    /// Query string as received.
    var rawQuery: String?
    /// Header fields; must include `host`.
    var headers: [(String, String)]
    var body: Data
}

/// A complete HTTP response.
struct EmuReply: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
}

/// What the HTTP layer must do.
enum EmuAction: Sendable {
    /// Send this response.
    case reply(EmuReply)
    /// Send the status, headers and full Content-Length of this response but only half its body, then close.
    case truncate(EmuReply)
    /// Close the connection without a response.
    case drop
}

/// A comparison task created through the API.
struct CreatedTask: Sendable {
    var id: String
    var kind: TaskKind
    /// The dataset task whose results it shows.
    var base: String?
    var created: Date
    var cancelledAt: Date?
}

/// Mutable server state, guarded by `Engine.lock`.
struct EngineState: Sendable {
    var requests = 0
    var faultRandom: SeededRandom
    var idRandom: SeededRandom
    var created: [CreatedTask] = []
    /// Export requests by task id.
    var exports: [String: Date] = [:]
}

/// The DRS behaviour: auth, faults, routing, paging, created tasks. Independent of the HTTP framework.
final class Engine: @unchecked Sendable {
    let store: LogicalStore
    let catalog: TaskCatalog
    let config: EmulatorConfiguration
    private let lock = NSLock()
    private var state: EngineState

    /// Largest page DRS accepts.
    static let maxLimit = 1000
    /// Validity of an exported result file.
    static let reportValidity: TimeInterval = 7 * 86_400

    init(dataset: LoadedDataset, config: EmulatorConfiguration) {
        self.store = dataset.store
        self.catalog = dataset.catalog
        self.config = config
        self.state = EngineState(
            faultRandom: SeededRandom(seed: config.seed ^ 0x6661_756C_7473),
            idRandom: SeededRandom(seed: config.seed ^ 0x7461_736B_7369_6473))
    }

    private func locked<T>(_ body: (inout EngineState) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    /// Requests received so far.
    var requestCount: Int { locked { $0.requests } }

    // MARK: - Entry point

    func handle(_ request: EmuRequest, now: @Sendable () -> Date = { Date() }) async -> EmuAction {
        let number = locked { state -> Int in
            state.requests += 1
            return state.requests
        }
        let requestId = Self.requestId(seed: config.seed, number: number)
        func finish(_ reply: EmuReply) -> EmuReply {
            var reply = reply
            reply.headers.append(("X-Request-Id", requestId))
            return reply
        }

        if let failure = authenticate(request, now: now()) {
            return .reply(
                finish(
                    Self.json(
                        401,
                        .object([
                            (Wire.Key.errorCode, .string("APIGW.0301")),
                            (Wire.Key.errorMsg, .string("Incorrect IAM authentication information: \(failure)")),
                            (Wire.Key.requestId, .string(requestId)),
                        ]))))
        }

        let (slow, fault) = faults(for: number)
        if slow > 0 { await Self.sleep(slow) }
        if let fault {
            switch fault.kind {
            case .throttle:
                let retry = fault.delay ?? 1
                var reply = Self.json(
                    429,
                    .object([
                        (Wire.Key.errorCode, .string("APIGW.0308")),
                        (
                            Wire.Key.errorMsg,
                            .string(
                                "The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 minute"
                            )
                        ),
                        (Wire.Key.requestId, .string(requestId)),
                    ]))
                reply.headers.append(("Retry-After", String(Int(retry.rounded(.up)))))
                return .reply(finish(reply))
            case .serverError:
                if let delay = fault.delay { await Self.sleep(delay) }
                return .reply(finish(Self.drsError(500, "DRS.M00004", "Internal server error.")))
            case .drop:
                if let delay = fault.delay { await Self.sleep(delay) }
                return .drop
            case .truncate:
                if let delay = fault.delay { await Self.sleep(delay) }
                return .truncate(finish(route(request, now: now())))
            case .slow:
                break
            }
        }
        return .reply(finish(route(request, now: now())))
    }

    /// The answer to a request whose body is too large to read (counted like any request).
    func bodyTooLarge() -> EmuReply {
        let number = locked { state -> Int in
            state.requests += 1
            return state.requests
        }
        var reply = Self.drsError(413, "DRS.M00007", "Invalid request parameter: the request body is too large.")
        reply.headers.append(("X-Request-Id", Self.requestId(seed: config.seed, number: number)))
        return reply
    }

    static func sleep(_ seconds: Double) async {
        try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }

    /// A deterministic 32-hex-digit request id.
    static func requestId(seed: UInt64, number: Int) -> String {
        var random = SeededRandom(seed: seed &+ UInt64(number) &* 0x2545_F491_4F6C_DD1D)
        return String(format: "%016llx%016llx", random.next(), random.next())
    }

    // MARK: - Auth

    /// nil when the request may proceed, else the reason for a 401.
    func authenticate(_ request: EmuRequest, now: Date) -> String? {
        let auth = config.auth
        guard auth.isRequired else { return nil }
        let authorization = request.headers.contains { $0.0.lowercased() == "authorization" }
        let token = request.headers.first { $0.0.lowercased() == "x-auth-token" }?.1
        if authorization {
            let check = SDKSigner.verify(
                method: request.method, path: request.path, rawQuery: request.rawQuery, headers: request.headers,
                body: request.body, secretKey: { auth.accessKeys[$0] }, now: now, maxSkew: 900)
            if case .valid = check { return nil }
            if token == nil { return "verify aksk signature fail" }
        }
        if let token {
            if let expected = auth.token, Self.constantTimeEqual(token, expected) { return nil }
            return "decrypt token fail"
        }
        return authorization ? "verify aksk signature fail" : "x-auth-token not found"
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }

    // MARK: - Faults

    /// Total `slow` delay and the first other fault that fires for request `number`.
    func faults(for number: Int) -> (Double, FaultSpec?) {
        guard !config.faults.isEmpty else { return (0, nil) }
        return locked { state in
            var slow = 0.0
            var action: FaultSpec?
            for fault in config.faults {
                var fires = fault.nth == number
                if fault.rate > 0, state.faultRandom.unit() < fault.rate { fires = true }
                guard fires else { continue }
                if fault.kind == .slow {
                    slow += fault.delay ?? 1
                } else if action == nil {
                    action = fault
                }
            }
            return (slow, action)
        }
    }

    // MARK: - Routing

    func route(_ request: EmuRequest, now: Date) -> EmuReply {
        let method = request.method.uppercased()
        let segments = request.path.split(separator: "/").map { Self.percentDecode(String($0)) }
        let path = "/" + segments.joined(separator: "/")
        let query = Self.parseQuery(request.rawQuery)

        var offset = 0
        var limit: Int?
        if let text = query[Wire.Key.offset] {
            guard let value = Int(text), value >= 0 else {
                return Self.drsError(400, "DRS.M00210", "The value of parameter offset is invalid.")
            }
            offset = value
        }
        if let text = query[Wire.Key.limit] {
            guard let value = Int(text), value >= 1 else {
                return Self.drsError(400, "DRS.M00210", "The value of parameter limit is invalid.")
            }
            guard value <= Self.maxLimit else {
                return Self.drsError(
                    400, "DRS.M00211", "The value of parameter limit exceeds the upper limit \(Self.maxLimit).")
            }
            limit = value
        }
        let page = Paging(offset: offset, limit: limit)

        if segments.count >= 3, segments[0] == "v3" || segments[0] == "v5", segments[2] == "jobs" {
            guard segments[1] == store.projectId else {
                return Self.drsError(403, "DRS.M00261", "Invalid project ID.")
            }
            if segments.count == 4, segments[3] == "create-compare-task" {
                guard method == "POST" else { return unknown(method, path, query) }
                return createCompareTask(request.body, now: now)
            }
            if segments.count >= 4, segments[3] != "query-compare-result" {
                guard segments[3] == store.jobId else {
                    return Self.drsError(400, "DRS.M05003", "Task information not found.")
                }
                let rest = Array(segments.dropFirst(4))
                if segments[0] == "v5", rest.isEmpty, method == "GET" {
                    return jobDetail(path: path, query: query, page: page, now: now)
                }
                if segments[0] == "v5", rest.count == 2, rest[0] == "compare-progress", method == "GET" {
                    return compareProgress(path: path, taskId: rest[1], now: now)
                }
                if segments[0] == "v3", rest == ["compare", "result", "file"] {
                    if method == "GET" { return downloadResult(path: path, query: query, body: request.body, now: now) }
                    if method == "POST" { return exportResult(request.body, now: now) }
                }
            }
        }
        return lookup(method: method, path: path, query: query, page: page) ?? unknown(method, path, query)
    }

    struct Paging {
        var offset: Int
        var limit: Int?
    }

    func unknown(_ method: String, _ path: String, _ query: [String: String]) -> EmuReply {
        let shown = query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        let request = String((method + " " + path + (shown.isEmpty ? "" : "?" + shown)).prefix(400))
        return Self.drsError(
            400, "DRS.M00007", "Invalid request parameter: the emulator has no response for \(request).")
    }

    /// A stored response, exactly or (without compare_task_id) the newest task's; paged lists sliced.
    func lookup(method: String, path: String, query: [String: String], page: Paging) -> EmuReply? {
        var entry = store.entry(method: method, path: path, query: query)
        if entry == nil, query[Wire.Key.compareTaskId] == nil {
            let candidates = store.entriesIgnoringTask(method: method, path: path, query: query)
            entry = candidates.max { lhs, rhs in
                (catalog.task(lhs.query[Wire.Key.compareTaskId] ?? "")?.startTime ?? "")
                    <= (catalog.task(rhs.query[Wire.Key.compareTaskId] ?? "")?.startTime ?? "")
            }
        }
        guard let entry else { return nil }
        return render(entry, page: page)
    }

    func render(_ entry: StoreEntry, page: Paging) -> EmuReply {
        switch entry.body {
        case .plain(let bytes):
            let binary = entry.path.hasSuffix("/compare/result/file") && (200..<300).contains(entry.status)
            return EmuReply(
                status: entry.status, headers: [("Content-Type", binary ? "application/octet-stream" : Self.jsonType)],
                body: bytes)
        case .paged(let paged):
            let limit = page.limit ?? (paged.recordedPaged ? 10 : max(1, paged.items.count))
            return Self.json(entry.status, paged.page(offset: page.offset, limit: limit))
        }
    }

    // MARK: - Job detail

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

    // MARK: - Progress

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

    // MARK: - Creating tasks

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

    // MARK: - Result files

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

    // MARK: - Helpers

    static let jsonType = "application/json;charset=UTF-8"

    static func json(_ status: Int, _ body: JSONValue) -> EmuReply {
        EmuReply(status: status, headers: [("Content-Type", jsonType)], body: body.compactBytes)
    }

    static func drsError(_ status: Int, _ code: String, _ message: String) -> EmuReply {
        json(status, .object([(Wire.Key.errorCode, .string(code)), (Wire.Key.errorMsg, .string(message))]))
    }

    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    static func percentDecode(_ text: String) -> String { text.removingPercentEncoding ?? text }

    /// Decoded query parameters (`+` stays a plus, as in the SDK's signing); the last of repeated names wins.
    static func parseQuery(_ raw: String?) -> [String: String] {
        guard let raw, !raw.isEmpty else { return [:] }
        var query: [String: String] = [:]
        for component in raw.split(separator: "&") {
            let pair = component.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(pair[0]))
            query[key] = pair.count > 1 ? percentDecode(String(pair[1])) : ""
        }
        return query
    }

    static func replacing(_ old: String, with new: String, in bytes: [UInt8]) -> [UInt8] {
        let needle = Array(old.utf8)
        let replacement = Array(new.utf8)
        guard !needle.isEmpty, bytes.count >= needle.count else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == needle[0], index + needle.count <= bytes.count,
                bytes[index..<index + needle.count].elementsEqual(needle)
            {
                out.append(contentsOf: replacement)
                index += needle.count
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }
}
