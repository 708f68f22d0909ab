import DRSCore
import DRSIngest
import DRSJSON
import DRSOutput
import Foundation

/// The files `diff` can write.
public enum RunDiffFormat: String, Sendable, CaseIterable {
    /// diff.html: one self-contained page, in report.html's style, with its search, filter and sort.
    case html
    /// diff.md: ticket-ready, capped in size.
    case md
    /// diff.csv (a row per table) and diff_rows.csv (every fixed, remaining and new row).
    case csv
    /// diff.json: the comparison for automation, schema-versioned.
    case json
}

/// What `diff` reads and writes.
public struct RunDiffOptions: Sendable {
    /// Files to write (evidence.json is always written).
    public var formats: [RunDiffFormat] = RunDiffFormat.allCases
    /// Compare runs of different jobs, matching tables by their names.
    public var allowDifferentJobs = false
    /// The clock, time zone, templates, caps, CSV BOM, signing key and recorded options, as render takes them.
    public var render = RenderOptions()
    /// The comparison clock.
    public var now = Date()

    /// A writer of every diff output.
    public init() {}
}

/// Writes a comparison of two runs into a folder, atomically, as render writes a report.
public enum RunDiffWriter {
    /// Every name `diff` writes at the top of its folder.
    package static let ownNames: Set<String> = [
        "diff.html", "diff.md", "diff.csv", "diff_rows.csv", "diff.json", Evidence.fileName, "evidence.sig",
    ]

    /// Compares `before` and `after` (each report.json) and writes the comparison into `outDirectory`.
    /// `beforeName`/`afterName` are the sides as the user gave them.
    public static func write(
        before: URL, after: URL, beforeName: String, afterName: String, to outDirectory: URL, options: RunDiffOptions
    ) throws -> (RunDiff, [String]) {
        let beforeFile = try ReportFile.open(before, display: beforeName + "/report.json")
        let afterFile = try ReportFile.open(after, display: afterName + "/report.json")
        let staging = try Renderer.Staging(outDirectory, ownNames: ownNames)
        defer { staging.end() }
        let folder = staging.folder
        let formats = Set(options.formats)
        let diff = try RunComparison.compare(
            before: beforeFile, after: afterFile, beforeName: beforeName, afterName: afterName,
            allowDifferentJobs: options.allowDifferentJobs, now: options.now,
            rowsCSV: formats.contains(.csv) ? folder.appendingPathComponent("diff_rows.csv") : nil,
            csvBOM: options.render.csvBOM)
        var written: [String] = formats.contains(.csv) ? ["diff_rows.csv"] : []
        let language = Language(rawValue: diff.after.language) ?? .enUS
        let strings = Strings(language)
        if formats.contains(.csv) {
            try writeTablesCSV(diff, to: folder.appendingPathComponent("diff.csv"), bom: options.render.csvBOM)
            written.append("diff.csv")
        }
        if formats.contains(.json) {
            var text = ""
            JSONWriter.write(json(diff), into: &text, indent: 0)
            try Data((text + "\n").utf8).write(to: folder.appendingPathComponent("diff.json"))
            written.append("diff.json")
        }
        let store = TemplateStore(overrideDirectory: options.render.templatesDirectory)
        if formats.contains(.md) {
            try Data(try markdown(diff, strings: strings, store: store, options: options).utf8).write(
                to: folder.appendingPathComponent("diff.md"))
            written.append("diff.md")
        }
        if formats.contains(.html) {
            var model = view(
                diff, strings: strings, options: options, rowLimit: options.render.maxHTMLRows, linked: formats)
            (model["script"], model["script_hash"]) = try HTMLWriter.pageScript(store)
            try Data(try store.render("diff.html.mustache", model).utf8).write(
                to: folder.appendingPathComponent("diff.html"))
            written.append("diff.html")
        }
        let outputs = try written.sorted().map { try Renderer.digest(of: $0, in: folder) }
        let evidence = self.evidence(diff, outputs: outputs, options: options)
        written += try evidence.write(into: folder, signingKey: options.render.signingKey)
        try OutputSwap.swap(folder, into: staging.out)
        staging.swapped = true
        return (diff, written.sorted())
    }

    package static func evidence(_ diff: RunDiff, outputs: [FileDigest], options: RunDiffOptions) -> Evidence {
        var recorded = Renderer.recordedOptions(options.render)
        recorded["formats"] = options.formats.map(\.rawValue).joined(separator: ",")
        recorded["allow_different_jobs"] = options.allowDifferentJobs ? "true" : "false"
        recorded["before_inputs_digest"] = diff.before.inputsDigest
        recorded["after_inputs_digest"] = diff.after.inputsDigest
        let inputs = [
            FileDigest(path: diff.before.path + "/report.json", sha256: diff.before.reportSHA256, bytes: nil),
            FileDigest(path: diff.after.path + "/report.json", sha256: diff.after.reportSHA256, bytes: nil),
        ]
        let summary = EvidenceSummary(
            jobs: diff.after.jobs, verdict: diff.verdict.rawValue, inconsistentRows: diff.after.inconsistentRows,
            notCompared: diff.counts[.newlyNotCompared] ?? 0, notRetrieved: 0,
            fetchedAt: diff.after.fetchedAt.isEmpty ? nil : diff.after.fetchedAt,
            expiry: ExpiryState.unknown.rawValue, nextExpiry: nil)
        var evidence = Evidence(
            tool: "drs-report \(DRSReportVersion.current)", clock: Formatting.iso(diff.generatedAt),
            clockSource: options.render.clockSource,
            options: recorded, inputs: inputs,
            inputsDigest: sha256Hex(Data((diff.before.reportSHA256 + "\n" + diff.after.reportSHA256 + "\n").utf8)),
            outputs: outputs, summary: summary)
        if !options.render.meta.isEmpty { evidence.meta = options.render.meta }
        return evidence
    }

    // MARK: - CSV and JSON

    package static let tableColumns = [
        "change", "job_id", "source_db", "source_table", "target_db", "target_table", "outcome_before", "outcome_after",
        "diff_rows_before", "diff_rows_after", "rows_fixed", "rows_remaining", "rows_new", "rows_unverified",
        "drs_inconsistent_rows_before", "drs_inconsistent_rows_after",
    ]

    package static func writeTablesCSV(_ diff: RunDiff, to url: URL, bom: Bool) throws {
        let file = try CSVFile(url: url, bom: bom)
        try file.row(tableColumns.map(Cell.text))
        for table in diff.tables {
            try file.row(
                [
                    .text(table.change.rawValue), .text(table.jobId), .text(table.sourceDb), .text(table.sourceTable),
                    .text(table.targetDb),
                    .text(table.targetTable), .text(table.before ?? ""), .text(table.after ?? ""),
                    .number(String(table.beforeRows)),
                    .number(String(table.afterRows)), .number(String(table.rowsFixed)),
                    .number(String(table.rowsRemaining)),
                    .number(String(table.rowsNew)), .number(String(table.rowsUnverified)),
                    .number(Formatting.count(table.beforeDRSRows)),
                    .number(Formatting.count(table.afterDRSRows)),
                ])
        }
        try file.close()
    }

    /// diff.json (docs/diff.md): sorted keys, counts as integers.
    package static func json(_ diff: RunDiff) -> JSONValue {
        func number(_ value: Int64) -> JSONValue { .number(String(value)) }
        func optional(_ value: Int64?) -> JSONValue { value.map(number) ?? .null }
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func side(_ side: RunSide) -> JSONValue {
            .object([
                "path": .string(side.path), "report_sha256": .string(side.reportSHA256),
                "inputs_digest": .string(side.inputsDigest),
                "generated_at": .string(side.generatedAt), "fetched_at": .string(side.fetchedAt),
                "title": .string(side.title),
                "verdict": .string(side.verdict), "jobs": .array(side.jobs.map(JSONValue.string)),
                "inconsistent_tables": number(side.inconsistentTables),
                "inconsistent_rows": number(side.inconsistentRows),
            ])
        }
        let counts = diff.counts
        var tableCounts: JSONObject = [:]
        for change in TableChange.allCases { tableCounts[change.rawValue] = number(Int64(counts[change] ?? 0)) }
        return .object([
            "format": .string("drs-report-diff"),
            "schema_version": .number("1"),
            "generated_at": .string(Formatting.iso(diff.generatedAt)),
            "generator": .string("drs-report \(DRSReportVersion.current)"),
            "same_job": .bool(diff.sameJob),
            "before": side(diff.before),
            "after": side(diff.after),
            "verdict": .object([
                "value": .string(diff.verdict.rawValue),
                "rule": .string(Strings(.enUS)["diff.rule"]),
                "regressed": .bool(diff.regressed),
                "improved": .bool(diff.improved),
                "tables": .object(tableCounts),
                "rows": .object([
                    "fixed": number(diff.rowsFixed), "remaining": number(diff.rowsRemaining),
                    "new": number(diff.rowsNew),
                    "unverified": number(diff.rowsUnverified),
                ]),
            ]),
            "tables": .array(
                diff.tables.map { table in
                    .object([
                        "change": .string(table.change.rawValue), "job_id": .string(table.jobId),
                        "source_db": .string(table.sourceDb),
                        "source_table": .string(table.sourceTable), "target_db": .string(table.targetDb),
                        "target_table": .string(table.targetTable),
                        "outcome_before": text(table.before), "outcome_after": text(table.after),
                        "diff_rows_before": number(table.beforeRows), "diff_rows_after": number(table.afterRows),
                        "rows_fixed": number(table.rowsFixed), "rows_remaining": number(table.rowsRemaining),
                        "rows_new": number(table.rowsNew),
                        "rows_unverified": number(table.rowsUnverified),
                        "drs_inconsistent_rows_before": optional(table.beforeDRSRows),
                        "drs_inconsistent_rows_after": optional(table.afterDRSRows),
                    ])
                }),
        ])
    }

    // MARK: - HTML and Markdown

    /// The model diff.html.mustache and diff.md.mustache read.
    package static func view(
        _ diff: RunDiff, strings s: Strings, options: RunDiffOptions, rowLimit: Int, linked: Set<RunDiffFormat>
    ) -> [String: Any] {
        let labels = s.templateLabels
        let f = Formatting(timeZone: options.render.timeZone)
        func time(_ iso: String) -> String { TimeParsing.parse(iso).map { f.time($0) } ?? iso }
        func qualified(_ db: String, _ table: String) -> String { LedgerRules.qualified(db, table) }
        func outcome(_ value: String?) -> String { value.map { s["outcome.\($0)"] } ?? s["diff.absent"] }
        let counts = diff.counts
        let side = diff.after.jobs.isEmpty ? diff.before : diff.after
        let subject = zip(side.jobNames, side.jobs).map { $0.isEmpty ? $1 : "\($0) (\($1))" }.joined(separator: ", ")
        var model: [String: Any] = [
            "l": labels,
            "title": subject.isEmpty ? s["diff.title_plain"] : s.format("diff.title", subject),
            "language": diff.after.language,
            "generated_at": f.time(diff.generatedAt),
            "generator": "drs-report \(DRSReportVersion.current)",
            "time_zone": Formatting.zoneLabel(options.render.timeZone),
            "different_jobs": !diff.sameJob,
            "meta": [
                "any": !options.render.meta.isEmpty,
                "rows": options.render.meta.map { ["key": $0.key, "value": $0.value] },
            ],
        ]
        model["runs"] = [(s["diff.before"], diff.before), (s["diff.after"], diff.after)].map {
            label, side -> [String: Any] in
            [
                "label": label, "path": side.path, "title": side.title, "verdict": s["verdict.\(side.verdict)"],
                "verdict_code": side.verdict,
                "class": side.verdict.lowercased(), "generated": time(side.generatedAt),
                "fetched": side.fetchedAt.isEmpty ? "" : time(side.fetchedAt),
                "tables": Formatting.grouped(side.inconsistentTables),
                "rows": Formatting.grouped(side.inconsistentRows),
                "sha256": side.reportSHA256, "inputs_digest": side.inputsDigest,
            ]
        }
        model["verdict"] = [
            "value": diff.verdict.rawValue, "label": s["diff.verdict.\(diff.verdict.rawValue)"],
            "class": diff.verdict.rawValue.lowercased(),
            "rule": s["diff.rule"],
            "counts": [
                ("tables_fixed", Int64(counts[.fixed] ?? 0)), ("tables_still", Int64(counts[.stillInconsistent] ?? 0)),
                ("tables_new", Int64(counts[.newlyInconsistent] ?? 0)),
                ("tables_not_compared", Int64(counts[.newlyNotCompared] ?? 0)),
                ("tables_gone", Int64(counts[.noLongerCompared] ?? 0)), ("rows_fixed", diff.rowsFixed),
                ("rows_remaining", diff.rowsRemaining),
                ("rows_new", diff.rowsNew), ("rows_unverified", diff.rowsUnverified),
            ].map { id, value in ["id": id, "value": Formatting.grouped(value), "label": s["diff.count.\(id)"]] },
        ]
        let changed = diff.tables.filter { $0.change != .unchanged }
        let shown = changed.prefix(rowLimit)
        // Optional texts are present only when there is something to say: a Mustache section on "" would still render.
        func dropEmpty(_ model: [String: Any]) -> [String: Any] {
            model.filter { ($0.value as? String)?.isEmpty != true }
        }
        model["tables"] = dropEmpty([
            "any": !changed.isEmpty,
            "rows": shown.enumerated().map { index, table -> [String: Any] in
                [
                    "anchor": "c-\(index + 1)", "change": table.change.rawValue,
                    "change_label": s["change.\(table.change.rawValue)"],
                    "change_class": table.change.isRegression
                        ? "inconsistent" : table.change == .fixed ? "consistent" : "pending",
                    "source": qualified(table.sourceDb, table.sourceTable),
                    "target": qualified(table.targetDb, table.targetTable),
                    "job_id": table.jobId, "before": outcome(table.before), "after": outcome(table.after),
                    "rows_before": Formatting.grouped(table.beforeRows),
                    "rows_after": Formatting.grouped(table.afterRows),
                    "rows_fixed": Formatting.grouped(table.rowsFixed),
                    "rows_remaining": Formatting.grouped(table.rowsRemaining),
                    "rows_new": Formatting.grouped(table.rowsNew),
                    "rows_unverified": Formatting.grouped(table.rowsUnverified),
                    "drs_before": Formatting.grouped(table.beforeDRSRows),
                    "drs_after": Formatting.grouped(table.afterDRSRows),
                ]
            },
            "more": changed.count > shown.count
                ? s.format("diff.more_tables", Formatting.grouped(changed.count - shown.count)) : "",
            "more_file": linked.contains(.csv) ? "diff.csv" : "",
            "unchanged": s.format(
                linked.contains(.csv) ? "diff.unchanged_tables" : "diff.unchanged_tables_plain",
                Formatting.grouped(counts[.unchanged] ?? 0)),
        ])
        func rows(_ preview: [RowChange], total: Int64) -> [String: Any] {
            let list = preview.prefix(rowLimit)
            return dropEmpty([
                "any": !list.isEmpty,
                "heading": total > Int64(list.count)
                    ? s.format("diff.first_rows", Formatting.grouped(list.count), Formatting.grouped(total)) : "",
                "rows": list.map { row -> [String: Any] in
                    [
                        "table": qualified(row.sourceDb, row.sourceTable), "kind": s["diffkind.\(row.kind)"],
                        "kind_code": row.kind,
                        "source_key": DiffColumns.keyText(row.sourceKey),
                        "target_key": DiffColumns.keyText(row.targetKey),
                        "source_sql": row.sourceSQL, "target_sql": row.targetSQL,
                        "same_sql": row.sourceSQL == row.targetSQL,
                    ]
                },
                "more": total > Int64(list.count)
                    ? s.format("diff.more_rows", Formatting.grouped(total - Int64(list.count))) : "",
                "more_file": linked.contains(.csv) ? "diff_rows.csv" : "",
            ])
        }
        model["fixed_rows"] = rows(diff.fixedPreview, total: diff.rowsFixed)
        model["new_rows"] = rows(diff.newPreview, total: diff.rowsNew)
        model["filters"] = [
            "changes": TableChange.allCases.filter { $0 != .unchanged }.map {
                ["value": $0.rawValue, "label": s["change.\($0.rawValue)"]]
            }
        ]
        let files = [(RunDiffFormat.csv, "diff.csv"), (.csv, "diff_rows.csv"), (.json, "diff.json"), (.md, "diff.md")]
            .filter { linked.contains($0.0) }
        model["files"] = files.map { ["href": $0.1] }
        model["files_any"] = !files.isEmpty
        return model
    }

    /// diff.md within `--md-max-chars`: fewer tables and rows until it fits, then a hard cut.
    package static func markdown(_ diff: RunDiff, strings: Strings, store: TemplateStore, options: RunDiffOptions)
        throws
        -> String
    {
        let cap = options.render.maxMarkdownChars
        let cut = options.formats.contains(.csv) ? "diff.md_cut" : "diff.md_cut_plain"
        var text = ""
        for limit in [options.render.maxMarkdownRows * 5, options.render.maxMarkdownRows, 5, 0] {
            var model = view(
                diff, strings: strings, options: options, rowLimit: max(0, limit), linked: Set(options.formats))
            if limit < options.render.maxMarkdownRows * 5 {
                model["truncated"] = strings.format(cut, Formatting.grouped(cap))
            }
            text = try store.render("diff.md.mustache", model)
            if text.utf16.count <= cap { return text }
        }
        let marker = "\n\n_" + strings.format(cut, Formatting.grouped(cap)) + "_\n"
        return MarkdownWriter.hardCut(text, cap: cap, marker: marker)
    }
}

/// A side of `diff` given as inputs: rendered, report.json only, into a temporary folder that only
/// this user can read (its rows hold key values and SQL), removed by `remove()` and when the
/// process is interrupted.
package final class RenderedSide {
    /// The rendered report.json.
    package let reportJSON: URL
    private let folder: URL

    package init(inputs: [String], ingest: IngestOptions, render: RenderOptions) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "drs-report-diff-side-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        TemporaryFolders.shared.add(folder)
        var options = render
        options.formats = [.json]
        options.signingKey = nil
        let out = folder.appendingPathComponent("report")
        do {
            let files = try InputDiscovery.discover(inputs, observedAt: ingest.observedAt)
            _ = try Renderer.render(files: files, ingest: ingest, to: out, options: options)
        } catch {
            Self.remove(folder)
            throw error
        }
        reportJSON = out.appendingPathComponent("report.json")
    }

    /// Removes the temporary folder.
    package func remove() { Self.remove(folder) }

    private static func remove(_ folder: URL) {
        try? FileManager.default.removeItem(at: folder)
        TemporaryFolders.shared.remove(folder)
    }
}
