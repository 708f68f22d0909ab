import DRSCore
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

    /// Options to fetch job `jobId`: every newest task, pages of 1,000, 4 requests in flight.
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

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(done: Int, planned: Int) {
        self.done = done
        self.planned = planned
    }
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

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(archive: URL, responses: Int, drsErrors: Int, taskIds: [String], reportFiles: [String]) {
        self.archive = archive
        self.responses = responses
        self.drsErrors = drsErrors
        self.taskIds = taskIds
        self.reportFiles = reportFiles
    }
}

/// Fetches every comparison result of a job into an archive (docs/archive-format.md).
public struct Fetcher: Sendable {
    /// The client.
    public let client: DRSClient
    /// What to fetch.
    public let options: FetchOptions
    /// Progress callback (any thread).
    public let progress: @Sendable (FetchProgress) -> Void

    /// A fetcher of one job through `client`.
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
        try encoder.encode(manifest).write(to: partial.appendingPathComponent(ArchiveManifest.fileName))
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
    package static func removeStalePartials(for archive: URL) {
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
package actor Limiter {
    package let limit: Int
    package var inFlight = 0
    package var waiting: [CheckedContinuation<Void, Never>] = []

    package init(limit: Int) {
        self.limit = limit
    }

    package func acquire() async {
        if inFlight < limit {
            inFlight += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    package func release() {
        if waiting.isEmpty {
            inFlight -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// Writes each response to disk as it arrives and orders the manifest by plan position, so the
/// archive is the same whatever order concurrent responses arrived in.
package actor Recorder {
    package let folder: URL
    package let progress: @Sendable (FetchProgress) -> Void
    package var recorded: [(key: [Int], temp: String, entry: ArchiveManifest.Entry)] = []
    package var planned = 0
    package var done = 0
    package private(set) var drsErrors = 0

    package init(folder: URL, progress: @escaping @Sendable (FetchProgress) -> Void) {
        self.folder = folder
        self.progress = progress
    }

    package func plan(_ count: Int) {
        planned += count
        progress(FetchProgress(done: done, planned: planned))
    }

    package func record(key: [Int], method: String, path: String, query: [(String, String)], response: ReceivedResponse)
        throws
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

    package func finish() -> [ArchiveManifest.Entry] {
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
package struct FetchRun: Sendable {
    package let client: DRSClient
    package let options: FetchOptions
    package let recorder: Recorder
    package let limiter: Limiter
    package let files = ReportFiles()

    package init(client: DRSClient, options: FetchOptions, recorder: Recorder, limiter: Limiter) {
        self.client = client
        self.options = options
        self.recorder = recorder
        self.limiter = limiter
    }

    /// Path segments are percent-encoded: ids come from the user and from the server.
    package var jobPath: String { "/v5/\(Self.segment(client.projectId))/jobs/\(Self.segment(options.jobId))" }

    package static func segment(_ value: String) -> String { SDKSigner.percentEncode(value) }

    /// Pages of one query at most: 100,000 pages of 1,000 rows is a hundred million rows. A `total_count`
    /// beyond it is not believed; paging also ends at the first short or empty page.
    package static let maxPages = 100_000

    /// One request through the limiter, recorded under its plan key.
    package func get(_ key: [Int], path: String, query: [(String, String)]) async throws -> ReceivedResponse {
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
    package func pages(
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
                    "total_count \(reported) would take \(pageCount) pages of \(limit), more than the \(Self.maxPages) pages drs-report fetches for one query (raise \(OptionName.pageSize.ref), up to 1000)",
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

    package static func compareResult(_ value: JSONValue) -> JSONValue? { value[Wire.Key.job]?[Wire.Key.compareResult] }
    package static func count(_ value: JSONValue?) -> Int {
        if case .array(let items) = value ?? .null { return items.count } else { return 0 }
    }
    /// Counts and ids are read as ingest reads them (DRSJSON's `wholeNumber` and `textValue`): a
    /// task id sent as a number, or a count sent as "3" or 3.0, is not dropped.
    package static func number(_ value: JSONValue?) -> Int? { value?.wholeNumber.flatMap { Int(exactly: $0) } }
    package static func string(_ value: JSONValue?) -> String? { value?.textValue }

}
