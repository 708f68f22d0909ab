import Foundation

/// The values templates see. Everything is preformatted text in the report language; templates
/// only lay it out. Escaping is the template engine's job (HTML or Markdown content type), so
/// nothing here is pre-escaped. See docs/templates.md for the variables.
struct ViewModel {
    let report: Report
    let options: RenderOptions
    /// Rows per table before "N more rows in …".
    let rowLimit: Int
    /// Inconsistent rows shown.
    let diffLimit: Int

    private var strings: Strings { Strings(Language(rawValue: report.language) ?? .enUS) }
    private var formatting: Formatting { Formatting(timeZone: options.timeZone) }

    /// The counts every format's summary lists, in one place.
    static func summaryItems(_ report: Report, strings s: Strings) -> [(String, Int64?)] {
        [
            (s["summary.inconsistent_rows"], report.diffSummary.rowsInInput),
            (s["summary.rows_reported"], report.diffSummary.rowsReportedByDRS),
            (s["summary.rows_inferred"], report.diffSummary.rowsWithInferredLocation),
            (s["summary.rows_duplicate"], report.diffSummary.rowsSkippedAsDuplicates),
            (s["summary.tables_compared"], Int64(report.contentTables.count)),
            (s["summary.tables_lines"], Int64(report.lineTables.count)),
            (s["summary.object_types"], Int64(report.objectSummaries.count)),
            (s["summary.not_compared"], Int64(report.notCompared.count)),
            (s["summary.errors"], Int64(report.retrievalErrors.count)),
            (s["summary.sources"], Int64(report.sources.count)),
        ]
    }

    /// Outcome counts per comparison kind, e.g. "Row count: 10 consistent, 2 inconsistent, 1 not compared".
    static func kindBreakdown(_ report: Report, strings s: Strings) -> [(String, String)] {
        func line(_ outcomes: [CompareOutcome]) -> String? {
            guard !outcomes.isEmpty else { return nil }
            return CompareOutcome.allCases.compactMap { outcome in
                let count = outcomes.filter { $0 == outcome }.count
                return count == 0 ? nil : "\(count) \(s["outcome.\(outcome.rawValue)"].lowercased())"
            }.joined(separator: ", ")
        }
        var rows: [(String, String)] = []
        if let text = line(report.objectSummaries.map(\.status.outcome)) { rows.append((s["section.objects"], text)) }
        if let text = line(report.lineTables.map { $0.listedAsUncompared ? .notCompared : $0.status.outcome }) {
            rows.append((s["section.line_tables"], text))
        }
        if let text = line(report.contentTables.map { $0.listedAsUncompared ? .notCompared : max($0.contentStatus.outcome, $0.lineStatus.outcome) }) {
            rows.append((s["section.content_tables"], text))
        }
        let times = report.sources.map(\.receivedAt)
        if let first = times.min(), let last = times.max() {
            let f = Formatting(timeZone: TimeZone(identifier: "UTC") ?? .gmt)
            rows.append((s["summary.fetched"], first == last ? f.time(first) : f.time(first) + " – " + f.time(last)))
        }
        return rows
    }

    func build() -> [String: Any] {
        let s = strings
        let f = formatting
        var labels: [String: String] = [:]
        for key in Strings.keys { labels[key.replacingOccurrences(of: ".", with: "_")] = s[key] }
        func status(_ value: CompareStatus) -> [String: Any] {
            [
                "label": s["outcome.\(value.outcome.rawValue)"], "code": value.code, "raw": value.raw,
                "class": value.outcome.rawValue.lowercased(),
            ]
        }
        func capped<T>(_ items: [T], file: String, _ map: (T) -> [String: Any]) -> [String: Any] {
            let shown = items.prefix(rowLimit).map(map)
            var result: [String: Any] = ["rows": Array(shown), "any": !items.isEmpty, "count": items.count]
            if items.count > rowLimit {
                result["more"] = s.format("more_rows", items.count - rowLimit, file)
            }
            return result
        }
        let verdict = report.verdict
        let diffRowsTotal = report.diffSummary.rowsInInput

        var model: [String: Any] = [
            "l": labels,
            "title": report.title,
            "language": report.language,
            "generated_at": f.time(report.generatedAt),
            "generator": report.generator,
            "time_zone": options.timeZone.identifier,
            "inputs_digest": Formatting.inputsDigest(report),
            "verdict": [
                "value": verdict.value.rawValue,
                "label": s["verdict.\(verdict.value.rawValue)"],
                "class": verdict.value.rawValue.lowercased(),
                "rule": verdict.rule,
                "reasons": verdict.reasons,
            ] as [String: Any],
        ]
        let summary = Self.summaryItems(report, strings: s).map { ($0.0, Formatting.count($0.1)) }
        model["summary"] = summary.map { ["label": $0.0, "value": $0.1] }
        model["breakdown"] = Self.kindBreakdown(report, strings: s).map { ["label": $0.0, "value": $0.1] }
        model["jobs"] = capped(report.jobs, file: "report.json") { job in
            ["id": job.id, "name": job.name ?? "", "project": job.projectId ?? "", "endpoint": job.endpoint ?? "", "status": job.status ?? ""]
        }
        model["tasks"] = capped(report.tasks, file: "csv/tasks.csv") { task in
            [
                "id": task.id, "kind": s["kind.\(task.kind.rawValue)"], "type": task.rawType ?? "", "status": task.status ?? "",
                "created": f.time(task.createdAt), "started": f.time(task.startedAt), "ended": f.time(task.endedAt),
                "export_status": task.exportStatus ?? "", "remain": Formatting.count(task.reportRemainSeconds),
                "received": f.time(task.expiry.receivedAt),
                "basis": task.expiry.receivedAtBasis.map { s["basis.\($0.rawValue)"] } ?? "",
                "expires": f.time(task.expiry.expiresAt), "expiry_state": s["expiry.\(task.expiry.state.rawValue)"],
                "expiry_class": task.expiry.state.rawValue.lowercased(), "time_left": Formatting.duration(task.expiry.secondsLeft),
                "error": task.errorMessage ?? "", "has_error": !(task.errorMessage ?? "").isEmpty,
            ]
        }
        model["objects"] = capped(report.objectSummaries, file: "csv/objects.csv") { item in
            [
                "task_id": item.taskId ?? "", "type": item.objectType, "source_count": Formatting.count(item.sourceCount),
                "target_count": Formatting.count(item.targetCount), "diff_count": Formatting.count(item.diffCount),
                "status": status(item.status),
            ]
        }
        model["object_details"] = capped(report.objectDetails, file: "csv/object_details.csv") { item in
            [
                "type": item.objectType, "source_db": item.sourceDatabase ?? "", "target_db": item.targetDatabase ?? "",
                "source_value": item.sourceValue ?? "", "target_value": item.targetValue ?? "", "status": status(item.status),
                "error": item.errorMessage ?? "",
            ]
        }
        func database(_ item: DatabasePairResult) -> [String: Any] {
            [
                "source_db": item.sourceDatabase, "target_db": item.targetDatabase, "status": status(item.status),
                "tables": Formatting.count(item.tableCount), "finished": Formatting.count(item.finishedCount),
                "inconsistent": Formatting.count(item.inconsistentCount), "uncomparable": Formatting.count(item.uncomparableCount),
            ]
        }
        model["line_databases"] = capped(report.lineDatabases, file: "csv/line_databases.csv", database)
        model["content_databases"] = capped(report.contentDatabases, file: "csv/content_databases.csv", database)
        // Problems first, so a capped table still shows what matters.
        let lineTables = report.lineTables.enumerated().sorted { a, b in
            a.element.status.outcome != b.element.status.outcome ? a.element.status.outcome > b.element.status.outcome : a.offset < b.offset
        }.map(\.element)
        model["line_tables"] = capped(lineTables, file: "csv/line_tables.csv") { item in
            [
                "source_db": item.sourceDatabase, "source_table": item.sourceTable, "target_db": item.targetDatabase,
                "target_table": item.targetTable, "source_rows": Formatting.count(item.sourceRows),
                "target_rows": Formatting.count(item.targetRows), "difference": Formatting.count(item.difference),
                "status": status(item.status), "message": item.message ?? "", "filter": item.filter ?? "",
            ]
        }
        let contentTables = report.contentTables.enumerated().sorted { a, b in
            let x = max(a.element.contentStatus.outcome, a.element.lineStatus.outcome)
            let y = max(b.element.contentStatus.outcome, b.element.lineStatus.outcome)
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
        model["content_tables"] = capped(contentTables, file: "csv/content_tables.csv") { item in
            [
                "source_db": item.sourceDatabase, "source_table": item.sourceTable, "target_db": item.targetDatabase,
                "target_table": item.targetTable, "source_rows": Formatting.count(item.sourceRows),
                "target_rows": Formatting.count(item.targetRows), "difference": Formatting.count(item.difference),
                "line_status": status(item.lineStatus), "content_status": status(item.contentStatus),
                "diff_rows": String(item.diffRowsInInput), "progress": Formatting.percent(item.progress),
                "message": item.message ?? "",
            ]
        }
        let shownDiffs = report.diffPreview.prefix(diffLimit)
        var diffs: [String: Any] = [
            "any": diffRowsTotal > 0, "count": String(diffRowsTotal),
            "rows": shownDiffs.map { row -> [String: Any] in
                [
                    "source_db": row.sourceDatabase, "source_table": row.sourceTable, "target_db": row.targetDatabase,
                    "target_table": row.targetTable, "kind": s["diffkind.\(row.kind.rawValue)"], "kind_class": row.kind.rawValue.lowercased(),
                    "source_key": DiffColumns.keyText(row.sourceKey), "target_key": DiffColumns.keyText(row.targetKey),
                    "source_sql": row.sourceSQL, "target_sql": row.targetSQL,
                    "sql_fence": MarkdownEscaping.fence(for: row.sourceSQL + "\n" + row.targetSQL),
                ]
            },
        ]
        if diffRowsTotal > Int64(shownDiffs.count) {
            diffs["more"] = s.format("more_rows", diffRowsTotal - Int64(shownDiffs.count), "csv/diffs.csv")
        }
        model["diffs"] = diffs
        model["not_compared"] = capped(report.notCompared, file: "csv/not_compared.csv") { item in
            [
                "comparison": s["kind.\(item.comparison.rawValue)"], "scope": item.scope, "source": item.sourceName,
                "target": item.targetName, "status": status(item.status), "message": item.message ?? "",
            ]
        }
        model["progress"] = capped(report.progress.tasks, file: "csv/progress.csv") { item in
            [
                "task_id": item.taskId ?? "", "full_progress": Formatting.percent(item.fullProgress), "full_speed": item.fullSpeed ?? "",
                "full_recheck": Formatting.count(item.fullRecheckRows),
                "delay": item.incrementalDelay.map { String(format: "%.2f", $0) } ?? "",
                "incremental_recheck": Formatting.count(item.incrementalRecheckRows),
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
                "duplicate": item.duplicateOf.map { s.format("duplicate_of", $0) } ?? "", "has_duplicate": item.duplicateOf != nil,
            ]
        }
        model["notes"] = report.notes
        model["has_notes"] = !report.notes.isEmpty
        model["expiry_note"] = s["expiry.note"]
        return model
    }
}
