import DRSCore
import DRSIngest
import Foundation

/// The report's sections, in the order CSV files are listed and sheets appear.
package enum ReportSections {
    package static func all(_ report: Report, strings: Strings) -> [Section] {
        let w = Words(strings: strings)
        return [
            Section(
                "jobs", sheet: "sheet.jobs", report.jobs,
                [
                    Column("job_id", "col.job_id") { .text($0.id) },
                    Column("name", "col.job_name") { .text($0.name ?? "") },
                    Column("status", "col.status") { .text($0.status ?? "") },
                    Column("job_type", "col.job_type") { .text($0.jobType ?? "") },
                    Column("source_engine", "col.source_engine") { .text($0.sourceEngine ?? "") },
                    Column("target_engine", "col.target_engine") { .text($0.targetEngine ?? "") },
                    Column("region", "col.region") { .text($0.region ?? "") },
                    Column("project_id", "col.project_id") { .text($0.projectId ?? "") },
                    Column("endpoint", "col.endpoint") { .text($0.endpoint ?? "") },
                ]),
            Section(
                "tasks", sheet: "sheet.tasks", report.tasks,
                [
                    Column("task_id", "col.task_id") { .text($0.id) },
                    Column("job_id", "col.job_id") { .text($0.jobId ?? "") },
                    Column("kind", "col.kind") { .word(code: $0.kind.rawValue, label: w.kind($0.kind), tone: .plain) },
                    Column("type", "col.type", .csvOnly) { .text($0.rawType ?? "") },
                    Column("status", "col.status") { .text($0.status ?? "") },
                    Column("created_at", "col.created") { .time($0.createdAt) },
                    Column("started_at", "col.started") { .time($0.startedAt) },
                    Column("ended_at", "col.ended") { .time($0.endedAt) },
                    Column("export_status", "col.export_status") { .text($0.exportStatus ?? "") },
                    Column("report_remain_seconds", "col.report_remain_seconds") { .count($0.reportRemainSeconds) },
                    Column("received_at", "col.received_at") { .time($0.expiry.receivedAt) },
                    Column("received_at_basis", "col.received_basis") {
                        $0.expiry.receivedAtBasis.map {
                            .word(code: $0.rawValue, label: strings["basis.\($0.rawValue)"], tone: .plain)
                        } ?? .text("")
                    },
                    Column("expires_at", "col.expires_at") { .time($0.expiry.expiresAt) },
                    Column("expiry_state", "col.expiry_state") { task in
                        let tone: CellValue.Tone =
                            switch task.expiry.state {
                            case .valid: .good
                            case .expired: .bad
                            default: .attention
                            }
                        return .word(
                            code: task.expiry.state.rawValue, label: strings["expiry.\(task.expiry.state.rawValue)"],
                            tone: tone)
                    },
                    Column("seconds_left", "col.time_left", .csvOnly) { .count($0.expiry.secondsLeft) },
                    Column("time_left", "col.time_left", .xlsxOnly) {
                        .text(Formatting.duration($0.expiry.secondsLeft))
                    },
                    Column("error", "col.error") { .text($0.errorMessage ?? "") },
                ]),
            Section(
                "tables", sheet: "sheet.tables", report.tables,
                [
                    Column("job_id", "col.job_id") { .text($0.jobId ?? "") },
                    Column("source_db", "col.source_db") { .text($0.sourceDb) },
                    Column("source_table", "col.source_table") { .text($0.sourceTable) },
                    Column("target_db", "col.target_db") { .text($0.targetDb) },
                    Column("target_table", "col.target_table") { .text($0.targetTable) },
                    Column("outcome", "col.outcome") { w.outcome($0.outcome) },
                    Column("object_status", "col.object_status") { w.status($0.object?.status) },
                    Column("line_status", "col.line_status") { w.status($0.line?.status) },
                    Column("source_rows", "col.source_rows") { .count($0.line?.sourceRows ?? $0.content?.sourceRows) },
                    Column("target_rows", "col.target_rows") { .count($0.line?.targetRows ?? $0.content?.targetRows) },
                    Column("row_difference", "col.difference") { .count($0.line?.difference) },
                    Column("content_status", "col.content_status") { w.status($0.content?.status) },
                    Column("drs_inconsistent_rows", "col.drs_inconsistent_rows") {
                        .count($0.content?.inconsistentRows)
                    },
                    Column("diff_rows_in_input", "col.diff_rows") { .count($0.diffRows) },
                    Column("progress", "col.progress") { .decimal($0.content?.progress) },
                    Column("not_compared", "col.not_compared") { .text(w.reasons($0.notCompared)) },
                    Column("message", "col.message") { .text($0.line?.message ?? $0.content?.message ?? "") },
                    Column("filter", "col.filter") { .text($0.line?.filter ?? $0.content?.filter ?? "") },
                    Column("task_ids", "col.task_id") { .text($0.taskIds.joined(separator: " ")) },
                    Column("source_ids", "col.sources", .csvOnly) { .text($0.sourceIds.joined(separator: " ")) },
                ]),
            Section(
                "databases", sheet: "sheet.databases", report.databases,
                [
                    Column("job_id", "col.job_id") { .text($0.jobId ?? "") },
                    Column("source_db", "col.source_db") { .text($0.sourceDb) },
                    Column("target_db", "col.target_db") { .text($0.targetDb) },
                    Column("outcome", "col.outcome") { w.outcome($0.outcome) },
                    Column("line_status", "col.line_status") { w.status($0.line?.status) },
                    Column("content_status", "col.content_status") { w.status($0.content?.status) },
                    Column("tables", "col.table_count") { .count($0.tables) },
                    Column("inconsistent_tables", "col.inconsistent_count") { .count($0.inconsistentTables) },
                    Column("not_compared_tables", "col.uncomparable_count") { .count($0.notComparedTables) },
                    Column("diff_rows_in_input", "col.diff_rows") { .count($0.diffRows) },
                    Column("drs_tables", "col.drs_table_count") {
                        .count($0.line?.tableCount ?? $0.content?.tableCount)
                    },
                    Column("drs_inconsistent_tables", "col.drs_inconsistent_count") {
                        .count($0.line?.inconsistentCount ?? $0.content?.inconsistentCount)
                    },
                    Column("not_compared", "col.not_compared") { .text(w.reasons($0.notCompared)) },
                    Column("task_ids", "col.task_id") { .text($0.taskIds.joined(separator: " ")) },
                    Column("source_ids", "col.sources", .csvOnly) { .text($0.sourceIds.joined(separator: " ")) },
                ]),
            Section(
                "object_types", sheet: "sheet.object_types", report.objectTypes,
                [
                    Column("job_id", "col.job_id") { .text($0.jobId ?? "") },
                    Column("task_id", "col.task_id") { .text($0.taskId ?? "") },
                    Column("object_type", "col.object_type") { .text($0.objectType) },
                    Column("source_count", "col.source_count") { .count($0.sourceCount) },
                    Column("target_count", "col.target_count") { .count($0.targetCount) },
                    Column("diff_count", "col.diff_count") { .count($0.diffCount) },
                    Column("status", "col.status") { w.status($0.status) },
                    Column("raw_status", "col.raw_status", .csvOnly) { .text($0.status.raw) },
                ]),
            Section(
                "objects", sheet: "sheet.objects", report.objects,
                [
                    Column("job_id", "col.job_id") { .text($0.jobId ?? "") },
                    Column("scope", "col.scope") {
                        .word(code: $0.scope.rawValue, label: strings["scope.\($0.scope.rawValue)"], tone: .plain)
                    },
                    Column("object_type", "col.object_type") { .text($0.objectType) },
                    Column("source_db", "col.source_db") { .text($0.sourceDb ?? "") },
                    Column("target_db", "col.target_db") { .text($0.targetDb ?? "") },
                    Column("source_name", "col.source_value") { .text($0.sourceName ?? "") },
                    Column("target_name", "col.target_value") { .text($0.targetName ?? "") },
                    Column("outcome", "col.outcome") { w.outcome($0.outcome) },
                    Column("status", "col.status") { w.status($0.status) },
                    Column("message", "col.message") { .text($0.message ?? "") },
                    Column("task_ids", "col.task_id") { .text($0.taskIds.joined(separator: " ")) },
                    Column("source_ids", "col.sources", .csvOnly) { .text($0.sourceIds.joined(separator: " ")) },
                ]),
            Section(
                "not_compared", sheet: "sheet.not_compared", report.notCompared,
                [
                    Column("job_id", "col.job_id") { .text($0.jobId ?? "") },
                    Column("scope", "col.scope") {
                        .word(code: $0.scope.rawValue, label: strings["scope.\($0.scope.rawValue)"], tone: .plain)
                    },
                    Column("object_type", "col.object_type") { .text($0.objectType ?? "") },
                    Column("source", "col.source_name") { .text($0.sourceName) },
                    Column("target", "col.target_name") { .text($0.targetName) },
                    Column("comparisons", "col.comparison") { w.kinds(Words.unique($0.reasons.map(\.comparison))) },
                    Column("status", "col.status") {
                        .text(Words.unique($0.reasons.map(\.code)).joined(separator: " "))
                    },
                    Column("reasons", "col.message") { .text(w.reasons($0.reasons)) },
                ]),
            Section(
                "conflicts", sheet: "sheet.conflicts", report.conflicts,
                [
                    Column("kind", "col.kind") { .text($0.kind.rawValue) },
                    Column("subject", "col.item") { .text($0.subject) },
                    Column("comparison", "col.comparison") { .text($0.comparison?.rawValue ?? "") },
                    Column("values", "col.values") { .text($0.values.joined(separator: "; ")) },
                    Column("used", "col.used") { .text($0.used) },
                    Column("rule", "col.rule") {
                        .word(code: $0.rule.rawValue, label: strings["conflict.rule.\($0.rule.rawValue)"], tone: .plain)
                    },
                ]),
            Section(
                "notes", sheet: nil, report.notes,
                [
                    Column("source_id", "col.sources") { .text($0.sourceId) },
                    Column("file", "col.file") { .text($0.file) },
                    Column("code", "col.kind") { .text($0.code.rawValue) },
                    Column("note", "col.message") { .text(w.note($0)) },
                ]),
            Section(
                "progress", sheet: nil, report.progress.tasks,
                [
                    Column("task_id", "col.task_id") { .text($0.taskId ?? "") },
                    Column("full_progress", "col.progress") { .decimal($0.fullProgress) },
                    Column("full_speed", "col.speed") { .text($0.fullSpeed ?? "") },
                    Column("full_recheck_rows", "col.recheck") { .count($0.fullRecheckRows) },
                    Column("incremental_delay", "col.delay") { .decimal($0.incrementalDelay) },
                    Column("incremental_rows_per_second", "col.speed") { .count($0.incrementalRowsPerSecond) },
                    Column("incremental_log_point", "col.log_point") { .text($0.incrementalLogPoint ?? "") },
                    Column("incremental_recheck_rows", "col.recheck") { .count($0.incrementalRecheckRows) },
                ]),
            Section(
                "streaming_progress", sheet: nil, report.progress.streaming,
                [
                    Column("object_type", "col.object_type") { .text($0.objectType ?? "") },
                    Column("source_db", "col.source_db") { .text($0.sourceDatabase) },
                    Column("source_object", "col.source_name") { .text($0.sourceObject) },
                    Column("target_db", "col.target_db") { .text($0.targetDatabase) },
                    Column("target_object", "col.target_name") { .text($0.targetObject) },
                    Column("progress", "col.progress") { .count($0.progress) },
                ]),
            Section(
                "errors", sheet: "sheet.errors", report.retrievalErrors,
                [
                    Column("source_id", "col.sources") { .text($0.sourceId) },
                    Column("file", "col.file") { .text($0.file) },
                    Column("request", "col.request") { .text($0.request ?? "") },
                    Column("http_status", "col.http_status") { .count($0.httpStatus.map(Int64.init)) },
                    Column("error_code", "col.error_code") { .text($0.errorCode) },
                    Column("error_message", "col.error_message") { .text($0.errorMessage) },
                ]),
            Section(
                "sources", sheet: "sheet.sources", report.sources,
                [
                    Column("source_id", "col.sources") { .text($0.id) },
                    Column("file", "col.file") { .text($0.file) },
                    Column("kind", "col.response_kind") { .text($0.kind) },
                    Column("method", "col.method", .csvOnly) { .text($0.method ?? "") },
                    Column("path", "col.request", .csvOnly) { .text($0.requestPath ?? "") },
                    Column("query", "col.query", .csvOnly) { .text(Self.query($0.query)) },
                    Column("request", "col.request", .xlsxOnly) { item in
                        .text(
                            item.requestPath.map {
                                "\(item.method ?? "GET") \($0)"
                                    + (item.query.map { $0.isEmpty ? "" : "?" + Self.query($0) } ?? "")
                            } ?? "")
                    },
                    Column("http_status", "col.http_status") { .count($0.httpStatus.map(Int64.init)) },
                    Column("received_at", "col.received_at") { .time($0.receivedAt) },
                    Column("received_at_basis", "col.received_basis") {
                        .word(
                            code: $0.receivedAtBasis.rawValue, label: strings["basis.\($0.receivedAtBasis.rawValue)"],
                            tone: .plain)
                    },
                    Column("sha256", "col.sha256") { .text($0.sha256) },
                    Column("duplicate_of", "col.duplicate_of") { .text($0.duplicateOf ?? "") },
                ]),
        ]
    }

    package static func query(_ query: [String: String]?) -> String {
        (query ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    /// The Summary sheet and csv/summary.csv: one item per line, the same facts in both.
    package static func summary(
        _ report: Report, strings: Strings, timeZone: TimeZone, meta: [MetaField] = []
    ) -> [(id: String, label: String, value: CellValue)] {
        let w = Words(strings: strings)
        let text = VerdictText(report: report, strings: strings)
        let counts = report.verdict.counts
        var items: [(String, String, CellValue)] = [
            ("title", strings["col.title"], .text(report.title))
        ]
        // --meta fields right after the title, under their own keys.
        items += meta.map { ("meta." + $0.key, $0.key, CellValue.text($0.value)) }
        items += [
            (
                "verdict", strings["section.verdict"],
                .word(
                    code: report.verdict.value.rawValue, label: strings["verdict.\(report.verdict.value.rawValue)"],
                    tone: report.verdict.value == .consistent
                        ? .good : report.verdict.value == .inconsistent ? .bad : .attention)
            ),
            ("verdict_reasons", strings["verdict.reasons"], .text(text.reasons.joined(separator: "\n"))),
            ("verdict_rule", strings["verdict.rule_label"], .text(strings["verdict.rule"])),
            ("coverage_ran", strings["coverage.ran"], w.kinds(report.verdict.coverage.ran)),
            ("coverage_not_run", strings["coverage.not_run"], w.kinds(report.verdict.coverage.missing)),
            ("inconsistent_tables", strings["count.inconsistent_tables"], .count(counts.inconsistentTables)),
            ("inconsistent_databases", strings["count.inconsistent_databases"], .count(counts.inconsistentDatabases)),
            ("inconsistent_objects", strings["count.inconsistent_objects"], .count(counts.inconsistentObjects)),
            ("inconsistent_rows", strings["count.inconsistent_rows"], .count(counts.inconsistentRows)),
            ("not_compared", strings["count.not_compared"], .count(counts.notCompared)),
            ("not_retrieved", strings["count.not_retrieved"], .count(counts.notRetrieved)),
            ("incomplete", strings["count.incomplete"], .count(counts.incomplete)),
            ("tasks_unfinished", strings["count.tasks_unfinished"], .count(counts.tasksUnfinished)),
            ("rows_not_in_inputs", strings["count.rows_not_in_inputs"], .count(counts.rowsNotInInputs)),
            ("tables", strings["count.tables"], .count(Int64(report.tables.count))),
            ("databases", strings["count.databases"], .count(Int64(report.databases.count))),
            ("objects", strings["count.objects"], .count(Int64(report.objects.count))),
            (
                "inconsistent_rows_reported_by_drs", strings["summary.rows_reported"],
                .count(report.diffSummary.rowsReportedByDRS)
            ),
            ("duplicate_rows", strings["summary.rows_duplicate"], .count(report.diffSummary.duplicateRows)),
            (
                "rows_located_from_sql", strings["summary.rows_inferred"],
                .count(report.diffSummary.rowsWithInferredLocation)
            ),
            (
                "rows_without_location", strings["summary.rows_unlocated"],
                .count(report.diffSummary.rowsWithUnknownLocation)
            ),
            ("conflicts", strings["count.conflicts"], .count(Int64(report.conflicts.count))),
            ("input_files", strings["summary.sources"], .count(Int64(report.sources.count))),
            ("generated_at", strings["report.generated_at"], .time(report.generatedAt)),
            ("time_zone", strings["report.time_zone"], .text(Formatting.zoneLabel(timeZone))),
            ("generator", strings["report.generator"], .text(report.generator)),
        ]
        for job in report.jobs {
            items.append(("job", strings["col.job_id"], .text(job.id + (job.name.map { " (\($0))" } ?? ""))))
        }
        for kind in [CompareKind.object, .line, .content] {
            if let line = w.breakdown(report, kind) {
                items.append(("breakdown_\(kind.rawValue)", w.kind(kind), .text(line)))
            }
        }
        let times = report.sources.map(\.receivedAt)
        if let first = times.min(), let last = times.max() {
            // In the report's zone, like every displayed time.
            let f = Formatting(timeZone: timeZone)
            items.append(
                (
                    "responses_received", strings["summary.fetched"],
                    .text(first == last ? f.time(first) : f.time(first) + " – " + f.time(last))
                ))
        }
        items.append(("inputs_digest", strings["footer.inputs_digest"], .text(report.inputsDigest)))
        return items
    }
}
