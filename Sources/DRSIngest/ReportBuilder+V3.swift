import DRSCore
import DRSWire
import Foundation

/// The v3 shapes: object, line and content APIs, query-compare-result and create-compare-task;
/// and the per-item readers both generations share.
extension ReportBuilder {
    package func v3ObjectOverview(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let id = try root.string(Wire.Key.compareJobId) ?? context.query[Wire.Key.compareJobId]
        upsertTask(try TaskFacts.reading(root, id: id, kind: .object, rawType: "object", jobId: context.jobId), context)
        for item in try root.array(Wire.Key.compareResult) {
            try item.requireObject()
            facts.objectTypes.append(
                ObjectTypeSummary(
                    jobId: context.jobId, taskId: id, objectType: try item.string(Wire.Key.type) ?? "UNKNOWN",
                    sourceCount: try item.int64(Wire.Key.sourceCount),
                    targetCount: try item.int64(Wire.Key.targetCount), diffCount: nil,
                    status: try status(item, Wire.Key.status, table: .object), sourceIds: [context.sourceId]))
        }
    }

    package func v3ObjectDetail(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let type =
            context.request?.value(after: "compare").flatMap { $0 == "compare" ? nil : $0 }
            ?? context.request?.segments.last.flatMap { $0 == "compare" ? nil : $0 }
        let taskId = context.query[Wire.Key.compareJobId]
        for item in try root.array(Wire.Key.compareDetail) {
            try item.requireObject()
            facts.objectDetails.append(
                try objectDetail(
                    item, type: type ?? "UNKNOWN", taskId: taskId, jobId: context.jobId, statusTable: true, context))
        }
        // A loose body does not say its type; `finish` infers it from the body and the other inputs.
        if type == nil { facts.untypedObjectSources[context.sourceId] = try root.int64(Wire.Key.count) }
    }

    package func v3CompareJobs(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        for item in try root.array(Wire.Key.compareJobs) {
            try item.requireObject()
            let type = try item.string(Wire.Key.type)
            upsertTask(
                try TaskFacts.reading(
                    item, id: try item.string(Wire.Key.id), kind: CompareKind.from(type), rawType: type,
                    jobId: context.jobId), context)
        }
    }

    package func v3LineOverview(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let taskId = context.request?.value(after: "compare")
        for item in try root.array(Wire.Key.dataCompareOverviewInfos) {
            facts.lineDatabases.append(try v3DatabasePair(item, taskId: taskId, context))
        }
    }

    package func v3LineDetail(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let taskId = context.request?.value(after: "compare")
        let source = context.query[Wire.Key.dbName] ?? ""
        let target = context.query[Wire.Key.targetDbName] ?? source
        let uncompared = Self.isUncompare(context.query[Wire.Key.type])
        for item in try root.array(Wire.Key.tableLineCompareResultInfos) {
            try item.requireObject()
            facts.lineTables.append(
                try lineTable(
                    item, taskId: taskId, jobId: context.jobId, sourceDatabase: source, targetDatabase: target,
                    status: try status(item, Wire.Key.status, table: .data), uncompared: uncompared, context))
        }
    }

    package func v3ContentOverview(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let taskId = context.request?.value(after: "compare")
        for item in try root.array(Wire.Key.contentCompareResultInfos) {
            facts.contentDatabases.append(try v3DatabasePair(item, taskId: taskId, context))
        }
    }

    private func v3DatabasePair(_ item: JSONReader, taskId: String?, _ context: Context) throws(DRSReportError)
        -> DatabasePairResult
    {
        try item.requireObject()
        let source = try item.string(Wire.Key.sourceDb, Wire.Key.sourceDbName) ?? ""
        return DatabasePairResult(
            jobId: context.jobId, taskId: taskId, sourceDatabase: source,
            targetDatabase: try item.string(Wire.Key.targetDb, Wire.Key.targetDbName) ?? source,
            status: try status(item, Wire.Key.status, table: .data), tableCount: try item.int64(Wire.Key.compareNum),
            finishedCount: try item.int64(Wire.Key.compareEndNum),
            inconsistentCount: try item.int64(Wire.Key.dataInconsistentNum),
            uncomparableCount: try item.int64(Wire.Key.uncomparableNum), sourceIds: [context.sourceId])
    }

    package func v3ContentDetail(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let taskId = context.request?.value(after: "compare")
        let uncompared = Self.isUncompare(context.query[Wire.Key.type])
        for item in try root.array(Wire.Key.contentCompareResultInfos) {
            try item.requireObject()
            facts.contentTables.append(
                try contentTable(
                    item, taskId: taskId, jobId: context.jobId, sourceDatabase: context.query[Wire.Key.dbName],
                    targetDatabase: context.query[Wire.Key.targetDbName], uncompared: uncompared, context))
        }
    }

    package func v3CompareResult(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let jobId = try root.string(Wire.Key.jobId) ?? context.jobId
        if let jobId { noteJob(JobInfo(id: jobId, projectId: context.request?.projectId)) }
        if let code = try root.string(Wire.Key.errorCode) {
            report.retrievalErrors.append(
                retrieval(context, code: code, message: try root.string(Wire.Key.errorMsg) ?? ""))
        }
        if let objects = try root.object(Wire.Key.objectLevelCompareResults) {
            let taskId = try objects.string(Wire.Key.compareTaskId)
            try subError(objects, context, what: Wire.Key.objectLevelCompareResults)
            upsertTask(TaskFacts(id: taskId, kind: .object, rawType: "object", jobId: jobId), context)
            for item in try objects.array(Wire.Key.objectCompareOverview) {
                try item.requireObject()
                facts.objectTypes.append(
                    ObjectTypeSummary(
                        jobId: jobId, taskId: taskId,
                        objectType: try item.string(Wire.Key.objectType, Wire.Key.type) ?? "UNKNOWN",
                        sourceCount: try item.int64(Wire.Key.sourceCount),
                        targetCount: try item.int64(Wire.Key.targetCount),
                        diffCount: try item.int64(Wire.Key.diffCount),
                        status: try status(item, Wire.Key.objectCompareResult, table: .object),
                        sourceIds: [context.sourceId]))
            }
            if let details = try objects.object(Wire.Key.objectCompareDetails), let members = details.value.objectValue
            {
                for type in members.keys.sorted() {
                    for item in try details.array(type) {
                        try item.requireObject()
                        facts.objectDetails.append(
                            try objectDetail(
                                item, type: type, taskId: taskId, jobId: jobId, statusTable: false, context))
                    }
                }
            }
        }
        if let lines = try root.object(Wire.Key.lineCompareResults) {
            let taskId = try lines.string(Wire.Key.compareTaskId)
            try subError(lines, context, what: Wire.Key.lineCompareResults)
            upsertTask(TaskFacts(id: taskId, kind: .line, rawType: "lines", jobId: jobId), context)
            let targets = try combinedOverview(
                lines.array(Wire.Key.lineCompareOverview), resultKey: Wire.Key.lineCompareResult, taskId: taskId,
                jobId: jobId, content: false, context)
            for group in try lines.array(Wire.Key.lineCompareDetails) {
                try group.requireObject()
                let source = try group.string(Wire.Key.sourceDbName) ?? ""
                for item in try group.array(Wire.Key.lineCompareDetail) {
                    try item.requireObject()
                    facts.lineTables.append(
                        try lineTable(
                            item, taskId: taskId, jobId: jobId, sourceDatabase: source,
                            targetDatabase: targets[source] ?? source,
                            status: try status(item, Wire.Key.lineCompareResult, table: .data), uncompared: false,
                            context))
                }
            }
        }
        if let contents = try root.object(Wire.Key.contentCompareResults) {
            let taskId = try contents.string(Wire.Key.compareTaskId)
            try subError(contents, context, what: Wire.Key.contentCompareResults)
            upsertTask(TaskFacts(id: taskId, kind: .content, rawType: "contents", jobId: jobId), context)
            let targets = try combinedOverview(
                contents.array(Wire.Key.contentCompareOverview), resultKey: Wire.Key.contentCompareResult,
                taskId: taskId, jobId: jobId,
                content: true, context)
            for group in try contents.array(Wire.Key.contentCompareDetails) {
                try group.requireObject()
                let source = try group.string(Wire.Key.sourceDbName) ?? ""
                for (key, uncompared) in [
                    (Wire.Key.contentCompareDetail, false), (Wire.Key.contentUncompareDetail, true),
                ] {
                    for item in try group.array(key) {
                        try item.requireObject()
                        facts.contentTables.append(
                            try contentTable(
                                item, taskId: taskId, jobId: jobId, sourceDatabase: source,
                                targetDatabase: targets[source] ?? source,
                                uncompared: uncompared, context))
                    }
                }
            }
        }
        if let list = try root.object(Wire.Key.compareTaskListResults) {
            try subError(list, context, what: Wire.Key.compareTaskListResults)
            let items = try list.array(Wire.Key.compareTaskList)
            for item in items {
                try item.requireObject()
                let type = try item.string(Wire.Key.compareType)
                var task = TaskFacts(
                    id: try item.string(Wire.Key.compareTaskId), kind: CompareKind.from(type), rawType: type,
                    jobId: jobId)
                task.status = try item.string(Wire.Key.compareTaskStatus)
                task.createdAt = try item.date(Wire.Key.createTime)
                task.endedAt = try item.date(Wire.Key.endTime)
                upsertTask(task, context)
            }
            if let total = try list.int64(Wire.Key.compareTaskListCount), total > Int64(items.count) {
                report.notes.append(
                    Note(
                        code: .taskListPartial, sourceId: context.sourceId, file: context.file.displayPath,
                        values: [total, Int64(items.count)]))
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
            let source = try item.string(Wire.Key.sourceDbName) ?? ""
            let target = try item.string(Wire.Key.targetDbName) ?? source
            targets[source] = target
            let pair = DatabasePairResult(
                jobId: jobId, taskId: taskId, sourceDatabase: source, targetDatabase: target,
                status: try status(item, resultKey, table: .data), sourceIds: [context.sourceId])
            if content { facts.contentDatabases.append(pair) } else { facts.lineDatabases.append(pair) }
        }
        return targets
    }

    package func v3CreateCompareTask(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let jobId = try root.string(Wire.Key.jobId) ?? context.jobId
        if let jobId { noteJob(JobInfo(id: jobId, projectId: context.request?.projectId)) }
        try subError(root, context, what: "create-compare-task")
        for (key, kind) in [
            (Wire.Key.objectLevelCompareCreateResult, CompareKind.object),
            (Wire.Key.dataLevelCompareCreateResult, .other),
        ] {
            guard let created = try root.object(key) else { continue }
            try subError(created, context, what: key)
            upsertTask(
                TaskFacts(
                    id: try created.string(Wire.Key.compareTaskId), kind: kind,
                    rawType: kind == .object ? "object" : nil, jobId: jobId), context)
        }
    }

    // MARK: - Items both generations share

    package func objectDetail(
        _ item: JSONReader, type: String, taskId: String?, jobId: String?, statusTable: Bool, _ context: Context
    ) throws(DRSReportError) -> ObjectDetail {
        let sourceValue = try item.string(Wire.Key.sourceDbValue)
        let targetValue = try item.string(Wire.Key.targetDbValue)
        let error = try item.string(Wire.Key.errorMessage, Wire.Key.errorMsg)
        var status = statusTable ? try self.status(item, Wire.Key.status, table: .object) : .missing
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
            jobId: jobId, taskId: taskId, objectType: type, sourceDatabase: try item.string(Wire.Key.sourceDbName),
            targetDatabase: try item.string(Wire.Key.targetDbName), sourceValue: sourceValue, targetValue: targetValue,
            status: status, errorMessage: error, sourceId: context.sourceId)
    }

    package func lineTable(
        _ item: JSONReader, taskId: String?, jobId: String?, sourceDatabase: String, targetDatabase: String,
        status: CompareStatus,
        uncompared: Bool, _ context: Context
    ) throws(DRSReportError) -> TableLineResult {
        let sourceTable = try item.string(Wire.Key.sourceTableName) ?? ""
        let sourceRows = try item.int64(Wire.Key.sourceRowNum)
        let targetRows = try item.int64(Wire.Key.targetRowNum)
        var difference = try item.int64(Wire.Key.differenceRowNum, Wire.Key.diffRowNum)
        if difference == nil, let sourceRows, let targetRows {
            let (value, overflow) = sourceRows.subtractingReportingOverflow(targetRows)
            difference = overflow ? nil : value
        }
        return TableLineResult(
            jobId: jobId, taskId: taskId, sourceDatabase: sourceDatabase, targetDatabase: targetDatabase,
            sourceTable: sourceTable,
            targetTable: try item.string(Wire.Key.targetTableName) ?? sourceTable, sourceRows: sourceRows,
            targetRows: targetRows,
            difference: difference, status: status, message: try item.string(Wire.Key.message),
            filter: maskedFilter(try item.string(Wire.Key.compareLineConfigFilter)), listedAsUncompared: uncompared,
            sourceIds: [context.sourceId])
    }

    package func contentTable(
        _ item: JSONReader, taskId: String?, jobId: String?, sourceDatabase: String?, targetDatabase: String?,
        uncompared: Bool,
        _ context: Context
    ) throws(DRSReportError) -> TableContentResult {
        let sdb = try item.string(Wire.Key.sourceDb, Wire.Key.sourceDbName) ?? sourceDatabase ?? ""
        let tdb = try item.string(Wire.Key.targetDb, Wire.Key.targetDbName) ?? targetDatabase ?? sdb
        let sourceTable = try item.string(Wire.Key.sourceTableName) ?? ""
        var contentStatus = try result(item, Wire.Key.contentCompareResult)
        var progress: Double?
        if item.has(Wire.Key.progress) { progress = try item.double(Wire.Key.progress) }
        if contentStatus == .missing, item.has(Wire.Key.status) {
            contentStatus = try status(item, Wire.Key.status, table: .contentDetailProgress)
            if contentStatus.outcome == .consistent { contentStatus = .missing }
        }
        return TableContentResult(
            jobId: jobId, taskId: taskId, sourceDatabase: sdb, targetDatabase: tdb, sourceTable: sourceTable,
            targetTable: try item.string(Wire.Key.targetTableName) ?? sourceTable,
            sourceRows: try item.int64(Wire.Key.sourceRowNum),
            targetRows: try item.int64(Wire.Key.targetRowNum),
            difference: try item.int64(Wire.Key.differenceRowNum, Wire.Key.diffRowNum),
            lineStatus: try result(item, Wire.Key.lineCompareResult), contentStatus: contentStatus,
            message: try item.string(Wire.Key.message),
            filter: maskedFilter(try item.string(Wire.Key.compareLineConfigFilter)), progress: progress,
            listedAsUncompared: uncompared,
            sourceIds: [context.sourceId])
    }
}
