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

}
