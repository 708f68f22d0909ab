import DRSCore
import DRSIngest
import Foundation

/// The values templates see. Everything is preformatted text in the report language; templates
/// only lay it out. Escaping is the template engine's job (HTML or Markdown content type), so
/// nothing here is pre-escaped. See docs/templates.md for the variables.
package struct ViewModel {
    package let report: Report
    package let options: RenderOptions
    /// Rows per table before "N more rows in …".
    package let rowLimit: Int
    /// Inconsistent rows shown.
    package let diffLimit: Int
    /// Inconsistent tables listed first ("top tables").
    package var tableLimit: Int = 20
    /// Inconsistent rows shown of one table.
    package var rowsPerTable: Int = 20
    /// The rows to preview per table, read from the row stream (report.html); nil: the sample
    /// ingest kept (`Report.diffPreview`, report.md).
    package var rowsByTable: [TableKey: [DiffRow]]?
    /// Files written beside the page, which its "more rows" lines link to.
    package var linkedFiles: Set<String> = []

    var strings: Strings { Strings(Language(rawValue: report.language) ?? .enUS) }
    var formatting: Formatting { Formatting(timeZone: options.timeZone) }

    /// Inconsistent tables, most rows first, then the largest row-count difference.
    package static func rankedInconsistent(_ report: Report) -> [TableEntry] {
        report.tables.enumerated().filter { $0.element.outcome == .inconsistent }.sorted { a, b in
            let x = a.element
            let y = b.element
            if x.diffRows != y.diffRows { return x.diffRows > y.diffRows }
            let dx = (x.line?.difference ?? 0).magnitude
            let dy = (y.line?.difference ?? 0).magnitude
            if dx != dy { return dx > dy }
            let cx = x.content?.inconsistentRows ?? 0
            let cy = y.content?.inconsistentRows ?? 0
            if cx != cy { return cx > cy }
            return a.offset < b.offset
        }.map(\.element)
    }

    package func build() -> [String: Any] {
        let s = strings
        let f = formatting
        let w = Words(strings: s)
        let labels = s.templateLabels
        func status(_ value: CompareStatus?) -> [String: Any] {
            guard let value else { return ["label": "", "code": "", "raw": "", "class": "none", "any": false] }
            let outcome = LedgerOutcome(value.outcome)
            var result: [String: Any] = [
                "label": s["outcome.\(outcome.rawValue)"], "code": value.code, "raw": value.raw,
                "class": outcome.rawValue.lowercased(), "any": true,
            ]
            // The DRS word is worth showing beside the label only when it says more than the outcome.
            if value.code != outcome.rawValue { result["extra"] = true }
            return result
        }
        func outcome(_ value: LedgerOutcome) -> [String: Any] {
            ["label": s["outcome.\(value.rawValue)"], "code": value.rawValue, "class": value.rawValue.lowercased()]
        }
        func capped<T>(_ items: [T], limit: Int? = nil, file: String, _ map: (T) -> [String: Any]) -> [String: Any] {
            let cap = limit ?? rowLimit
            let shown = items.prefix(cap).map(map)
            var result: [String: Any] = [
                "rows": Array(shown), "any": !items.isEmpty, "count": Formatting.grouped(Int64(items.count)),
            ]
            if items.count > cap {
                result["more"] = s.format("more_rows", Formatting.grouped(items.count - cap), file)
                if linkedFiles.contains(file) { result["more_file"] = file }
            }
            return result
        }
        // Anchors by position in the report's lists: stable, and never made of data.
        let tableIndex = Dictionary(
            report.tables.enumerated().map { (LedgerBuilder.key(of: $0.element), $0.offset + 1) },
            uniquingKeysWith: { a, _ in a })

        let verdict = report.verdict
        let text = VerdictText(report: report, strings: s, grouped: true)
        let multipleJobs = report.jobs.count > 1

        var model: [String: Any] = [
            "l": labels,
            "title": report.title,
            "language": report.language,
            "generated_at": f.time(report.generatedAt),
            "generator": report.generator,
            "time_zone": Formatting.zoneLabel(options.timeZone),
            "inputs_digest": report.inputsDigest,
            "multiple_jobs": multipleJobs,
        ]
        let counts = verdict.counts
        let differences = verdict.reasons.filter(\.isInconsistency).map(text.sentence)
        let gaps = verdict.reasons.filter { !$0.isInconsistency && $0.code != .allConsistent }.map(text.sentence)
        model["verdict"] =
            [
                "value": verdict.value.rawValue,
                "label": s["verdict.\(verdict.value.rawValue)"],
                "class": verdict.value.rawValue.lowercased(),
                "rule": s["verdict.rule"],
                "reasons": text.reasons,
                "differences": differences,
                "gaps": gaps,
                "any_gaps": !gaps.isEmpty,
                "coverage": text.coverage,
                "counts": [
                    [
                        "label": s["count.inconsistent_tables"], "value": Formatting.grouped(counts.inconsistentTables),
                        "id": "inconsistent_tables",
                    ],
                    [
                        "label": s["count.inconsistent_databases"],
                        "value": Formatting.grouped(counts.inconsistentDatabases), "id": "inconsistent_databases",
                    ],
                    [
                        "label": s["count.inconsistent_objects"],
                        "value": Formatting.grouped(counts.inconsistentObjects), "id": "inconsistent_objects",
                    ],
                    [
                        "label": s["count.inconsistent_rows"], "value": Formatting.grouped(counts.inconsistentRows),
                        "id": "inconsistent_rows",
                    ],
                    [
                        "label": s["count.not_compared"], "value": Formatting.grouped(counts.notCompared),
                        "id": "not_compared",
                    ],
                    [
                        "label": s["count.not_retrieved"], "value": Formatting.grouped(counts.notRetrieved),
                        "id": "not_retrieved",
                    ],
                ],
            ] as [String: Any]
        if let reason = verdict.reasons.first(where: { $0.code == .allConsistent }) {
            var box = model["verdict"] as? [String: Any] ?? [:]
            box["consistent_reason"] = text.sentence(reason)
            model["verdict"] = box
        }
        model["meta"] = [
            "any": !options.meta.isEmpty, "rows": options.meta.map { ["key": $0.key, "value": $0.value] },
        ]
        model["sign_off"] = ["any": !options.signOff.isEmpty, "rows": options.signOff.map { ["role": $0] }]
        model["summary"] = ReportSections.summary(report, strings: s, timeZone: options.timeZone)
            .filter { !$0.id.hasPrefix("meta.") }
            .filter {
                ![
                    "title", "verdict", "verdict_reasons", "verdict_rule", "job", "inputs_digest", "generated_at",
                    "generator", "time_zone",
                ].contains($0.id)
            }
            .map { item -> [String: Any] in ["label": item.label, "value": Self.text(item.value, f), "id": item.id] }
        model["jobs"] = capped(report.jobs, file: "csv/jobs.csv") { job in
            // Optional facts are present only when known: a Mustache section on "" would still render.
            var row: [String: Any] = [
                "id": job.id, "name": job.name ?? "", "project": job.projectId ?? "", "endpoint": job.endpoint ?? "",
                "has_name": job.name != nil,
            ]
            if let status = job.status { row["status"] = status }
            if let type = job.jobType { row["job_type"] = type }
            if let region = job.region { row["region"] = region }
            if job.sourceEngine != nil || job.targetEngine != nil {
                row["engines"] = (job.sourceEngine ?? "?") + " → " + (job.targetEngine ?? "?")
            }
            return row
        }
        model["tasks"] = capped(report.tasks, file: "csv/tasks.csv") { task in
            [
                "id": task.id, "job_id": task.jobId ?? "", "kind": s["kind.\(task.kind.rawValue)"],
                "type": task.rawType ?? "",
                "status": task.status ?? "", "created": f.time(task.createdAt), "started": f.time(task.startedAt),
                "ended": f.time(task.endedAt), "export_status": task.exportStatus ?? "",
                "remain": Formatting.grouped(task.reportRemainSeconds), "received": f.time(task.expiry.receivedAt),
                "basis": task.expiry.receivedAtBasis.map { s["basis.\($0.rawValue)"] } ?? "",
                "expires": f.time(task.expiry.expiresAt), "expiry_state": s["expiry.\(task.expiry.state.rawValue)"],
                "expiry_class": task.expiry.state.rawValue.lowercased(),
                "time_left": Formatting.duration(task.expiry.secondsLeft),
                "seconds_left": task.expiry.secondsLeft.map(String.init) ?? "",
                "error": task.errorMessage ?? "", "has_error": !(task.errorMessage ?? "").isEmpty,
            ]
        }
        let ranked = Self.rankedInconsistent(report)
        let (diffModel, shownTables) = diffGroups(ranked: ranked, tableIndex: tableIndex)
        func table(_ item: TableEntry) -> [String: Any] {
            let number = tableIndex[LedgerBuilder.key(of: item)] ?? 0
            var row: [String: Any] = [
                "anchor": "t-\(number)", "outcome_code": item.outcome.rawValue,
                "job_id": item.jobId ?? "", "source_db": item.sourceDb, "source_table": item.sourceTable,
                "target_db": item.targetDb,
                "target_table": item.targetTable, "outcome": outcome(item.outcome),
                "source_name": LedgerRules.qualified(item.sourceDb, item.sourceTable),
                "target_name": LedgerRules.qualified(item.targetDb, item.targetTable),
                "same_name": item.sourceDb == item.targetDb && item.sourceTable == item.targetTable,
                "line_status": status(item.line?.status), "content_status": status(item.content?.status),
                "source_rows": Formatting.grouped(item.line?.sourceRows ?? item.content?.sourceRows),
                "target_rows": Formatting.grouped(item.line?.targetRows ?? item.content?.targetRows),
                "difference": Formatting.grouped(item.line?.difference),
                "drs_rows": Formatting.grouped(item.content?.inconsistentRows),
                "diff_rows": Formatting.grouped(item.diffRows),
                "not_compared": w.reasons(item.notCompared), "progress": Formatting.percent(item.content?.progress),
                "message": item.line?.message ?? item.content?.message ?? "",
            ]
            // Sections on "" still render: optional values are present only when set.
            if shownTables.contains(number) { row["drill"] = "#d-\(number)" }
            if item.diffRows > 0, linkedFiles.contains("csv/diffs.csv") { row["diffs_file"] = "csv/diffs.csv" }
            return row
        }
        // Problems first, so a capped table still shows what matters.
        let others = report.tables.enumerated().filter { $0.element.outcome != .inconsistent }.sorted { a, b in
            a.element.outcome != b.element.outcome ? a.element.outcome > b.element.outcome : a.offset < b.offset
        }.map(\.element)
        // Every table that is not consistent is listed (and has its anchor); consistent ones up to the cap.
        let problems = ranked.count + others.filter { $0.outcome != .consistent }.count
        model["tables"] = capped(ranked + others, limit: max(rowLimit, problems), file: "csv/tables.csv", table)
        var top = capped(ranked, limit: tableLimit, file: "csv/tables.csv", table)
        if ranked.count > tableLimit {
            top["more"] = s.format("more_tables", Formatting.grouped(ranked.count - tableLimit), "csv/tables.csv")
        }
        model["top_tables"] = top
        let databases = report.databases.enumerated().sorted { a, b in
            a.element.outcome != b.element.outcome ? a.element.outcome > b.element.outcome : a.offset < b.offset
        }
        let badDatabases = databases.filter { $0.element.outcome != .consistent }.count
        model["databases"] = capped(databases, limit: max(rowLimit, badDatabases), file: "csv/databases.csv") { pair in
            let item = pair.element
            return [
                "anchor": "db-\(pair.offset + 1)", "outcome_code": item.outcome.rawValue,
                "job_id": item.jobId ?? "", "source_db": item.sourceDb, "target_db": item.targetDb,
                "outcome": outcome(item.outcome),
                "line_status": status(item.line?.status), "content_status": status(item.content?.status),
                "tables": Formatting.grouped(item.tables), "inconsistent": Formatting.grouped(item.inconsistentTables),
                "not_compared": Formatting.grouped(item.notComparedTables),
                "diff_rows": Formatting.grouped(item.diffRows),
            ]
        }
        model["object_types"] = capped(report.objectTypes, file: "csv/object_types.csv") { item in
            [
                "job_id": item.jobId ?? "", "type": item.objectType,
                "source_count": Formatting.grouped(item.sourceCount),
                "target_count": Formatting.grouped(item.targetCount), "diff_count": Formatting.grouped(item.diffCount),
                "status": status(item.status),
            ]
        }
        let objects = report.objects.enumerated().sorted { a, b in
            a.element.outcome != b.element.outcome ? a.element.outcome > b.element.outcome : a.offset < b.offset
        }
        let badObjects = objects.filter { $0.element.outcome != .consistent }.count
        model["objects"] = capped(objects, limit: max(rowLimit, badObjects), file: "csv/objects.csv") { pair in
            let item = pair.element
            return [
                "anchor": "o-\(pair.offset + 1)", "outcome_code": item.outcome.rawValue,
                "job_id": item.jobId ?? "", "scope": s["scope.\(item.scope.rawValue)"], "type": item.objectType,
                "source_db": item.sourceDb ?? "", "target_db": item.targetDb ?? "",
                "source_name": item.sourceName ?? "",
                "target_name": item.targetName ?? "", "outcome": outcome(item.outcome), "status": status(item.status),
                "message": item.message ?? "",
            ]
        }
        model["diffs"] = diffModel
        model["not_compared"] = capped(
            Array(report.notCompared.enumerated()), limit: max(rowLimit, report.notCompared.count),
            file: "csv/not_compared.csv"
        ) { pair in
            let item = pair.element
            var row: [String: Any] = [
                "anchor": "nc-\(pair.offset + 1)", "outcome_code": LedgerOutcome.notCompared.rawValue,
                "job_id": item.jobId ?? "", "scope": s["scope.\(item.scope.rawValue)"], "source": item.sourceName,
                "target": item.targetName,
                "comparisons": Words.unique(item.reasons.map(\.comparison)).map { s["kind.\($0.rawValue)"] }.joined(
                    separator: ", "),
                "codes": item.reasons.map(\.code).joined(separator: ", "), "reasons": w.reasons(item.reasons),
            ]
            if let type = item.objectType { row["object_type"] = type }
            return row
        }
        model["conflicts"] = capped(report.conflicts, file: "csv/conflicts.csv") { item in
            ["text": w.conflict(item), "subject": item.subject, "kind": item.kind.rawValue]
        }
        model["progress"] = capped(report.progress.tasks, file: "csv/progress.csv") { item in
            [
                "task_id": item.taskId ?? "", "full_progress": Formatting.percent(item.fullProgress),
                "full_speed": item.fullSpeed ?? "",
                "full_recheck": Formatting.grouped(item.fullRecheckRows),
                "delay": item.incrementalDelay.map { String(format: "%.2f", $0) } ?? "",
                "incremental_recheck": Formatting.grouped(item.incrementalRecheckRows),
            ]
        }
        model["streaming"] = capped(report.progress.streaming, file: "csv/streaming_progress.csv") { item in
            [
                "source_db": item.sourceDatabase, "source_object": item.sourceObject, "target_db": item.targetDatabase,
                "target_object": item.targetObject, "progress": item.progress.map { "\($0)%" } ?? "",
            ]
        }
        model["errors"] = capped(report.retrievalErrors, file: "csv/errors.csv") { item in
            [
                "file": item.file, "request": item.request ?? "", "http_status": item.httpStatus.map(String.init) ?? "",
                "code": item.errorCode, "message": item.errorMessage,
            ]
        }
        model["sources"] = capped(report.sources, file: "csv/sources.csv") { item in
            [
                "id": item.id, "file": item.file, "kind": item.kind, "received": f.time(item.receivedAt),
                "basis": s["basis.\(item.receivedAtBasis.rawValue)"], "sha256": item.sha256,
                "duplicate": item.duplicateOf.map { s.format("duplicate_of", $0) } ?? "",
                "has_duplicate": item.duplicateOf != nil,
            ]
        }
        model["notes"] = capped(report.notes, file: "csv/notes.csv") { ["text": w.note($0), "file": $0.file] }
        model["expiry_note"] = s["expiry.note"]
        return model
    }

    package static func text(_ value: CellValue, _ f: Formatting) -> String {
        switch value {
        case .text(let text): return text
        case .count(let number): return Formatting.grouped(number)
        case .decimal(let number): return number.map { String($0) } ?? ""
        case .time(let date): return f.time(date)
        case .word(_, let label, _): return label
        case .flag(let flag): return flag ? "true" : "false"
        }
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        report: Report, options: RenderOptions, rowLimit: Int, diffLimit: Int, tableLimit: Int = 20,
        rowsPerTable: Int = 20, rowsByTable: [TableKey: [DiffRow]]? = nil, linkedFiles: Set<String> = []
    ) {
        self.report = report
        self.options = options
        self.rowLimit = rowLimit
        self.diffLimit = diffLimit
        self.tableLimit = tableLimit
        self.rowsPerTable = rowsPerTable
        self.rowsByTable = rowsByTable
        self.linkedFiles = linkedFiles
    }
}
