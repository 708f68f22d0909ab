import Foundation
import TestSupport
import Testing
import ZIPFoundation

@testable import DRSReport

/// Paths of the repository, found from this file so tests run from any directory.
enum Repo {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
    static let tests = root.appendingPathComponent("Tests/DRSReportTests")
    static let fixtures = tests.appendingPathComponent("Fixtures")
    static let golden = tests.appendingPathComponent("Golden")
}

/// The report clock every golden test uses: 2026-11-21T00:00:00Z.
let testNow = TimeParsing.parse("2026-11-21T00:00:00Z")!
/// The response time given to loose files in golden tests.
let testObservedAt = TimeParsing.parse("2026-11-20T09:00:00Z")!

/// Writes `text` to a file in `folder` and returns its path.
@discardableResult
func write(_ text: String, to name: String, in folder: URL) throws -> String {
    let url = folder.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
    return url.path
}

/// Ingests inputs with the test clock.
func ingest(_ inputs: [String], language: Language = .enUS, observedAt: Date? = testObservedAt) throws -> IngestResult {
    var options = IngestOptions(now: testNow, observedAt: observedAt)
    options.language = language
    return try Ingestor.ingest(inputs, options: options)
}

/// Ingests one JSON body given as text.
func ingestBody(_ json: String, name: String = "body.json") throws -> IngestResult {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try write(json, to: name, in: folder)
    return try ingest([path])
}

/// The error an expression throws, or nil.
func thrownError(_ body: () throws -> Void) -> DRSReportError? {
    do {
        try body()
        return nil
    } catch let error as DRSReportError {
        return error
    } catch {
        return nil
    }
}

/// All rows of a stream.
func allRows(_ stream: DiffStream) throws -> [DiffRow] {
    var rows: [DiffRow] = []
    try stream.forEach { rows.append($0) }
    return rows
}

/// Files under a folder, relative, sorted.
func filesUnder(_ folder: URL) -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
    var files: [String] = []
    while let next = enumerator.nextObject() as? String {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: folder.appendingPathComponent(next).path, isDirectory: &isDirectory)
        if !isDirectory.boolValue { files.append(next) }
    }
    return files.sorted()
}

/// Golden-file comparison. `DRS_REPORT_RECORD=1` rewrites the golden file and fails on purpose,
/// so a recording run can never pass by accident.
func expectGolden(_ actual: String, _ relative: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = Repo.golden.appendingPathComponent(relative)
    if ProcessInfo.processInfo.environment["DRS_REPORT_RECORD"] == "1" {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(actual.utf8).write(to: url)
        Issue.record("Recorded \(relative); unset DRS_REPORT_RECORD and run again.", sourceLocation: sourceLocation)
        return
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
        Issue.record(
            "Missing golden file \(relative); run with DRS_REPORT_RECORD=1 to create it.",
            sourceLocation: sourceLocation)
        return
    }
    let expected = String(decoding: data, as: UTF8.self)
    if expected != actual {
        let expectedLines = expected.components(separatedBy: "\n")
        let actualLines = actual.components(separatedBy: "\n")
        var first = 0
        while first < min(expectedLines.count, actualLines.count), expectedLines[first] == actualLines[first] {
            first += 1
        }
        let want = first < expectedLines.count ? expectedLines[first] : "<end>"
        let got = first < actualLines.count ? actualLines[first] : "<end>"
        Issue.record(
            "\(relative) differs from golden at line \(first + 1):\n  expected: \(want.prefix(300))\n  actual:   \(got.prefix(300))\n(DRS_REPORT_RECORD=1 re-records after a deliberate change)",
            sourceLocation: sourceLocation)
    }
}

/// Checks report.html's script policy: exactly one inline script, no `src`, allowed by the CSP
/// through its SHA-256 and by nothing else (no 'unsafe-inline').
func expectOnlyTheHashedScript(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let scripts = html.components(separatedBy: "<script").count - 1
    #expect(scripts == 1, "one <script> element, found \(scripts)", sourceLocation: sourceLocation)
    guard let open = html.range(of: "<script>"),
        let close = html.range(of: "</script>", range: open.upperBound..<html.endIndex)
    else {
        Issue.record("no inline <script>…</script>", sourceLocation: sourceLocation)
        return
    }
    let body = String(html[open.upperBound..<close.lowerBound])
    let hex = sha256Hex(Data(body.utf8))
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        bytes.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    let policy =
        html.components(separatedBy: "Content-Security-Policy\" content=\"").dropFirst().first?.components(
            separatedBy: "\""
        ).first ?? ""
    let scriptSource =
        policy.components(separatedBy: ";").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("script-src") }
        ?? ""
    #expect(
        scriptSource.trimmingCharacters(in: .whitespaces) == "script-src 'sha256-\(Data(bytes).base64EncodedString())'",
        sourceLocation: sourceLocation)
    #expect(policy.contains("default-src 'none'"), sourceLocation: sourceLocation)
    #expect(
        !policy.contains("unsafe-inline'; script") && !scriptSource.contains("unsafe"), sourceLocation: sourceLocation)
}
