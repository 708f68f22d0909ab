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
