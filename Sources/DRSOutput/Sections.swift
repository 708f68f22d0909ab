import DRSCore
import DRSIngest
import Foundation

/// One cell of a section, as a fact; each writer renders it its own way (CSV: machine text,
/// XLSX: typed cells with labels and colours).
package enum CellValue {
    /// Text from the data or the tool.
    case text(String)
    /// An exact count (CSV: digits; XLSX: a number with `#,##0`); nil is an empty cell.
    case count(Int64?)
    /// A measured number (progress, delay); nil is an empty cell.
    case decimal(Double?)
    /// A time (CSV: ISO-8601 UTC; XLSX: a date-time in the report's zone).
    case time(Date?)
    /// A code word with its label (CSV: the code; XLSX: the label, coloured by tone).
    case word(code: String, label: String, tone: Tone)
    /// true/false.
    case flag(Bool)

    /// How a word cell is coloured in the workbook.
    package enum Tone {
        case good, bad, attention, plain
    }
}

/// A column: its machine name (CSV header), its label key (XLSX header), and how it reads a row.
package struct Column<Row> {
    package let id: String
    package let label: String
    package let value: (Row) -> CellValue
    /// Where the column appears.
    package var placement: ColumnPlacement = .both

    package init(
        _ id: String, _ label: String, _ placement: ColumnPlacement = .both, _ value: @escaping (Row) -> CellValue
    ) {
        self.id = id
        self.label = label
        self.placement = placement
        self.value = value
    }
}

/// Which tabular formats show a column.
package enum ColumnPlacement {
    case both, csvOnly, xlsxOnly
}

/// A section of the report as both tabular writers see it: the CSV file, the XLSX sheet, the
/// columns and the rows. Declared once, here; a new field is one new `Column`.
package struct Section {
    /// `tables` → csv/tables.csv.
    package let file: String
    /// String-table key of the sheet name; nil when the section is CSV only.
    package let sheet: String?
    package let ids: [String]
    package let labels: [String]
    package let placements: [ColumnPlacement]
    package let rows: [[CellValue]]

    package init<Row>(_ file: String, sheet: String?, _ items: [Row], _ columns: [Column<Row>]) {
        self.file = file
        self.sheet = sheet
        ids = columns.map(\.id)
        labels = columns.map(\.label)
        placements = columns.map(\.placement)
        rows = items.map { item in columns.map { $0.value(item) } }
    }

    package func included(_ index: Int, csv: Bool) -> Bool {
        switch placements[index] {
        case .both: return true
        case .csvOnly: return csv
        case .xlsxOnly: return !csv
        }
    }
}

/// Words shared by every section and writer.
package struct Words {
    package let strings: Strings

    package func outcome(_ outcome: LedgerOutcome) -> CellValue {
        .word(code: outcome.rawValue, label: strings["outcome.\(outcome.rawValue)"], tone: tone(outcome))
    }

    package func status(_ status: CompareStatus?) -> CellValue {
        guard let status else { return .text("") }
        let ledger = LedgerOutcome(status.outcome)
        return .word(
            code: status.code, label: strings["outcome.\(ledger.rawValue)"] + " (\(status.code))", tone: tone(ledger))
    }

    package func tone(_ outcome: LedgerOutcome) -> CellValue.Tone {
        switch outcome {
        case .consistent: return .good
        case .inconsistent: return .bad
        case .incomplete, .notCompared: return .attention
        }
    }

    package func kind(_ kind: CompareKind) -> String { strings["kind.\(kind.rawValue)"] }

    /// Comparison kinds: codes in CSV (`line content`), labels in the workbook ("Row count, Values").
    package func kinds(_ kinds: [CompareKind]) -> CellValue {
        .word(
            code: kinds.map(\.rawValue).joined(separator: " "), label: kinds.map(kind).joined(separator: ", "),
            tone: .plain)
    }

    package static func unique<T: Equatable>(_ items: [T]) -> [T] { items.uniqued() }

    package func reasons(_ reasons: [NotComparedReason]) -> String {
        reasons.map { reason in
            var text = kind(reason.comparison) + ": " + reason.code
            if let message = reason.message, !message.isEmpty { text += " (\(message))" }
            if reason.sourceRows != nil || reason.targetRows != nil {
                text +=
                    " ["
                    + strings.format(
                        "rows_pair", Formatting.count(reason.sourceRows), Formatting.count(reason.targetRows)) + "]"
            }
            return text
        }.joined(separator: "; ")
    }

    package func note(_ note: Note) -> String {
        var text = strings["note.\(note.code.rawValue)"]
        for (index, value) in note.values.enumerated() {
            text = text.replacingOccurrences(of: "{\(index)}", with: String(value))
        }
        return text.replacingOccurrences(of: "{subject}", with: note.subject ?? "")
    }

    package func conflict(_ conflict: Conflict) -> String {
        strings.format(
            "conflict.\(conflict.kind.rawValue)", conflict.subject, conflict.values.joined(separator: "; "),
            conflict.used)
            + " " + strings["conflict.rule.\(conflict.rule.rawValue)"]
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(strings: Strings) {
        self.strings = strings
    }
}

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

extension Words {
    /// "12 consistent, 3 inconsistent" for the ledger entries a comparison kind covered.
    package func breakdown(_ report: Report, _ kind: CompareKind) -> String? {
        guard let counts = Self.outcomeCounts(report, kind) else { return nil }
        return LedgerOutcome.allCases.reversed().compactMap { outcome in
            let count = counts[outcome] ?? 0
            return count == 0 ? nil : "\(count) \(strings["outcome.\(outcome.rawValue)"].lowercased())"
        }.joined(separator: ", ")
    }

    /// How many ledger entries a comparison kind covered, by outcome; nil when it covered none.
    package static func outcomeCounts(_ report: Report, _ kind: CompareKind) -> [LedgerOutcome: Int]? {
        let outcomes: [LedgerOutcome]
        switch kind {
        case .object:
            outcomes =
                report.objects.map(\.outcome)
                + report.tables.compactMap { $0.object.map { LedgerOutcome($0.status.outcome) } }
                + report.databases.compactMap { $0.object.map { LedgerOutcome($0.status.outcome) } }
        case .line:
            // Every table the row-count comparison was asked about, uncompared ones included.
            outcomes = report.tables.compactMap { table in
                if table.notCompared.contains(where: { $0.comparison == .line }) { return .notCompared }
                return table.line.map { LedgerOutcome($0.status.outcome) }
            }
        case .content:
            outcomes = report.tables.filter { table in
                table.content != nil || table.diffRows > 0 || table.notCompared.contains { $0.comparison == .content }
            }.map { table in
                if table.notCompared.contains(where: { $0.comparison == .content }) && table.content == nil
                    && table.diffRows == 0
                {
                    return .notCompared
                }
                let content = table.content
                var list = [content?.status, content?.lineStatus].compactMap { $0 }.filter { $0 != .missing }.map {
                    LedgerOutcome($0.outcome)
                }
                if table.diffRows > 0 || (content?.inconsistentRows ?? 0) > 0 { list.append(.inconsistent) }
                return list.max() ?? .incomplete
            }
        default: return nil
        }
        guard !outcomes.isEmpty else { return nil }
        return outcomes.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}

/// The verdict's reasons in the report language, shared by every writer.
package struct VerdictText {
    package let report: Report
    package let strings: Strings
    /// Counts with thousands separators, for pages people read (CSV and XLSX keep plain digits).
    package var grouped = false

    private func number(_ value: Int64) -> String {
        grouped ? Formatting.grouped(value) : Formatting.count(value)
    }

    /// One sentence per reason: the differences, then every gap.
    package var reasons: [String] {
        report.verdict.reasons.map(sentence)
    }

    package func sentence(_ reason: VerdictReason) -> String {
        if reason.code == .kindNotRun, let kind = reason.kind {
            return strings.format("reason.kind_not_run", strings["kindname.\(kind.rawValue)"])
        }
        if reason.code == .notCompared {
            // Say what the things are: "7 were not compared: 4 tables, 1 database pair, 1 object type".
            let counts = report.verdict.counts
            let parts = [
                (counts.notComparedTables, "part.tables"), (counts.notComparedDatabases, "part.databases"),
                (counts.notComparedObjects, "part.objects"), (counts.notComparedObjectTypes, "part.object_types"),
            ].filter { $0.0 > 0 }.map { strings.format($0.1, number($0.0)) }
            return strings.format("reason.not_compared", number(reason.count), strings.list(parts))
        }
        return strings.format("reason.\(reason.code.rawValue)", number(reason.count))
    }

    /// "Rests on: object, row-count and value comparison".
    package var coverage: String {
        let ran = report.verdict.coverage.ran.map { strings["kindname.\($0.rawValue)"] }
        return ran.isEmpty ? strings["coverage.none"] : strings.format("coverage.rests_on", strings.list(ran))
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(report: Report, strings: Strings, grouped: Bool = false) {
        self.grouped = grouped
        self.report = report
        self.strings = strings
    }
}

extension Report {
    /// The verdict's reasons as sentences in the report's language (the model keeps them as codes).
    public var verdictSentences: [String] {
        VerdictText(report: self, strings: Strings(Language(rawValue: language) ?? .enUS)).reasons
    }
}
