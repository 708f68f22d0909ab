import Foundation

/// Options that shape ingestion.
public struct IngestOptions: Sendable {
    /// The report clock.
    public var now: Date
    /// Response time for loose files (else their modification time).
    public var observedAt: Date?
    /// "Expiring soon" window in seconds.
    public var expiryWindowSeconds: Int64 = 86_400
    /// Inconsistent rows kept in memory for HTML and Markdown.
    public var previewRows: Int = 1_000
    /// Report title.
    public var title: String?
    /// Label language.
    public var language: Language = .enUS

    public init(now: Date, observedAt: Date? = nil) {
        self.now = now
        self.observedAt = observedAt
    }
}

/// The report model plus the stream of its inconsistent rows.
public struct IngestResult: Sendable {
    /// The normalised report.
    public var report: Report
    /// Every inconsistent row, read again from the inputs on demand.
    public var diffs: DiffStream
}

/// Reads DRS responses (files, folders, archives) into one report.
public enum Ingestor {
    /// Ingests the inputs in order, merging them into one report.
    public static func ingest(_ inputs: [String], options: IngestOptions) throws(DRSReportError) -> IngestResult {
        let files = try InputDiscovery.discover(inputs, observedAt: options.observedAt)
        return try ingest(files: files, options: options)
    }

    /// Ingests already discovered response files.
    public static func ingest(files: [ResponseFile], options: IngestOptions) throws(DRSReportError) -> IngestResult {
        let builder = ReportBuilder(options: options)
        for file in files {
            try builder.add(file)
        }
        return builder.finish()
    }

    /// Reads a file's bytes, checking an archive checksum when there is one.
    static func readBytes(_ file: ResponseFile) throws(DRSReportError) -> (Data, String) {
        guard let data = FileManager.default.contents(atPath: file.url.path) else {
            throw .unreadableFile(path: file.userPath, reason: "permission denied or not a regular file")
        }
        let digest = sha256Hex(data)
        if let expected = file.expectedSHA256, expected != digest {
            throw .checksumMismatch(archive: file.archive ?? file.userPath, file: file.archiveRelative ?? file.userPath, expected: expected, actual: digest)
        }
        return (data, digest)
    }

    /// Parses bytes as JSON, mapping syntax errors to a user-facing error.
    static func parse(_ data: Data, file: String) throws(DRSReportError) -> JSONValue {
        do {
            return try JSONParser.parse(data)
        } catch {
            throw .notJSON(file: file, line: error.line, column: error.column, reason: error.message)
        }
    }
}

/// Accumulates facts from responses and merges them into the report model.
final class ReportBuilder {
    private let options: IngestOptions
    private var report: Report
    private var diffSources: [DiffSource] = []
    private var seenDigests: [String: String] = [:]
    private var jobs: [String: JobInfo] = [:]
    private var jobOrder: [String] = []
    private var tasks: [String: CompareTask] = [:]
    private var taskOrder: [String] = []
    private var taskReceived: [String: Date] = [:]
    private var objectSummaryIndex = MergeIndex()
    private var objectDetailKeys = Set<String>()
    private var lineDatabaseIndex = MergeIndex()
    private var contentDatabaseIndex = MergeIndex()
    private var lineTableIndex = MergeIndex()
    private var contentTableIndex = MergeIndex()
    private var nextSource = 1

    init(options: IngestOptions) {
        self.options = options
        let strings = Strings(options.language)
        report = Report(
            title: options.title ?? strings["report.default_title"], generatedAt: options.now,
            language: options.language.rawValue, generator: "drs-report \(DRSReportVersion.current)")
        report.expiryWindowSeconds = options.expiryWindowSeconds
    }

    // MARK: - Per file

    struct Context {
        var sourceId: String
        var digest: String
        var file: ResponseFile
        var request: RequestContext? { file.request }
        var query: [String: String] { file.request?.query ?? [:] }
    }

    func add(_ file: ResponseFile) throws(DRSReportError) {
        let (data, digest) = try Ingestor.readBytes(file)
        let sourceId = "S\(nextSource)"
        nextSource += 1
        let value = try Ingestor.parse(data, file: file.userPath)
        guard let kind = ResponseKind.detect(value, request: file.request) else {
            let keys = value.objectValue.map { $0.keys.sorted() } ?? []
            if value.objectValue == nil {
                throw .typeMismatch(file: file.userPath, path: "$", expected: "a JSON object (a DRS response body)", found: JSONReader.describe(value))
            }
            throw .unknownShape(file: file.userPath, topLevelKeys: keys)
        }
        var record = SourceRecord(
            id: sourceId, file: file.displayPath, kind: kind.rawValue, method: file.request?.method,
            requestPath: file.request?.path, query: file.request?.query, httpStatus: file.request?.status,
            receivedAt: file.receivedAt, receivedAtBasis: file.basis, sha256: digest, duplicateOf: nil)
        if let first = seenDigests[digest] {
            // The same bytes twice (a copied page) would double every count and row.
            record.duplicateOf = first
            report.sources.append(record)
            return
        }
        seenDigests[digest] = sourceId
        report.sources.append(record)
        let context = Context(sourceId: sourceId, digest: digest, file: file)
        if let jobId = file.archiveJobId ?? file.request?.value(after: "jobs") {
            noteJob(jobId, projectId: file.archiveProjectId ?? file.request?.projectId, endpoint: file.archiveEndpoint)
        }
        let root = JSONReader(value, file: file.userPath)
        switch kind {
        case .v5JobDetail: try v5JobDetail(root, context)
        case .v5CompareProgress: try v5CompareProgress(root, context)
        case .v5ProgressData: try v5ProgressData(root, context)
        case .v3ObjectOverview: try v3ObjectOverview(root, context)
        case .v3ObjectDetail: try v3ObjectDetail(root, context)
        case .v3CompareJobs: try v3CompareJobs(root, context)
        case .v3LineOverview: try v3LineOverview(root, context)
        case .v3LineDetail: try v3LineDetail(root, context)
        case .v3ContentOverview: try v3ContentOverview(root, context)
        case .v3ContentDetail: try v3ContentDetail(root, context)
        case .v3ContentDifference: break
        case .v3CompareResult: try v3CompareResult(root, context)
        case .v3CreateCompareTask: try v3CreateCompareTask(root, context)
        case .errorBody: try errorBody(root, context)
        }
        try collectDiffs(root, kind: kind, context)
    }

    // MARK: - Shared helpers

    private func noteJob(_ id: String, projectId: String? = nil, endpoint: String? = nil, name: String? = nil, status: String? = nil) {
        guard !id.isEmpty else { return }
        var job = jobs[id] ?? JobInfo(id: id)
        if jobs[id] == nil { jobOrder.append(id) }
        job.projectId = job.projectId ?? projectId
        job.endpoint = job.endpoint ?? endpoint
        job.name = name ?? job.name
        job.status = status ?? job.status
        jobs[id] = job
    }

    /// A status that may be a v3 integer code, a numeric string, a v5 word or a boolean.
    private func status(_ reader: JSONReader, _ key: String, table: CompareStatus.CodeTable) throws(DRSReportError) -> CompareStatus {
        guard let member = reader.value[key] else { return .missing }
        switch member {
        case .null: return .missing
        case .number:
            if let code = try reader.int64(key) { return .v3(code, table: table) }
            return .missing
        case .string(let text):
            if let code = Int64(text.trimmingCharacters(in: .whitespaces)) { return .v3(code, table: table) }
            return .word(text)
        case .bool(let flag):
            return .flag(flag)
        default:
            throw .typeMismatch(file: reader.file, path: reader.path + "." + key, expected: "a status code or word", found: JSONReader.describe(member))
        }
    }

    /// A `true`/`false` consistency result that may also be a word (query-compare-result).
    private func result(_ reader: JSONReader, _ key: String) throws(DRSReportError) -> CompareStatus {
        guard let member = reader.value[key] else { return .missing }
        if case .string(let text) = member, !["true", "false", "1", "0", ""].contains(text.lowercased()) {
            return .word(text)
        }
        guard let flag = try reader.bool(key) else { return .missing }
        return .flag(flag)
    }

    private func upsertTask(
        id: String?, kind: CompareKind, rawType: String?, status: String?, createdAt: Date?, startedAt: Date?, endedAt: Date?,
        exportStatus: String?, remain: Int64?, errorMessage: String?, jobId: String?, _ context: Context
    ) {
        guard let id, !id.isEmpty else { return }
        var task = tasks[id] ?? CompareTask(
            id: id, jobId: nil, kind: kind, rawType: nil, status: nil, createdAt: nil, startedAt: nil, endedAt: nil,
            exportStatus: nil, reportRemainSeconds: nil, expiry: Expiry(state: .unknown), errorMessage: nil, sourceIds: [])
        if tasks[id] == nil { taskOrder.append(id) }
        if task.kind == .other { task.kind = kind }
        task.rawType = rawType ?? task.rawType
        task.jobId = jobId ?? task.jobId
        task.status = status ?? task.status
        task.createdAt = createdAt ?? task.createdAt
        task.startedAt = startedAt ?? task.startedAt
        task.endedAt = endedAt ?? task.endedAt
        task.errorMessage = errorMessage.flatMap { $0.isEmpty ? nil : $0 } ?? task.errorMessage
        // The most recently received export state wins: it is the freshest view of DRS's file.
        if exportStatus != nil || remain != nil {
            let previous = taskReceived[id]
            if previous.map({ context.file.receivedAt >= $0 }) ?? true {
                taskReceived[id] = context.file.receivedAt
                task.exportStatus = exportStatus ?? task.exportStatus
                task.reportRemainSeconds = remain ?? task.reportRemainSeconds
                task.expiry = Expiry.compute(
                    remain: task.reportRemainSeconds, receivedAt: context.file.receivedAt, basis: context.file.basis,
                    now: options.now, window: options.expiryWindowSeconds)
            }
        }
        if !task.sourceIds.contains(context.sourceId) { task.sourceIds.append(context.sourceId) }
        tasks[id] = task
    }

    private func addObjectSummary(_ summary: ObjectTypeSummary) {
        let key = summary.objectType
        if let index = objectSummaryIndex.find(key, task: summary.taskId, taskOf: { self.report.objectSummaries[$0].taskId }) {
            var existing = report.objectSummaries[index]
            existing.taskId = existing.taskId ?? summary.taskId
            existing.sourceCount = summary.sourceCount ?? existing.sourceCount
            existing.targetCount = summary.targetCount ?? existing.targetCount
            existing.diffCount = summary.diffCount ?? existing.diffCount
            existing.status = existing.status.merged(with: summary.status)
            existing.sourceIds.append(contentsOf: summary.sourceIds.filter { !existing.sourceIds.contains($0) })
            report.objectSummaries[index] = existing
        } else {
            objectSummaryIndex.insert(key, report.objectSummaries.count)
            report.objectSummaries.append(summary)
        }
    }

    private func addObjectDetail(_ detail: ObjectDetail) {
        let key = [detail.taskId ?? "", detail.objectType, detail.sourceDatabase ?? "", detail.targetDatabase ?? "",
                   detail.sourceValue ?? "", detail.targetValue ?? "", detail.status.code].joined(separator: "\u{1}")
        guard objectDetailKeys.insert(key).inserted else { return }
        report.objectDetails.append(detail)
    }

    private func objectDetail(_ item: JSONReader, type: String, taskId: String?, statusTable: Bool, _ context: Context) throws(DRSReportError) -> ObjectDetail {
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
            taskId: taskId, objectType: type, sourceDatabase: try item.string("source_db_name"),
            targetDatabase: try item.string("target_db_name"), sourceValue: sourceValue, targetValue: targetValue,
            status: status, errorMessage: error, sourceId: context.sourceId)
    }

    private func addDatabase(_ pair: DatabasePairResult, content: Bool) {
        let key = "\(pair.sourceDatabase)\u{1}\(pair.targetDatabase)"
        func merge(_ existing: inout DatabasePairResult) {
            existing.taskId = existing.taskId ?? pair.taskId
            existing.status = existing.status.merged(with: pair.status)
            existing.tableCount = pair.tableCount ?? existing.tableCount
            existing.finishedCount = pair.finishedCount ?? existing.finishedCount
            existing.inconsistentCount = pair.inconsistentCount ?? existing.inconsistentCount
            existing.uncomparableCount = pair.uncomparableCount ?? existing.uncomparableCount
            existing.sourceIds.append(contentsOf: pair.sourceIds.filter { !existing.sourceIds.contains($0) })
        }
        if content {
            if let index = contentDatabaseIndex.find(key, task: pair.taskId, taskOf: { self.report.contentDatabases[$0].taskId }) {
                merge(&report.contentDatabases[index])
            } else {
                contentDatabaseIndex.insert(key, report.contentDatabases.count)
                report.contentDatabases.append(pair)
            }
        } else {
            if let index = lineDatabaseIndex.find(key, task: pair.taskId, taskOf: { self.report.lineDatabases[$0].taskId }) {
                merge(&report.lineDatabases[index])
            } else {
                lineDatabaseIndex.insert(key, report.lineDatabases.count)
                report.lineDatabases.append(pair)
            }
        }
    }

    private static func tableKey(_ sdb: String, _ stb: String, _ tdb: String, _ ttb: String) -> String {
        [sdb, stb, tdb, ttb].joined(separator: "\u{1}")
    }

    private func addLineTable(_ table: TableLineResult) {
        let key = Self.tableKey(table.sourceDatabase, table.sourceTable, table.targetDatabase, table.targetTable)
        if let index = lineTableIndex.find(key, task: table.taskId, taskOf: { self.report.lineTables[$0].taskId }) {
            report.lineTables[index].absorb(table, incomingWins: true)
        } else {
            lineTableIndex.insert(key, report.lineTables.count)
            report.lineTables.append(table)
        }
    }

    private func addContentTable(_ table: TableContentResult) {
        let key = Self.tableKey(table.sourceDatabase, table.sourceTable, table.targetDatabase, table.targetTable)
        if let index = contentTableIndex.find(key, task: table.taskId, taskOf: { self.report.contentTables[$0].taskId }) {
            report.contentTables[index].absorb(table, incomingWins: true)
        } else {
            contentTableIndex.insert(key, report.contentTables.count)
            report.contentTables.append(table)
        }
    }

    private func lineTable(
        _ item: JSONReader, taskId: String?, sourceDatabase: String, targetDatabase: String, status: CompareStatus,
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
            taskId: taskId, sourceDatabase: sourceDatabase, targetDatabase: targetDatabase, sourceTable: sourceTable,
            targetTable: try item.string("target_table_name") ?? sourceTable, sourceRows: sourceRows, targetRows: targetRows,
            difference: difference, status: status, message: try item.string("message"),
            filter: try item.string("compare_line_config_filter"), listedAsUncompared: uncompared, sourceIds: [context.sourceId])
    }

    private func contentTable(
        _ item: JSONReader, taskId: String?, sourceDatabase: String?, targetDatabase: String?, uncompared: Bool, _ context: Context
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
            taskId: taskId, sourceDatabase: sdb, targetDatabase: tdb, sourceTable: sourceTable,
            targetTable: try item.string("target_table_name") ?? sourceTable, sourceRows: try item.int64("source_row_num"),
            targetRows: try item.int64("target_row_num"), difference: try item.int64("difference_row_num", "diff_row_num"),
            lineStatus: try result(item, "line_compare_result"), contentStatus: contentStatus, message: try item.string("message"),
            filter: try item.string("compare_line_config_filter"), progress: progress, listedAsUncompared: uncompared,
            diffRowsInInput: 0, sourceIds: [context.sourceId])
    }

    private static func isUncompare(_ value: String?) -> Bool {
        (value ?? "").lowercased() == "uncompare"
    }

    // MARK: - v5

    private func v5JobDetail(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        guard let job = try root.object("job") else { return }
        let jobId = try job.string("id") ?? context.file.archiveJobId ?? context.request?.value(after: "jobs")
        if let jobId {
            noteJob(jobId, projectId: context.request?.projectId, name: try job.object("base_info")?.string("name"), status: try job.string("status"))
        }
        if let error = try job.string("error_code") {
            report.retrievalErrors.append(retrieval(context, code: error, message: try job.string("error_msg") ?? ""))
        }
        guard let result = try job.object("compare_result") else {
            report.notes.append("\(context.file.displayPath): job detail without comparison results")
            return
        }
        let query = context.query
        let taskId = query["compare_task_id"]
        if let overview = try result.object("objects_compare_overview_info") {
            let id = try overview.string("compare_job_id") ?? taskId
            upsertTask(
                id: id, kind: .object, rawType: "object", status: try overview.string("status"),
                createdAt: try overview.date("create_time"), startedAt: try overview.date("start_time"), endedAt: nil,
                exportStatus: try overview.string("export_status"), remain: try overview.int64("report_remain_seconds"),
                errorMessage: try overview.string("error_msg"), jobId: jobId, context)
            for item in try overview.array("compare_results") {
                addObjectSummary(ObjectTypeSummary(
                    taskId: id, objectType: try item.string("type") ?? "UNKNOWN", sourceCount: try item.int64("source_count"),
                    targetCount: try item.int64("target_count"), diffCount: nil,
                    status: try status(item, "status", table: .object), sourceIds: [context.sourceId]))
            }
        }
        for item in try result.array("objects_compare_detail_infos") {
            addObjectDetail(try objectDetail(item, type: query["object_type"] ?? "UNKNOWN", taskId: taskId, statusTable: true, context))
        }
        for item in try result.array("data_compare_task_list") {
            let type = try item.string("type")
            upsertTask(
                id: try item.string("id"), kind: CompareKind.from(type), rawType: type, status: try item.string("status"),
                createdAt: nil, startedAt: try item.date("start_time"), endedAt: try item.date("end_time"),
                exportStatus: try item.string("export_status"), remain: try item.int64("report_remain_seconds"),
                errorMessage: try item.string("error_msg"), jobId: jobId, context)
        }
        for item in try result.array("line_compare_overview_infos") {
            let source = try item.string("source_db_name") ?? ""
            addDatabase(DatabasePairResult(
                taskId: taskId, sourceDatabase: source, targetDatabase: try item.string("target_db_name") ?? source,
                status: try status(item, "status", table: .data), sourceIds: [context.sourceId]), content: false)
        }
        let uncompared = Self.isUncompare(query["compare_detail_type"])
        for item in try result.array("line_compare_detail_infos") {
            let source = try item.string("source_db_name") ?? query["source_db_name"] ?? ""
            addLineTable(try lineTable(
                item, taskId: taskId, sourceDatabase: source,
                targetDatabase: try item.string("target_db_name") ?? query["target_db_name"] ?? source,
                status: try status(item, "status", table: .data), uncompared: uncompared, context))
        }
        for item in try result.array("content_compare_overview_infos") {
            let source = try item.string("source_db", "source_db_name") ?? ""
            var pairStatus = try status(item, "status", table: .data)
            if pairStatus == .missing { pairStatus = try self.result(item, "compare_result") }
            addDatabase(DatabasePairResult(
                taskId: taskId, sourceDatabase: source, targetDatabase: try item.string("target_db", "target_db_name") ?? source,
                status: pairStatus, sourceIds: [context.sourceId]), content: true)
        }
        for item in try result.array("content_compare_detail_infos") {
            addContentTable(try contentTable(
                item, taskId: taskId, sourceDatabase: query["source_db_name"], targetDatabase: query["target_db_name"],
                uncompared: uncompared, context))
        }
    }

    private func v5CompareProgress(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let full = try root.object("full_info")
        let incremental = try root.object("incre_info")
        report.progress.tasks.append(TaskProgress(
            taskId: context.request?.value(after: "compare-progress"), fullProgress: try full?.double("progress"),
            fullSpeed: try full?.string("src_speed"), fullRecheckRows: try full?.int64("recheck_entities"),
            incrementalDelay: try incremental?.double("delay"), incrementalRowsPerSecond: try incremental?.int64("rps"),
            incrementalLogPoint: try incremental?.string("log_point"), incrementalRecheckRows: try incremental?.int64("recheck_entities"),
            sourceId: context.sourceId))
    }

    private func v5ProgressData(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let type = context.request?.value(after: "progress-data")
        if let count = try root.int64("count") {
            report.progress.streamingTotal = max(report.progress.streamingTotal ?? 0, count)
        }
        for item in try root.array("flow_compare_data") {
            report.progress.streaming.append(StreamingProgress(
                sourceDatabase: try item.string("src_db") ?? "", sourceObject: try item.string("src_tb") ?? "",
                targetDatabase: try item.string("dst_db") ?? "", targetObject: try item.string("dst_tb") ?? "",
                progress: try item.int64("progress"), objectType: type))
        }
    }

    // MARK: - v3

    private func v3ObjectOverview(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let id = try root.string("compare_job_id") ?? context.query["compare_job_id"]
        let jobId = context.request?.value(after: "jobs") ?? context.file.archiveJobId
        upsertTask(
            id: id, kind: .object, rawType: "object", status: try root.string("status"), createdAt: try root.date("create_time"),
            startedAt: try root.date("start_time"), endedAt: nil, exportStatus: try root.string("export_status"),
            remain: try root.int64("report_remain_seconds"), errorMessage: try root.string("error_msg"), jobId: jobId, context)
        for item in try root.array("compare_result") {
            addObjectSummary(ObjectTypeSummary(
                taskId: id, objectType: try item.string("type") ?? "UNKNOWN", sourceCount: try item.int64("source_count"),
                targetCount: try item.int64("target_count"), diffCount: nil,
                status: try status(item, "status", table: .object), sourceIds: [context.sourceId]))
        }
    }

    private func v3ObjectDetail(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let type = context.request?.value(after: "compare").flatMap { $0 == "compare" ? nil : $0 }
            ?? context.request?.segments.last.flatMap { $0 == "compare" ? nil : $0 } ?? "UNKNOWN"
        let taskId = context.query["compare_job_id"]
        for item in try root.array("compare_detail") {
            addObjectDetail(try objectDetail(item, type: type, taskId: taskId, statusTable: true, context))
        }
    }

    private func v3CompareJobs(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let jobId = context.request?.value(after: "jobs") ?? context.file.archiveJobId
        for item in try root.array("compare_jobs") {
            let type = try item.string("type")
            upsertTask(
                id: try item.string("id"), kind: CompareKind.from(type), rawType: type, status: try item.string("status"),
                createdAt: nil, startedAt: try item.date("start_time"), endedAt: try item.date("end_time"),
                exportStatus: try item.string("export_status"), remain: try item.int64("report_remain_seconds"),
                errorMessage: try item.string("error_msg"), jobId: jobId, context)
        }
    }

    private func v3LineOverview(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let taskId = context.request?.value(after: "compare")
        for item in try root.array("data_compare_overview_infos") {
            let source = try item.string("source_db_name") ?? ""
            addDatabase(DatabasePairResult(
                taskId: taskId, sourceDatabase: source, targetDatabase: try item.string("target_db_name") ?? source,
                status: try status(item, "status", table: .data), tableCount: try item.int64("compare_num"),
                finishedCount: try item.int64("compare_end_num"), inconsistentCount: try item.int64("data_inconsistent_num"),
                uncomparableCount: try item.int64("uncomparable_num"), sourceIds: [context.sourceId]), content: false)
        }
    }

    private func v3LineDetail(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let taskId = context.request?.value(after: "compare")
        let source = context.query["db_name"] ?? ""
        let target = context.query["target_db_name"] ?? source
        let uncompared = Self.isUncompare(context.query["type"])
        for item in try root.array("table_line_compare_result_infos") {
            addLineTable(try lineTable(
                item, taskId: taskId, sourceDatabase: source, targetDatabase: target,
                status: try status(item, "status", table: .data), uncompared: uncompared, context))
        }
    }

    private func v3ContentOverview(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let taskId = context.request?.value(after: "compare")
        for item in try root.array("content_compare_result_infos") {
            let source = try item.string("source_db", "source_db_name") ?? ""
            addDatabase(DatabasePairResult(
                taskId: taskId, sourceDatabase: source, targetDatabase: try item.string("target_db", "target_db_name") ?? source,
                status: try status(item, "status", table: .data), tableCount: try item.int64("compare_num"),
                finishedCount: try item.int64("compare_end_num"), inconsistentCount: try item.int64("data_inconsistent_num"),
                uncomparableCount: try item.int64("uncomparable_num"), sourceIds: [context.sourceId]), content: true)
        }
    }

    private func v3ContentDetail(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let taskId = context.request?.value(after: "compare")
        let uncompared = Self.isUncompare(context.query["type"])
        for item in try root.array("content_compare_result_infos") {
            addContentTable(try contentTable(
                item, taskId: taskId, sourceDatabase: context.query["db_name"], targetDatabase: context.query["target_db_name"],
                uncompared: uncompared, context))
        }
    }

    private func v3CompareResult(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let jobId = try root.string("job_id") ?? context.file.archiveJobId
        if let jobId { noteJob(jobId, projectId: context.request?.projectId) }
        if let code = try root.string("error_code") {
            report.retrievalErrors.append(retrieval(context, code: code, message: try root.string("error_msg") ?? ""))
        }
        if let objects = try root.object("object_level_compare_results") {
            let taskId = try objects.string("compare_task_id")
            try subError(objects, context, what: "object_level_compare_results")
            upsertTask(id: taskId, kind: .object, rawType: "object", status: nil, createdAt: nil, startedAt: nil, endedAt: nil,
                       exportStatus: nil, remain: nil, errorMessage: nil, jobId: jobId, context)
            for item in try objects.array("object_compare_overview") {
                addObjectSummary(ObjectTypeSummary(
                    taskId: taskId, objectType: try item.string("object_type", "type") ?? "UNKNOWN",
                    sourceCount: try item.int64("source_count"), targetCount: try item.int64("target_count"),
                    diffCount: try item.int64("diff_count"), status: try status(item, "object_compare_result", table: .object),
                    sourceIds: [context.sourceId]))
            }
            if let details = try objects.object("object_compare_details"), let members = details.value.objectValue {
                for type in members.keys.sorted() {
                    for item in try details.array(type) {
                        addObjectDetail(try objectDetail(item, type: type, taskId: taskId, statusTable: false, context))
                    }
                }
            }
        }
        if let lines = try root.object("line_compare_results") {
            let taskId = try lines.string("compare_task_id")
            try subError(lines, context, what: "line_compare_results")
            upsertTask(id: taskId, kind: .line, rawType: "lines", status: nil, createdAt: nil, startedAt: nil, endedAt: nil,
                       exportStatus: nil, remain: nil, errorMessage: nil, jobId: jobId, context)
            let targets = try combinedOverview(lines.array("line_compare_overview"), resultKey: "line_compare_result", taskId: taskId, content: false, context)
            for group in try lines.array("line_compare_details") {
                let source = try group.string("source_db_name") ?? ""
                for item in try group.array("line_compare_detail") {
                    addLineTable(try lineTable(
                        item, taskId: taskId, sourceDatabase: source, targetDatabase: targets[source] ?? source,
                        status: try status(item, "line_compare_result", table: .data), uncompared: false, context))
                }
            }
        }
        if let contents = try root.object("content_compare_results") {
            let taskId = try contents.string("compare_task_id")
            try subError(contents, context, what: "content_compare_results")
            upsertTask(id: taskId, kind: .content, rawType: "contents", status: nil, createdAt: nil, startedAt: nil, endedAt: nil,
                       exportStatus: nil, remain: nil, errorMessage: nil, jobId: jobId, context)
            let targets = try combinedOverview(
                contents.array("content_compare_overview"), resultKey: "content_compare_result", taskId: taskId, content: true, context)
            for group in try contents.array("content_compare_details") {
                let source = try group.string("source_db_name") ?? ""
                for (key, uncompared) in [("content_compare_detail", false), ("content_uncompare_detail", true)] {
                    for item in try group.array(key) {
                        addContentTable(try contentTable(
                            item, taskId: taskId, sourceDatabase: source, targetDatabase: targets[source] ?? source,
                            uncompared: uncompared, context))
                    }
                }
            }
        }
        if let list = try root.object("compare_task_list_results") {
            try subError(list, context, what: "compare_task_list_results")
            for item in try list.array("compare_task_list") {
                let type = try item.string("compare_type")
                upsertTask(
                    id: try item.string("compare_task_id"), kind: CompareKind.from(type), rawType: type,
                    status: try item.string("compare_task_status"), createdAt: try item.date("create_time"), startedAt: nil,
                    endedAt: try item.date("end_time"), exportStatus: nil, remain: nil, errorMessage: nil, jobId: jobId, context)
            }
        }
    }

    /// The database pairs of a query-compare-result overview; returns source → target, which the details need.
    private func combinedOverview(
        _ items: [JSONReader], resultKey: String, taskId: String?, content: Bool, _ context: Context
    ) throws(DRSReportError) -> [String: String] {
        var targets: [String: String] = [:]
        for item in items {
            let source = try item.string("source_db_name") ?? ""
            let target = try item.string("target_db_name") ?? source
            targets[source] = target
            addDatabase(DatabasePairResult(
                taskId: taskId, sourceDatabase: source, targetDatabase: target,
                status: try status(item, resultKey, table: .data), sourceIds: [context.sourceId]), content: content)
        }
        return targets
    }

    private func subError(_ reader: JSONReader, _ context: Context, what: String) throws(DRSReportError) {
        if let code = try reader.string("error_code"), !code.isEmpty {
            report.retrievalErrors.append(retrieval(context, code: code, message: "\(what): " + (try reader.string("error_msg") ?? "")))
        }
    }

    private func v3CreateCompareTask(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let jobId = try root.string("job_id")
        if let jobId { noteJob(jobId, projectId: context.request?.projectId) }
        try subError(root, context, what: "create-compare-task")
        for (key, kind) in [("object_level_compare_create_result", CompareKind.object), ("data_level_compare_create_result", .other)] {
            guard let created = try root.object(key) else { continue }
            try subError(created, context, what: key)
            upsertTask(id: try created.string("compare_task_id"), kind: kind, rawType: kind == .object ? "object" : nil,
                       status: nil, createdAt: nil, startedAt: nil, endedAt: nil, exportStatus: nil, remain: nil,
                       errorMessage: nil, jobId: jobId, context)
        }
    }

    private func errorBody(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let code = try root.string("error_code", "errorCode", "code") ?? "UNKNOWN"
        let message = try root.string("error_msg", "errorMsg", "message") ?? ""
        report.retrievalErrors.append(retrieval(context, code: code, message: message))
    }

    private func retrieval(_ context: Context, code: String, message: String) -> RetrievalError {
        RetrievalError(
            sourceId: context.sourceId, file: context.file.displayPath, request: context.request?.summary,
            httpStatus: context.request?.status, errorCode: code, errorMessage: message)
    }

    // MARK: - Inconsistent rows

    private func collectDiffs(_ root: JSONReader, kind: ResponseKind, _ context: Context) throws(DRSReportError) {
        let pages = try DiffExtraction.pages(from: root, kind: kind, request: context.request, sourceId: context.sourceId)
        guard !pages.isEmpty else { return }
        var rowsHere: Int64 = 0
        for (pageIndex, page) in pages.enumerated() {
            var keptOnPage = 0
            for row in page.rows {
                // The same table's rows may arrive through two APIs (content-difference and
                // query-compare-result); the first kind that delivers a table's rows owns it.
                let claim = DiffStream.claimKey(row)
                if let owner = tableClaims[claim], owner != kind {
                    report.diffSummary.rowsSkippedAsDuplicates += 1
                    continue
                }
                tableClaims[claim] = kind
                keptOnPage += 1
                rowsHere += 1
                report.diffSummary.rowsInInput += 1
                report.diffSummary.byKind[row.kind.rawValue, default: 0] += 1
                if row.locationInferred { report.diffSummary.rowsWithInferredLocation += 1 }
                if report.diffPreview.count < options.previewRows { report.diffPreview.append(row) }
                let key = Self.tableKey(row.sourceDatabase, row.sourceTable, row.targetDatabase, row.targetTable)
                diffCountsByTable[key, default: (row, 0)].1 += 1
            }
            if let reported = page.reportedCount, keptOnPage > 0 || page.rows.isEmpty {
                reportedCounts[reportedKey(kind, pageIndex, context)] = reported
            }
        }
        if rowsHere > 0 {
            // Pinning the digest makes the second read fail loudly if a loose file changed in between.
            var file = context.file
            file.expectedSHA256 = context.digest
            diffSources.append(DiffSource(file: file, sourceId: context.sourceId, kind: kind, rows: rowsHere))
        }
    }

    /// `count` is repeated on every page of one diff query; count it once per query.
    private var reportedCounts: [String: Int64] = [:]
    private var diffCountsByTable: [String: (DiffRow, Int64)] = [:]
    private var tableClaims: [String: ResponseKind] = [:]

    private func reportedKey(_ kind: ResponseKind, _ pageIndex: Int, _ context: Context) -> String {
        guard kind != .v3CompareResult, let request = context.request else { return "\(context.sourceId)#\(pageIndex)" }
        let query = request.query.filter { $0.key != "offset" && $0.key != "limit" }.sorted { $0.key < $1.key }
        return request.path + "?" + query.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    // MARK: - Finish

    /// A loose v3 detail file does not say its database. When exactly one located entry has the
    /// same table names, the unlocated one is the same table: merge it there instead of listing it twice.
    private static func absorbUnlocated<T>(
        _ items: [T], database: KeyPath<T, String>, tables: (T) -> String, merge: (inout T, T) -> Void
    ) -> [T] {
        var byTables: [String: [Int]] = [:]
        for (index, item) in items.enumerated() where !item[keyPath: database].isEmpty {
            byTables[tables(item), default: []].append(index)
        }
        var result = items
        var drop = Set<Int>()
        for (index, item) in items.enumerated() where item[keyPath: database].isEmpty {
            guard let matches = byTables[tables(item)], matches.count == 1, let target = matches.first else { continue }
            merge(&result[target], item)
            drop.insert(index)
        }
        return result.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
    }

    func finish() -> IngestResult {
        report.lineTables = Self.absorbUnlocated(
            report.lineTables, database: \.sourceDatabase, tables: { $0.sourceTable + "\u{1}" + $0.targetTable }
        ) { $0.absorb($1, incomingWins: false) }
        report.contentTables = Self.absorbUnlocated(
            report.contentTables, database: \.sourceDatabase, tables: { $0.sourceTable + "\u{1}" + $0.targetTable }
        ) { $0.absorb($1, incomingWins: false) }
        // Indices changed; rebuild the content-table index for attaching row counts.
        contentTableIndex = MergeIndex()
        for (index, table) in report.contentTables.enumerated() {
            contentTableIndex.insert(Self.tableKey(table.sourceDatabase, table.sourceTable, table.targetDatabase, table.targetTable), index)
        }
        report.jobs = jobOrder.compactMap { jobs[$0] }
        report.tasks = taskOrder.compactMap { tasks[$0] }
        if !reportedCounts.isEmpty {
            report.diffSummary.rowsReportedByDRS = reportedCounts.keys.sorted().reduce(0) { $0 + (reportedCounts[$1] ?? 0) }
        }
        // Attach row counts to content tables; a table known only from its rows is inconsistent.
        for key in diffCountsByTable.keys.sorted() {
            guard let (row, count) = diffCountsByTable[key] else { continue }
            if let index = contentTableIndex.find(key, task: row.taskId, taskOf: { self.report.contentTables[$0].taskId }) {
                report.contentTables[index].diffRowsInInput += count
            } else {
                addContentTable(TableContentResult(
                    taskId: row.taskId, sourceDatabase: row.sourceDatabase, targetDatabase: row.targetDatabase,
                    sourceTable: row.sourceTable, targetTable: row.targetTable, sourceRows: nil, targetRows: nil, difference: nil,
                    lineStatus: .missing, contentStatus: CompareStatus(outcome: .inconsistent, code: "INCONSISTENT_ROWS_PRESENT", raw: ""),
                    message: nil, filter: nil, progress: nil, listedAsUncompared: false, diffRowsInInput: count, sourceIds: [row.sourceId]))
            }
        }
        report.notCompared = NotComparedCollector.collect(report)
        report.verdict = VerdictRule.judge(report, strings: Strings(Language(rawValue: report.language) ?? .enUS))
        return IngestResult(report: report, diffs: DiffStream(sources: diffSources, claims: tableClaims))
    }
}

/// Finds the entry a new fact is about. Facts merge when they name the same thing and their
/// tasks agree, or one side does not know its task (a loose v3 file has no request path).
struct MergeIndex {
    private var byKey: [String: [Int]] = [:]

    func find(_ key: String, task: String?, taskOf: (Int) -> String?) -> Int? {
        guard let candidates = byKey[key] else { return nil }
        return candidates.first { index in
            let other = taskOf(index)
            return other == nil || task == nil || other == task
        }
    }

    mutating func insert(_ key: String, _ index: Int) {
        byKey[key, default: []].append(index)
    }
}
