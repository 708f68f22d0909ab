import DRSJSON
import Foundation
import TestSupport
import Testing

@testable import DRSReport

@Suite struct EvidenceTests {
    @Test func everyRenderWritesEvidenceThatVerifies() throws {
        let out = try render([Repo.path("samples/v5-mysql-archive")])
        defer { try? FileManager.default.removeItem(at: out) }
        let evidence = try Evidence.read(from: out)
        #expect(evidence.tool == "drs-report \(DRSReportVersion.current)")
        #expect(evidence.clock == "2026-11-21T00:00:00Z")
        #expect(evidence.inputs.count == 22)
        #expect(evidence.inputs.first?.path == "v5-mysql-archive/responses/000001.json")
        #expect(Set(evidence.outputs.map(\.path)) == Set(filesUnder(out).filter { $0 != Evidence.fileName }))
        #expect(evidence.summary.verdict == "INCONSISTENT")
        #expect(evidence.summary.inconsistentRows == 73)
        #expect(evidence.inputsDigest == (try ingest([Repo.path("samples/v5-mysql-archive")]).report.inputsDigest))
        let result = try Verifier.verify(out)
        #expect(result.isClean)
        #expect(result.matched == evidence.outputs.count)
        // The HTML and Markdown footers carry the same inputs digest and the tool version.
        #expect(try text(out, "report.html").contains(evidence.inputsDigest))
        #expect(try text(out, "report.md").contains(evidence.inputsDigest))
        #expect(try text(out, "report.md").contains("drs-report \(DRSReportVersion.current)"))
    }

    @Test func verifyCatchesAOneByteChangeAMissingAndAnExtraFile() throws {
        let out = try render([Repo.path("samples/v5-mysql-archive")], formats: [.csv, .md])
        defer { try? FileManager.default.removeItem(at: out) }
        let victim = out.appendingPathComponent("csv/diffs.csv")
        var bytes = try Data(contentsOf: victim)
        bytes[100] ^= 0x20
        try bytes.write(to: victim)
        try FileManager.default.removeItem(at: out.appendingPathComponent("report.md"))
        try write("x", to: "notes.txt", in: out)
        let result = try Verifier.verify(out)
        #expect(result.changed == ["csv/diffs.csv"])
        #expect(result.missing == ["report.md"])
        #expect(result.extra == ["notes.txt"])
        #expect(!result.isClean)
    }

    @Test func verifyWithoutEvidenceIsAClearError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(thrownError { _ = try Verifier.verify(folder) } == .noEvidence(folder: folder.path))
    }
}

@Suite struct ExpiryScanTests {
    func scan(now: String, window: Int64 = 86_400) throws -> ExpiryScan {
        var options = IngestOptions(now: TimeParsing.parse(now)!)
        options.expiryWindowSeconds = window
        let report = try Ingestor.ingest([Repo.path("samples/v5-mysql-archive")], options: options).report
        return ExpiryScan(report, now: options.now, window: window)
    }

    // The object task's file expires at 2026-11-23T10:03:42Z; the line task's at 2026-11-25T07:39:26Z.
    @Test(arguments: [
        ("2026-11-21T00:00:00Z", DRSReport.ExitStatus.success),
        ("2026-11-22T10:03:41Z", .success),  // 24 h + 1 s left
        ("2026-11-22T10:03:42Z", .expiringSoon),  // exactly 24 h left
        ("2026-11-23T10:03:41Z", .expiringSoon),  // 1 s left
        ("2026-11-23T10:03:42Z", .expired),  // expires now
        ("2026-11-26T00:00:00Z", .expired),
    ])
    func exitCodesAroundTheWindowEdges(now: String, status: DRSReport.ExitStatus) throws {
        #expect(try scan(now: now).exitStatus == status)
    }

    @Test func listsEveryFileMostUrgentFirstWithNotGenerated() throws {
        let result = try scan(now: "2026-11-23T00:00:00Z")
        #expect(result.entries.map(\.state) == [.expiringSoon, .valid, .notGenerated])
        #expect(result.entries.first?.expiresAt == TimeParsing.parse("2026-11-23T10:03:42Z"))
        #expect(result.entries.first?.receivedAtBasis == .manifest)
        let text = result.text(timeZone: TimeZone(identifier: "UTC")!)
        #expect(text.contains("not generated"))
        #expect(text.contains("10h 3m (expiring soon)"))
        let json = try JSONSerialization.jsonObject(with: Data(try result.json().utf8)) as? [String: Any]
        #expect(json?["exit_code"] as? Int == 5)
        #expect((json?["files"] as? [[String: Any]])?.first?["expires_at"] as? String == "2026-11-23T10:03:42Z")
    }
}
