import DRSCore
import DRSJSON
import DRSWire
import Foundation

/// DRS's exported result files (`--download-report`): fetched into report-files/ while they are
/// still valid, with names made safe.
extension FetchRun {
    /// Saves DRS's exported result files while they are still valid (`--download-report`).
    package func downloadReports(into folder: URL, taskIds: Set<String>) async throws -> [String] {
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
    package static func safeName(_ value: String) -> String {
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

    package func reportFileEntries() async -> [ArchiveManifest.ReportFile]? {
        let entries = await files.entries
        return entries.isEmpty ? nil : entries
    }
}

/// Export states seen during the fetch, and the result files saved.
package actor ReportFiles {
    package var candidates: [(taskId: String, compareType: String)] = []
    package private(set) var entries: [ArchiveManifest.ReportFile] = []

    package func note(objectOverview info: JSONValue) {
        if FetchRun.string(info[Wire.Key.exportStatus]) == Wire.ExportStatus.complete,
            (FetchRun.number(info[Wire.Key.reportRemainSeconds]) ?? -1) > 0,
            let id = FetchRun.string(info[Wire.Key.compareJobId])
        {
            candidates.append((id, "objects_comparison"))
        }
    }

    package func note(tasks: [(String, String)], listPages: [JSONValue]) {
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

    package func downloadable() -> [(taskId: String, compareType: String)] {
        var seen = Set<String>()
        return candidates.filter { seen.insert($0.taskId).inserted }.sorted { $0.taskId < $1.taskId }
    }

    package func saved(_ entry: ArchiveManifest.ReportFile) {
        entries.append(entry)
    }
}
