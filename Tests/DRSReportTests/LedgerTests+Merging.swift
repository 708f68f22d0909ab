import Foundation
import TestSupport
import Testing

@testable import DRSReport

/// Merging inputs without losing a row: copies, pages fetched twice, two APIs, two jobs.
extension LedgerTests {
    // MARK: - Merging without loss

    @Test func byteIdenticalPagesOfTwoDatabasesAreTwoInputs() throws {
        let parent = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        // The SQL does not name a database, so only the request says which pair each page is about.
        let rows = [
            #"{"source_key_value": ["1"], "target_key_value": [], "source_select_sql": "SELECT * FROM t WHERE id=1", "target_select_sql": "SELECT * FROM t WHERE id=1"}"#,
            #"{"source_key_value": ["2"], "target_key_value": ["2"], "source_select_sql": "SELECT * FROM t WHERE id=2", "target_select_sql": "SELECT * FROM t WHERE id=2"}"#,
        ]
        let a = v5DiffPage(rows, db: "east")
        let b = v5DiffPage(rows, db: "west")
        #expect(a.body == b.body)
        let archive = try makeArchive([a, b], in: parent)
        let result = try ingest([archive.path])
        #expect(result.report.sources.allSatisfy { $0.duplicateOf == nil })
        let all = try allRows(result.diffs)
        #expect(all.count == 4)
        #expect(Set(all.map(\.sourceDatabase)) == ["east", "west"])
        #expect(result.report.diffSummary.duplicateRows == 0)
        #expect(result.report.diffSummary.rowsReportedByDRS == 4)
        #expect(result.report.verdict.counts.inconsistentTables == 2)
    }

    @Test func theSamePageFetchedTwiceIsCountedOnceAndSaidSo() throws {
        let parent = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let rows = [
            #"{"source_key_value": ["1"], "target_key_value": [], "source_select_sql": "SELECT * FROM `s`.`t` WHERE id=1", "target_select_sql": "x"}"#
        ]
        var again = v5DiffPage(rows, db: "s")
        again.query["offset"] = "0"
        again.receivedAt = "2026-11-20T08:05:00Z"
        let archive = try makeArchive([v5DiffPage(rows, db: "s"), again], in: parent)
        let result = try ingest([archive.path])
        // Same bytes for the same request: one input, the second listed as a copy.
        #expect(result.report.sources[1].duplicateOf == "S1")
        #expect(try allRows(result.diffs).count == 1)

        // The same rows on a page of another size (different bytes): the rows are exact duplicates, counted once.
        var resized = v5DiffPage(rows, db: "s")
        resized.query["limit"] = "50"
        resized.body = resized.body.replacingOccurrences(of: "\"count\": 1", with: "\"count\":1")
        let second = try makeArchive([v5DiffPage(rows, db: "s"), resized], in: parent, name: "second")
        let merged = try ingest([second.path])
        #expect(try allRows(merged.diffs).count == 1)
        #expect(merged.report.diffSummary.duplicateRows == 1)
        #expect(merged.report.diffSummary.rowsInInput == 1)
    }

    @Test func distinctRowsOfOneTableFromTwoAPIsAreAllKept() throws {
        let parent = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let difference = Recorded(
            body: #"""
                {"count": 2, "contents_infos": [
                  {"source_key_value": ["1"], "target_key_value": [], "select_sql": "SELECT * FROM `s`.`t` WHERE id='1'", "target_select_sql": "SELECT * FROM `s`.`t` WHERE id='1'"},
                  {"source_key_value": ["2"], "target_key_value": ["2"], "select_sql": "SELECT * FROM `s`.`t` WHERE id='2'", "target_select_sql": "SELECT * FROM `s`.`t` WHERE id='2'"}]}
                """#,
            path: "/v3/p1/jobs/job-1/compare/t-c/content-difference", query: ["db_name": "s", "table_name": "t"])
        let combined = Recorded(
            body: #"""
                {"job_id": "job-1", "content_compare_results": {"compare_task_id": "t-c",
                  "content_compare_overview": [{"source_db_name": "s", "target_db_name": "s", "content_compare_result": "INCONSISTENT"}],
                  "content_compare_diffs": [{"source_db_name": "s", "source_table_name": "t", "content_compare_diff_count": 3, "content_compare_diff": [
                    {"source_key_value": ["2"], "target_key_value": ["2"], "source_select_sql": "SELECT * FROM `s`.`t` WHERE id='2'", "target_select_sql": "SELECT * FROM `s`.`t` WHERE id='2'"},
                    {"source_key_value": ["3"], "target_key_value": [], "source_select_sql": "SELECT * FROM `s`.`t` WHERE id='3'", "target_select_sql": "SELECT * FROM `s`.`t` WHERE id='3'"}]}]}}
                """#,
            path: "/v3/p1/jobs/query-compare-result")
        let archive = try makeArchive([difference, combined], in: parent)
        let result = try ingest([archive.path])
        let keys = try allRows(result.diffs).map { $0.sourceKey.first ?? "" }
        #expect(keys == ["1", "2", "3"])
        #expect(result.report.diffSummary.duplicateRows == 1)
        #expect(result.report.tables.map(\.diffRows) == [3])
    }

    @Test func rowsMissingOnTheSourceWithoutASourceLocationNeverCollide() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A loose v3 content-difference row and a v5 diff row about different tables, both missing on the
        // source, with no source SELECT: only their target SQL says where they belong.
        let v3 = try write(
            #"""
            {"count": 1, "contents_infos": [{"source_key_value": [], "target_key_value": ["7"], "select_sql": "", "target_select_sql": "SELECT * FROM `a`.`t1` WHERE id='7'"}]}
            """#, to: "v3.json", in: folder)
        let v5 = try write(
            #"""
            {"job": {"compare_result": {"content_diff_detail_info": {"count": 1, "contents_infos": [
              {"source_key_value": [], "target_key_value": ["7"], "source_select_sql": "", "target_select_sql": "SELECT * FROM `b`.`t2` WHERE id='7'"}]}}}}
            """#, to: "v5.json", in: folder)
        let result = try ingest([v3, v5])
        let rows = try allRows(result.diffs)
        #expect(rows.count == 2)
        #expect(rows.map(\.targetTable) == ["t1", "t2"])
        #expect(rows.map(\.sourceTable) == ["t1", "t2"])
        #expect(rows.allSatisfy { $0.kind == .missingOnSource && $0.locationInferred })
        #expect(result.report.verdict.counts.inconsistentTables == 2)
    }

    @Test func aRowWhoseTableIsUnknownNeverMerges() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let row = #"{"source_key_value": ["1"], "target_key_value": ["1"], "select_sql": "", "target_select_sql": ""}"#
        let a = try write(#"{"count": 1, "contents_infos": [\#(row)]}"#, to: "a.json", in: folder)
        let b = try write(#"{"count": 2, "contents_infos": [\#(row), \#(row)]}"#, to: "b.json", in: folder)
        let result = try ingest([a, b])
        #expect(try allRows(result.diffs).count == 3)
        #expect(result.report.diffSummary.rowsWithUnknownLocation == 3)
        #expect(result.report.diffSummary.duplicateRows == 0)
    }

    // MARK: - Empty bodies

    @Test func anEmptyBodyAloneIsAnIncompleteReport() throws {
        let result = try ingestBody("{}")
        let report = result.report
        #expect(report.sources.map(\.kind) == ["empty"])
        #expect(report.notes.map(\.code) == [.emptyResponse])
        #expect(report.verdict.value == .incomplete)
        #expect(report.verdict.reasons == [VerdictReason(.noResults)])
        #expect(report.verdictSentences == ["the inputs hold no comparison result"])
    }

    @Test func anEmptyBodyInAFolderContributesNothing() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write("{}", to: "responses/a-empty.json", in: folder)
        try write(
            #"{"total_count": 1, "data_compare_overview_infos": [{"source_db_name": "a", "status": 2}]}"#,
            to: "responses/b-line.json", in: folder)
        let report = try ingest([folder.appendingPathComponent("responses").path]).report
        #expect(report.sources.map(\.kind) == ["empty", "v3.line-overview"])
        #expect(report.databases.count == 1)
        #expect(report.verdict.value == .consistent)
        // CONSISTENT names what it rests on, and what did not run.
        #expect(report.verdict.coverage.ran == [.line])
        #expect(report.verdict.reasons.map(\.code) == [.allConsistent, .kindNotRun, .kindNotRun])
    }

    // MARK: - Conflicts are reported

    @Test func aTaskClaimedByTwoJobsIsAConflict() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = try write(
            #"{"job_id": "job-A", "compare_task_list_results": {"compare_task_list": [{"compare_task_id": "t1", "compare_type": "lines", "compare_task_status": "SUCCESSFUL"}], "compare_task_list_count": 1}}"#,
            to: "a.json", in: folder)
        let b = try write(
            #"{"job_id": "job-B", "compare_task_list_results": {"compare_task_list": [{"compare_task_id": "t1", "compare_type": "lines", "compare_task_status": "SUCCESSFUL"}], "compare_task_list_count": 3}}"#,
            to: "b.json", in: folder)
        let report = try ingest([a, b]).report
        let conflict = try #require(report.conflicts.first)
        #expect(conflict.kind == .taskJob)
        #expect(conflict.subject == "t1")
        #expect(conflict.values == ["job-A (S1)", "job-B (S2)"])
        #expect(conflict.used == "job-A (S1)")
        #expect(report.tasks.first?.jobId == "job-A")
        // "3 tasks exist, 1 in this response".
        #expect(report.notes.contains { $0.code == .taskListPartial && $0.values == [3, 1] })
    }

    @Test func aTableWithDifferentResultsSaysWhichWasUsedAndWhy() throws {
        let parent = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        func detail(_ status: String, target: Int, at time: String) -> Recorded {
            Recorded(
                body:
                    #"{"job": {"id": "job-1", "compare_result": {"line_compare_detail_infos": [{"source_table_name": "t", "source_row_num": 5, "target_row_num": \#(target), "status": "\#(status)"}]}}}"#,
                path: "/v5/p1/jobs/job-1",
                query: [
                    "type": "compare", "compare_type": "line_compare", "query_type": "detail", "source_db_name": "s",
                    "target_db_name": "s", "compare_detail_type": "compare", "compare_task_id": "t-l", "offset": time,
                ],
                receivedAt: time)
        }
        let archive = try makeArchive(
            [
                detail("INCONSISTENT", target: 4, at: "2026-11-20T08:00:00Z"),
                detail("CONSISTENT", target: 5, at: "2026-11-20T09:00:00Z"),
            ], in: parent)
        let result = try ingest([archive.path])
        let conflict = try #require(result.report.conflicts.first)
        #expect(conflict.kind == .result && conflict.comparison == .line)
        #expect(conflict.subject == "job-1: s.t")
        #expect(conflict.used == "INCONSISTENT 5/4 (S1)")
        #expect(conflict.rule == .moreSevere)
        #expect(result.report.tables.first?.outcome == .inconsistent)
        let out = parent.appendingPathComponent("out")
        _ = try Renderer.render(result, to: out, options: RenderOptions())
        #expect(try text(out, "report.md").contains("the report uses INCONSISTENT 5/4 (S1)"))
        #expect(try text(out, "csv/conflicts.csv").contains("more_severe_then_latest"))
    }

    // MARK: - The job, named

    @Test func theJobDetailNamesTheReport() throws {
        let report = try ingest([Repo.path("samples/v5-mysql-archive")]).report
        let job = try #require(report.jobs.first)
        #expect(job.name == "shop-mysql-sync-prod")
        #expect(job.status == "INCRE_TRANSFER_STARTED")
        #expect(job.sourceEngine == "mysql" && job.targetEngine == "mysql")
        #expect(job.engineType == "mysql-to-mysql")
        #expect(job.region == "cn-north-4")
        #expect(report.title == "DRS comparison: shop-mysql-sync-prod (b7e5a4d1-2c9f-4e3a-8d61-5f0a2c9jb201)")
        var options = IngestOptions(now: testNow)
        options.title = "Sign-off CHG-1"
        #expect(
            try Ingestor.ingest([Repo.path("samples/v5-mysql-archive")], options: options).report.title
                == "Sign-off CHG-1")
        // Without the detail, the engines still come from engine_type and the region from the endpoint.
        #expect(
            try ingest([Repo.path("samples/v3-mysql-responses")]).report.title
                == "DRS comparison: e1f7a2c4-6b3d-4c9e-8a15-2d7f90cjb502")
    }

    @Test func theRegionComesFromTheEndpointWhenTheJobDoesNotSay() {
        #expect(ReportBuilder.region(fromEndpoint: "https://drs.cn-north-4.myhuaweicloud.com") == "cn-north-4")
        #expect(
            ReportBuilder.region(fromEndpoint: "https://drs.ap-southeast-1.myhuaweicloud.com:443/") == "ap-southeast-1")
        #expect(ReportBuilder.region(fromEndpoint: "http://127.0.0.1:8080") == nil)
        #expect(ReportBuilder.region(fromEndpoint: "not a url") == nil)
    }

    // MARK: - Times in the report's zone

    @Test func responsesReceivedHonoursTheTimeZone() throws {
        let result = try ingest([Repo.path("samples/v5-mysql-archive")])
        var options = RenderOptions()
        options.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let items = ReportSections.summary(result.report, strings: Strings(.enUS), timeZone: options.timeZone)
        let received = try #require(items.first { $0.id == "responses_received" })
        guard case .text(let text) = received.value else {
            Issue.record("not text")
            return
        }
        #expect(text == "2026-11-20 16:00:00 +08:00 – 2026-11-20 16:00:21 +08:00")
        #expect(Formatting.zoneLabel(TimeZone(identifier: "UTC")!) == "UTC")
        #expect(Formatting.zoneLabel(TimeZone(secondsFromGMT: 0)!) == "UTC")
        #expect(Formatting.zoneLabel(TimeZone(identifier: "Asia/Shanghai")!) == "Asia/Shanghai")
    }
}
