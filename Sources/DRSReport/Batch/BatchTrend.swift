import DRSCompare
import DRSCore
import DRSIngest
import DRSOutput
import Foundation

/// Runs of one job on a shelf (same job id, different fetch times), oldest first, for the batch
/// index's trend: the latest verdict and the one before, the change in inconsistent tables and
/// rows, a sparkline of inconsistent rows over the runs, and a diff of the last two runs.
struct BatchTrend {
    struct Run {
        var path: String
        var folder: String
        var fetchedAt: String
        var verdict: String
        var tables: Int64
        var rows: Int64
    }

    var job: String
    var jobName: String?
    var runs: [Run]
    /// Where the diff of the last two runs is, relative to the batch folder (nil: not written).
    var diffFolder: String?

    /// Jobs with two or more runs among the results, each run's evidence read from the batch.
    static func collect(_ results: [(BatchUnit, BatchOutcome)]) -> [BatchTrend] {
        var byJob: [String: BatchTrend] = [:]
        for (unit, outcome) in results {
            let evidence: Evidence?
            switch outcome {
            case .rendered(let e), .skipped(let e): evidence = e
            case .failed(_, let previous): evidence = previous
            }
            // A render of one job: a merged render of several has no single history.
            guard let summary = evidence?.summary, summary.jobs.count == 1 else { continue }
            let run = Run(
                path: unit.relative, folder: Batch.outputRelative(unit), fetchedAt: summary.fetchedAt ?? "",
                verdict: summary.verdict,
                tables: summary.inconsistentTables ?? 0, rows: summary.inconsistentRows)
            byJob[summary.jobs[0], default: BatchTrend(job: summary.jobs[0], jobName: summary.jobName, runs: [])].runs
                .append(run)
            if let name = summary.jobName { byJob[summary.jobs[0]]?.jobName = name }
        }
        return byJob.values.filter { $0.runs.count > 1 }.map { trend in
            var sorted = trend
            sorted.runs.sort { ($0.fetchedAt, $0.path) < ($1.fetchedAt, $1.path) }
            return sorted
        }.sorted { $0.job < $1.job }
    }

    /// The folder name of a job's diff: its id made safe, with a digest so two ids never share one.
    static func diffFolderName(_ job: String) -> String {
        let safe = String(
            job.unicodeScalars.map { scalar -> Character in
                let ok =
                    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || scalar == "-" || scalar == "_"
                return ok ? Character(scalar) : "_"
            }.prefix(64))
        return "diffs/" + safe + "-" + String(sha256Hex(Data(job.utf8)).prefix(8))
    }

    /// Writes the diff of the last two runs into `out` (the batch being built), when both have report.json.
    mutating func writeDiff(in out: URL, options: BatchOptions) throws -> Evidence? {
        let last = runs[runs.count - 1]
        let before = runs[runs.count - 2]
        let files = [before, last].map { out.appendingPathComponent($0.folder).appendingPathComponent("report.json") }
        guard files.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) else { return nil }
        let folder = Self.diffFolderName(job)
        var diffOptions = RunDiffOptions()
        diffOptions.render = options.render
        diffOptions.render.signingKey = nil
        diffOptions.now = options.ingest.now
        let target = out.appendingPathComponent(folder)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = try RunDiffWriter.write(
            before: files[0], after: files[1], beforeName: before.path, afterName: last.path, to: target,
            options: diffOptions)
        diffFolder = folder
        return try Evidence.read(from: target)
    }

    /// An inline SVG polyline of inconsistent rows over the runs, with its numbers in its title.
    var sparkline: String {
        let width = 120.0
        let height = 24.0
        // From the fewest rows (bottom) to the most (top); a flat line when every run has as many.
        let low = Double(runs.map(\.rows).min() ?? 0)
        let high = Double(runs.map(\.rows).max() ?? 0)
        let step = runs.count > 1 ? width / Double(runs.count - 1) : 0
        let points = runs.enumerated().map { index, run in
            let x = Double(index) * step
            let y = high > low ? height - 2 - (Double(run.rows) - low) / (high - low) * (height - 4) : height / 2
            return String(format: "%.1f,%.1f", x, y)
        }
        let title = HTMLEscaping.escape(runs.map { Formatting.grouped($0.rows) }.joined(separator: " → "))
        let last = points.last ?? "0,0"
        return
            "<svg class=\"spark\" role=\"img\" viewBox=\"-3 0 126 \(Int(height))\" width=\"126\" height=\"\(Int(height))\"><title>\(title)</title>"
            + "<polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>"
            + "<circle r=\"2.5\" cx=\"\(last.split(separator: ",")[0])\" cy=\"\(last.split(separator: ",")[1])\" fill=\"currentColor\"/></svg>"
    }

    /// The trend's row in the index model.
    func model(strings: Strings, url: (String) -> String) -> [String: Any] {
        let last = runs[runs.count - 1]
        let before = runs[runs.count - 2]
        func delta(_ value: Int64) -> String { value > 0 ? "+" + Formatting.grouped(value) : Formatting.grouped(value) }
        var row: [String: Any] = [
            "job": job, "runs": runs.count,
            "latest": strings["verdict.\(last.verdict)"], "latest_class": last.verdict.lowercased(),
            "previous": strings["verdict.\(before.verdict)"], "previous_class": before.verdict.lowercased(),
            "tables": Formatting.grouped(last.tables), "tables_delta": delta(last.tables - before.tables),
            "rows": Formatting.grouped(last.rows), "rows_delta": delta(last.rows - before.rows),
            "sparkline": sparkline, "series": runs.map { Formatting.grouped($0.rows) }.joined(separator: " → "),
        ]
        if let jobName, !jobName.isEmpty { row["job_name"] = jobName }
        if let diffFolder {
            row["diff_html"] = url(diffFolder + "/diff.html")
            row["diff_md"] = url(diffFolder + "/diff.md")
        }
        return row
    }
}
