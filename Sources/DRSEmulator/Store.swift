import DRSJSON
import DRSReport
import DRSWire
import Foundation

/// The elements of one logical (unpaged) list. Generated elements are kept as compact JSON bytes
/// in one buffer; elements of a replayed archive stay in their recorded files, as byte ranges, and
/// are read and minified when served, so a million-row archive costs 16 bytes a row, not its size.
struct ItemList: Sendable {
    private(set) var bytes: [UInt8] = []
    /// Per element: its byte range in `bytes` (file -1), or in file `file` of `files`.
    private var places: [Place] = []
    private var files: [String] = []

    private struct Place: Sendable {
        var file: Int32
        var length: Int32
        var start: Int64
    }

    var count: Int { places.count }

    mutating func append(_ item: JSONValue) { append(bytes: item.compactBytes) }

    mutating func append(bytes item: [UInt8]) {
        places.append(Place(file: -1, length: Int32(clamping: item.count), start: Int64(bytes.count)))
        bytes.append(contentsOf: item)
    }

    /// Appends the element at `range` of the file at `path` (its bytes are read when served).
    mutating func append(file path: String, range: Range<Int>) {
        if files.last != path { files.append(path) }
        places.append(
            Place(file: Int32(files.count - 1), length: Int32(clamping: range.count), start: Int64(range.lowerBound)))
    }

    /// The compact bytes of element `index`.
    func item(_ index: Int) -> ArraySlice<UInt8> {
        var cache: (file: Int32, bytes: [UInt8])?
        return ArraySlice(bytes(of: index, cache: &cache))
    }

    private func bytes(of index: Int, cache: inout (file: Int32, bytes: [UInt8])?) -> [UInt8] {
        let place = places[index]
        let lower = Int(place.start)
        if place.file < 0 { return Array(bytes[lower..<lower + Int(place.length)]) }
        if cache?.file != place.file {
            // A recorded page, read once per request that needs it (the archive was verified at load).
            let data = FileManager.default.contents(atPath: files[Int(place.file)]) ?? Data()
            cache = (place.file, [UInt8](data))
        }
        guard let file = cache?.bytes, lower + Int(place.length) <= file.count else { return Array("null".utf8) }
        return RawJSONScanner.minified(file[lower..<lower + Int(place.length)])
    }

    /// A JSON array of the elements in `range` (clamped to the list).
    func arrayBytes(_ range: Range<Int>) -> [UInt8] {
        let lower = min(max(0, range.lowerBound), count)
        let upper = min(max(lower, range.upperBound), count)
        var out: [UInt8] = [0x5B]
        var cache: (file: Int32, bytes: [UInt8])?
        for index in lower..<upper {
            if index > lower { out.append(0x2C) }
            out.append(contentsOf: bytes(of: index, cache: &cache))
        }
        out.append(0x5D)
        return out
    }
}

/// A list response kept as one logical list: served in slices for any offset/limit.
struct PagedBody: Sendable {
    /// The response with the paged array left empty; totals as recorded.
    var envelope: JSONValue
    /// Object keys leading to the paged array.
    var arrayPath: [String]
    /// Every element, in order.
    var items: ItemList
    /// Whether the recording asked with offset/limit (a request without them then gets the default page).
    var recordedPaged: Bool

    /// The response for one page.
    func page(offset: Int, limit: Int) -> JSONValue {
        envelope.setting(arrayPath, to: .raw(items.arrayBytes(offset..<(offset + limit))))
    }

    /// The response holding the whole list.
    var whole: JSONValue { envelope.setting(arrayPath, to: .raw(items.arrayBytes(0..<items.count))) }
}

/// One logical response of the dataset.
struct StoreEntry: Sendable {
    /// HTTP method.
    var method: String
    /// Request path.
    var path: String
    /// Query without offset/limit.
    var query: [String: String]
    /// HTTP status.
    var status: Int
    /// When it was recorded (ISO-8601).
    var receivedAt: String
    /// The body.
    var body: Body

    enum Body: Sendable {
        /// Served byte for byte.
        case plain([UInt8])
        /// Served in slices.
        case paged(PagedBody)
    }
}

/// Paging parameters that are not part of a request's identity.
let pagingParameters: Set<String> = [Wire.Key.offset, Wire.Key.limit]

/// The identity of a request: method, path and query without offset/limit, in a fixed order.
func requestKey(method: String, path: String, query: [String: String]) -> String {
    let parts = query.filter { !pagingParameters.contains($0.key) && !$0.value.isEmpty }
        .sorted { $0.key < $1.key }
        .map { "\($0.key)=\($0.value)" }
    return method.uppercased() + " " + path + "?" + parts.joined(separator: "\u{1}")
}

/// Every response the emulator can serve, keyed by request identity.
struct LogicalStore: Sendable {
    var projectId: String
    var jobId: String
    var endpoint: String
    var language: String
    var createdAt: String
    /// Entries by `requestKey`.
    private(set) var entries: [String: StoreEntry] = [:]
    /// Keys in the order first recorded (export order).
    private(set) var order: [String] = []

    init(projectId: String, jobId: String, endpoint: String, language: String, createdAt: String) {
        self.projectId = projectId
        self.jobId = jobId
        self.endpoint = endpoint
        self.language = language
        self.createdAt = createdAt
    }

    /// `/v5/{project_id}/jobs/{job_id}`.
    var jobPath: String { "/v5/\(projectId)/jobs/\(jobId)" }

    mutating func add(_ entry: StoreEntry) {
        let key = requestKey(method: entry.method, path: entry.path, query: entry.query)
        if entries[key] == nil { order.append(key) }
        entries[key] = entry
    }

    /// The entry for exactly this request.
    func entry(method: String, path: String, query: [String: String]) -> StoreEntry? {
        entries[requestKey(method: method, path: path, query: query)]
    }

    /// Entries of `path` whose query equals `query` once `compare_task_id` is removed from them.
    func entriesIgnoringTask(method: String, path: String, query: [String: String]) -> [StoreEntry] {
        let wanted = requestKey(method: method, path: path, query: query)
        return order.compactMap { entries[$0] }.filter { entry in
            entry.method == method.uppercased() && entry.path == path && entry.query[Wire.Key.compareTaskId] != nil
                && requestKey(
                    method: entry.method, path: entry.path,
                    query: entry.query.filter { $0.key != Wire.Key.compareTaskId }) == wanted
        }
    }

    /// All entries in export order.
    var orderedEntries: [StoreEntry] { order.compactMap { entries[$0] } }
}

// MARK: - Paged arrays

/// Array members that DRS pages with offset/limit, most specific first.
let pagedArrayKeys: [String] = [
    Wire.Key.contentsInfos, Wire.Key.dataCompareTaskList, Wire.Key.objectsCompareDetailInfos,
    Wire.Key.lineCompareOverviewInfos,
    Wire.Key.lineCompareDetailInfos, Wire.Key.contentCompareOverviewInfos, Wire.Key.contentCompareDetailInfos,
    Wire.Key.flowCompareData,
    Wire.Key.tableLineCompareResultInfos, Wire.Key.contentCompareResultInfos, Wire.Key.dataCompareOverviewInfos,
    Wire.Key.compareDetail,
    Wire.Key.compareJobs, Wire.Key.compareTaskList, Wire.Key.jobs, Wire.Key.logs,
]

/// The path of the paged array in a list response: a known member, else the first array of objects (breadth first).
func pagedArrayPath(in value: JSONValue) -> [String]? {
    var queue: [([String], JSONValue)] = [([], value)]
    var fallback: [String]?
    var head = 0
    var known: [String]?
    var knownRank = Int.max
    while head < queue.count {
        let (path, node) = queue[head]
        head += 1
        guard case .object(let members) = node else { continue }
        for (key, child) in members {
            switch child {
            case .array(let items):
                if let rank = pagedArrayKeys.firstIndex(of: key), rank < knownRank {
                    known = path + [key]
                    knownRank = rank
                } else if fallback == nil,
                    items.isEmpty
                        || items.contains(where: { if case .object = $0 { return true } else { return false } })
                {
                    fallback = path + [key]
                }
            case .object: queue.append((path + [key], child))
            default: break
            }
        }
    }
    return known ?? fallback
}

// MARK: - Loading an archive

/// Why a dataset could not be loaded.
public struct EmulatorError: Error, LocalizedError, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// Creates an error with a message.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var errorDescription: String? { message }
    /// The message.
    public var description: String { message }
}

extension LogicalStore {
    /// Reads an archive (format v1), verifying every sha256, and merges recorded pages into logical lists.
    static func load(archive folder: URL) throws -> LogicalStore {
        let display = folder.path
        // InputDiscovery checks format, version, file paths, duplicates and times.
        do {
            _ = try InputDiscovery.archive(folder, display: folder.lastPathComponent, inputPath: display)
        } catch {
            throw EmulatorError(error.message)
        }
        let manifestData: Data
        do {
            manifestData = try Data(contentsOf: folder.appendingPathComponent(InputDiscovery.manifestName))
        } catch {
            throw EmulatorError("\(display)/manifest.json: cannot be read")
        }
        let manifest: ArchiveManifest
        do {
            manifest = try JSONDecoder().decode(ArchiveManifest.self, from: manifestData)
        } catch {
            throw EmulatorError("\(display)/manifest.json: not a valid archive manifest")
        }
        guard let jobId = manifest.jobId, !jobId.isEmpty else {
            throw EmulatorError("\(display)/manifest.json: job_id is missing; the emulator serves one job")
        }
        let projectId = manifest.projectId ?? manifest.responses.compactMap { projectFromPath($0.path) }.first ?? ""
        guard !projectId.isEmpty else {
            throw EmulatorError("\(display)/manifest.json: project_id is missing")
        }
        var store = LogicalStore(
            projectId: projectId, jobId: jobId,
            endpoint: manifest.endpoint ?? "https://drs.cn-north-4.myhuaweicloud.com",
            language: manifest.language ?? "en-us", createdAt: manifest.createdAt ?? "1970-01-01T00:00:00Z")

        struct Page {
            var offset: Int
            var hasPaging: Bool
            var status: Int
            var receivedAt: String
            var entry: ArchiveManifest.Entry
            var index: Int
        }
        /// Reads a page's file and checks its sha256 (one page in memory at a time, even for huge archives).
        func read(_ page: Page) throws -> [UInt8] {
            let entry = page.entry
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(entry.file).path) else {
                throw EmulatorError(DRSReportError.archiveFileMissing(archive: display, file: entry.file).message)
            }
            let actual = sha256Hex(data)
            guard actual == entry.sha256.lowercased() else {
                throw EmulatorError(
                    DRSReportError.checksumMismatch(
                        archive: display, file: entry.file, expected: entry.sha256, actual: actual
                    ).message)
            }
            return [UInt8](data)
        }
        var groups: [String: [Page]] = [:]
        var order: [String] = []
        for (index, entry) in manifest.responses.enumerated() {
            let query = entry.query ?? [:]
            let key = requestKey(method: entry.method, path: entry.path, query: query)
            if groups[key] == nil { order.append(key) }
            let offset = query[Wire.Key.offset].flatMap { Int($0) } ?? 0
            let hasPaging = query[Wire.Key.offset] != nil || query[Wire.Key.limit] != nil
            groups[key, default: []].append(
                Page(
                    offset: offset, hasPaging: hasPaging, status: entry.status ?? 200, receivedAt: entry.receivedAt,
                    entry: entry, index: index))
        }
        for key in order {
            guard let pages = groups[key], let first = pages.first else { continue }
            let base = first.entry
            let query = (base.query ?? [:]).filter { !pagingParameters.contains($0.key) }
            let successes = pages.filter { (200..<300).contains($0.status) }
            guard !successes.isEmpty else {
                for page in pages.dropFirst() { _ = try read(page) }
                store.add(
                    StoreEntry(
                        method: base.method.uppercased(), path: base.path, query: query, status: first.status,
                        receivedAt: first.receivedAt, body: .plain(try read(first))))
                continue
            }
            for page in pages where !(200..<300).contains(page.status) { _ = try read(page) }
            // Lowest offset first; for equal offsets the earliest recording wins.
            let sorted = successes.sorted { ($0.offset, $0.index) < ($1.offset, $1.index) }
            let head = sorted[0]
            let headBytes = try read(head)
            let paged = sorted.contains { $0.hasPaging }
            if paged, let (envelope, path) = Self.envelope(headBytes) {
                var items = ItemList()
                for page in sorted {
                    let bytes = page.index == head.index ? headBytes : try read(page)
                    // Overlapping pages (recorded twice, or with another page size) contribute only new rows.
                    let skip = max(0, items.count - page.offset)
                    if let elements = RawJSONScanner.arrayElements(bytes, at: path) {
                        let file = folder.appendingPathComponent(page.entry.file).path
                        for element in elements.dropFirst(skip) { items.append(file: file, range: element) }
                    } else if let parsed = try? JSONValue.parse(bytes), let array = parsed.value(at: path)?.arrayValue {
                        for item in array.dropFirst(skip) { items.append(item) }
                    }
                }
                let body = PagedBody(
                    envelope: envelope.setting(path, to: .array([])), arrayPath: path, items: items, recordedPaged: true
                )
                store.add(
                    StoreEntry(
                        method: base.method.uppercased(), path: base.path, query: query, status: head.status,
                        receivedAt: head.receivedAt, body: .paged(body)))
            } else {
                for page in sorted.dropFirst() { _ = try read(page) }
                store.add(
                    StoreEntry(
                        method: base.method.uppercased(), path: base.path, query: query, status: head.status,
                        receivedAt: head.receivedAt, body: .plain(headBytes)))
            }
        }
        return store
    }

    /// A paged page's envelope and the path of its paged array. The page is first parsed as a
    /// skeleton (every array cut to its first element, over bytes) to find the array, then parsed
    /// again with only that array emptied: a page of 1,000 rows is never built as a tree. Falls back
    /// to the whole parse when the array is found only by shape, not by its DRS key.
    static func envelope(_ bytes: [UInt8]) -> (JSONValue, [String])? {
        if let skeleton = RawJSONScanner.skeleton(bytes), let outline = try? JSONValue.parse(skeleton),
            let path = pagedArrayPath(in: outline), let last = path.last, pagedArrayKeys.contains(last),
            let spliced = RawJSONScanner.emptying(bytes, at: path), let envelope = try? JSONValue.parse(spliced)
        {
            return (envelope, path)
        }
        guard let whole = try? JSONValue.parse(bytes), let path = pagedArrayPath(in: whole) else { return nil }
        return (whole, path)
    }

    /// Project id from `/v3/{project_id}/…` or `/v5/{project_id}/…`.
    static func projectFromPath(_ path: String) -> String? {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 2, parts[0].hasPrefix("v") else { return nil }
        return parts[1]
    }
}

// MARK: - Writing an archive

extension LogicalStore {
    /// Writes the dataset as an archive v1: one response per key holding the whole list, manifest with sha256s.
    func exportArchive(to folder: URL, generator: String) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: folder.appendingPathComponent(InputDiscovery.manifestName).path) {
            throw EmulatorError("\(folder.path): already holds an archive; choose a new folder")
        }
        let responses = folder.appendingPathComponent("responses")
        do {
            try manager.createDirectory(at: responses, withIntermediateDirectories: true)
        } catch {
            throw EmulatorError("\(folder.path): cannot be created (\(error.localizedDescription))")
        }
        var listed: [JSONValue] = []
        for (index, entry) in orderedEntries.enumerated() {
            let name = String(format: "responses/%06d.json", index + 1)
            var query = entry.query
            let bytes: [UInt8]
            switch entry.body {
            case .plain(let raw):
                bytes = raw
            case .paged(let paged):
                bytes = paged.whole.compactBytes
                if paged.recordedPaged {
                    query[Wire.Key.offset] = "0"
                    query[Wire.Key.limit] = String(max(1, paged.items.count))
                }
            }
            let data = Data(bytes)
            do {
                try data.write(to: folder.appendingPathComponent(name))
            } catch {
                throw EmulatorError("\(folder.path)/\(name): cannot be written (\(error.localizedDescription))")
            }
            let queryJSON = JSONValue.object(
                JSONObject(query.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
            listed.append(
                .object([
                    (Wire.Key.file, .string(name)), ("method", .string(entry.method)), ("path", .string(entry.path)),
                    ("query", queryJSON), (Wire.Key.status, .int(entry.status)),
                    ("received_at", .string(entry.receivedAt)),
                    ("sha256", .string(sha256Hex(data))),
                ]))
        }
        let manifest = JSONValue.object([
            ("format", .string("drs-report-archive")), ("version", .int(1)), (Wire.Key.createdAt, .string(createdAt)),
            ("generator", .string(generator)), (Wire.Key.endpoint, .string(endpoint)),
            (Wire.Key.projectId, .string(projectId)),
            (Wire.Key.jobId, .string(jobId)), ("language", .string(language)), ("responses", .array(listed)),
        ])
        var text = manifest.prettyBytes
        text.append(0x0A)
        do {
            try Data(text).write(to: folder.appendingPathComponent(InputDiscovery.manifestName))
        } catch {
            throw EmulatorError("\(folder.path)/manifest.json: cannot be written (\(error.localizedDescription))")
        }
    }
}
