import DRSCore
import DRSWire
import Foundation

/// The request a response answered, as an archive manifest records it.
public struct RequestContext: Sendable, Equatable {
    /// HTTP method.
    public var method: String
    /// Request path.
    public var path: String
    /// Query parameters.
    public var query: [String: String]
    /// HTTP status.
    public var status: Int?

    /// Path segments, without empty ones.
    package var segments: [String] { path.split(separator: "/").map(String.init) }

    /// The value after a path segment, e.g. `value(after: "jobs")`.
    package func value(after segment: String) -> String? {
        let parts = segments
        guard let index = parts.firstIndex(of: segment), index + 1 < parts.count else { return nil }
        return parts[index + 1]
    }

    /// Project id from `/v3/{project_id}/…` or `/v5/{project_id}/…`.
    package var projectId: String? {
        let parts = segments
        guard parts.count >= 2, parts[0].hasPrefix("v") else { return nil }
        return parts[1]
    }

    /// A one-line description for reports: `GET /v5/…?a=b`.
    package var summary: String {
        let query = self.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return "\(method) \(path)" + (query.isEmpty ? "" : "?" + query)
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(method: String, path: String, query: [String: String], status: Int? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.status = status
    }
}

/// One response body to ingest.
public struct ResponseFile: Sendable {
    /// Where the bytes are.
    public var url: URL
    /// The name shown in reports: relative to the input's parent, never an absolute path.
    public var displayPath: String
    /// The path as the user gave it, for error messages.
    public var userPath: String
    /// Path inside its archive, for archive files.
    public var archiveRelative: String?
    /// The request it answered, when an archive says.
    public var request: RequestContext?
    /// When it was received.
    public var receivedAt: Date
    /// How `receivedAt` is known.
    public var basis: TimeBasis
    /// Manifest checksum, verified on read.
    public var expectedSHA256: String?
    /// The archive it belongs to.
    public var archive: String?
    /// Archive-level facts (job, project, endpoint).
    public var archiveJobId: String?
    /// Archive-level project id.
    public var archiveProjectId: String?
    /// Archive-level endpoint.
    public var archiveEndpoint: String?

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        url: URL, displayPath: String, userPath: String, archiveRelative: String? = nil, request: RequestContext? = nil,
        receivedAt: Date, basis: TimeBasis, expectedSHA256: String? = nil, archive: String? = nil,
        archiveJobId: String? = nil, archiveProjectId: String? = nil, archiveEndpoint: String? = nil
    ) {
        self.url = url
        self.displayPath = displayPath
        self.userPath = userPath
        self.archiveRelative = archiveRelative
        self.request = request
        self.receivedAt = receivedAt
        self.basis = basis
        self.expectedSHA256 = expectedSHA256
        self.archive = archive
        self.archiveJobId = archiveJobId
        self.archiveProjectId = archiveProjectId
        self.archiveEndpoint = archiveEndpoint
    }
}

/// Turns command-line inputs (files, folders, archives) into response files.
public enum InputDiscovery {
    /// The file name that marks an archive folder.
    public static let manifestName = ArchiveManifest.fileName

    /// Expands inputs in the order given; folders are walked in sorted order.
    public static func discover(_ inputs: [String], observedAt: Date?) throws(DRSReportError) -> [ResponseFile] {
        var files: [ResponseFile] = []
        for input in inputs {
            let url = URL(fileURLWithPath: input)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw .inputNotFound(path: input)
            }
            let label = displayBase(input)
            if isDirectory.boolValue {
                let before = files.count
                var visited = Set<String>()
                try walk(url, display: label, inputPath: input, observedAt: observedAt, visited: &visited, into: &files)
                if files.count == before { throw .emptyInput(path: input) }
            } else {
                files.append(try loose(url, display: label, userPath: input, observedAt: observedAt))
            }
        }
        return files
    }

    /// Refuses inputs that lie inside the output folder, which a render replaces as a whole.
    public static func requireOutside(_ inputs: [String], output: String) throws(DRSReportError) {
        // The more basic mistake first: --out . would replace the working directory itself.
        try OutputPaths.requireNotWorkingDirectory(URL(fileURLWithPath: output), as: output)
        let out = OutputPaths.realPath(output)
        for input in inputs {
            let path = OutputPaths.realPath(input)
            if path == out || path.hasPrefix(out + "/") { throw .inputInsideOutput(input: input, output: output) }
        }
    }

    /// The last path component of an input, so reports never show the machine's absolute paths.
    package static func displayBase(_ input: String) -> String {
        let trimmed = input.hasSuffix("/") && input.count > 1 ? String(input.dropLast()) : input
        let name = URL(fileURLWithPath: trimmed).lastPathComponent
        return name.isEmpty || name == "." ? "." : name
    }

    /// The folder's real path (symbolic links resolved), so a walk visits each folder once: a folder
    /// of links to itself must not make render, expiry or batch walk forever.
    package static func realFolder(_ url: URL) -> String {
        guard let resolved = realpath(url.path, nil) else { return url.standardizedFileURL.path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func walk(
        _ folder: URL, display: String, inputPath: String, observedAt: Date?, visited: inout Set<String>,
        into files: inout [ResponseFile]
    ) throws(DRSReportError) {
        guard visited.insert(realFolder(folder)).inserted else { return }
        // A drs-report output inside an input folder (render ROOT --out ROOT/out) is never read back.
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("evidence.json").path),
            !FileManager.default.fileExists(atPath: folder.appendingPathComponent(manifestName).path)
        {
            return
        }
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent(manifestName).path) {
            files.append(contentsOf: try archive(folder, display: display, inputPath: inputPath))
            return
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw .unreadableFile(path: inputPath, reason: "cannot list the folder")
        }
        for name in names.sorted() where !name.hasPrefix(".") {
            let child = folder.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: child.path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                try walk(
                    child, display: display + "/" + name, inputPath: inputPath + "/" + name, observedAt: observedAt,
                    visited: &visited,
                    into: &files)
            } else if name.lowercased().hasSuffix(".json") {
                files.append(
                    try loose(
                        child, display: display + "/" + name, userPath: inputPath + "/" + name, observedAt: observedAt))
            }
        }
    }

    private static func loose(_ url: URL, display: String, userPath: String, observedAt: Date?) throws(DRSReportError)
        -> ResponseFile
    {
        var received = observedAt
        var basis = TimeBasis.observedAt
        if received == nil {
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
            received = attributes?[.modificationDate] as? Date
            basis = .fileModificationTime
        }
        return ResponseFile(
            url: url, displayPath: display, userPath: userPath, archiveRelative: nil, request: nil,
            receivedAt: received ?? Date(timeIntervalSince1970: 0),
            basis: basis, expectedSHA256: nil, archive: nil)
    }

    /// Reads and checks an archive's manifest. Every listed file must exist; checksums are verified when read.
    public static func archive(_ folder: URL, display: String, inputPath: String) throws(DRSReportError)
        -> [ResponseFile]
    {
        let manifestURL = folder.appendingPathComponent(manifestName)
        guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
            throw .badManifest(archive: inputPath, reason: "cannot be read")
        }
        let manifest: ArchiveManifest
        do {
            manifest = try JSONDecoder().decode(ArchiveManifest.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            let path = (context.codingPath + [key]).map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }
                .joined()
            throw .badManifest(archive: inputPath, reason: "missing $\(path)")
        } catch let DecodingError.typeMismatch(_, context) {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            throw .badManifest(archive: inputPath, reason: "wrong type at $\(path)")
        } catch {
            throw .badManifest(archive: inputPath, reason: "not valid JSON of the manifest shape")
        }
        guard manifest.format == "drs-report-archive" else {
            throw .badManifest(
                archive: inputPath, reason: "format is \"\(manifest.format)\", not \"drs-report-archive\"")
        }
        guard manifest.version == 1 else {
            throw .badManifest(
                archive: inputPath,
                reason: "version \(manifest.version) is not supported (this drs-report reads version 1)")
        }
        for saved in manifest.reportFiles ?? [] {
            guard !saved.file.hasPrefix("/"), !saved.file.split(separator: "/").contains("..") else {
                throw .badManifest(
                    archive: inputPath, reason: "report_files entry \"\(saved.file)\" leaves the archive folder")
            }
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(saved.file).path) else {
                throw .archiveFileMissing(archive: inputPath, file: saved.file)
            }
            let digest = sha256Hex(data)
            if digest != saved.sha256.lowercased() {
                throw .checksumMismatch(archive: inputPath, file: saved.file, expected: saved.sha256, actual: digest)
            }
        }
        var result: [ResponseFile] = []
        var seen = Set<String>()
        for (offset, entry) in manifest.responses.enumerated() {
            let relative = entry.file
            guard !relative.hasPrefix("/"), !relative.split(separator: "/").contains(".."), !relative.isEmpty else {
                throw .badManifest(
                    archive: inputPath, reason: "responses[\(offset)].file \"\(relative)\" leaves the archive folder")
            }
            guard seen.insert(relative).inserted else {
                throw .badManifest(
                    archive: inputPath, reason: "responses[\(offset)].file \"\(relative)\" is listed twice")
            }
            let url = folder.appendingPathComponent(relative)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw .archiveFileMissing(archive: inputPath, file: relative)
            }
            guard let received = TimeParsing.parse(entry.receivedAt) else {
                throw .badManifest(
                    archive: inputPath,
                    reason: "responses[\(offset)].received_at \"\(entry.receivedAt)\" is not an ISO-8601 time")
            }
            let request = RequestContext(
                method: entry.method, path: entry.path, query: entry.query ?? [:], status: entry.status)
            result.append(
                ResponseFile(
                    url: url, displayPath: display + "/" + relative, userPath: inputPath + "/" + relative,
                    archiveRelative: relative, request: request, receivedAt: received, basis: .manifest,
                    expectedSHA256: entry.sha256.lowercased(), archive: inputPath, archiveJobId: manifest.jobId,
                    archiveProjectId: manifest.projectId, archiveEndpoint: manifest.endpoint))
        }
        return result
    }
}
