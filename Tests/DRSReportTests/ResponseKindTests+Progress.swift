import Foundation
import TestSupport
import Testing

@testable import DRSReport

/// Progress, v3 and error responses.
extension ResponseKindTests {
    @Test func v5CompareProgress() throws {
        let report = try ingestArchive(
            #"""
            {"full_info": {"progress": 45.5, "src_speed": "1.2MB/s", "recheck_entities": 3},
             "incre_info": {"delay": 9.58, "src_speed": "0.00B/s", "rps": 7, "log_point": "uuid:51", "recheck_entities": 1},
             "global_info": {"src_speed": "0.00B/s"}}
            """#, path: "/v5/p1/jobs/job-1/compare-progress/t-c"
        ).report
        let progress = try #require(report.progress.tasks.first)
        #expect(progress.taskId == "t-c")
        #expect(progress.fullProgress == 45.5)
        #expect(progress.fullSpeed == "1.2MB/s")
        #expect(progress.fullRecheckRows == 3)
        #expect(progress.incrementalDelay == 9.58)
        #expect(progress.incrementalRowsPerSecond == 7)
        #expect(progress.incrementalLogPoint == "uuid:51")
        #expect(progress.incrementalRecheckRows == 1)
    }

    @Test func v5ProgressData() throws {
        let report = try ingestArchive(
            #"""
            {"count": "1", "create_time": "1686038576882", "flow_compare_data": [{"src_db": "a", "src_tb": "b", "dst_db": "c", "dst_tb": "d", "progress": 10}]}
            """#, path: "/v5/p1/jobs/job-1/progress-data/table"
        ).report
        #expect(report.progress.streamingTotal == 1)
        #expect(
            report.progress.streaming == [
                StreamingProgress(
                    sourceDatabase: "a", sourceObject: "b", targetDatabase: "c", targetObject: "d", progress: 10,
                    objectType: "table")
            ])
    }

    @Test func v3ObjectOverviewAndDetail() throws {
        let overview = try ingestArchive(
            #"""
            {"status": "SUCCESSFUL", "create_time": "2024-04-02T06:17:56Z", "start_time": "2024-04-02T06:17:49Z",
             "export_status": "INIT", "report_remain_seconds": -1, "compare_job_id": "bfc",
             "compare_result": [{"type": "DB", "status": 2, "source_count": 2, "target_count": 2},
                                {"type": "TABLE", "status": 0, "source_count": 2, "target_count": 1},
                                {"type": "INDEX", "status": 3, "source_count": 2, "target_count": 2}]}
            """#, path: "/v3/p1/jobs/job-1/object/compare"
        ).report
        #expect(overview.tasks.first?.id == "bfc")
        #expect(overview.tasks.first?.expiry.state == .notGenerated)
        #expect(overview.objectTypes.map(\.status.outcome) == [.consistent, .inconsistent, .pending])

        let detail = try ingestArchive(
            #"""
            {"count": 1, "compare_detail": [{"source_db_name": "shop", "target_db_name": "shop", "source_db_value": "t1", "target_db_value": "t1", "status": 2}]}
            """#, path: "/v3/p1/jobs/job-1/object/compare/TABLE", query: ["compare_job_id": "bfc"]
        ).report
        // A TABLE object is the table's own ledger entry, with object comparison's view of it.
        #expect(detail.objects.isEmpty)
        #expect(detail.tables.map(\.sourceTable) == ["t1"])
        #expect(detail.tables.first?.taskIds == ["bfc"])
        #expect(detail.tables.first?.object?.status.outcome == .consistent)
        #expect(detail.tables.first?.object?.onTarget == true)
    }

    @Test func v3CompareJobs() throws {
        let report = try ingestArchive(
            #"""
            {"count": 1, "compare_jobs": [{"id": "t9", "type": "contents", "options": {"contentCompareType": "static"}, "start_time": "2020-09-01T18:50:20Z",
              "end_time": "2020-09-01T19:50:20Z", "status": "SUCCESSFUL", "export_status": "EXPORT_COMPLETE", "report_remain_seconds": 100,
              "proportion_value": "10"}]}
            """#, path: "/v3/p1/jobs/job-1/table/compare"
        ).report
        #expect(report.tasks.first?.kind == .content)
        #expect(report.tasks.first?.expiry.state == .expired)
        #expect(report.tasks.first?.jobId == "job-1")
    }

    @Test func v3LineOverviewAndDetail() throws {
        let overview = try ingestArchive(
            #"""
            {"total_count": 1, "data_compare_overview_infos": [{"source_db_name": "shop", "target_db_name": "shop", "status": 0,
              "compare_num": 10, "compare_end_num": 9, "data_inconsistent_num": 2, "uncomparable_num": 1}]}
            """#, path: "/v3/p1/jobs/job-1/compare/t-l/line-overview"
        ).report
        let entry = try #require(overview.databases.first)
        let pair = try #require(entry.line)
        #expect(entry.taskIds == ["t-l"])
        #expect(
            pair.tableCount == 10 && pair.finishedCount == 9 && pair.inconsistentCount == 2
                && pair.uncomparableCount == 1)
        #expect(pair.status.outcome == .inconsistent)

        let detail = try ingestArchive(
            #"""
            {"total_count": 2, "table_line_compare_result_infos": [
              {"source_table_name": "a", "source_row_num": 5, "target_table_name": "a", "target_row_num": 4, "difference_row_num": 1, "status": 0, "compare_line_config_filter": "id > 3"},
              {"source_table_name": "big", "source_row_num": 3000000000, "target_table_name": "big", "status": 23}]}
            """#, path: "/v3/p1/jobs/job-1/compare/t-l/line-detail",
            query: ["db_name": "shop", "target_db_name": "shop_t"]
        ).report
        #expect(detail.tables.map(\.sourceDb) == ["shop", "shop"])
        #expect(detail.tables.map(\.sourceTable) == ["a", "big"])
        #expect(detail.tables.first?.targetDb == "shop_t")
        #expect(detail.tables.first?.line?.filter == "id > 3")
        #expect(detail.tables[1].line?.sourceRows == 3_000_000_000)
        #expect(detail.tables[1].line?.status.code == "TOO_MANY_ROWS_NOT_COMPARED")
        #expect(detail.notCompared.count == 1)
    }

    @Test func v3ContentOverviewDetailDifference() throws {
        let overview = try ingestArchive(
            #"""
            {"total_count": 1, "content_compare_result_infos": [{"source_db": "shop", "target_db": "shop", "status": 2, "compare_num": 3, "compare_end_num": 3, "data_inconsistent_num": 0, "uncomparable_num": 0}]}
            """#, path: "/v3/p1/jobs/job-1/compare/t-c/content-overview"
        ).report
        #expect(overview.databases.first?.content?.status.outcome == .consistent)
        #expect(overview.databases.first?.content?.tableCount == 3)

        let detail = try ingestArchive(
            #"""
            {"total_count": 1, "content_compare_result_infos": [{"source_db": "shop", "target_db": "shop", "source_table_name": "t",
              "target_table_name": "t", "source_row_num": 1, "target_row_num": 1, "difference_row_num": 0, "line_compare_result": "true",
              "content_compare_result": true, "status": 2, "progress": 100.0, "complete_shard_count": 1, "total_shard_count": 1}]}
            """#, path: "/v3/p1/jobs/job-1/compare/t-c/content-detail", query: ["type": "compare"]
        ).report
        #expect(detail.tables.first?.content?.status.outcome == .consistent)
        #expect(detail.tables.first?.content?.progress == 100)

        let difference = try ingestArchive(
            #"""
            {"count": 2, "target_meta_is_null": 1, "source_meta_is_null": 0, "source_target_meta_not_null": 1, "contents_infos": [
              {"source_key_value": ["1"], "target_key_value": null, "select_sql": "SELECT * FROM t WHERE id=1", "target_select_sql": "SELECT * FROM t WHERE id=1"},
              {"source_key_value": ["2"], "target_key_value": ["2"], "select_sql": "s2", "target_select_sql": "t2"}]}
            """#, path: "/v3/p1/jobs/job-1/compare/t-c/content-difference",
            query: ["db_name": "shop", "table_name": "t"])
        let rows = difference.report.diffPreview
        #expect(rows.map(\.sourceSQL) == ["SELECT * FROM t WHERE id=1", "s2"])
        #expect(rows.map(\.kind) == [.missingOnTarget, .differs])
        #expect(
            rows.allSatisfy {
                $0.sourceDatabase == "shop" && $0.sourceTable == "t" && $0.taskId == "t-c" && !$0.locationInferred
            })
    }

    @Test func v3QueryCompareResultCombined() throws {
        let report = try ingestArchive(
            #"""
            {"job_id": "job-1",
             "object_level_compare_results": {"compare_task_id": "o1",
               "object_compare_overview": [{"object_type": "TABLE", "object_compare_result": "TARGET_DB_NOT_EXIT", "source_count": 3, "target_count": 0, "diff_count": 3}],
               "object_compare_details": {"TABLE": [{"source_db_name": "s", "target_db_name": "s", "source_db_value": "t1", "target_db_value": ""}]}},
             "line_compare_results": {"compare_task_id": "l1", "line_compare_overview": [{"source_db_name": "s", "target_db_name": "s2", "line_compare_result": "INCONSISTENT"}],
               "line_compare_details": [{"source_db_name": "s", "line_compare_detail": [{"source_table_name": "t1", "target_table_name": "t1", "source_row_num": 4, "target_row_num": 3, "diff_row_num": 1, "line_compare_result": "INCONSISTENT"}], "line_compare_detail_count": 1}]},
             "content_compare_results": {"compare_task_id": "c1", "content_compare_overview": [{"source_db_name": "s", "target_db_name": "s2", "content_compare_result": "INCONSISTENT"}],
               "content_compare_details": [{"source_db_name": "s", "content_compare_detail": [{"source_db_name": "s", "target_db_name": "s2", "source_table_name": "t1", "target_table_name": "t1", "source_row_num": 4, "target_row_num": 3, "diff_row_num": 1, "line_compare_result": "INCONSISTENT", "content_compare_result": "INCONSISTENT"}],
                 "content_uncompare_detail": [{"source_table_name": "t9", "content_compare_result": "CAN_NOT_COMPARE", "message": "no key"}]}],
               "content_compare_diffs": [{"source_db_name": "s", "source_table_name": "t1", "content_compare_diff_count": 1, "content_compare_diff": [
                 {"source_key_value": ["7"], "target_key_value": ["7"], "source_select_sql": "a", "target_select_sql": "b"}]}]},
             "compare_task_list_results": {"compare_task_list": [{"compare_task_id": "c1", "compare_type": "contents", "compare_task_status": "SUCCESSFUL", "create_time": "1607766111833", "end_time": "1607766211833"}], "compare_task_list_count": 1}}
            """#, path: "/v3/p1/jobs/query-compare-result")
        let model = report.report
        #expect(Set(model.tasks.map(\.id)) == ["o1", "l1", "c1"])
        #expect(model.tasks.first { $0.id == "c1" }?.createdAt == Date(timeIntervalSince1970: 1_607_766_111.833))
        #expect(model.objectTypes.first?.status.code == "TARGET_DB_NOT_EXIST")
        #expect(model.objectTypes.first?.diffCount == 3)
        #expect(model.tables.map(\.sourceTable) == ["t1", "t9"])
        let t1 = model.tables[0]
        #expect(t1.object?.status.outcome == .inconsistent)
        #expect(t1.object?.onTarget == false)
        #expect(t1.targetDb == "s2")
        #expect(t1.line?.difference == 1)
        #expect(t1.diffRows == 1)
        #expect(t1.jobId == "job-1")
        #expect(model.tables[1].content == nil)
        #expect(model.tables[1].notCompared.map(\.code) == ["CAN_NOT_COMPARE"])
        // One table, one pair: each counted once although three comparisons call them inconsistent.
        #expect(model.verdict.counts.inconsistentTables == 1)
        #expect(model.verdict.counts.inconsistentDatabases == 1)
        #expect(model.verdict.counts.inconsistentObjects == 0)
        let row = try #require(report.report.diffPreview.first)
        #expect(
            row.sourceDatabase == "s" && row.targetDatabase == "s2" && row.sourceTable == "t1" && row.taskId == "c1")
    }

    @Test func v3CreateCompareTask() throws {
        let report = try ingestArchive(
            #"""
            {"job_id": "job-1", "object_level_compare_create_result": {"compare_task_id": "o7"},
             "data_level_compare_create_result": {"error_code": "DRS.M00304", "error_msg": "API cannot be called in current task status"}}
            """#, path: "/v3/p1/jobs/create-compare-task", status: 200
        ).report
        #expect(report.tasks.map(\.id) == ["o7"])
        #expect(report.retrievalErrors.map(\.errorCode) == ["DRS.M00304"])
    }

    @Test func errorBodyBecomesRetrievalError() throws {
        let report = try ingestArchive(
            #"{"error_code": "DRS.M05003", "error_msg": "Task information not found."}"#,
            query: ["compare_type": "content_compare", "query_type": "diff"], status: 400
        ).report
        let error = try #require(report.retrievalErrors.first)
        #expect(error.errorCode == "DRS.M05003")
        #expect(error.errorMessage == "Task information not found.")
        #expect(error.httpStatus == 400)
        #expect(error.request?.contains("query_type=diff") == true)
        #expect(report.verdict.value == .incomplete)
    }

    @Test func unknownExtraFieldsAreIgnored() throws {
        let report = try ingestBody(#"{"flow_compare_data": [], "count": 0, "brand_new_field": {"x": [1, 2]}}"#).report
        #expect(report.progress.streaming.isEmpty)
    }
}
