import Foundation

/// The v3 shapes: object, line and content APIs, query-compare-result and create-compare-task;
/// and the per-item readers both generations share.
extension ReportBuilder {
    func v3ObjectOverview(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let id = try root.string("compare_job_id") ?? context.query["compare_job_id"]
        upsertTask(try TaskFacts.reading(root, id: id, kind: .object, rawType: "object", jobId: context.jobId), context)
        for item in try root.array("compare_result") {
            try item.requireObject()
            facts.objectTypes.append(ObjectTypeSummary(
                jobId: context.jobId, taskId: id, objectType: try item.string("type") ?? "UNKNOWN",
                sourceCount: try item.int64("source_count"), targetCount: try item.int64("target_count"), diffCount: nil,
                status: try status(item, "status", table: .object), sourceIds: [context.sourceId]))
        }
    }

    func v3ObjectDetail(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let type = context.request?.value(after: "compare").flatMap { $0 == "compare" ? nil : $0 }
            ?? context.request?.segments.last.flatMap { $0 == "compare" ? nil : $0 }
        let taskId = context.query["compare_job_id"]
        for item in try root.array("compare_detail") {
            try item.requireObject()
            facts.objectDetails.append(try objectDetail(
                item, type: type ?? "UNKNOWN", taskId: taskId, jobId: context.jobId, statusTable: true, context))
        }
        // A loose body does not say its type; `finish` infers it from the body and the other inputs.
        if type == nil { facts.untypedObjectSources[context.sourceId] = try root.int64("count") }
    }

    func v3CompareJobs(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        for item in try root.array("compare_jobs") {
            try item.requireObject()
            let type = try item.string("type")
            upsertTask(try TaskFacts.reading(item, id: try item.string("id"), kind: CompareKind.from(type), rawType: type, jobId: context.jobId), context)
        }
    }

    func v3LineOverview(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let taskId = context.request?.value(after: "compare")
        for item in try root.array("data_compare_overview_infos") {
            facts.lineDatabases.append(try v3DatabasePair(item, taskId: taskId, context))
        }
    }

    func v3LineDetail(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let taskId = context.request?.value(after: "compare")
        let source = context.query["db_name"] ?? ""
        let target = context.query["target_db_name"] ?? source
        let uncompared = Self.isUncompare(context.query["type"])
        for item in try root.array("table_line_compare_result_infos") {
            try item.requireObject()
            facts.lineTables.append(try lineTable(
                item, taskId: taskId, jobId: context.jobId, sourceDatabase: source, targetDatabase: target,
                status: try status(item, "status", table: .data), uncompared: uncompared, context))
        }
    }

    func v3ContentOverview(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let taskId = context.request?.value(after: "compare")
        for item in try root.array("content_compare_result_infos") {
            facts.contentDatabases.append(try v3DatabasePair(item, taskId: taskId, context))
        }
    }

    private func v3DatabasePair(_ item: JSONReader, taskId: String?, _ context: Context) throws(DRSReportError) -> DatabasePairResult {
        try item.requireObject()
        let source = try item.string("source_db", "source_db_name") ?? ""
        return DatabasePairResult(
            jobId: context.jobId, taskId: taskId, sourceDatabase: source,
            targetDatabase: try item.string("target_db", "target_db_name") ?? source,
            status: try status(item, "status", table: .data), tableCount: try item.int64("compare_num"),
            finishedCount: try item.int64("compare_end_num"), inconsistentCount: try item.int64("data_inconsistent_num"),
            uncomparableCount: try item.int64("uncomparable_num"), sourceIds: [context.sourceId])
    }

    func v3ContentDetail(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let taskId = context.request?.value(after: "compare")
        let uncompared = Self.isUncompare(context.query["type"])
        for item in try root.array("content_compare_result_infos") {
            try item.requireObject()
            facts.contentTables.append(try contentTable(
                item, taskId: taskId, jobId: context.jobId, sourceDatabase: context.query["db_name"],
                targetDatabase: context.query["target_db_name"], uncompared: uncompared, context))
        }
    }

    func v3CompareResult(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let jobId = try root.string("job_id") ?? context.jobId
        if let jobId { noteJob(JobInfo(id: jobId, projectId: context.request?.projectId)) }
        if let code = try root.string("error_code") {
            report.retrievalErrors.append(retrieval(context, code: code, message: try root.string("error_msg") ?? ""))
        }
        if let objects = try root.object("object_level_compare_results") {
            let taskId = try objects.string("compare_task_id")
            try subError(objects, context, what: "object_level_compare_results")
            upsertTask(TaskFacts(id: taskId, kind: .object, rawType: "object", jobId: jobId), context)
            for item in try objects.array("object_compare_overview") {
                try item.requireObject()
                facts.objectTypes.append(ObjectTypeSummary(
                    jobId: jobId, taskId: taskId, objectType: try item.string("object_type", "type") ?? "UNKNOWN",
                    sourceCount: try item.int64("source_count"), targetCount: try item.int64("target_count"),
                    diffCount: try item.int64("diff_count"), status: try status(item, "object_compare_result", table: .object),
                    sourceIds: [context.sourceId]))
            }
            if let details = try objects.object("object_compare_details"), let members = details.value.objectValue {
                for type in members.keys.sorted() {
                    for item in try details.array(type) {
                        try item.requireObject()
                        facts.objectDetails.append(try objectDetail(item, type: type, taskId: taskId, jobId: jobId, statusTable: false, context))
                    }
                }
            }
        }
        if let lines = try root.object("line_compare_results") {
            let taskId = try lines.string("compare_task_id")
            try subError(lines, context, what: "line_compare_results")
            upsertTask(TaskFacts(id: taskId, kind: .line, rawType: "lines", jobId: jobId), context)
            let targets = try combinedOverview(
                lines.array("line_compare_overview"), resultKey: "line_compare_result", taskId: taskId, jobId: jobId, content: false, context)
            for group in try lines.array("line_compare_details") {
                try group.requireObject()
                let source = try group.string("source_db_name") ?? ""
                for item in try group.array("line_compare_detail") {
                    try item.requireObject()
                    facts.lineTables.append(try lineTable(
                        item, taskId: taskId, jobId: jobId, sourceDatabase: source, targetDatabase: targets[source] ?? source,
                        status: try status(item, "line_compare_result", table: .data), uncompared: false, context))
                }
            }
        }
        if let contents = try root.object("content_compare_results") {
            let taskId = try contents.string("compare_task_id")
            try subError(contents, context, what: "content_compare_results")
            upsertTask(TaskFacts(id: taskId, kind: .content, rawType: "contents", jobId: jobId), context)
            let targets = try combinedOverview(
                contents.array("content_compare_overview"), resultKey: "content_compare_result", taskId: taskId, jobId: jobId,
                content: true, context)
            for group in try contents.array("content_compare_details") {
                try group.requireObject()
                let source = try group.string("source_db_name") ?? ""
                for (key, uncompared) in [("content_compare_detail", false), ("content_uncompare_detail", true)] {
                    for item in try group.array(key) {
                        try item.requireObject()
                        facts.contentTables.append(try contentTable(
                            item, taskId: taskId, jobId: jobId, sourceDatabase: source, targetDatabase: targets[source] ?? source,
                            uncompared: uncompared, context))
                    }
                }
            }
        }
        if let list = try root.object("compare_task_list_results") {
            try subError(list, context, what: "compare_task_list_results")
            let items = try list.array("compare_task_list")
            for item in items {
                try item.requireObject()
                let type = try item.string("compare_type")
                var task = TaskFacts(id: try item.string("compare_task_id"), kind: CompareKind.from(type), rawType: type, jobId: jobId)
                task.status = try item.string("compare_task_status")
                task.createdAt = try item.date("create_time")
                task.endedAt = try item.date("end_time")
                upsertTask(task, context)
            }
            if let total = try list.int64("compare_task_list_count"), total > Int64(items.count) {
                report.notes.append(Note(
                    code: .taskListPartial, sourceId: context.sourceId, file: context.file.displayPath, values: [total, Int64(items.count)]))
            }
        }
    }

    /// The database pairs of a query-compare-result overview; returns source → target, which the details need.
    private func combinedOverview(
        _ items: [JSONReader], resultKey: String, taskId: String?, jobId: String?, content: Bool, _ context: Context
    ) throws(DRSReportError) -> [String: String] {
        var targets: [String: String] = [:]
        for item in items {
            try item.requireObject()
            let source = try item.string("source_db_name") ?? ""
            let target = try item.string("target_db_name") ?? source
            targets[source] = target
            let pair = DatabasePairResult(
                jobId: jobId, taskId: taskId, sourceDatabase: source, targetDatabase: target,
                status: try status(item, resultKey, table: .data), sourceIds: [context.sourceId])
            if content { facts.contentDatabases.append(pair) } else { facts.lineDatabases.append(pair) }
        }
        return targets
    }

    func v3CreateCompareTask(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let jobId = try root.string("job_id") ?? context.jobId
        if let jobId { noteJob(JobInfo(id: jobId, projectId: context.request?.projectId)) }
        try subError(root, context, what: "create-compare-task")
        for (key, kind) in [("object_level_compare_create_result", CompareKind.object), ("data_level_compare_create_result", .other)] {
            guard let created = try root.object(key) else { continue }
            try subError(created, context, what: key)
            upsertTask(TaskFacts(id: try created.string("compare_task_id"), kind: kind, rawType: kind == .object ? "object" : nil, jobId: jobId), context)
        }
    }

    // MARK: - Items both generations share

    func objectDetail(
        _ item: JSONReader, type: String, taskId: String?, jobId: String?, statusTable: Bool, _ context: Context
    ) throws(DRSReportError) -> ObjectDetail {
        let sourceValue = try item.string("source_db_value")
        let targetValue = try item.string("target_db_value")
        let error = try item.string("error_message", "error_msg")
        var status = statusTable ? try self.status(item, "status", table: .object) : .missing
        if status == .missing {
            // v5 and query-compare-result details carry no status: judge from the values.
            // A value on one side only, or two different values, is a difference even when DRS adds a message.
            let failed = !(error ?? "").isEmpty
            if (sourceValue ?? "") != (targetValue ?? "") {
                status = CompareStatus(outcome: .inconsistent, code: "INCONSISTENT", raw: "")
            } else if failed {
                status = CompareStatus(outcome: .notCompared, code: "FAILED_TO_COMPARE", raw: "")
            } else {
                status = CompareStatus(outcome: .consistent, code: "CONSISTENT", raw: "")
            }
        }
        return ObjectDetail(
            jobId: jobId, taskId: taskId, objectType: type, sourceDatabase: try item.string("source_db_name"),
            targetDatabase: try item.string("target_db_name"), sourceValue: sourceValue, targetValue: targetValue,
            status: status, errorMessage: error, sourceId: context.sourceId)
    }

    func lineTable(
        _ item: JSONReader, taskId: String?, jobId: String?, sourceDatabase: String, targetDatabase: String, status: CompareStatus,
        uncompared: Bool, _ context: Context
    ) throws(DRSReportError) -> TableLineResult {
        let sourceTable = try item.string("source_table_name") ?? ""
        let sourceRows = try item.int64("source_row_num")
        let targetRows = try item.int64("target_row_num")
        var difference = try item.int64("difference_row_num", "diff_row_num")
        if difference == nil, let sourceRows, let targetRows {
            let (value, overflow) = sourceRows.subtractingReportingOverflow(targetRows)
            difference = overflow ? nil : value
        }
        return TableLineResult(
            jobId: jobId, taskId: taskId, sourceDatabase: sourceDatabase, targetDatabase: targetDatabase, sourceTable: sourceTable,
            targetTable: try item.string("target_table_name") ?? sourceTable, sourceRows: sourceRows, targetRows: targetRows,
            difference: difference, status: status, message: try item.string("message"),
            filter: maskedFilter(try item.string("compare_line_config_filter")), listedAsUncompared: uncompared, sourceIds: [context.sourceId])
    }

    func contentTable(
        _ item: JSONReader, taskId: String?, jobId: String?, sourceDatabase: String?, targetDatabase: String?, uncompared: Bool,
        _ context: Context
    ) throws(DRSReportError) -> TableContentResult {
        let sdb = try item.string("source_db", "source_db_name") ?? sourceDatabase ?? ""
        let tdb = try item.string("target_db", "target_db_name") ?? targetDatabase ?? sdb
        let sourceTable = try item.string("source_table_name") ?? ""
        var contentStatus = try result(item, "content_compare_result")
        var progress: Double?
        if item.has("progress") { progress = try item.double("progress") }
        if contentStatus == .missing, item.has("status") {
            contentStatus = try status(item, "status", table: .contentDetailProgress)
            if contentStatus.outcome == .consistent { contentStatus = .missing }
        }
        return TableContentResult(
            jobId: jobId, taskId: taskId, sourceDatabase: sdb, targetDatabase: tdb, sourceTable: sourceTable,
            targetTable: try item.string("target_table_name") ?? sourceTable, sourceRows: try item.int64("source_row_num"),
            targetRows: try item.int64("target_row_num"), difference: try item.int64("difference_row_num", "diff_row_num"),
            lineStatus: try result(item, "line_compare_result"), contentStatus: contentStatus, message: try item.string("message"),
            filter: maskedFilter(try item.string("compare_line_config_filter")), progress: progress, listedAsUncompared: uncompared,
            sourceIds: [context.sourceId])
    }
}
