import DRSReport
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

    mutating func append(_ item: EJSON) { append(bytes: item.compactBytes) }

    mutating func append(bytes item: [UInt8]) {
        places.append(Place(file: -1, length: Int32(clamping: item.count), start: Int64(bytes.count)))
        bytes.append(contentsOf: item)
    }

    /// Appends the element at `range` of the file at `path` (its bytes are read when served).
    mutating func append(file path: String, range: Range<Int>) {
        if files.last != path { files.append(path) }
        places.append(Place(file: Int32(files.count - 1), length: Int32(clamping: range.count), start: Int64(range.lowerBound)))
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
    var envelope: EJSON
    /// Object keys leading to the paged array.
    var arrayPath: [String]
    /// Every element, in order.
    var items: ItemList
    /// Whether the recording asked with offset/limit (a request without them then gets the default page).
    var recordedPaged: Bool

    /// The response for one page.
    func page(offset: Int, limit: Int) -> EJSON {
        envelope.setting(arrayPath, to: .raw(items.arrayBytes(offset..<(offset + limit))))
    }

    /// The response holding the whole list.
    var whole: EJSON { envelope.setting(arrayPath, to: .raw(items.arrayBytes(0..<items.count))) }
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
let pagingParameters: Set<String> = ["offset", "limit"]

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
            entry.method == method.uppercased() && entry.path == path && entry.query["compare_task_id"] != nil
                && requestKey(method: entry.method, path: entry.path, query: entry.query.filter { $0.key != "compare_task_id" }) == wanted
        }
    }

    /// All entries in export order.
    var orderedEntries: [StoreEntry] { order.compactMap { entries[$0] } }
}

// MARK: - Paged arrays

/// Array members that DRS pages with offset/limit, most specific first.
let pagedArrayKeys: [String] = [
    "contents_infos", "data_compare_task_list", "objects_compare_detail_infos", "line_compare_overview_infos",
    "line_compare_detail_infos", "content_compare_overview_infos", "content_compare_detail_infos", "flow_compare_data",
    "table_line_compare_result_infos", "content_compare_result_infos", "data_compare_overview_infos", "compare_detail",
    "compare_jobs", "compare_task_list", "jobs", "logs",
]

/// The path of the paged array in a list response: a known member, else the first array of objects (breadth first).
func pagedArrayPath(in value: EJSON) -> [String]? {
    var queue: [([String], EJSON)] = [([], value)]
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
                } else if fallback == nil, items.isEmpty || items.contains(where: { if case .object = $0 { return true } else { return false } }) {
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
            projectId: projectId, jobId: jobId, endpoint: manifest.endpoint ?? "https://drs.cn-north-4.myhuaweicloud.com",
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
                    DRSReportError.checksumMismatch(archive: display, file: entry.file, expected: entry.sha256, actual: actual).message)
            }
            return [UInt8](data)
        }
        var groups: [String: [Page]] = [:]
        var order: [String] = []
        for (index, entry) in manifest.responses.enumerated() {
            let query = entry.query ?? [:]
            let key = requestKey(method: entry.method, path: entry.path, query: query)
            if groups[key] == nil { order.append(key) }
            let offset = query["offset"].flatMap { Int($0) } ?? 0
            let hasPaging = query["offset"] != nil || query["limit"] != nil
            groups[key, default: []].append(
                Page(offset: offset, hasPaging: hasPaging, status: entry.status ?? 200, receivedAt: entry.receivedAt, entry: entry, index: index))
        }
        for key in order {
            guard let pages = groups[key], let first = pages.first else { continue }
            let base = first.entry
            let query = (base.query ?? [:]).filter { !pagingParameters.contains($0.key) }
            let successes = pages.filter { (200..<300).contains($0.status) }
            guard !successes.isEmpty else {
                for page in pages.dropFirst() { _ = try read(page) }
                store.add(StoreEntry(method: base.method.uppercased(), path: base.path, query: query, status: first.status,
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
                    } else if let parsed = try? EJSON.parse(bytes), let array = parsed.value(at: path)?.arrayValue {
                        for item in array.dropFirst(skip) { items.append(item) }
                    }
                }
                let body = PagedBody(envelope: envelope.setting(path, to: .array([])), arrayPath: path, items: items, recordedPaged: true)
                store.add(StoreEntry(method: base.method.uppercased(), path: base.path, query: query, status: head.status,
                                     receivedAt: head.receivedAt, body: .paged(body)))
            } else {
                for page in sorted.dropFirst() { _ = try read(page) }
                store.add(StoreEntry(method: base.method.uppercased(), path: base.path, query: query, status: head.status,
                                     receivedAt: head.receivedAt, body: .plain(headBytes)))
            }
        }
        return store
    }

    /// A paged page's envelope and the path of its paged array. The page is first parsed as a
    /// skeleton (every array cut to its first element, over bytes) to find the array, then parsed
    /// again with only that array emptied: a page of 1,000 rows is never built as a tree. Falls back
    /// to the whole parse when the array is found only by shape, not by its DRS key.
    static func envelope(_ bytes: [UInt8]) -> (EJSON, [String])? {
        if let skeleton = RawJSONScanner.skeleton(bytes), let outline = try? EJSON.parse(skeleton),
           let path = pagedArrayPath(in: outline), let last = path.last, pagedArrayKeys.contains(last),
           let spliced = RawJSONScanner.emptying(bytes, at: path), let envelope = try? EJSON.parse(spliced)
        {
            return (envelope, path)
        }
        guard let whole = try? EJSON.parse(bytes), let path = pagedArrayPath(in: whole) else { return nil }
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
        var listed: [EJSON] = []
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
                    query["offset"] = "0"
                    query["limit"] = String(max(1, paged.items.count))
                }
            }
            let data = Data(bytes)
            do {
                try data.write(to: folder.appendingPathComponent(name))
            } catch {
                throw EmulatorError("\(folder.path)/\(name): cannot be written (\(error.localizedDescription))")
            }
            let queryJSON = EJSON.object(query.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            listed.append(.object([
                ("file", .string(name)), ("method", .string(entry.method)), ("path", .string(entry.path)),
                ("query", queryJSON), ("status", .int(entry.status)), ("received_at", .string(entry.receivedAt)),
                ("sha256", .string(sha256Hex(data))),
            ]))
        }
        let manifest = EJSON.object([
            ("format", .string("drs-report-archive")), ("version", .int(1)), ("created_at", .string(createdAt)),
            ("generator", .string(generator)), ("endpoint", .string(endpoint)), ("project_id", .string(projectId)),
            ("job_id", .string(jobId)), ("language", .string(language)), ("responses", .array(listed)),
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

// MARK: - Fast paths for large pages

/// Finds array elements in JSON bytes without building a tree (pages of a million-row archive load quickly).
enum RawJSONScanner {
    struct Malformed: Error {}

    /// Byte ranges of the elements of the array at `path` (object keys), or nil if the bytes do not have that shape.
    static func arrayElements(_ bytes: [UInt8], at path: [String]) -> [Range<Int>]? {
        try? bytes.withUnsafeBufferPointer { buffer -> [Range<Int>] in
            var index = skipSpace(buffer, 0)
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { index = skipSpace(buffer, 3) }
            for key in path {
                index = try member(buffer, object: index, key: Array(key.utf8))
            }
            guard index < buffer.count, buffer[index] == 0x5B else { throw Malformed() }
            var ranges: [Range<Int>] = []
            index = skipSpace(buffer, index + 1)
            if index < buffer.count, buffer[index] == 0x5D { return ranges }
            while true {
                let start = index
                let end = try skipValue(buffer, start)
                ranges.append(start..<end)
                index = skipSpace(buffer, end)
                guard index < buffer.count else { throw Malformed() }
                if buffer[index] == 0x2C { index = skipSpace(buffer, index + 1); continue }
                if buffer[index] == 0x5D { return ranges }
                throw Malformed()
            }
        }
    }

    /// The document with every array cut to its first element (keys, order and scalars kept).
    static func skeleton(_ bytes: [UInt8]) -> [UInt8]? {
        try? bytes.withUnsafeBufferPointer { buffer -> [UInt8] in
            var index = skipSpace(buffer, 0)
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { index = skipSpace(buffer, 3) }
            var out: [UInt8] = []
            out.reserveCapacity(4096)
            index = skipSpace(buffer, try copyOutline(buffer, index, &out))
            guard index == buffer.count else { throw Malformed() }
            return out
        }
    }

    /// The document with the array at `path` replaced by `[]`.
    static func emptying(_ bytes: [UInt8], at path: [String]) -> [UInt8]? {
        try? bytes.withUnsafeBufferPointer { buffer -> [UInt8] in
            var index = skipSpace(buffer, 0)
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { index = skipSpace(buffer, 3) }
            for key in path { index = try member(buffer, object: index, key: Array(key.utf8)) }
            guard index < buffer.count, buffer[index] == 0x5B else { throw Malformed() }
            let end = try skipValue(buffer, index)
            return Array(buffer[..<index]) + [0x5B, 0x5D] + Array(buffer[end...])
        }
    }

    private static func copyOutline(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ out: inout [UInt8]) throws -> Int {
        guard start < b.count else { throw Malformed() }
        var i = start
        switch b[i] {
        case 0x7B:
            out.append(0x7B)
            i = skipSpace(b, i + 1)
            if i < b.count, b[i] == 0x7D { out.append(0x7D); return i + 1 }
            while true {
                guard i < b.count, b[i] == 0x22 else { throw Malformed() }
                let keyEnd = try skipString(b, i)
                out.append(contentsOf: b[i..<keyEnd])
                i = skipSpace(b, keyEnd)
                guard i < b.count, b[i] == 0x3A else { throw Malformed() }
                out.append(0x3A)
                i = skipSpace(b, try copyOutline(b, skipSpace(b, i + 1), &out))
                guard i < b.count else { throw Malformed() }
                if b[i] == 0x2C { out.append(0x2C); i = skipSpace(b, i + 1); continue }
                if b[i] == 0x7D { out.append(0x7D); return i + 1 }
                throw Malformed()
            }
        case 0x5B:
            out.append(0x5B)
            i = skipSpace(b, i + 1)
            if i < b.count, b[i] == 0x5D { out.append(0x5D); return i + 1 }
            i = skipSpace(b, try copyOutline(b, i, &out))
            while true {
                guard i < b.count else { throw Malformed() }
                if b[i] == 0x2C { i = skipSpace(b, try skipValue(b, skipSpace(b, i + 1))); continue }
                if b[i] == 0x5D { out.append(0x5D); return i + 1 }
                throw Malformed()
            }
        default:
            let end = try skipValue(b, i)
            out.append(contentsOf: b[i..<end])
            return end
        }
    }

    /// The bytes without insignificant whitespace.
    static func minified(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                out.append(byte)
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
            } else if byte == 0x22 {
                inString = true
                out.append(byte)
            } else if byte != 0x20, byte != 0x0A, byte != 0x0D, byte != 0x09 {
                out.append(byte)
            }
        }
        return out
    }

    private static func skipSpace(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        return i
    }

    /// Start of the value of member `key` in the object starting at `object`.
    private static func member(_ b: UnsafeBufferPointer<UInt8>, object: Int, key: [UInt8]) throws -> Int {
        guard object < b.count, b[object] == 0x7B else { throw Malformed() }
        var i = skipSpace(b, object + 1)
        if i < b.count, b[i] == 0x7D { throw Malformed() }
        while true {
            guard i < b.count, b[i] == 0x22 else { throw Malformed() }
            let keyEnd = try skipString(b, i)
            let matches = keyEnd - i - 2 == key.count && key.indices.allSatisfy { b[i + 1 + $0] == key[$0] }
            i = skipSpace(b, keyEnd)
            guard i < b.count, b[i] == 0x3A else { throw Malformed() }
            i = skipSpace(b, i + 1)
            if matches { return i }
            i = skipSpace(b, try skipValue(b, i))
            guard i < b.count else { throw Malformed() }
            if b[i] == 0x2C { i = skipSpace(b, i + 1); continue }
            throw Malformed()
        }
    }

    private static func skipString(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) throws -> Int {
        var i = start + 1
        while i < b.count {
            switch b[i] {
            case 0x5C: i += 2
            case 0x22: return i + 1
            default: i += 1
            }
        }
        throw Malformed()
    }

    private static func skipValue(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) throws -> Int {
        guard start < b.count else { throw Malformed() }
        switch b[start] {
        case 0x22: return try skipString(b, start)
        case 0x7B, 0x5B:
            var depth = 0
            var i = start
            while i < b.count {
                switch b[i] {
                case 0x22: i = try skipString(b, i); continue
                case 0x7B, 0x5B: depth += 1
                case 0x7D, 0x5D:
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
                i += 1
            }
            throw Malformed()
        default:
            var i = start
            while i < b.count, ![0x2C, 0x7D, 0x5D, 0x20, 0x0A, 0x0D, 0x09].contains(b[i]) { i += 1 }
            guard i > start else { throw Malformed() }
            return i
        }
    }
}
