import DRSCore
import DRSWire
import Foundation

/// The v5 shapes: job detail (the job itself and every `type=compare` query), compare-progress
/// and progress-data.
extension ReportBuilder {
    package func v5JobDetail(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        guard let job = try root.object(Wire.Key.job) else { return }
        let jobId = try job.string(Wire.Key.id) ?? context.jobId
        if let jobId {
            noteJob(try Self.jobInfo(job, id: jobId, context))
        }
        if let error = try job.string(Wire.Key.errorCode) {
            report.retrievalErrors.append(
                retrieval(context, code: error, message: try job.string(Wire.Key.errorMsg) ?? ""))
        }
        guard let result = try job.object(Wire.Key.compareResult) else {
            // `type=detail` (or any job body without comparison results) names the job and nothing else.
            report.notes.append(
                Note(code: .jobDetailOnly, sourceId: context.sourceId, file: context.file.displayPath, values: []))
            return
        }
        let query = context.query
        let taskId = query[Wire.Key.compareTaskId]
        if let overview = try result.object(Wire.Key.objectsCompareOverviewInfo) {
            let id = try overview.string(Wire.Key.compareJobId) ?? taskId
            upsertTask(try TaskFacts.reading(overview, id: id, kind: .object, rawType: "object", jobId: jobId), context)
            for item in try overview.array(Wire.Key.compareResults) {
                try item.requireObject()
                facts.objectTypes.append(
                    ObjectTypeSummary(
                        jobId: jobId, taskId: id, objectType: try item.string(Wire.Key.type) ?? "UNKNOWN",
                        sourceCount: try item.int64(Wire.Key.sourceCount),
                        targetCount: try item.int64(Wire.Key.targetCount), diffCount: nil,
                        status: try status(item, Wire.Key.status, table: .object), sourceIds: [context.sourceId]))
            }
        }
        let detailType = query[Wire.Key.objectType]
        for item in try result.array(Wire.Key.objectsCompareDetailInfos) {
            try item.requireObject()
            facts.objectDetails.append(
                try objectDetail(
                    item, type: detailType ?? "UNKNOWN", taskId: taskId, jobId: jobId, statusTable: true, context))
        }
        if detailType == nil, result.has(Wire.Key.objectsCompareDetailInfos) {
            facts.untypedObjectSources[context.sourceId] = try job.int64(Wire.Key.totalCount)
        }
        for item in try result.array(Wire.Key.dataCompareTaskList) {
            try item.requireObject()
            let type = try item.string(Wire.Key.type)
            upsertTask(
                try TaskFacts.reading(
                    item, id: try item.string(Wire.Key.id), kind: CompareKind.from(type), rawType: type, jobId: jobId),
                context)
        }
        for item in try result.array(Wire.Key.lineCompareOverviewInfos) {
            try item.requireObject()
            let source = try item.string(Wire.Key.sourceDbName) ?? ""
            facts.lineDatabases.append(
                DatabasePairResult(
                    jobId: jobId, taskId: taskId, sourceDatabase: source,
                    targetDatabase: try item.string(Wire.Key.targetDbName) ?? source,
                    status: try status(item, Wire.Key.status, table: .data), sourceIds: [context.sourceId]))
        }
        let uncompared = Self.isUncompare(query[Wire.Key.compareDetailType])
        for item in try result.array(Wire.Key.lineCompareDetailInfos) {
            try item.requireObject()
            let source = try item.string(Wire.Key.sourceDbName) ?? query[Wire.Key.sourceDbName] ?? ""
            facts.lineTables.append(
                try lineTable(
                    item, taskId: taskId, jobId: jobId, sourceDatabase: source,
                    targetDatabase: try item.string(Wire.Key.targetDbName) ?? query[Wire.Key.targetDbName] ?? source,
                    status: try status(item, Wire.Key.status, table: .data), uncompared: uncompared, context))
        }
        for item in try result.array(Wire.Key.contentCompareOverviewInfos) {
            try item.requireObject()
            let source = try item.string(Wire.Key.sourceDb, Wire.Key.sourceDbName) ?? ""
            var pairStatus = try status(item, Wire.Key.status, table: .data)
            if pairStatus == .missing { pairStatus = try self.result(item, Wire.Key.compareResult) }
            facts.contentDatabases.append(
                DatabasePairResult(
                    jobId: jobId, taskId: taskId, sourceDatabase: source,
                    targetDatabase: try item.string(Wire.Key.targetDb, Wire.Key.targetDbName) ?? source,
                    status: pairStatus, sourceIds: [context.sourceId]))
        }
        for item in try result.array(Wire.Key.contentCompareDetailInfos) {
            try item.requireObject()
            facts.contentTables.append(
                try contentTable(
                    item, taskId: taskId, jobId: jobId, sourceDatabase: query[Wire.Key.sourceDbName],
                    targetDatabase: query[Wire.Key.targetDbName],
                    uncompared: uncompared, context))
        }
    }

    /// The job's own facts: name and status, and, from `type=detail`, its engines and region.
    package static func jobInfo(_ job: JSONReader, id: String, _ context: Context) throws(DRSReportError) -> JobInfo {
        var info = JobInfo(
            id: id, projectId: context.file.archiveProjectId ?? context.request?.projectId,
            endpoint: context.file.archiveEndpoint)
        let base = try job.object(Wire.Key.baseInfo)
        info.name = try base?.string(Wire.Key.name).flatMap { $0.isEmpty ? nil : $0 }
        info.status = try job.string(Wire.Key.status)
        info.jobType = try base?.string(Wire.Key.jobType)
        info.engineType = try base?.string(Wire.Key.engineType)
        func endpoint(_ key: String) throws(DRSReportError) -> (engine: String?, region: String?) {
            // The reference documents an array of endpoints; a single object is read the same way.
            let first: JSONReader?
            if case .array = job.value[key] ?? .null {
                first = try job.array(key).first
            } else {
                first = try job.object(key)
            }
            guard let first else { return (nil, nil) }
            return (try first.string(Wire.Key.dbType), try first.object(Wire.Key.cloud)?.string(Wire.Key.region))
        }
        let source = try endpoint(Wire.Key.sourceEndpoint)
        let target = try endpoint(Wire.Key.targetEndpoint)
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
    package static func region(fromEndpoint endpoint: String) -> String? {
        guard let host = URLComponents(string: endpoint)?.host else { return nil }
        let labels = host.split(separator: ".").map(String.init)
        guard labels.count >= 3, labels[0].lowercased() == "drs" else { return nil }
        return labels[1]
    }

    package func v5CompareProgress(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let full = try root.object(Wire.Key.fullInfo)
        let incremental = try root.object(Wire.Key.increInfo)
        report.progress.tasks.append(
            TaskProgress(
                taskId: context.request?.value(after: "compare-progress"),
                fullProgress: try full?.double(Wire.Key.progress),
                fullSpeed: try full?.string(Wire.Key.srcSpeed),
                fullRecheckRows: try full?.int64(Wire.Key.recheckEntities),
                incrementalDelay: try incremental?.double(Wire.Key.delay),
                incrementalRowsPerSecond: try incremental?.int64(Wire.Key.rps),
                incrementalLogPoint: try incremental?.string(Wire.Key.logPoint),
                incrementalRecheckRows: try incremental?.int64(Wire.Key.recheckEntities),
                sourceId: context.sourceId))
    }

    package func v5ProgressData(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let type = context.request?.value(after: "progress-data")
        if let count = try root.int64(Wire.Key.count) {
            report.progress.streamingTotal = max(report.progress.streamingTotal ?? 0, count)
        }
        for item in try root.array(Wire.Key.flowCompareData) {
            try item.requireObject()
            report.progress.streaming.append(
                StreamingProgress(
                    sourceDatabase: try item.string(Wire.Key.srcDb) ?? "",
                    sourceObject: try item.string(Wire.Key.srcTb) ?? "",
                    targetDatabase: try item.string(Wire.Key.dstDb) ?? "",
                    targetObject: try item.string(Wire.Key.dstTb) ?? "",
                    progress: try item.int64(Wire.Key.progress), objectType: type))
        }
    }
}
