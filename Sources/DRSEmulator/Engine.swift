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
    let lock = NSLock()
    var state: EngineState

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

    func locked<T>(_ body: (inout EngineState) -> T) -> T {
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
}
