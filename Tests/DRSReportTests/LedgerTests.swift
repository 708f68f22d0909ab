import Foundation
import TestSupport
import Testing

@testable import DRSReport

/// One archived response: body, request path and query, HTTP status.
struct Recorded {
    var body: String
    var path: String
    var query: [String: String] = [:]
    var status = 200
    var receivedAt = "2026-11-20T08:00:00Z"
}

/// Writes an archive (format v1) of the given responses and returns its folder.
func makeArchive(_ responses: [Recorded], jobId: String? = "job-1", in parent: URL, name: String = "archive") throws
    -> URL
{
    let folder = parent.appendingPathComponent(name)
    var entries: [String] = []
    for (index, response) in responses.enumerated() {
        let file = String(format: "responses/%06d.json", index + 1)
        try write(response.body, to: file, in: folder)
        let query = response.query.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(
            separator: ", ")
        entries.append(
            """
            {"file": "\(file)", "method": "GET", "path": "\(response.path)", "query": {\(query)}, "status": \(response.status),
             "received_at": "\(response.receivedAt)", "sha256": "\(sha256Hex(Data(response.body.utf8)))"}
            """)
    }
    let job = jobId.map { "\"job_id\": \"\($0)\", " } ?? ""
    try write(
        """
        {"format": "drs-report-archive", "version": 1, "created_at": "2026-11-20T08:00:00Z", "generator": "test",
         "endpoint": "https://drs.cn-north-4.myhuaweicloud.com", "project_id": "p1", \(job)"language": "en-us",
         "responses": [\(entries.joined(separator: ",\n"))]}
        """, to: "manifest.json", in: folder)
    return folder
}

/// A v5 diff page for one database pair.
func v5DiffPage(_ rows: [String], db: String, task: String = "t-c", count: Int? = nil) -> Recorded {
    Recorded(
        body:
            #"{"job": {"id": "job-1", "compare_result": {"content_diff_detail_info": {"count": \#(count ?? rows.count), "contents_infos": [\#(rows.joined(separator: ","))]}}}}"#,
        path: "/v5/p1/jobs/job-1",
        query: [
            "type": "compare", "compare_type": "content_compare", "query_type": "diff", "source_db_name": db,
            "target_db_name": db,
            "compare_task_id": task, "offset": "0", "limit": "1000",
        ])
}

@Suite struct LedgerTests {
    // MARK: - The samples, counted by hand

    /// samples/v5-mysql-archive, counted from its README and bodies:
    /// tables (12): shop.{orders, order_items, 客户表, products, event_log, audit_trail, tmp_import_2026},
    ///   订单库.{订单明细, payments, 退款记录}, legacy_crm.{contacts, leads};
    /// inconsistent tables: orders (40 rows), 客户表 (21), order_items (12), 订单明细 (row counts differ) = 4;
    /// inconsistent pairs: shop, 订单库 = 2 (legacy_crm's target database does not exist: not compared);
    /// inconsistent objects: the index missing on the target = 1 (TRIGGER: CAN_NOT_COMPARE, not compared);
    /// not compared: TRIGGER, legacy_crm, contacts, leads, audit_trail, event_log, tmp_import_2026 = 7;
    /// not retrieved: the HTTP 400 diff page of 订单库 = 1.
    @Test func v5SampleLedgerMatchesAHandCount() throws {
        let report = try ingest([Repo.path("samples/v5-mysql-archive")]).report
        let counts = report.verdict.counts
        #expect(counts.inconsistentTables == 4)
        #expect(counts.inconsistentDatabases == 2)
        #expect(counts.inconsistentObjects == 1)
        #expect(counts.inconsistentRows == 73)
        #expect(counts.notCompared == 7)
        #expect(counts.notComparedTables == 5 && counts.notComparedDatabases == 1 && counts.notComparedObjectTypes == 1)
        #expect(counts.notRetrieved == 1)
        #expect(report.tables.count == 12)
        #expect(report.databases.map(\.sourceDb) == ["legacy_crm", "shop", "订单库"])
        let outcome = Dictionary(
            uniqueKeysWithValues: report.tables.map { ("\($0.sourceDb).\($0.sourceTable)", $0.outcome) })
        #expect(
            report.tables.filter { $0.outcome == .inconsistent }.map(\.sourceTable).sorted() == [
                "order_items", "orders", "客户表", "订单明细",
            ])
        #expect(outcome["shop.products"] == .consistent)
        #expect(outcome["shop.event_log"] == .notCompared)
        #expect(outcome["legacy_crm.contacts"] == .notCompared)
        // An uncompared table keeps the row counts DRS sent with the reason.
        let audit = try #require(report.tables.first { $0.sourceTable == "audit_trail" })
        #expect(audit.line == nil)
        #expect(audit.notCompared.first?.sourceRows == 48_213)
        let orders = try #require(report.tables.first { $0.sourceTable == "orders" })
        #expect(orders.diffRows == 40)
        #expect(orders.line?.difference == 15)
        #expect(orders.content?.status.outcome == .inconsistent)
        #expect(orders.object?.onTarget == true)
        #expect(orders.jobId == "b7e5a4d1-2c9f-4e3a-8d61-5f0a2c9jb201")
        #expect(report.tables.reduce(0) { $0 + $1.diffRows } == 73)
        // The first box names every gap next to the differences.
        // 订单明细's 7 rows (DRS counts them) are on the diff page that came back as HTTP 400: a gap in the evidence.
        #expect(counts.rowsNotInInputs == 7)
        #expect(
            report.verdict.reasons.map(\.code) == [
                .tablesInconsistent, .databasesInconsistent, .objectsInconsistent, .diffRows, .notCompared,
                .notRetrieved, .rowsNotInInputs,
            ])
        #expect(report.verdict.coverage.ran == [.object, .line, .content])
        #expect(report.conflicts.isEmpty)
    }

    /// samples/v3-mysql-responses, counted by hand: 11 tables; inconsistent: members (5 rows), 会员积分 (12 rows, delivered
    /// twice), sms_log (missing on the target), archive_2019.orders_2019 and refunds_2019 (missing on the target) = 5;
    /// pairs: crm and archive_2019 (missing on the target) = 2; no other object differs; not compared, and not
    /// otherwise inconsistent: click_stream = 1 (archive_2019, its tables and sms_log could not be compared but are
    /// missing on the target, so they count as inconsistent, with the reasons in their entries); EVENT is still being
    /// compared = 1 incomplete.
    @Test func v3SampleLedgerMatchesAHandCount() throws {
        let result = try ingest([Repo.path("samples/v3-mysql-responses")])
        let report = result.report
        let counts = report.verdict.counts
        #expect(counts.inconsistentTables == 5)
        #expect(counts.inconsistentDatabases == 2)
        #expect(counts.inconsistentObjects == 0)
        #expect(counts.inconsistentRows == 17)
        #expect(counts.notCompared == 1)
        #expect(counts.notComparedTables == 1)
        #expect(report.notCompared.map(\.sourceName) == ["crm.click_stream"])
        #expect(
            report.tables.first { $0.sourceTable == "sms_log" }?.notCompared.map(\.code) == ["TARGET_TABLE_NOT_EXIST"])
        #expect(counts.incomplete == 1)
        #expect(report.diffSummary.duplicateRows == 12)
        #expect(try allRows(result.diffs).count == 17)
        // The loose object-detail body does not say its type: it is read as TABLE, and nothing is UNKNOWN or listed twice.
        #expect(!report.objects.contains { $0.objectType == "UNKNOWN" })
        #expect(report.notes.contains { $0.code == .objectTypeInferred && $0.subject == "TABLE" })
        #expect(report.tables.filter { $0.object != nil }.count == 11)
        // Two inputs disagree on sms_log's row-count result: the report says which it used.
        #expect(report.conflicts.contains { $0.subject.hasSuffix("crm.sms_log") && $0.used.hasPrefix("INCONSISTENT") })
    }

    @Test func everySampleTogetherWithAnEmptyBodyMatchesTheSumOfTheParts() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = try write("{}", to: "empty.json", in: folder)
        let result = try ingest([Repo.path("samples/v5-mysql-archive"), Repo.path("samples/v3-mysql-responses"), empty])
        let counts = result.report.verdict.counts
        #expect(counts.inconsistentTables == 4 + 5)
        #expect(counts.inconsistentDatabases == 2 + 2)
        #expect(counts.inconsistentObjects == 1)
        #expect(counts.inconsistentRows == 73 + 17)
        #expect(counts.notCompared == 7 + 1)
        #expect(result.report.jobs.count == 2)
        #expect(result.report.title == "DRS comparison: 2 jobs")
        #expect(result.report.sources.last?.kind == "empty")
        // Every row is in csv/diffs.csv and in the workbook.
        let out = folder.appendingPathComponent("out")
        _ = try Renderer.render(result, to: out, options: RenderOptions())
        let csv = try text(out, "csv/diffs.csv").components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(csv.count - 1 == 90)
        let book = try WorkbookReader(out.appendingPathComponent("report.xlsx"))
        #expect((book.sheets["Diffs"]?.count ?? 0) - 1 == 90)
        // Several jobs: per-table sections say which job each row is about.
        #expect(try text(out, "report.html").contains("<th>Job</th><th>Source table</th>"))
    }

    // MARK: - Counting things, not comparisons

    @Test func aTableInconsistentInBothComparisonsIsOneTable() throws {
        let parent = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let archive = try makeArchive(
            [
                Recorded(
                    body:
                        #"{"job": {"id": "job-1", "compare_result": {"line_compare_overview_infos": [{"source_db_name": "s", "target_db_name": "s", "status": "INCONSISTENT"}]}}}"#,
                    path: "/v5/p1/jobs/job-1",
                    query: [
                        "type": "compare", "compare_type": "line_compare", "query_type": "overview",
                        "compare_task_id": "t-l",
                    ]),
                Recorded(
                    body:
                        #"{"job": {"id": "job-1", "compare_result": {"line_compare_detail_infos": [{"source_table_name": "t", "source_row_num": 5, "target_row_num": 4, "status": "INCONSISTENT"}]}}}"#,
                    path: "/v5/p1/jobs/job-1",
                    query: [
                        "type": "compare", "compare_type": "line_compare", "query_type": "detail",
                        "source_db_name": "s",
                        "target_db_name": "s", "compare_detail_type": "compare", "compare_task_id": "t-l",
                    ]),
                Recorded(
                    body:
                        #"{"job": {"id": "job-1", "compare_result": {"content_compare_overview_infos": [{"source_db": "s", "target_db": "s", "status": "INCONSISTENT"}]}}}"#,
                    path: "/v5/p1/jobs/job-1",
                    query: [
                        "type": "compare", "compare_type": "content_compare", "query_type": "overview",
                        "compare_task_id": "t-c",
                    ]),
                Recorded(
                    body:
                        #"{"job": {"id": "job-1", "compare_result": {"content_compare_detail_infos": [{"source_db": "s", "target_db": "s", "source_table_name": "t", "line_compare_result": false, "content_compare_result": false}]}}}"#,
                    path: "/v5/p1/jobs/job-1",
                    query: [
                        "type": "compare", "compare_type": "content_compare", "query_type": "detail",
                        "compare_task_id": "t-c",
                    ]),
            ], in: parent)
        let report = try ingest([archive.path]).report
        #expect(report.tables.count == 1)
        #expect(report.tables[0].line != nil && report.tables[0].content != nil)
        #expect(report.tables[0].taskIds == ["t-l", "t-c"])
        #expect(report.verdict.counts.inconsistentTables == 1)
        #expect(report.databases.count == 1)
        #expect(report.verdict.counts.inconsistentDatabases == 1)
        #expect(report.verdictSentences.first == "1 table is inconsistent")
    }

    @Test func anObjectTypeIsNotAddedToItsObjects() throws {
        let parent = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let archive = try makeArchive(
            [
                Recorded(
                    body:
                        #"{"job": {"id": "job-1", "compare_result": {"objects_compare_overview_info": {"compare_job_id": "t-o", "compare_results": [{"type": "INDEX", "source_count": 3, "target_count": 2, "status": "INCONSISTENT"}]}}}}"#,
                    path: "/v5/p1/jobs/job-1",
                    query: ["type": "compare", "compare_type": "object_compare", "query_type": "overview"]),
                Recorded(
                    body:
                        #"{"job": {"id": "job-1", "compare_result": {"objects_compare_detail_infos": [{"source_db_name": "s", "target_db_name": "s", "source_db_value": "idx_a", "target_db_value": ""}, {"source_db_name": "s", "target_db_name": "s", "source_db_value": "idx_b", "target_db_value": "idx_b"}]}}}"#,
                    path: "/v5/p1/jobs/job-1",
                    query: [
                        "type": "compare", "compare_type": "object_compare", "query_type": "detail",
                        "object_type": "INDEX", "compare_task_id": "t-o",
                    ]),
            ], in: parent)
        let report = try ingest([archive.path]).report
        #expect(report.objects.map(\.scope) == [.object, .object])
        #expect(report.verdict.counts.inconsistentObjects == 1)
    }

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

/// report.md fits a ticket at any estate size.
@Suite(.serialized) struct MarkdownCapTests {
    /// The 10,000-table estate of scripts/gen_samples.py (20,000 rows keep the test quick; the cap is about tables).
    static func estate() throws -> (URL, IngestResult) {
        let folder = try temporaryFolder("estate")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Repo.path("scripts/gen_samples.py"), "--large", folder.appendingPathComponent("archive").path,
            "--tables", "10000", "--diffs", "20000",
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return (folder, try ingest([folder.appendingPathComponent("archive").path]))
    }

    @Test func theCapHoldsOnTheTenThousandTableEstateAndSaysWhereItShortened() throws {
        let (folder, result) = try Self.estate()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(result.report.tables.count == 10_000)
        for (cap, shown) in [(60_000, "60,000"), (32_767, "32,767"), (8_000, "8,000")] {
            var options = RenderOptions()
            options.maxMarkdownChars = cap
            // Ask for far more than fits, so the writer has to shorten.
            options.maxMarkdownRows = 5_000
            options.maxMarkdownTables = 5_000
            let text = try MarkdownWriter.render(result.report, options: options)
            #expect(text.utf16.count <= cap, "cap \(cap): \(text.utf16.count)")
            #expect(text.contains("Shortened to fit \(shown) characters"))
            #expect(text.contains("of \(result.report.verdict.counts.inconsistentTables) inconsistent tables"))
            // The verdict and the job are never what is cut.
            #expect(text.contains("## Verdict: INCONSISTENT"))
            #expect(text.contains("4c0ffee0-1a2b-4c3d-8e4f-50617283jb9f"))
            #expect(text.contains("more tables in csv/tables.csv"))
        }
        // The defaults fit without shortening.
        let plain = try MarkdownWriter.render(result.report, options: RenderOptions())
        #expect(plain.utf16.count <= 60_000)
        #expect(!plain.contains("Shortened"))
    }

    @Test func aPageThatCannotShrinkEnoughIsCutAtALineWithANote() throws {
        let long = String(repeating: "x", count: 3_000)
        let cut = MarkdownWriter.hardCut("a\n```sql\n\(long)\n```\nb\n", cap: 1_000, marker: "\n_cut_\n")
        #expect(cut.utf16.count <= 1_000)
        #expect(cut.hasSuffix("_cut_\n"))
        #expect(!cut.contains(long))
        // An open code fence is closed before the note.
        #expect(cut.components(separatedBy: "```").count % 2 == 1)
    }

    /// The exact escapes; Tests/python/test_markdown_gfm.py renders them with cmark-gfm and finds no link.
    @Test func dataNeverBecomesALink() {
        let cases = [
            "www.evil.example": "www\\.evil.example",
            "WWW.EVIL.EXAMPLE": "WWW\\.EVIL.EXAMPLE",
            "db.www.x": "db.www\\.x",
            "ops@evil.example": "ops@&#x2060;evil.example",
            "http://evil.example": "http\\://evil.example",
            "[x](javascript:alert(1))": "\\[x\\](javascript\\:alert(1))",
            "plain.db.table": "plain.db.table",
        ]
        for (input, expected) in cases {
            #expect(MarkdownEscaping.escape(input) == expected)
        }
    }
}

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
