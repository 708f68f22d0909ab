import DRSJSON
import DRSReport
import DRSWire
import Foundation

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
