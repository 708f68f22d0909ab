import DRSJSON
import DRSWire
import Foundation

/// What to fetch.
public struct FetchOptions: Sendable {
    /// Job id.
    public var jobId: String
    /// Specific comparison tasks; empty means the newest task of each kind.
    public var compareTaskIds: [String] = []
    /// Page size (1…1000).
    public var pageSize: Int = 1_000
    /// Requests in flight at once.
    public var concurrency: Int = 4
    /// Save DRS's exported result files (`report-files/`) while they are valid.
    public var downloadReports = false

    public init(jobId: String) {
        self.jobId = jobId
    }
}

/// Progress of a fetch.
public struct FetchProgress: Sendable {
    /// Responses received.
    public var done: Int
    /// Requests known so far (grows as overviews reveal details).
    public var planned: Int
}

/// What a fetch wrote.
public struct FetchSummary: Sendable {
    /// The archive folder.
    public var archive: URL
    /// Responses recorded.
    public var responses: Int
    /// Responses that were DRS error bodies.
    public var drsErrors: Int
    /// Tasks fetched.
    public var taskIds: [String]
    /// Result files saved.
    public var reportFiles: [String]
}

/// Fetches every comparison result of a job into an archive (docs/archive-format.md).
public struct Fetcher: Sendable {
    /// The client.
    public let client: DRSClient
    /// What to fetch.
    public let options: FetchOptions
    /// Progress callback (any thread).
    public let progress: @Sendable (FetchProgress) -> Void

    public init(
        client: DRSClient, options: FetchOptions, progress: @escaping @Sendable (FetchProgress) -> Void = { _ in }
    ) {
        self.client = client
        self.options = options
        self.progress = progress
    }

    /// Fetches into `archive`, which must not exist. Responses are written to a hidden folder beside it
    /// that is renamed into place only when everything succeeded, so a failed or killed fetch never
    /// leaves an archive that looks complete.
    public func fetch(into archive: URL) async throws -> FetchSummary {
        let manager = FileManager.default
        if manager.fileExists(atPath: archive.path) { throw DRSReportError.archiveExists(path: archive.path) }
        let parent = archive.deletingLastPathComponent()
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw DRSReportError.outputNotWritable(path: parent.path, reason: "cannot create the folder")
        }
        Self.removeStalePartials(for: archive)
        let partial = parent.appendingPathComponent(
            ".\(archive.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        )
        TemporaryFolders.shared.add(partial)
        defer { TemporaryFolders.shared.remove(partial) }
        try manager.createDirectory(at: partial.appendingPathComponent("responses"), withIntermediateDirectories: true)
        var keep = false
        defer { if !keep { try? manager.removeItem(at: partial) } }

        let recorder = Recorder(folder: partial, progress: progress)
        let limiter = Limiter(limit: max(1, options.concurrency))
        let run = FetchRun(client: client, options: options, recorder: recorder, limiter: limiter)
        let taskIds = try await run.all()
        var reportFiles: [String] = []
        if options.downloadReports {
            reportFiles = try await run.downloadReports(into: partial, taskIds: Set(taskIds))
        }
        let entries = await recorder.finish()
        let manifest = ArchiveManifest(
            format: "drs-report-archive", version: 1, createdAt: Formatting.iso(client.clock()),
            generator: "drs-report \(DRSReportVersion.current)", endpoint: client.endpoint, projectId: client.projectId,
            jobId: options.jobId, language: client.language, responses: entries,
            reportFiles: await run.reportFileEntries())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try encoder.encode(manifest).write(to: partial.appendingPathComponent(InputDiscovery.manifestName))
        if rename(partial.path, archive.path) != 0 {
            throw DRSReportError.outputNotWritable(path: archive.path, reason: String(cString: strerror(errno)))
        }
        keep = true
        return FetchSummary(
            archive: archive, responses: entries.count, drsErrors: await recorder.drsErrors, taskIds: taskIds,
            reportFiles: reportFiles)
    }
}

extension Fetcher {
    /// Partial archives of fetches that are no longer running (killed with -9) are removed.
    static func removeStalePartials(for archive: URL) {
        let parent = archive.deletingLastPathComponent()
        let prefix = ".\(archive.lastPathComponent).partial-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        where name.hasPrefix(prefix) {
            let pid = Int32(name.dropFirst(prefix.count).split(separator: "-").first ?? "") ?? 0
            guard pid > 0, pid != ProcessInfo.processInfo.processIdentifier, kill(pid, 0) != 0, errno == ESRCH else {
                continue
            }
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
        }
    }
}

/// Bounds requests in flight.
actor Limiter {
    private let limit: Int
    private var inFlight = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = limit
    }

    func acquire() async {
        if inFlight < limit {
            inFlight += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            inFlight -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// Writes each response to disk as it arrives and orders the manifest by plan position, so the
/// archive is the same whatever order concurrent responses arrived in.
actor Recorder {
    private let folder: URL
    private let progress: @Sendable (FetchProgress) -> Void
    private var recorded: [(key: [Int], temp: String, entry: ArchiveManifest.Entry)] = []
    private var planned = 0
    private var done = 0
    private(set) var drsErrors = 0

    init(folder: URL, progress: @escaping @Sendable (FetchProgress) -> Void) {
        self.folder = folder
        self.progress = progress
    }

    func plan(_ count: Int) {
        planned += count
        progress(FetchProgress(done: done, planned: planned))
    }

    func record(key: [Int], method: String, path: String, query: [(String, String)], response: ReceivedResponse) throws
    {
        let temp = "responses/.r\(recorded.count).json"
        // A server that echoes a credential must not put it into the archive.
        var response = response
        if let redacted = Redact.bytes(response.body) { response.body = redacted }
        try response.body.write(to: folder.appendingPathComponent(temp))
        var queryMap: [String: String] = [:]
        for (name, value) in query { queryMap[name] = value }
        let entry = ArchiveManifest.Entry(
            file: temp, method: method, path: path, query: queryMap, status: response.status,
            receivedAt: Formatting.iso(response.receivedAt), sha256: sha256Hex(response.body))
        recorded.append((key, temp, entry))
        if response.drsError != nil { drsErrors += 1 }
        done += 1
        progress(FetchProgress(done: done, planned: max(planned, done)))
    }

    func finish() -> [ArchiveManifest.Entry] {
        let ordered = recorded.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var entries: [ArchiveManifest.Entry] = []
        for (index, item) in ordered.enumerated() {
            let name = String(format: "responses/%06d.json", index + 1)
            try? FileManager.default.moveItem(
                at: folder.appendingPathComponent(item.temp), to: folder.appendingPathComponent(name))
            var entry = item.entry
            entry.file = name
            entries.append(entry)
        }
        return entries
    }
}

/// The fetch plan (issue: "What it fetches").
struct FetchRun: Sendable {
    let client: DRSClient
    let options: FetchOptions
    let recorder: Recorder
    let limiter: Limiter
    private let files = ReportFiles()

    init(client: DRSClient, options: FetchOptions, recorder: Recorder, limiter: Limiter) {
        self.client = client
        self.options = options
        self.recorder = recorder
        self.limiter = limiter
    }

    /// Path segments are percent-encoded: ids come from the user and from the server.
    var jobPath: String { "/v5/\(Self.segment(client.projectId))/jobs/\(Self.segment(options.jobId))" }

    static func segment(_ value: String) -> String { SDKSigner.percentEncode(value) }

    /// Pages of one query at most: 100,000 pages of 1,000 rows is a hundred million rows. A `total_count`
    /// beyond it is not believed; paging also ends at the first short or empty page.
    static let maxPages = 100_000

    /// One request through the limiter, recorded under its plan key.
    func get(_ key: [Int], path: String, query: [(String, String)]) async throws -> ReceivedResponse {
        await limiter.acquire()
        let response: ReceivedResponse
        do {
            // Once the fetch has failed, requests still queued behind the limiter are not sent.
            try Task.checkCancellation()
            response = try await client.send(method: "GET", path: path, query: query)
        } catch {
            await limiter.release()
            throw error
        }
        await limiter.release()
        try await recorder.record(key: key, method: "GET", path: path, query: query, response: response)
        return response
    }

    /// All pages of a paged query: the first page gives the total; the rest go in parallel. A page
    /// shorter than asked, or an empty one, also ends the paging, so it can never loop forever.
    /// Every body goes to its file as it arrives; the parsed pages are returned only with `keep`
    /// (task lists and overviews, which plan further requests), so a million diff rows are never
    /// held: fetch memory stays flat in the size of the archive.
    func pages(
        _ key: [Int], path: String, query: [(String, String)], keep: Bool = false,
        items: @escaping @Sendable (JSONValue) -> Int,
        total: @escaping @Sendable (JSONValue) -> Int?
    ) async throws -> [JSONValue] {
        let limit = min(1_000, max(1, options.pageSize))
        await recorder.plan(1)
        let first = try await get(
            key + [0], path: path, query: query + [(Wire.Key.offset, "0"), (Wire.Key.limit, String(limit))])
        guard first.status == 200, let firstValue = try? JSONParser.parse(first.body) else { return [] }
        let count = items(firstValue)
        guard let reported = total(firstValue), count == limit, reported > limit else {
            return keep ? [firstValue] : []
        }
        // The total is the server's word: pages go out in waves of the concurrency limit, and the
        // first short or empty page ends the paging, whatever the total said. A total that needs more
        // pages than any real job is refused at once rather than believed.
        let pageCount = (reported / limit) + (reported % limit == 0 ? 0 : 1)
        guard pageCount <= Self.maxPages else {
            throw DRSReportError.unexpectedResponse(
                request: "GET " + path, status: first.status,
                reason:
                    "total_count \(reported) would take \(pageCount) pages of \(limit), more than the \(Self.maxPages) pages drs-report fetches for one query (raise --page-size, up to 1000)",
                requestId: first.requestId)
        }
        let wave = max(1, options.concurrency)
        var values: [JSONValue] = keep ? [firstValue] : []
        var next = 1
        var ended = false
        while next < pageCount && !ended {
            let pages = next..<min(pageCount, next + wave)
            await recorder.plan(pages.count)
            let results = try await withThrowingTaskGroup(of: (page: Int, value: JSONValue?, count: Int?).self) {
                group in
                for page in pages {
                    group.addTask {
                        let response = try await get(
                            key + [page], path: path,
                            query: query + [(Wire.Key.offset, String(page * limit)), (Wire.Key.limit, String(limit))])
                        guard response.status == 200, let value = try? JSONParser.parse(response.body) else {
                            return (page, nil, nil)
                        }
                        // Only the item count is kept of a page nobody reads again.
                        return (page, keep ? value : nil, items(value))
                    }
                }
                var collected: [(page: Int, value: JSONValue?, count: Int?)] = []
                for try await result in group { collected.append(result) }
                return collected.sorted { $0.page < $1.page }
            }
            for result in results {
                guard let count = result.count else {
                    ended = true
                    continue
                }
                if let value = result.value { values.append(value) }
                if count < limit { ended = true }
            }
            next = pages.upperBound
        }
        return values
    }

    static func compareResult(_ value: JSONValue) -> JSONValue? { value[Wire.Key.job]?[Wire.Key.compareResult] }
    static func count(_ value: JSONValue?) -> Int {
        if case .array(let items) = value ?? .null { return items.count } else { return 0 }
    }
    /// Counts and ids are read as ingest reads them (DRSJSON's `wholeNumber` and `textValue`): a
    /// task id sent as a number, or a count sent as "3" or 3.0, is not dropped.
    static func number(_ value: JSONValue?) -> Int? { value?.wholeNumber.flatMap { Int(exactly: $0) } }
    static func string(_ value: JSONValue?) -> String? { value?.textValue }

    /// Runs the whole plan; returns the task ids fetched.
    func all() async throws -> [String] {
        // 0. The job itself: its name, status, engines and region name the report. A job DRS does not
        // know (a mistyped id) fails the fetch here, instead of archiving "not found" for every query.
        await recorder.plan(1)
        let detail = try await get([0], path: jobPath, query: [(Wire.Key.type, "detail")])
        if let error = detail.drsError, !(200..<300).contains(detail.status) {
            throw DRSReportError.jobNotFetched(
                jobId: options.jobId, status: detail.status, code: error.code, message: error.message,
                requestId: detail.requestId)
        }
        let base: [(String, String)] = [(Wire.Key.type, "compare")]
        // 1. The data-level task list.
        let listPages = try await pages(
            [1], path: jobPath, query: base + [(Wire.Key.compareType, "data_compare"), (Wire.Key.queryType, "list")],
            keep: true,
            items: { Self.count(Self.compareResult($0)?[Wire.Key.dataCompareTaskList]) },
            total: { Self.number($0[Wire.Key.job]?[Wire.Key.totalCount]) })
        var tasks: [(id: String, type: String, status: String, start: String)] = []
        for page in listPages {
            if case .array(let items) = Self.compareResult(page)?[Wire.Key.dataCompareTaskList] ?? .null {
                for item in items {
                    guard let id = Self.string(item[Wire.Key.id]) else { continue }
                    tasks.append(
                        (
                            id, Self.string(item[Wire.Key.type]) ?? "", Self.string(item[Wire.Key.status]) ?? "",
                            Self.string(item[Wire.Key.startTime]) ?? ""
                        ))
                }
            }
        }
        func newest(_ kind: CompareKind) -> String? {
            tasks.enumerated().filter { CompareKind.from($0.element.type) == kind }
                .max { a, b in
                    a.element.start != b.element.start ? a.element.start < b.element.start : a.offset > b.offset
                }?.element.id
        }
        let chosen = options.compareTaskIds
        let lineTask =
            chosen.isEmpty
            ? newest(.line)
            : chosen.first { id in tasks.contains { $0.id == id && CompareKind.from($0.type) == .line } }
        let contentTask =
            chosen.isEmpty
            ? newest(.content)
            : chosen.first { id in tasks.contains { $0.id == id && CompareKind.from($0.type) == .content } }
        let objectTask = chosen.first { id in !tasks.contains { $0.id == id } }

        let running = Wire.TaskStatus.inProgress
        var fetched: [String] = []
        try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { try await objects(task: objectTask) }
            if let lineTask {
                group.addTask {
                    try await dataLevel(.line, task: lineTask, key: 3)
                    return lineTask
                }
            }
            if let contentTask {
                group.addTask {
                    try await dataLevel(.content, task: contentTask, key: 4)
                    return contentTask
                }
            }
            for (index, task) in tasks.enumerated()
            where running.contains(task.status.uppercased()) && [lineTask, contentTask].contains(task.id) {
                group.addTask {
                    await recorder.plan(1)
                    _ = try await get(
                        [5, index], path: jobPath + "/compare-progress/\(Self.segment(task.id))", query: [])
                    return nil
                }
            }
            group.addTask {
                _ = try await pages(
                    [6], path: jobPath + "/progress-data/table", query: [],
                    items: { Self.count($0[Wire.Key.flowCompareData]) }, total: { Self.number($0[Wire.Key.count]) })
                return nil
            }
            for try await id in group {
                if let id { fetched.append(id) }
            }
        }
        // Export state and expiry come from the list and the object overview; keep what we saw for downloads.
        await files.note(tasks: tasks.map { ($0.id, $0.type) }, listPages: listPages)
        return fetched.sorted()
    }

    /// Object comparison: overview, then details for DB, TABLE and INDEX as the overview reports them.
    func objects(task: String?) async throws -> String? {
        var query: [(String, String)] = [
            (Wire.Key.type, "compare"), (Wire.Key.compareType, "object_compare"), (Wire.Key.queryType, "overview"),
        ]
        if let task { query.append((Wire.Key.compareTaskId, task)) }
        await recorder.plan(1)
        let overview = try await get([2, 0], path: jobPath, query: query)
        guard overview.status == 200, let value = try? JSONParser.parse(overview.body),
            let info = Self.compareResult(value)?[Wire.Key.objectsCompareOverviewInfo]
        else { return nil }
        await files.note(objectOverview: info)
        let id = Self.string(info[Wire.Key.compareJobId]) ?? task
        var types: [String] = []
        if case .array(let results) = info[Wire.Key.compareResults] ?? .null {
            for result in results {
                if let type = Self.string(result[Wire.Key.type]), ["DB", "TABLE", "INDEX"].contains(type.uppercased()) {
                    types.append(type)
                }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, type) in types.enumerated() {
                group.addTask {
                    var detail: [(String, String)] = [
                        (Wire.Key.type, "compare"), (Wire.Key.compareType, "object_compare"),
                        (Wire.Key.queryType, "detail"), (Wire.Key.objectType, type),
                    ]
                    if let id { detail.append((Wire.Key.compareTaskId, id)) }
                    _ = try await pages(
                        [2, 1, index], path: jobPath, query: detail,
                        items: { Self.count(Self.compareResult($0)?[Wire.Key.objectsCompareDetailInfos]) },
                        total: { Self.number($0[Wire.Key.job]?[Wire.Key.totalCount]) })
                }
            }
            try await group.waitForAll()
        }
        return id
    }

    /// Line or content comparison: overview, then per database pair the details (compare and uncompare) and, for content, the diffs.
    func dataLevel(_ kind: CompareKind, task: String, key: Int) async throws {
        let compareType = kind == .line ? "line_compare" : "content_compare"
        let base: [(String, String)] = [
            (Wire.Key.type, "compare"), (Wire.Key.compareType, compareType), (Wire.Key.compareTaskId, task),
        ]
        let overviewKey = kind == .line ? Wire.Key.lineCompareOverviewInfos : Wire.Key.contentCompareOverviewInfos
        let overviews = try await pages(
            [key, 0], path: jobPath, query: base + [(Wire.Key.queryType, "overview")], keep: true,
            items: { Self.count(Self.compareResult($0)?[overviewKey]) },
            total: { Self.number($0[Wire.Key.job]?[Wire.Key.totalCount]) })
        var pairs: [(String, String)] = []
        for page in overviews {
            guard case .array(let items) = Self.compareResult(page)?[overviewKey] ?? .null else { continue }
            for item in items {
                guard let source = Self.string(item[Wire.Key.sourceDbName]) ?? Self.string(item[Wire.Key.sourceDb])
                else { continue }
                let target = Self.string(item[Wire.Key.targetDbName]) ?? Self.string(item[Wire.Key.targetDb]) ?? source
                if !pairs.contains(where: { $0 == (source, target) }) { pairs.append((source, target)) }
            }
        }
        let detailKey = kind == .line ? Wire.Key.lineCompareDetailInfos : Wire.Key.contentCompareDetailInfos
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, pair) in pairs.enumerated() {
                let pairQuery = base + [(Wire.Key.sourceDbName, pair.0), (Wire.Key.targetDbName, pair.1)]
                for (detailIndex, detailType) in ["compare", "uncompare"].enumerated() {
                    group.addTask {
                        _ = try await pages(
                            [key, 1, index, detailIndex], path: jobPath,
                            query: pairQuery + [
                                (Wire.Key.queryType, "detail"), (Wire.Key.compareDetailType, detailType),
                            ],
                            items: { Self.count(Self.compareResult($0)?[detailKey]) },
                            total: { Self.number($0[Wire.Key.job]?[Wire.Key.totalCount]) })
                    }
                }
                if kind == .content {
                    group.addTask {
                        _ = try await pages(
                            [key, 1, index, 2], path: jobPath, query: pairQuery + [(Wire.Key.queryType, "diff")],
                            items: {
                                Self.count(
                                    Self.compareResult($0)?[Wire.Key.contentDiffDetailInfo]?[Wire.Key.contentsInfos])
                            },
                            total: {
                                Self.number(Self.compareResult($0)?[Wire.Key.contentDiffDetailInfo]?[Wire.Key.count])
                            })
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Saves DRS's exported result files while they are still valid (`--download-report`).
    func downloadReports(into folder: URL, taskIds: Set<String>) async throws -> [String] {
        let candidates = await files.downloadable().filter { taskIds.contains($0.taskId) }
        guard !candidates.isEmpty else { return [] }
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("report-files"), withIntermediateDirectories: true)
        var saved: [String] = []
        for candidate in candidates {
            var query: [(String, String)] = [(Wire.Key.compareType, candidate.compareType)]
            if candidate.compareType != "objects_comparison" { query.append((Wire.Key.compareJobId, candidate.taskId)) }
            let response = try await client.send(
                method: "GET",
                path: "/v3/\(Self.segment(client.projectId))/jobs/\(Self.segment(options.jobId))/compare/result/file",
                query: query, expectsJSON: false)
            guard response.status == 200, response.drsError == nil, !response.body.isEmpty else { continue }
            // The task id comes from the server: reduce it to a safe name, and check where it lands.
            let name = "report-files/\(Self.safeName(candidate.taskId))-\(Self.safeName(candidate.compareType)).bin"
            let target = folder.appendingPathComponent(name).standardizedFileURL
            guard target.path.hasPrefix(folder.standardizedFileURL.path + "/report-files/") else {
                throw DRSReportError.unexpectedResponse(
                    request: "GET /v3/…/compare/result/file", status: response.status,
                    reason: "a task id that names no safe file", requestId: nil)
            }
            try response.body.write(to: target)
            await files.saved(
                ArchiveManifest.ReportFile(
                    file: name, compareType: candidate.compareType, compareJobId: candidate.taskId,
                    receivedAt: Formatting.iso(response.receivedAt), sha256: sha256Hex(response.body)))
            saved.append(name)
        }
        return saved
    }

    /// A server-given string as a file name: letters, digits, `-`, `_` and `.` only (others become
    /// `_`), no leading dot, at most 100 characters, never empty; a digest suffix keeps two ids that
    /// reduce alike apart.
    static func safeName(_ value: String) -> String {
        var name = String(
            value.unicodeScalars.map { scalar -> Character in
                let ok =
                    (scalar.value >= 0x30 && scalar.value <= 0x39) || (scalar.value >= 0x41 && scalar.value <= 0x5A)
                    || (scalar.value >= 0x61 && scalar.value <= 0x7A) || scalar == "-" || scalar == "_" || scalar == "."
                return ok ? Character(scalar) : "_"
            })
        while name.hasPrefix(".") { name = "_" + name.dropFirst() }
        if name.count > 100 { name = String(name.prefix(100)) }
        if name.isEmpty { name = "_" }
        if name != value { name += "-" + String(sha256Hex(Data(value.utf8)).prefix(8)) }
        return name
    }

    func reportFileEntries() async -> [ArchiveManifest.ReportFile]? {
        let entries = await files.entries
        return entries.isEmpty ? nil : entries
    }
}

/// Export states seen during the fetch, and the result files saved.
actor ReportFiles {
    private var candidates: [(taskId: String, compareType: String)] = []
    private(set) var entries: [ArchiveManifest.ReportFile] = []

    func note(objectOverview info: JSONValue) {
        if FetchRun.string(info[Wire.Key.exportStatus]) == Wire.ExportStatus.complete,
            (FetchRun.number(info[Wire.Key.reportRemainSeconds]) ?? -1) > 0,
            let id = FetchRun.string(info[Wire.Key.compareJobId])
        {
            candidates.append((id, "objects_comparison"))
        }
    }

    func note(tasks: [(String, String)], listPages: [JSONValue]) {
        for page in listPages {
            guard case .array(let items) = FetchRun.compareResult(page)?[Wire.Key.dataCompareTaskList] ?? .null else {
                continue
            }
            for item in items
            where FetchRun.string(item[Wire.Key.exportStatus]) == Wire.ExportStatus.complete
                && (FetchRun.number(item[Wire.Key.reportRemainSeconds]) ?? -1) > 0
            {
                guard let id = FetchRun.string(item[Wire.Key.id]) else { continue }
                let type = FetchRun.string(item[Wire.Key.type]) ?? ""
                candidates.append((id, type == "lines" || type == "contents" || type == "random" ? type : "contents"))
            }
        }
    }

    func downloadable() -> [(taskId: String, compareType: String)] {
        var seen = Set<String>()
        return candidates.filter { seen.insert($0.taskId).inserted }.sorted { $0.taskId < $1.taskId }
    }

    func saved(_ entry: ArchiveManifest.ReportFile) {
        entries.append(entry)
    }
}
