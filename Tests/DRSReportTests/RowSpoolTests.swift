import DRSJSON
import Foundation
import TestSupport
import Testing

@testable import DRSReport

/// The row spool is the only copy of the rows the writers see: every field must come back exactly.
@Suite struct RowSpoolTests {
    static func row(_ n: Int, text: String) -> DiffRow {
        DiffRow(
            jobId: n % 3 == 0 ? nil : "job-\(n)", taskId: n % 4 == 0 ? nil : "task\u{1}\(n)",
            sourceDatabase: "db_\(n)\(text)",
            targetDatabase: "t\"db\\", sourceTable: text, targetTable: "",
            sourceKey: n % 5 == 0 ? [] : ["k,\(n)", text, ""],
            targetKey: Array(repeating: "v", count: n % 7), sourceSQL: "SELECT * FROM `a`.`b` WHERE id = '\(text)'",
            targetSQL: String(repeating: text, count: n % 3), kind: DiffKind.allCases[n % 3],
            locationInferred: n % 2 == 0,
            sourceId: "S\(n)")
    }

    @Test func everyFieldComesBackExactlyAcrossWindowsAndHugeRecords() throws {
        let texts = [
            "", "plain", "é😀\u{202E}", "\u{0}\u{1}\r\n\t", "_x0041_", "=1+1", String(repeating: "x", count: 5 << 20),
        ]
        var rows: [DiffRow] = []
        for n in 0..<3_000 {
            rows.append(Self.row(n, text: texts[n % texts.count == 6 && n > 20 ? 1 : n % texts.count]))
        }
        let spool = try RowSpool()
        for row in rows { try spool.append(row) }
        try spool.flush()
        var back: [DiffRow] = []
        var indices: [Int] = []
        try spool.read { raw in
            back.append(raw.row(jobId: nil))
            indices.append(raw.index)
        }
        #expect(back == rows)
        #expect(indices == Array(0..<rows.count))
        // A second reader sees the same (each writer reads on its own).
        var again = 0
        try spool.read { _ in again += 1 }
        #expect(again == rows.count)
    }

    @Test func theStreamSkipsExactlyTheDuplicatesAndAppliesResolvedJobs() throws {
        let spool = try RowSpool()
        for n in 0..<10 { try spool.append(Self.row(n, text: "t")) }
        try spool.flush()
        let stream = DiffStream(
            spool: spool, skipped: [0, 4, 9], jobs: RowJobs(jobs: (0..<10).map { $0 == 1 ? "resolved" : nil }))
        var seen: [DiffRow] = []
        try stream.forEach { seen.append($0) }
        #expect(stream.count == 7)
        #expect(seen.map(\.sourceId) == ["S1", "S2", "S3", "S5", "S6", "S7", "S8"])
        #expect(seen[0].jobId == "resolved")
        #expect(seen[1].jobId == "job-2")
        #expect(seen[2].jobId == nil)
    }

    @Test func byteLevelJSONQuotingEqualsTheStringQuoting() {
        let samples = ["", "plain", "q\"b\\s", "\u{0}\u{1F}\n\r\t", "\u{2028}\u{2029}", "\u{2027}\u{202A}é😀", "\u{E2}"]
        for s in samples {
            var bytes: [UInt8] = []
            var text = s
            text.withUTF8 { JSONWriter.quote($0, into: &bytes) }
            #expect(String(decoding: bytes, as: UTF8.self) == JSONWriter.quote(s))
        }
    }

    @Test func aSpoolThatCannotBeCreatedSaysToSetTMPDIR() {
        #expect(throws: DRSReportError.self) { _ = try RowSpool(folder: "/nonexistent-drs-report") }
        do { _ = try RowSpool(folder: "/nonexistent-drs-report") } catch { #expect(error.message.contains("TMPDIR")) }
    }
}

/// report.xlsx begun while ingest reads (the Diffs sheet following the spool) must be the same
/// bytes as the one written after ingest, both when the early workbook is kept and when it is
/// dropped because the rows needed a second look.
@Suite struct EarlyWorkbookTests {
    func bothWays(_ inputs: [String]) throws -> (asRead: Bool, same: Bool, rows: Int64) {
        var options = IngestOptions(now: testNow)
        options.observedAt = testObservedAt
        let files = try InputDiscovery.discover(inputs, observedAt: options.observedAt)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var render = RenderOptions()
        render.formats = [.xlsx, .csv]
        let (early, _) = try Renderer.render(
            files: files, ingest: options, to: folder.appendingPathComponent("early"), options: render)
        let result = try Ingestor.ingest(files: files, options: options)
        _ = try Renderer.render(result, to: folder.appendingPathComponent("late"), options: render)
        let a = try Data(contentsOf: folder.appendingPathComponent("early/report.xlsx"))
        let b = try Data(contentsOf: folder.appendingPathComponent("late/report.xlsx"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("early").path)
        #expect(!leftovers.contains(".xlsx-tmp"))
        return (early.diffs.asRead, a == b, early.diffs.count)
    }

    @Test func keptWhenTheRowsAreAsReadAndTheSameBytesEitherWay() throws {
        let before = EarlyWorkbook.kept
        let run = try bothWays([Repo.path("samples/v5-mysql-archive")])
        #expect(
            EarlyWorkbook.kept > before,
            "the early workbook was dropped, so this compared the ordinary path with itself")
        #expect(run.asRead)
        #expect(run.rows > 0)
        #expect(run.same)
    }

    @Test func droppedWhenJobsAreResolvedLaterAndStillTheSameBytes() throws {
        let run = try bothWays([Repo.path("samples/v3-mysql-responses")])
        #expect(!run.asRead)
        #expect(run.rows > 0)
        #expect(run.same)
    }

    @Test func aFailedIngestLeavesNoFolderBehind() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: bad, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Repo.path("samples/v3-mysql-responses/content-difference.json"),
            toPath: bad.appendingPathComponent("a.json").path)
        try Data("{not json".utf8).write(to: bad.appendingPathComponent("b.json"))
        let files = try InputDiscovery.discover([bad.path], observedAt: testObservedAt)
        let out = folder.appendingPathComponent("deep/er/out")
        #expect(throws: DRSReportError.self) {
            _ = try Renderer.render(
                files: files, ingest: IngestOptions(now: testNow), to: out, options: RenderOptions())
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("deep").path))
    }
}
