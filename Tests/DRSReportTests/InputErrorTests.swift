import DRSJSON
import Foundation
import TestSupport
import Testing

@testable import DRSReport

@Suite struct InputErrorTests {
    @Test func malformedSamplesNameTheFileAndSayWhatWasExpected() throws {
        let notJSON = thrownError { _ = try ingest([Repo.path("samples/malformed/not-json.json")]) }
        guard case .notJSON(let file, let line, _, let reason) = notJSON else {
            Issue.record("expected notJSON, got \(String(describing: notJSON))")
            return
        }
        #expect(file.hasSuffix("samples/malformed/not-json.json"))
        #expect(line > 1)
        #expect(reason.contains("truncated"))

        let unknown = thrownError { _ = try ingest([Repo.path("samples/malformed/unknown-shape.json")]) }
        guard case .unknownShape(let unknownFile, let keys) = unknown else {
            Issue.record("expected unknownShape, got \(String(describing: unknown))")
            return
        }
        #expect(unknownFile.hasSuffix("unknown-shape.json"))
        #expect(keys == ["hello"])
        #expect(unknown?.message.contains("expected a DRS comparison response") == true)

        let typeError = thrownError { _ = try ingest([Repo.path("samples/malformed/type-error.json")]) }
        guard case .typeMismatch(_, let path, _, let found) = typeError else {
            Issue.record("expected typeMismatch, got \(String(describing: typeError))")
            return
        }
        #expect(path == "$.table_line_compare_result_infos[1].source_row_num")
        #expect(found == "an object")
    }

    @Test func topLevelArrayIsATypeError() throws {
        let error = thrownError { _ = try ingestBody("[1, 2]") }
        #expect(
            error
                == .typeMismatch(
                    file: error.flatMap { if case .typeMismatch(let f, _, _, _) = $0 { f } else { nil } } ?? "",
                    path: "$", expected: "a JSON object (a DRS response body)", found: "an array"))
    }

    @Test func missingInputAndEmptyFolder() throws {
        #expect(thrownError { _ = try ingest(["/nonexistent/x.json"]) } == .inputNotFound(path: "/nonexistent/x.json"))
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(thrownError { _ = try ingest([folder.path]) } == .emptyInput(path: folder.path))
    }

    @Test func tamperedArchiveIsRefusedNamingTheFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let archive = folder.appendingPathComponent("arch")
        try FileManager.default.copyItem(atPath: Repo.path("samples/v5-mysql-archive"), toPath: archive.path)
        let victim = archive.appendingPathComponent("responses/000005.json")
        var bytes = try Data(contentsOf: victim)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: victim)
        let error = thrownError { _ = try ingest([archive.path]) }
        guard case .checksumMismatch(let name, let file, _, _) = error else {
            Issue.record("expected checksumMismatch, got \(String(describing: error))")
            return
        }
        #expect(name == archive.path)
        #expect(file == "responses/000005.json")
        #expect(error?.message.contains("altered") == true)
    }

    @Test func archiveProblems() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(#"{"format": "other", "version": 1, "responses": []}"#, to: "a/manifest.json", in: folder)
        #expect(
            thrownError { _ = try ingest([folder.appendingPathComponent("a").path]) }.map {
                if case .badManifest = $0 { true } else { false }
            } == true)
        try write(
            #"{"format": "drs-report-archive", "version": 2, "responses": []}"#, to: "b/manifest.json", in: folder)
        #expect(
            thrownError { _ = try ingest([folder.appendingPathComponent("b").path]) }?.message.contains("version 2")
                == true)
        try write(
            #"{"format": "drs-report-archive", "version": 1, "responses": [{"file": "responses/1.json", "method": "GET", "path": "/v5/p/jobs/j", "received_at": "2026-11-20T08:00:00Z", "sha256": "00"}]}"#,
            to: "c/manifest.json", in: folder)
        #expect(
            thrownError { _ = try ingest([folder.appendingPathComponent("c").path]) }
                == .archiveFileMissing(archive: folder.appendingPathComponent("c").path, file: "responses/1.json"))
        try write(
            #"{"format": "drs-report-archive", "version": 1, "responses": [{"file": "../x.json", "method": "GET", "path": "/", "received_at": "2026-11-20T08:00:00Z", "sha256": "00"}]}"#,
            to: "d/manifest.json", in: folder)
        #expect(
            thrownError { _ = try ingest([folder.appendingPathComponent("d").path]) }?.message.contains(
                "leaves the archive") == true)
        try write(#"{"format": "drs-report-archive", "version": 1}"#, to: "e/manifest.json", in: folder)
        #expect(
            thrownError { _ = try ingest([folder.appendingPathComponent("e").path]) }?.message.contains(
                "missing $.responses") == true)
    }

    @Test func duplicateBytesAreCountedOnce() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = Repo.path("samples/v3-mysql-responses/content-difference.json")
        try FileManager.default.copyItem(atPath: source, toPath: folder.appendingPathComponent("a.json").path)
        try FileManager.default.copyItem(atPath: source, toPath: folder.appendingPathComponent("b.json").path)
        let result = try ingest([folder.path])
        #expect(result.report.sources.map(\.duplicateOf) == [nil, "S1"])
        #expect(try allRows(result.diffs).count == 12)
    }

    /// Rows are parsed once, from the bytes whose digest the report records: a file changed or
    /// removed after ingest changes nothing the writers see.
    @Test func rowsComeFromTheBytesReadOnceNotFromTheFileLater() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("d.json").path
        try FileManager.default.copyItem(
            atPath: Repo.path("samples/v3-mysql-responses/content-difference.json"), toPath: path)
        let result = try ingest([path])
        let before = try allRows(result.diffs)
        try Data(#"{"count": 0, "contents_infos": []}"#.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.removeItem(atPath: path)
        #expect(before.count == 12)
        #expect(try allRows(result.diffs) == before)
        #expect(result.diffs.count == 12)
    }

    @Test func formatLists() throws {
        #expect(try OutputFormat.parseList("html, MD,csv") == [.html, .md, .csv])
        #expect(try OutputFormat.parseList("all") == OutputFormat.allCases)
        #expect(throws: DRSReportError.self) { try OutputFormat.parseList("pdf") }
    }
}

@Suite struct ExpiryAndVerdictTests {
    let received = TimeParsing.parse("2026-11-20T00:00:00Z")!

    @Test(arguments: [
        (Int64(-1), ExpiryState.notGenerated),
        (0, .expired),
        (86_400, .expired),  // expires exactly at now
        (86_401, .expiringSoon),  // 1 s left
        (86_400 * 2, .expiringSoon),  // exactly the 24 h window left
        (86_400 * 2 + 1, .valid),
    ])
    func expiryStatesAroundTheWindow(remain: Int64, state: ExpiryState) {
        let now = TimeParsing.parse("2026-11-21T00:00:00Z")!
        let expiry = Expiry.compute(remain: remain, receivedAt: received, basis: .manifest, now: now, window: 86_400)
        #expect(expiry.state == state)
        if remain >= 0 {
            #expect(expiry.expiresAt == received.addingTimeInterval(TimeInterval(remain)))
        }
    }

    @Test func noRemainIsUnknown() {
        #expect(
            Expiry.compute(remain: nil, receivedAt: received, basis: .manifest, now: received, window: 1).state
                == .unknown)
    }

    @Test func looseFilesUseObservedAtOrModificationTimeAndSaySo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try write(
            #"{"compare_jobs": [{"id": "t", "type": "lines", "status": "SUCCESSFUL", "export_status": "EXPORT_COMPLETE", "report_remain_seconds": 3600}]}"#,
            to: "jobs.json", in: folder)
        let observed = try ingest([path], observedAt: testObservedAt).report.tasks[0].expiry
        #expect(observed.receivedAtBasis == .observedAt)
        #expect(observed.expiresAt == testObservedAt.addingTimeInterval(3600))
        let mtime = Date(timeIntervalSince1970: 1_763_640_000)
        try FileManager.default.setAttributes([.modificationDate: mtime], ofItemAtPath: path)
        let fromFile = try ingest([path], observedAt: nil).report.tasks[0].expiry
        #expect(fromFile.receivedAtBasis == .fileModificationTime)
        #expect(fromFile.receivedAt == mtime)
    }

    @Test func verdictRule() throws {
        let consistent = try ingestBody(
            #"{"total_count": 1, "data_compare_overview_infos": [{"source_db_name": "a", "status": 2}]}"#
        ).report
        #expect(consistent.verdict.value == .consistent)
        #expect(consistent.verdict.reasons.first == VerdictReason(.allConsistent, 1))
        // Only row-count comparison ran; the verdict says so and rests on it alone.
        #expect(consistent.verdict.coverage.ran == [.line])
        #expect(consistent.verdict.reasons.filter { $0.code == .kindNotRun }.compactMap(\.kind) == [.object, .content])
        #expect(consistent.verdictSentences.contains("no object comparison result is in the inputs: it did not run"))
        let pending = try ingestBody(
            #"{"total_count": 1, "data_compare_overview_infos": [{"source_db_name": "a", "status": 5}]}"#
        ).report
        #expect(pending.verdict.value == .incomplete)
        let empty = try ingestBody(#"{"count": 0, "flow_compare_data": []}"#).report
        #expect(empty.verdict.value == .incomplete)
        #expect(empty.verdict.reasons == [VerdictReason(.noResults)])
        #expect(empty.verdictSentences == ["the inputs hold no comparison result"])
        let both = try ingestBody(
            #"{"total_count": 2, "data_compare_overview_infos": [{"source_db_name": "a", "status": 0}, {"source_db_name": "b", "status": 22}]}"#
        ).report
        #expect(both.verdict.value == .inconsistent)
        #expect(both.notCompared.count == 1)
        let zh = try ingest([Repo.path("samples/v5-mysql-archive")], language: .zhCN).report
        #expect(zh.verdictSentences.first == "4 张表不一致")
        #expect(Strings(.zhCN)["verdict.rule"].hasPrefix("若任一表"))
    }

    @Test func samplesMatchTheirExpectedRowCounts() throws {
        let data = try Data(contentsOf: Repo.fixtures.appendingPathComponent("EXPECTED-samples.json"))
        let expected = try JSONParser.parse(data)
        let v5 = try ingest([Repo.path("samples/v5-mysql-archive")])
        #expect(
            try allRows(v5.diffs).count
                == Int(
                    expected["v5-mysql-archive"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } } ?? -1))
        #expect(v5.report.diffSummary.rowsInInput == 73)
        #expect(v5.report.diffSummary.rowsReportedByDRS == 73)
        #expect(v5.report.retrievalErrors.count == 1)
        #expect(v5.report.verdict.value == .inconsistent)
        let rerun = try ingest([Repo.path("samples/v5-mysql-archive-rerun")])
        #expect(
            try allRows(rerun.diffs).count
                == Int(
                    expected["v5-mysql-archive-rerun"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } }
                        ?? -1))
        #expect(rerun.report.diffSummary.rowsInInput == 51)
        let v3 = try ingest([Repo.path("samples/v3-mysql-responses")])
        #expect(try allRows(v3.diffs).count == 17)
        #expect(v3.report.diffSummary.duplicateRows == 12)
        #expect(v3.report.diffSummary.rowsReportedByDRS == 17)
        let hostile = try ingest([Repo.fixtures.appendingPathComponent("hostile").path])
        let hostileExpected = try JSONParser.parse(
            Data(contentsOf: Repo.fixtures.appendingPathComponent("hostile/EXPECTED.json")))
        #expect(
            try allRows(hostile.diffs).count
                == Int(
                    hostileExpected["diff_rows"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } } ?? -1))
    }
}
