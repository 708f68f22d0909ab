import DRSCompare
import DRSCore
import DRSIngest
import DRSOutput
import Foundation

/// The index of a batch: index.html, index.md, index.csv, and a top-level evidence.json that
/// vouches for them and for each job's evidence.json.
enum BatchIndex {
    static func write(
        _ results: [(BatchUnit, BatchOutcome)], ordinals: [Int], shard: Shard?, to out: URL, options: BatchOptions
    ) throws -> [String] {
        let strings = Strings(options.ingest.language)
        let staging = out.appendingPathComponent(".drs-report-index-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }

        // Times as the reports show them: in the report's zone, `2026-11-21 00:00:00 UTC`.
        let display = Formatting(timeZone: options.render.timeZone)
        func shownTime(_ iso: String?) -> String {
            guard let iso, !iso.isEmpty else { return "" }
            return TimeParsing.parse(iso).map { display.time($0) } ?? iso
        }
        // Links are relative ("./…") and percent-encoded, so no folder name can become a URL scheme.
        func url(_ path: String) -> String {
            "./"
                + (path.addingPercentEncoding(
                    withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: ":;()<>'\"`"))) ?? "")
        }
        var rows: [[String: Any]] = []
        let csv = try CSVFile(url: staging.appendingPathComponent("index.csv"), bom: false)
        try csv.row(
            [
                "path", "status", "jobs", "verdict", "inconsistent_rows", "not_compared", "not_retrieved", "fetched_at",
                "expiry",
                "next_expiry", "report_html", "report_md", "report_xlsx", "reason",
            ].map(Cell.text))
        for (unit, outcome) in results {
            let folder = Batch.outputRelative(unit)
            let evidence: Evidence?
            let status: String
            var reason = ""
            switch outcome {
            case .rendered(let e): (evidence, status) = (e, "rendered")
            case .skipped(let e): (evidence, status) = (e, "unchanged")
            case .failed(let why, let previous):
                (evidence, status, reason) = (previous, "failed", why)
            }
            let summary = evidence?.summary
            let has = { (name: String) in evidence?.outputs.contains { $0.path == name } == true }
            let links = ["report.html", "report.md", "report.xlsx"].map { has($0) ? folder + "/" + $0 : "" }
            let cells =
                [
                    unit.relative, status, summary?.jobs.joined(separator: " ") ?? "", summary?.verdict ?? "",
                    summary.map { String($0.inconsistentRows) } ?? "", summary.map { String($0.notCompared) } ?? "",
                    summary.map { String($0.notRetrieved) } ?? "", summary?.fetchedAt ?? "", summary?.expiry ?? "",
                    summary?.nextExpiry ?? "",
                ] + links + [reason]
            try csv.row(cells.map(Cell.text))
            var row: [String: Any] = [
                "path": unit.relative, "status": status, "failed": status == "failed", "reason": reason,
                "jobs": summary?.jobs.joined(separator: " ") ?? "", "verdict": summary?.verdict ?? "",
                "verdict_label": summary.map { strings["verdict.\($0.verdict)"] } ?? "",
                "verdict_class": summary?.verdict.lowercased() ?? "unknown",
                "inconsistent_rows": summary.map { String($0.inconsistentRows) } ?? "",
                "not_compared": summary.map { String($0.notCompared) } ?? "",
                "fetched_at": shownTime(summary?.fetchedAt),
                "expiry": summary.map { strings["expiry.\($0.expiry)"] } ?? "",
                "expiry_class": summary?.expiry.lowercased() ?? "unknown",
                "next_expiry": shownTime(summary?.nextExpiry),
            ]
            if !links[0].isEmpty { row["html"] = url(links[0]) }
            if !links[1].isEmpty { row["md"] = url(links[1]) }
            if !links[2].isEmpty { row["xlsx"] = url(links[2]) }
            rows.append(row)
        }
        let failures = results.filter { if case .failed = $0.1 { true } else { false } }.count
        let labels = strings.templateLabels
        let store = TemplateStore(overrideDirectory: options.render.templatesDirectory)
        let (script, scriptHash) = try HTMLWriter.pageScript(store)
        // Several runs of one job: the trend, and a diff of the last two runs beside the reports.
        var trends = BatchTrend.collect(results)
        var diffs: [(String, Evidence)] = []
        for index in trends.indices {
            // A diff that cannot be made (a report.json unreadable or of another schema) leaves the
            // trend without its link; the batch itself stands.
            if let evidence = try? trends[index].writeDiff(in: out, options: options),
                let folder = trends[index].diffFolder
            {
                diffs.append((folder, evidence))
            } else {
                trends[index].diffFolder = nil
            }
        }
        let model: [String: Any] = [
            "trends": trends.map { $0.model(strings: strings, url: url) }, "any_trends": !trends.isEmpty,
            "l": labels, "title": options.ingest.title ?? strings["batch.title"],
            "generated_at": display.time(options.ingest.now),
            "generator": "drs-report \(DRSReportVersion.current)", "rows": rows, "count": results.count,
            "failures": failures,
            "failures_label": strings.format("batch.failures", failures),
            "any_failures": failures > 0, "language": options.ingest.language.rawValue,
            "script": script, "script_hash": scriptHash,
            "verdicts": [VerdictValue.inconsistent, .incomplete, .consistent].map {
                ["value": $0.rawValue, "label": strings["verdict.\($0.rawValue)"]]
            },
        ]
        try Data(store.render("index.html.mustache", model).utf8).write(
            to: staging.appendingPathComponent("index.html"))
        try Data(store.render("index.md.mustache", model).utf8).write(to: staging.appendingPathComponent("index.md"))
        try csv.close()
        let manifest = BatchManifest(
            shard: shard?.description,
            units: zip(results, ordinals).map { item, ordinal in
                switch item.1 {
                case .rendered:
                    BatchManifest.Unit(path: item.0.relative, ordinal: ordinal, status: "rendered", reason: nil)
                case .skipped:
                    BatchManifest.Unit(path: item.0.relative, ordinal: ordinal, status: "unchanged", reason: nil)
                case .failed(let reason, _):
                    BatchManifest.Unit(path: item.0.relative, ordinal: ordinal, status: "failed", reason: reason)
                }
            })
        try manifest.encoded().write(to: staging.appendingPathComponent(BatchManifest.fileName))

        var outputs: [FileDigest] = []
        for name in [BatchManifest.fileName, "index.csv", "index.html", "index.md"] {
            guard let digest = sha256OfFile(staging.appendingPathComponent(name)) else {
                throw DRSReportError.outputNotWritable(path: name, reason: "it cannot be read back for its digest")
            }
            outputs.append(FileDigest(path: name, sha256: digest.hex, bytes: digest.bytes))
        }
        var inputs: [FileDigest] = []
        for (unit, outcome) in results {
            let evidence: Evidence?
            switch outcome {
            case .rendered(let e), .skipped(let e): evidence = e
            case .failed(_, let previous): evidence = previous
            }
            guard let evidence else { continue }
            let folder = Batch.outputFolder(unit, in: out)
            let relative = Batch.outputRelative(unit) + "/" + Evidence.fileName
            if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(Evidence.fileName).path) {
                outputs.append(FileDigest(path: relative, sha256: sha256Hex(data), bytes: Int64(data.count)))
            }
            inputs += evidence.inputs.map {
                FileDigest(path: unit.relative + "/" + $0.path, sha256: $0.sha256, bytes: nil)
            }
        }
        for (folder, _) in diffs {
            let relative = folder + "/" + Evidence.fileName
            if let data = FileManager.default.contents(atPath: out.appendingPathComponent(relative).path) {
                outputs.append(FileDigest(path: relative, sha256: sha256Hex(Data(data)), bytes: Int64(data.count)))
            }
        }
        let verdicts = results.compactMap { unit -> String? in
            switch unit.1 {
            case .rendered(let e), .skipped(let e): return e.summary.verdict
            case .failed: return nil
            }
        }
        let worst = ["INCONSISTENT", "INCOMPLETE", "CONSISTENT"].first { verdicts.contains($0) } ?? "INCOMPLETE"
        var recorded = Renderer.recordedOptions(options.render)
        if let shard { recorded["shard"] = shard.description }
        let evidence = Evidence(
            tool: "drs-report \(DRSReportVersion.current)", clock: Formatting.iso(options.ingest.now),
            clockSource: options.render.clockSource,
            options: recorded, inputs: inputs,
            inputsDigest: sha256Hex(Data(inputs.map(\.sha256).sorted().joined(separator: "\n").utf8)), outputs: outputs,
            summary: EvidenceSummary(
                jobs: results.flatMap { unit -> [String] in
                    switch unit.1 {
                    case .rendered(let e), .skipped(let e): return e.summary.jobs
                    case .failed: return []
                    }
                },
                verdict: failures > 0 ? "INCOMPLETE" : worst, inconsistentRows: 0, notCompared: 0,
                notRetrieved: failures,
                fetchedAt: nil, expiry: ExpiryState.unknown.rawValue, nextExpiry: nil))
        let names =
            [BatchManifest.fileName, "index.csv", "index.html", "index.md"]
            + (try evidence.write(into: staging, signingKey: options.render.signingKey))
        try? FileManager.default.removeItem(at: out.appendingPathComponent(EvidenceSignature.fileName))
        try? FileManager.default.removeItem(at: out.appendingPathComponent(Evidence.fileName))
        for name in names {
            if rename(staging.appendingPathComponent(name).path, out.appendingPathComponent(name).path) != 0 {
                throw DRSReportError.outputNotWritable(
                    path: out.appendingPathComponent(name).path, reason: String(cString: strerror(errno)))
            }
        }
        return names
    }
}
