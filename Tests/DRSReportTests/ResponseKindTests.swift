import Foundation
import TestSupport
import Testing

@testable import DRSReport

/// One test per response kind, checking every field lands in the model.
@Suite struct ResponseKindTests {
    /// Writes a one-response archive so the request context (path, query) is known.
    func archive(_ body: String, path: String, query: [String: String] = [:], status: Int = 200) throws -> (URL, String)
    {
        let folder = try temporaryFolder("archive")
        try write(body, to: "responses/000001.json", in: folder)
        let digest = sha256Hex(Data(body.utf8))
        let queryJSON = query.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(
            separator: ", ")
        let manifest = """
            {"format": "drs-report-archive", "version": 1, "created_at": "2026-11-20T08:00:00Z", "generator": "test",
             "endpoint": "https://drs.cn-north-4.myhuaweicloud.com", "project_id": "p1", "job_id": "job-1", "language": "en-us",
             "responses": [{"file": "responses/000001.json", "method": "GET", "path": "\(path)", "query": {\(queryJSON)},
                            "status": \(status), "received_at": "2026-11-20T08:00:00Z", "sha256": "\(digest)"}]}
            """
        try write(manifest, to: "manifest.json", in: folder)
        return (folder, folder.path)
    }

    func ingestArchive(
        _ body: String, path: String = "/v5/p1/jobs/job-1", query: [String: String] = [:], status: Int = 200
    ) throws -> IngestResult {
        let (folder, input) = try archive(body, path: path, query: query, status: status)
        defer { try? FileManager.default.removeItem(at: folder) }
        var result = try ingest([input])
        // Read the rows now, while the files exist.
        let rows = try allRows(result.diffs)
        result.report.diffPreview = rows
        return result
    }

    @Test func v5ObjectOverview() throws {
        let body = #"""
            {"job": {"id": "job-1", "compare_result": {"objects_compare_overview_info": {
              "create_time": "2026-11-19T22:10:05Z", "start_time": "2026-11-19T22:10:09Z", "status": "SUCCESSFUL",
              "export_status": "EXPORT_COMPLETE", "report_remain_seconds": 3600, "compare_job_id": "t-obj", "error_msg": "",
              "compare_results": [
                {"type": "TABLE", "source_count": 12, "target_count": "12", "status": "CONSISTENT"},
                {"type": "INDEX", "source_count": 10, "target_count": 9, "status": "INCONSISTENT"},
                {"type": "TRIGGER", "source_count": 2, "target_count": 2, "status": "CAN_NOT_COMPARE"}]}}}}
            """#
        let report = try ingestArchive(
            body, query: ["type": "compare", "compare_type": "object_compare", "query_type": "overview"]
        ).report
        #expect(report.jobs.map(\.id) == ["job-1"])
        #expect(report.jobs.first?.projectId == "p1")
        let task = try #require(report.tasks.first)
        #expect(task.id == "t-obj")
        #expect(task.kind == .object)
        #expect(task.status == "SUCCESSFUL")
        #expect(task.exportStatus == "EXPORT_COMPLETE")
        #expect(task.reportRemainSeconds == 3600)
        #expect(task.createdAt == TimeParsing.parse("2026-11-19T22:10:05Z"))
        #expect(task.expiry.expiresAt == TimeParsing.parse("2026-11-20T09:00:00Z"))
        #expect(task.expiry.state == .expired)
        #expect(task.expiry.receivedAtBasis == .manifest)
        #expect(report.objectTypes.map(\.objectType) == ["TABLE", "INDEX", "TRIGGER"])
        #expect(report.objectTypes[0].targetCount == 12)
        #expect(report.objectTypes.map(\.status.outcome) == [.consistent, .inconsistent, .notCompared])
        // No objects are listed, so each type DRS judged is one ledger entry.
        #expect(report.objects.map(\.scope) == [.type, .type])
        #expect(report.notCompared.map(\.objectType) == ["TRIGGER"])
        // An object type is not added to objects: counted as what it is.
        #expect(report.verdict.counts.inconsistentObjects == 0)
        #expect(report.verdict.counts.inconsistentObjectTypes == 1)
        #expect(report.verdict.counts.notComparedObjectTypes == 1)
        #expect(report.verdict.value == .inconsistent)
    }

    @Test func v5ObjectDetailTakesTypeFromQueryAndJudgesValues() throws {
        let body = #"""
            {"job": {"compare_result": {"objects_compare_detail_infos": [
              {"source_db_name": "shop", "target_db_name": "shop", "source_db_value": "idx_a", "target_db_value": "idx_a"},
              {"source_db_name": "shop", "target_db_name": "shop", "source_db_value": "idx_b", "target_db_value": ""},
              {"source_db_name": "shop", "target_db_name": "shop", "source_db_value": "", "target_db_value": "", "error_message": "timeout"}]}}}
            """#
        let report = try ingestArchive(
            body,
            query: [
                "compare_type": "object_compare", "query_type": "detail", "object_type": "INDEX",
                "compare_task_id": "t1",
            ]
        ).report
        #expect(report.objects.count == 3)
        #expect(report.objects.allSatisfy { $0.objectType == "INDEX" && $0.taskIds == ["t1"] && $0.scope == .object })
        #expect(report.objects.map(\.outcome) == [.consistent, .inconsistent, .notCompared])
        #expect(report.objects[2].message == "timeout")
    }

    @Test func v5DataCompareList() throws {
        let body = #"""
            {"job": {"id": "job-1", "total_count": 2, "compare_result": {"data_compare_task_list": [
              {"id": "t-l", "type": "lines", "start_time": "2026-11-20T02:00:03Z", "end_time": "2026-11-20T02:07:41Z", "status": "SUCCESSFUL",
               "compute_type": "drs", "export_status": "EXPORT_COMPLETE", "report_remain_seconds": "86400", "compare_job_tag": {"a": "b"}},
              {"id": "t-c", "type": "contents", "status": "RUNNING", "export_status": "INIT", "report_remain_seconds": -1, "error_msg": "still going"}]}}}
            """#
        let report = try ingestArchive(body, query: ["compare_type": "data_compare", "query_type": "list"]).report
        #expect(report.tasks.map(\.id) == ["t-l", "t-c"])
        #expect(report.tasks.map(\.kind) == [.line, .content])
        #expect(report.tasks[0].reportRemainSeconds == 86400)
        #expect(report.tasks[0].endedAt == TimeParsing.parse("2026-11-20T02:07:41Z"))
        // 86400 s from 2026-11-20T08:00Z is 8 h after the report clock: inside the 24 h window.
        #expect(report.tasks[0].expiry.state == .expiringSoon)
        #expect(report.tasks[0].expiry.secondsLeft == Int64(28_800))
        #expect(report.tasks[1].expiry.state == .notGenerated)
        #expect(report.tasks[1].errorMessage == "still going")
        #expect(report.verdict.value == .incomplete)
    }

    @Test func v5LineOverviewAndDetailWithStringCounts() throws {
        let overview = try ingestArchive(
            #"""
            {"job": {"compare_result": {"line_compare_overview_infos": [
              {"source_db_name": "shop", "target_db_name": "shop2", "status": "INCONSISTENT"},
              {"source_db_name": "crm", "target_db_name": "crm", "status": "TARGET_DB_NOT_EXIST"}]}}}
            """#, query: ["compare_type": "line_compare", "query_type": "overview", "compare_task_id": "t-l"]
        ).report
        #expect(overview.databases.map(\.targetDb) == ["crm", "shop2"])
        #expect(overview.databases.map(\.taskIds) == [["t-l"], ["t-l"]])
        #expect(overview.databases.map(\.outcome) == [.notCompared, .inconsistent])
        #expect(overview.notCompared.map(\.sourceName) == ["crm"])

        let detail = try ingestArchive(
            #"""
            {"job": {"compare_result": {"line_compare_detail_infos": [
              {"source_table_name": "orders", "target_table_name": "orders", "source_row_num": "3000000000", "target_row_num": "2999999998",
               "difference_row_num": "2", "status": "INCONSISTENT", "message": "m"},
              {"source_table_name": "客户表", "source_row_num": "5", "target_row_num": "5", "status": "CONSISTENT"}]}}}
            """#,
            query: [
                "compare_type": "line_compare", "query_type": "detail", "source_db_name": "shop",
                "target_db_name": "shop2",
                "compare_detail_type": "compare", "compare_task_id": "t-l",
            ]
        ).report
        let entry = try #require(detail.tables.first { $0.sourceTable == "orders" })
        let first = try #require(entry.line)
        #expect(entry.sourceDb == "shop")
        #expect(entry.targetDb == "shop2")
        #expect(entry.jobId == "job-1")
        #expect(entry.content == nil)
        #expect(first.sourceRows == 3_000_000_000)
        #expect(first.targetRows == 2_999_999_998)
        #expect(first.difference == 2)
        #expect(first.message == "m")
        #expect(first.status.outcome == .inconsistent)
        #expect(entry.outcome == .inconsistent)
        let second = try #require(detail.tables.first { $0.sourceTable == "客户表" })
        #expect(second.targetTable == "客户表")
        #expect(second.line?.difference == 0)
        #expect(second.outcome == .consistent)
    }

    @Test func v5UncompareDetailsGoToNotCompared() throws {
        let report = try ingestArchive(
            #"""
            {"job": {"compare_result": {"line_compare_detail_infos": [
              {"source_table_name": "mem", "status": "CAN_NOT_COMPARE", "message": "MEMORY engine"}]}}}
            """#,
            query: [
                "compare_type": "line_compare", "query_type": "detail", "source_db_name": "shop",
                "compare_detail_type": "uncompare",
            ]
        ).report
        // Listed as uncompared: the row-count comparison did not cover it; the reason is kept.
        #expect(report.tables.first?.line == nil)
        #expect(report.tables.first?.outcome == .notCompared)
        #expect(report.notCompared.first?.sourceName == "shop.mem")
        #expect(report.notCompared.first?.reasons.first?.message == "MEMORY engine")
        #expect(report.notCompared.first?.reasons.first?.code == "CAN_NOT_COMPARE")
        #expect(report.verdict.value == .incomplete)
    }

    @Test func v5ContentOverviewDetailAndDiff() throws {
        let overview = try ingestArchive(
            #"""
            {"job": {"compare_result": {"content_compare_overview_infos": [
              {"source_db": "shop", "target_db": "shop", "status": "INCONSISTENT", "compare_result": false},
              {"source_db": "crm", "target_db": "crm", "compare_result": true}]}}}
            """#, query: ["compare_type": "content_compare", "query_type": "overview"]
        ).report
        #expect(overview.databases.map(\.sourceDb) == ["crm", "shop"])
        #expect(overview.databases.map { $0.content?.status.outcome } == [.consistent, .inconsistent])

        let detail = try ingestArchive(
            #"""
            {"job": {"compare_result": {"content_compare_detail_infos": [
              {"source_db": "shop", "target_db": "shop", "source_table_name": "orders", "target_table_name": "orders",
               "source_row_num": 10, "target_row_num": 9, "difference_row_num": 2, "line_compare_result": false,
               "content_compare_result": "false", "message": ""}]}}}
            """#, query: ["compare_type": "content_compare", "query_type": "detail", "compare_task_id": "t-c"]
        ).report
        let entry = try #require(detail.tables.first)
        let table = try #require(entry.content)
        #expect(table.sourceRows == 10 && table.targetRows == 9 && table.inconsistentRows == 2)
        #expect(table.lineStatus.outcome == .inconsistent)
        #expect(table.status.outcome == .inconsistent)
        #expect(entry.taskIds == ["t-c"])
        #expect(entry.line == nil)

        let diff = try ingestArchive(
            #"""
            {"job": {"compare_result": {"content_diff_detail_info": {"count": 3, "target_meta_is_null": 1, "source_meta_is_null": 1,
              "source_target_meta_not_null": 1, "contents_infos": [
              {"source_key_value": ["1"], "target_key_value": [], "source_select_sql": "SELECT * FROM `shop`.`orders` WHERE `id`='1'", "target_select_sql": "SELECT * FROM `shop`.`orders` WHERE `id`='1'"},
              {"source_key_value": [], "target_key_value": ["2"], "source_select_sql": "select * from shop.orders where id=2", "target_select_sql": "select * from shop.orders where id=2"},
              {"source_key_value": ["3", "a"], "target_key_value": ["3", "a"], "source_select_sql": "SELECT 1 FROM `shop`.`order_items` WHERE x", "target_select_sql": "t"}]}}}}
            """#,
            query: [
                "compare_type": "content_compare", "query_type": "diff", "source_db_name": "shop",
                "target_db_name": "shop",
                "compare_task_id": "t-c", "offset": "0", "limit": "1000",
            ])
        let rows = diff.report.diffPreview
        #expect(rows.count == 3)
        #expect(rows.map(\.kind) == [.missingOnTarget, .missingOnSource, .differs])
        #expect(rows.map(\.sourceTable) == ["orders", "orders", "order_items"])
        #expect(rows.allSatisfy { $0.sourceDatabase == "shop" && $0.taskId == "t-c" && $0.locationInferred })
        #expect(rows[2].sourceKey == ["3", "a"])
        #expect(rows[2].targetSQL == "t")
        #expect(diff.report.diffSummary.rowsInInput == 3)
        #expect(diff.report.diffSummary.rowsReportedByDRS == 3)
        #expect(diff.report.tables.map(\.sourceTable) == ["order_items", "orders"])
        #expect(diff.report.tables.map(\.diffRows) == [1, 2])
        #expect(diff.report.verdict.value == .inconsistent)
    }

}
