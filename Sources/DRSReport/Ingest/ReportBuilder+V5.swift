import Foundation

/// The v5 shapes: job detail (the job itself and every `type=compare` query), compare-progress
/// and progress-data.
extension ReportBuilder {
    func v5JobDetail(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        guard let job = try root.object("job") else { return }
        let jobId = try job.string("id") ?? context.jobId
        if let jobId {
            noteJob(try Self.jobInfo(job, id: jobId, context))
        }
        if let error = try job.string("error_code") {
            report.retrievalErrors.append(retrieval(context, code: error, message: try job.string("error_msg") ?? ""))
        }
        guard let result = try job.object("compare_result") else {
            // `type=detail` (or any job body without comparison results) names the job and nothing else.
            report.notes.append(Note(code: .jobDetailOnly, sourceId: context.sourceId, file: context.file.displayPath, values: []))
            return
        }
        let query = context.query
        let taskId = query["compare_task_id"]
        if let overview = try result.object("objects_compare_overview_info") {
            let id = try overview.string("compare_job_id") ?? taskId
            upsertTask(try TaskFacts.reading(overview, id: id, kind: .object, rawType: "object", jobId: jobId), context)
            for item in try overview.array("compare_results") {
                try item.requireObject()
                facts.objectTypes.append(ObjectTypeSummary(
                    jobId: jobId, taskId: id, objectType: try item.string("type") ?? "UNKNOWN", sourceCount: try item.int64("source_count"),
                    targetCount: try item.int64("target_count"), diffCount: nil,
                    status: try status(item, "status", table: .object), sourceIds: [context.sourceId]))
            }
        }
        let detailType = query["object_type"]
        for item in try result.array("objects_compare_detail_infos") {
            try item.requireObject()
            facts.objectDetails.append(try objectDetail(item, type: detailType ?? "UNKNOWN", taskId: taskId, jobId: jobId, statusTable: true, context))
        }
        if detailType == nil, result.has("objects_compare_detail_infos") {
            facts.untypedObjectSources[context.sourceId] = try job.int64("total_count")
        }
        for item in try result.array("data_compare_task_list") {
            try item.requireObject()
            let type = try item.string("type")
            upsertTask(try TaskFacts.reading(item, id: try item.string("id"), kind: CompareKind.from(type), rawType: type, jobId: jobId), context)
        }
        for item in try result.array("line_compare_overview_infos") {
            try item.requireObject()
            let source = try item.string("source_db_name") ?? ""
            facts.lineDatabases.append(DatabasePairResult(
                jobId: jobId, taskId: taskId, sourceDatabase: source, targetDatabase: try item.string("target_db_name") ?? source,
                status: try status(item, "status", table: .data), sourceIds: [context.sourceId]))
        }
        let uncompared = Self.isUncompare(query["compare_detail_type"])
        for item in try result.array("line_compare_detail_infos") {
            try item.requireObject()
            let source = try item.string("source_db_name") ?? query["source_db_name"] ?? ""
            facts.lineTables.append(try lineTable(
                item, taskId: taskId, jobId: jobId, sourceDatabase: source,
                targetDatabase: try item.string("target_db_name") ?? query["target_db_name"] ?? source,
                status: try status(item, "status", table: .data), uncompared: uncompared, context))
        }
        for item in try result.array("content_compare_overview_infos") {
            try item.requireObject()
            let source = try item.string("source_db", "source_db_name") ?? ""
            var pairStatus = try status(item, "status", table: .data)
            if pairStatus == .missing { pairStatus = try self.result(item, "compare_result") }
            facts.contentDatabases.append(DatabasePairResult(
                jobId: jobId, taskId: taskId, sourceDatabase: source, targetDatabase: try item.string("target_db", "target_db_name") ?? source,
                status: pairStatus, sourceIds: [context.sourceId]))
        }
        for item in try result.array("content_compare_detail_infos") {
            try item.requireObject()
            facts.contentTables.append(try contentTable(
                item, taskId: taskId, jobId: jobId, sourceDatabase: query["source_db_name"], targetDatabase: query["target_db_name"],
                uncompared: uncompared, context))
        }
    }

    /// The job's own facts: name and status, and, from `type=detail`, its engines and region.
    static func jobInfo(_ job: JSONReader, id: String, _ context: Context) throws(DRSReportError) -> JobInfo {
        var info = JobInfo(id: id, projectId: context.file.archiveProjectId ?? context.request?.projectId, endpoint: context.file.archiveEndpoint)
        let base = try job.object("base_info")
        info.name = try base?.string("name").flatMap { $0.isEmpty ? nil : $0 }
        info.status = try job.string("status")
        info.jobType = try base?.string("job_type")
        info.engineType = try base?.string("engine_type")
        func endpoint(_ key: String) throws(DRSReportError) -> (engine: String?, region: String?) {
            // The reference documents an array of endpoints; a single object is read the same way.
            let first: JSONReader?
            if case .array = job.value[key] ?? .null {
                first = try job.array(key).first
            } else {
                first = try job.object(key)
            }
            guard let first else { return (nil, nil) }
            return (try first.string("db_type"), try first.object("cloud")?.string("region"))
        }
        let source = try endpoint("source_endpoint")
        let target = try endpoint("target_endpoint")
        info.sourceEngine = source.engine
        info.targetEngine = target.engine
        if let engineType = info.engineType, info.sourceEngine == nil || info.targetEngine == nil {
            // `mysql-to-gaussdbv5`: the two engines, when the endpoints are not in the body.
            let parts = engineType.components(separatedBy: "-to-")
            if parts.count == 2 {
                info.sourceEngine = info.sourceEngine ?? parts[0]
                info.targetEngine = info.targetEngine ?? parts[1]
            }
        }
        info.region = target.region ?? source.region ?? context.file.archiveEndpoint.flatMap(Self.region(fromEndpoint:))
        return info
    }

    /// `cn-north-4` from `https://drs.cn-north-4.myhuaweicloud.com`.
    static func region(fromEndpoint endpoint: String) -> String? {
        guard let host = URLComponents(string: endpoint)?.host else { return nil }
        let labels = host.split(separator: ".").map(String.init)
        guard labels.count >= 3, labels[0].lowercased() == "drs" else { return nil }
        return labels[1]
    }

    func v5CompareProgress(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let full = try root.object("full_info")
        let incremental = try root.object("incre_info")
        report.progress.tasks.append(TaskProgress(
            taskId: context.request?.value(after: "compare-progress"), fullProgress: try full?.double("progress"),
            fullSpeed: try full?.string("src_speed"), fullRecheckRows: try full?.int64("recheck_entities"),
            incrementalDelay: try incremental?.double("delay"), incrementalRowsPerSecond: try incremental?.int64("rps"),
            incrementalLogPoint: try incremental?.string("log_point"), incrementalRecheckRows: try incremental?.int64("recheck_entities"),
            sourceId: context.sourceId))
    }

    func v5ProgressData(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let type = context.request?.value(after: "progress-data")
        if let count = try root.int64("count") {
            report.progress.streamingTotal = max(report.progress.streamingTotal ?? 0, count)
        }
        for item in try root.array("flow_compare_data") {
            try item.requireObject()
            report.progress.streaming.append(StreamingProgress(
                sourceDatabase: try item.string("src_db") ?? "", sourceObject: try item.string("src_tb") ?? "",
                targetDatabase: try item.string("dst_db") ?? "", targetObject: try item.string("dst_tb") ?? "",
                progress: try item.int64("progress"), objectType: type))
        }
    }
}
