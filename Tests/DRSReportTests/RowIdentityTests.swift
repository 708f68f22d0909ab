import Foundation
import TestSupport
import Testing

@testable import DRSReport

/// Findings of the review, kept as tests.
@Suite struct RowIdentityTests {
    /// Archive A; B, a copy of A whose value task has another id; L, a loose copy of one of A's diff pages.
    /// The distinct rows must not depend on the order of the inputs.
    @Test func theDistinctCountDoesNotDependOnInputOrder() throws {
        let folder = try temporaryFolder("order")
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("A")
        let b = folder.appendingPathComponent("B")
        try FileManager.default.copyItem(atPath: Repo.path("samples/v5-mysql-archive"), toPath: a.path)
        try FileManager.default.copyItem(atPath: Repo.path("samples/v5-mysql-archive"), toPath: b.path)
        let manifest = b.appendingPathComponent("manifest.json")
        let text = try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(
            of: "c51e7b28-9d3a-4a6f-8e10-f4b2a6c93d07", with: "c51e7b28-0000-4a6f-8e10-f4b2a6c93d07")
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        let loose = folder.appendingPathComponent("L.json")
        try FileManager.default.copyItem(at: a.appendingPathComponent("responses/000016.json"), to: loose)
        var counts: Set<Int64> = []
        for order in [[loose.path, a.path, b.path], [a.path, b.path, loose.path], [b.path, loose.path, a.path]] {
            let result = try ingest(order)
            counts.insert(result.report.diffSummary.rowsInInput)
            #expect(try allRows(result.diffs).count == Int(result.report.diffSummary.rowsInInput))
        }
        // 73 rows of A, the same 73 again under B's other task, L's 50 matching A's and B's rows of that page:
        // L's task is unknown and two tasks hold those rows, so L's are one more copy of their own.
        #expect(counts.count == 1 && counts.first == Int64(73 + 73 + 50))
    }

    @Test func looseRowsKeepTheirJobWhenSeveralJobsAreMerged() throws {
        let result = try ingest([Repo.path("samples/v5-mysql-archive"), Repo.path("samples/v3-mysql-responses")])
        let rows = try allRows(result.diffs)
        #expect(rows.allSatisfy { $0.jobId != nil }, "\(rows.filter { $0.jobId == nil }.count) rows without a job")
        #expect(result.report.diffPreview.allSatisfy { $0.jobId != nil })
        let out = try temporaryFolder("jobs")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try Renderer.render(result, to: out.appendingPathComponent("r"), options: RenderOptions())
        // The third-ranked table (crm.会员积分, delivered by a loose file) has its rows in the ticket.
        #expect(try text(out.appendingPathComponent("r"), "report.md").contains("crm.会员积分 (12)"))
    }

    @Test func anEmptyRowIsAnErrorNotADifference() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try write(#"{"count": 1, "contents_infos": [{}]}"#, to: "e.json", in: folder)
        guard case .typeMismatch(let named, let path, _, _)? = thrownError({ _ = try ingest([file]) }) else {
            Issue.record("{} in contents_infos must be an error")
            return
        }
        #expect(named == file && path == "$.contents_infos[0]")
    }

    @Test func rowsWithoutATableAreCountedButMakeNoTable() throws {
        let result = try ingestBody(
            #"{"count": 2, "contents_infos": [{"source_key_value": ["1"], "target_key_value": ["1"], "select_sql": "", "target_select_sql": ""}, {"source_key_value": ["2"], "target_key_value": [], "select_sql": "", "target_select_sql": ""}]}"#
        )
        #expect(result.report.diffSummary.rowsInInput == 2)
        #expect(result.report.diffSummary.rowsWithUnknownLocation == 2)
        #expect(result.report.tables.isEmpty)
        #expect(result.report.verdict.value == .inconsistent)
        #expect(result.report.verdict.counts.inconsistentTables == 0)
    }

    @Test func aCopiedFileIsListedAndItsRowsCountedAsDuplicates() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let body =
            #"{"count": 1, "contents_infos": [{"source_key_value": ["1"], "target_key_value": [], "select_sql": "", "target_select_sql": ""}]}"#
        let a = try write(body, to: "a.json", in: folder)
        let b = try write(body, to: "a2.json", in: folder)
        let result = try ingest([a, b])
        #expect(result.report.sources[1].duplicateOf == "S1")
        #expect(result.report.diffSummary.rowsInInput == 1)
        #expect(result.report.diffSummary.duplicateRows == 1)
    }
}
