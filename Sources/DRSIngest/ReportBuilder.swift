import DRSCore
import DRSWire
import Foundation

/// Accumulates the facts of each response; `finish` joins them into the ledger.
///
/// The builder is split by responsibility: this file reads a file and dispatches on its kind;
/// `+V5` and `+V3` map each API generation's shapes to facts; `+Diffs` counts and de-duplicates
/// inconsistent rows; `+Finish` joins facts into the ledger (see `LedgerBuilder`) and judges.
package final class ReportBuilder {
    package let options: IngestOptions
    package var report: Report
    package var facts = FactStore()
    /// Every row read, once, for the writers.
    package var spool: RowSpool?
    /// Record indices of rows that duplicate a kept row.
    package var skippedRows: [Int] = []
    /// Whether the stream is the spool exactly as read: no row skipped, no job resolved afterwards.
    package var rowsAsRead = true
    /// Digest and request context of every input read: identical bytes are the same input only
    /// when they also answered the same request.
    package var seenInputs: [String: String] = [:]
    package var jobs: [String: JobInfo] = [:]
    package var jobOrder: [String] = []
    package var tasks: [String: CompareTask] = [:]
    package var taskOrder: [String] = []
    package var taskReceived: [String: Date] = [:]
    /// Every job id a task was claimed by, with the source that claimed it, in input order.
    package var taskJobClaims: [String: [(job: String, sourceId: String)]] = [:]
    package var receivedAt: [String: Date] = [:]
    package var nextSource = 1
    package var book = RowBook()
    /// Preview candidates with their record index, filtered once duplicates are decided.
    package var preview: [(index: Int, row: DiffRow)] = []
    /// Rows in inputs skipped as copies of an earlier input.
    package var copiedRows: Int64 = 0
    package var rowJobs = RowJobs()
    /// Distinct inconsistent rows per table location, attached to the ledger by `finish`.
    package var rowsByTable: [TableKey: Int64] = [:]
    /// DRS's own `count` per diff query or table, counted once.
    package var reportedCounts: [ReportedKey: Int64] = [:]

    package init(options: IngestOptions, spool: RowSpool? = nil) {
        self.options = options
        self.spool = spool
        report = Report(
            title: options.title ?? "", generatedAt: options.now, language: options.language.rawValue,
            generator: "drs-report \(DRSReportVersion.current)")
        report.expiryWindowSeconds = options.expiryWindowSeconds
    }

    /// DRS's row filter (a WHERE predicate) with its literals masked under `--mask keys`.
    package func maskedFilter(_ filter: String?) -> String? {
        guard let filter, let mask = options.mask, mask.masksKeys else { return filter }
        return mask.sql(filter)
    }

    /// What the current response is, and the request it answered.
    package struct Context {
        package var sourceId: String
        package var digest: String
        package var file: ResponseFile
        /// The job the archive or the request path names.
        package var jobId: String?
        package var request: RequestContext? { file.request }
        package var query: [String: String] { file.request?.query ?? [:] }

        /// Memberwise, for the modules that build it (Swift's implicit one is internal).
        package init(sourceId: String, digest: String, file: ResponseFile, jobId: String? = nil) {
            self.sourceId = sourceId
            self.digest = digest
            self.file = file
            self.jobId = jobId
        }
    }

    package func add(_ prepared: PreparedFile) throws(DRSReportError) {
        let file = prepared.file
        let digest = prepared.digest
        let sourceId = prepared.sourceId
        nextSource += 1
        let value = prepared.value
        guard let kind = prepared.kind else {
            let keys = value.objectValue.map { $0.keys.sorted() } ?? []
            if value.objectValue == nil {
                throw .typeMismatch(
                    file: file.userPath, path: "$", expected: "a JSON object (a DRS response body)",
                    found: JSONReader.describe(value))
            }
            throw .unknownShape(file: file.userPath, topLevelKeys: keys)
        }
        var record = SourceRecord(
            id: sourceId, file: file.displayPath, kind: kind.rawValue, method: file.request?.method,
            requestPath: file.request?.path, query: file.request?.query, httpStatus: file.request?.status,
            receivedAt: file.receivedAt, receivedAtBasis: file.basis, sha256: digest, duplicateOf: nil)
        let identity = digest + "\u{1}" + (file.request?.summary ?? "") + "\u{1}" + (file.archiveJobId ?? "")
        if let first = seenInputs[identity] {
            // The same bytes answering the same request (a copied file) would double every count:
            // listed as a copy, and its rows counted as duplicates.
            record.duplicateOf = first
            report.sources.append(record)
            countCopiedRows(prepared)
            return
        }
        seenInputs[identity] = sourceId
        report.sources.append(record)
        receivedAt[sourceId] = file.receivedAt
        let jobId = file.archiveJobId ?? file.request?.value(after: "jobs")
        let context = Context(sourceId: sourceId, digest: digest, file: file, jobId: jobId)
        if let jobId {
            noteJob(
                JobInfo(
                    id: jobId, projectId: file.archiveProjectId ?? file.request?.projectId,
                    endpoint: file.archiveEndpoint))
        }
        let root = JSONReader(value, file: file.userPath)
        switch kind {
        case .empty:
            report.notes.append(Note(code: .emptyResponse, sourceId: sourceId, file: file.displayPath, values: []))
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
        try collectDiffs(prepared, context)
    }

    // MARK: - Jobs and tasks

    /// Records what a response says about a job; the first value seen of each field is kept,
    /// except name and status, which the job's own detail states best.
    package func noteJob(_ info: JobInfo) {
        guard !info.id.isEmpty else { return }
        var job = jobs[info.id] ?? JobInfo(id: info.id)
        if jobs[info.id] == nil { jobOrder.append(info.id) }
        job.projectId = job.projectId ?? info.projectId
        job.endpoint = job.endpoint ?? info.endpoint
        job.name = info.name ?? job.name
        job.status = info.status ?? job.status
        job.jobType = job.jobType ?? info.jobType
        job.engineType = job.engineType ?? info.engineType
        job.sourceEngine = job.sourceEngine ?? info.sourceEngine
        job.targetEngine = job.targetEngine ?? info.targetEngine
        job.region = job.region ?? info.region
        jobs[info.id] = job
    }

    /// What one response says about a comparison task.
    package struct TaskFacts {
        package var id: String?
        package var kind: CompareKind
        package var rawType: String?
        package var status: String?
        package var createdAt: Date?
        package var startedAt: Date?
        package var endedAt: Date?
        package var exportStatus: String?
        package var remain: Int64?
        package var errorMessage: String?
        package var jobId: String?

        package init(id: String?, kind: CompareKind, rawType: String? = nil, jobId: String?) {
            self.id = id
            self.kind = kind
            self.rawType = rawType
            self.jobId = jobId
        }

        /// A task as the v5 overview and task list and the v3 overview and task list all send it:
        /// the same keys, each read when present.
        package static func reading(
            _ item: JSONReader, id: String?, kind: CompareKind, rawType: String?, jobId: String?
        )
            throws(DRSReportError) -> TaskFacts
        {
            var task = TaskFacts(id: id, kind: kind, rawType: rawType, jobId: jobId)
            task.status = try item.string(Wire.Key.status)
            task.createdAt = try item.date(Wire.Key.createTime)
            task.startedAt = try item.date(Wire.Key.startTime)
            task.endedAt = try item.date(Wire.Key.endTime)
            task.exportStatus = try item.string(Wire.Key.exportStatus)
            task.remain = try item.int64(Wire.Key.reportRemainSeconds)
            task.errorMessage = try item.string(Wire.Key.errorMsg)
            return task
        }
    }

    package func upsertTask(_ facts: TaskFacts, _ context: Context) {
        guard let id = facts.id, !id.isEmpty else { return }
        var task =
            tasks[id]
            ?? CompareTask(
                id: id, jobId: nil, kind: facts.kind, rawType: nil, status: nil, createdAt: nil, startedAt: nil,
                endedAt: nil,
                exportStatus: nil, reportRemainSeconds: nil, expiry: Expiry(state: .unknown), errorMessage: nil,
                sourceIds: [])
        if tasks[id] == nil { taskOrder.append(id) }
        if task.kind == .other { task.kind = facts.kind }
        task.rawType = facts.rawType ?? task.rawType
        if let job = facts.jobId ?? context.jobId, !job.isEmpty {
            // A task belongs to one job; a second job's claim is a conflict the report states.
            var claims = taskJobClaims[id, default: []]
            if !claims.contains(where: { $0.job == job }) { claims.append((job, context.sourceId)) }
            taskJobClaims[id] = claims
            task.jobId = task.jobId ?? job
        }
        task.status = facts.status ?? task.status
        task.createdAt = facts.createdAt ?? task.createdAt
        task.startedAt = facts.startedAt ?? task.startedAt
        task.endedAt = facts.endedAt ?? task.endedAt
        task.errorMessage = facts.errorMessage.flatMap { $0.isEmpty ? nil : $0 } ?? task.errorMessage
        // The most recently received export state wins: it is the freshest view of DRS's file.
        if facts.exportStatus != nil || facts.remain != nil {
            let previous = taskReceived[id]
            if previous.map({ context.file.receivedAt >= $0 }) ?? true {
                taskReceived[id] = context.file.receivedAt
                task.exportStatus = facts.exportStatus ?? task.exportStatus
                task.reportRemainSeconds = facts.remain ?? task.reportRemainSeconds
                task.expiry = Expiry.compute(
                    remain: task.reportRemainSeconds, receivedAt: context.file.receivedAt, basis: context.file.basis,
                    now: options.now, window: options.expiryWindowSeconds)
            }
        }
        if !task.sourceIds.contains(context.sourceId) { task.sourceIds.append(context.sourceId) }
        tasks[id] = task
    }

    // MARK: - Shared readers

    /// A status that may be a v3 integer code, a numeric string, a v5 word or a boolean.
    package func status(_ reader: JSONReader, _ key: String, table: CompareStatus.CodeTable) throws(DRSReportError)
        -> CompareStatus
    {
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
            throw .typeMismatch(
                file: reader.file, path: reader.path + "." + key, expected: "a status code or word",
                found: JSONReader.describe(member))
        }
    }

    /// A `true`/`false` consistency result that may also be a word (query-compare-result).
    package func result(_ reader: JSONReader, _ key: String) throws(DRSReportError) -> CompareStatus {
        guard let member = reader.value[key] else { return .missing }
        if case .string(let text) = member, !["true", "false", "1", "0", ""].contains(text.lowercased()) {
            return .word(text)
        }
        guard let flag = try reader.bool(key) else { return .missing }
        return .flag(flag)
    }

    package static func isUncompare(_ value: String?) -> Bool {
        (value ?? "").lowercased() == "uncompare"
    }

    package func subError(_ reader: JSONReader, _ context: Context, what: String) throws(DRSReportError) {
        if let code = try reader.string(Wire.Key.errorCode), !code.isEmpty {
            report.retrievalErrors.append(
                retrieval(context, code: code, message: "\(what): " + (try reader.string(Wire.Key.errorMsg) ?? "")))
        }
    }

    package func errorBody(_ root: JSONReader, _ context: Context) throws(DRSReportError) {
        let code = try root.string(Wire.Key.errorCode, "errorCode", Wire.Key.code) ?? "UNKNOWN"
        let message = try root.string(Wire.Key.errorMsg, "errorMsg", Wire.Key.message) ?? ""
        report.retrievalErrors.append(retrieval(context, code: code, message: message))
    }

    package func retrieval(_ context: Context, code: String, message: String) -> RetrievalError {
        RetrievalError(
            sourceId: context.sourceId, file: context.file.displayPath, request: context.request?.summary,
            httpStatus: context.request?.status, errorCode: code, errorMessage: message)
    }
}
