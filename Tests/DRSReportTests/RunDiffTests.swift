import Foundation
import TestSupport
import Testing

@testable import DRSReport

@Suite struct TableChangeTests {
    @Test func everyCategory() {
        #expect(TableChange.of(before: "INCONSISTENT", after: "CONSISTENT") == .fixed)
        #expect(TableChange.of(before: "INCONSISTENT", after: "INCONSISTENT") == .stillInconsistent)
        #expect(TableChange.of(before: "CONSISTENT", after: "INCONSISTENT") == .newlyInconsistent)
        #expect(TableChange.of(before: "NOT_COMPARED", after: "INCONSISTENT") == .newlyInconsistent)
        #expect(TableChange.of(before: "CONSISTENT", after: "NOT_COMPARED") == .newlyNotCompared)
        #expect(TableChange.of(before: "INCONSISTENT", after: "NOT_COMPARED") == .newlyNotCompared)
        #expect(TableChange.of(before: "NOT_COMPARED", after: "NOT_COMPARED") == .unchanged)
        #expect(TableChange.of(before: "CONSISTENT", after: "CONSISTENT") == .unchanged)
        #expect(TableChange.of(before: "INCONSISTENT", after: "INCOMPLETE") == .changed)
        #expect(TableChange.of(before: "NOT_COMPARED", after: "CONSISTENT") == .changed)
        // A table that disappears, and tables that appear.
        #expect(TableChange.of(before: "CONSISTENT", after: nil) == .noLongerCompared)
        #expect(TableChange.of(before: "INCONSISTENT", after: nil) == .noLongerCompared)
        #expect(TableChange.of(before: nil, after: "INCONSISTENT") == .newlyInconsistent)
        #expect(TableChange.of(before: nil, after: "NOT_COMPARED") == .newlyNotCompared)
        #expect(TableChange.of(before: nil, after: "CONSISTENT") == .newlyCompared)
        #expect(
            TableChange.allCases.filter(\.isRegression) == [.newlyInconsistent, .newlyNotCompared, .noLongerCompared])
    }
}

/// report.json files written by hand: the ledger and rows of two small runs.
struct HandRun {
    var job = "job-1"
    var tables: [(String, String, Int)] = []  // table, outcome, diff rows
    var rows: [(String, String, String)] = []  // table, kind, key
    /// Inconsistent rows DRS counts per table, when not its diff rows; tables without a value comparison.
    var drsRows: [String: Int] = [:]
    var noValueComparison: Set<String> = []

    func write(to folder: URL) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let tableText = tables.map { name, outcome, rows in
            "{\"job_id\": \"\(job)\", \"source_db\": \"db\", \"source_table\": \"\(name)\", \"target_db\": \"db\", \"target_table\": \"\(name)\", \"outcome\": \"\(outcome)\", \"diff_rows\": \(rows), \"content\": \(noValueComparison.contains(name) ? "null" : "{\"inconsistent_rows\": \(drsRows[name] ?? rows)}")}"
        }
        let rowText = rows.map { table, kind, key in
            "    {\"job_id\":\"\(job)\",\"kind\":\"\(kind)\",\"location_inferred\":false,\"source_database\":\"db\",\"source_id\":\"S1\",\"source_key\":[\"\(key)\"],\"source_sql\":\"SELECT 1\",\"source_table\":\"\(table)\",\"target_database\":\"db\",\"target_key\":[\"\(key)\"],\"target_sql\":\"SELECT 1\",\"target_table\":\"\(table)\"}"
        }
        let text = """
            {
              "diffs": [\(rowText.isEmpty ? "]," : "\n" + rowText.joined(separator: ",\n") + "\n  ],")
              "generated_at": "2026-11-21T00:00:00Z",
              "jobs": [{"id": "\(job)"}],
              "language": "en-us",
              "schema_version": 2,
              "sources": [{"received_at": "2026-11-20T08:00:00Z"}],
              "tables": [\(tableText.joined(separator: ", "))],
              "title": "t",
              "verdict": {"counts": {"inconsistent_tables": 1}, "value": "INCONSISTENT"}
            }

            """
        let url = folder.appendingPathComponent("report.json")
        try Data(text.utf8).write(to: url)
        return url
    }
}

@Suite struct RunDiffTests {
    func compare(_ before: HandRun, _ after: HandRun, allow: Bool = false) throws -> (RunDiff, URL) {
        let folder = try temporaryFolder("run-diff")
        let b = try ReportFile.open(try before.write(to: folder.appendingPathComponent("b")), display: "b")
        let a = try ReportFile.open(try after.write(to: folder.appendingPathComponent("a")), display: "a")
        let rows = folder.appendingPathComponent("rows.csv")
        let diff = try RunComparison.compare(
            before: b, after: a, beforeName: "b", afterName: "a", allowDifferentJobs: allow, now: testNow,
            rowsCSV: rows, csvBOM: false)
        return (diff, rows)
    }

    @Test func tablesAndRowsInEveryCategory() throws {
        var before = HandRun()
        before.tables = [
            ("fixed", "INCONSISTENT", 2), ("still", "INCONSISTENT", 2), ("gone", "CONSISTENT", 0),
            ("same", "CONSISTENT", 0), ("nc", "CONSISTENT", 0),
        ]
        before.rows = [
            ("fixed", "DIFFERS", "1"), ("fixed", "DIFFERS", "2"), ("still", "DIFFERS", "3"),
            ("still", "MISSING_ON_TARGET", "4"),
        ]
        var after = HandRun()
        after.tables = [
            ("fixed", "CONSISTENT", 0), ("still", "INCONSISTENT", 2), ("new", "INCONSISTENT", 1),
            ("same", "CONSISTENT", 0), ("nc", "NOT_COMPARED", 0),
        ]
        // Row 4 is fixed; row 5 is new in a still-inconsistent table; the same key with another kind is another row.
        after.rows = [("still", "DIFFERS", "3"), ("still", "DIFFERS", "4"), ("new", "DIFFERS", "9")]
        let (diff, rowsFile) = try compare(before, after)
        defer { try? FileManager.default.removeItem(at: rowsFile.deletingLastPathComponent()) }
        let byName = Dictionary(uniqueKeysWithValues: diff.tables.map { ($0.sourceTable, $0) })
        #expect(byName["fixed"]?.change == .fixed)
        #expect(byName["still"]?.change == .stillInconsistent)
        #expect(byName["new"]?.change == .newlyInconsistent)
        #expect(byName["gone"]?.change == .noLongerCompared)
        #expect(byName["same"]?.change == .unchanged)
        #expect(byName["nc"]?.change == .newlyNotCompared)
        #expect(byName["fixed"]?.rowsFixed == 2)
        #expect(byName["still"].map { "\($0.rowsFixed) \($0.rowsRemaining) \($0.rowsNew)" } == "1 1 1")
        #expect(byName["new"]?.rowsNew == 1)
        #expect((diff.rowsFixed, diff.rowsRemaining, diff.rowsNew) == (3, 1, 2))
        #expect(diff.verdict == .mixed)
        // Regressions first, then by name.
        #expect(diff.tables.map(\.sourceTable) == ["new", "nc", "gone", "still", "fixed", "same"])
        // Every row of both runs is in the rows file exactly once: fixed + remaining = before, remaining + new = after.
        let lines = try String(contentsOf: rowsFile, encoding: .utf8).split(separator: "\r\n").dropFirst()
        #expect(lines.count == 3 + 1 + 2)
        #expect(
            lines.filter { $0.hasPrefix("FIXED,") }.count + lines.filter { $0.hasPrefix("REMAINING,") }.count
                == before.rows.count)
        #expect(
            lines.filter { $0.hasPrefix("REMAINING,") }.count + lines.filter { $0.hasPrefix("NEW,") }.count
                == after.rows.count)
    }

    @Test func theVerdictRule() throws {
        var before = HandRun()
        before.tables = [("t", "INCONSISTENT", 2)]
        before.rows = [("t", "DIFFERS", "1"), ("t", "DIFFERS", "2")]
        var fewer = HandRun()
        fewer.tables = [("t", "INCONSISTENT", 1)]
        fewer.rows = [("t", "DIFFERS", "1")]
        #expect(try compare(before, fewer).0.verdict == .improved)
        #expect(try compare(before, before).0.verdict == .unchanged)
        #expect(try compare(fewer, before).0.verdict == .regressed)
        var swapped = HandRun()
        swapped.tables = [("t", "INCONSISTENT", 2)]
        swapped.rows = [("t", "DIFFERS", "1"), ("t", "DIFFERS", "3")]
        #expect(try compare(before, swapped).0.verdict == .mixed)
        // A table that disappears is worse, even when it was inconsistent, and its rows are not fixed:
        // nothing re-checked them.
        var gone = HandRun()
        gone.tables = [("other", "CONSISTENT", 0)]
        let (diff, _) = try compare(before, gone, allow: true)
        #expect(diff.tables.first { $0.sourceTable == "t" }?.change == .noLongerCompared)
        #expect(diff.rowsFixed == 0 && diff.rowsUnverified == 2)
        #expect(diff.regressed && !diff.improved && diff.verdict == .regressed)
    }

    /// A row the run after lacks is fixed only where that run compared the table's values again and
    /// holds all its inconsistent rows.
    @Test func rowsGoneWithoutARecheckAreNotFixed() throws {
        var before = HandRun()
        before.tables = [
            ("nc", "INCONSISTENT", 1), ("partial", "INCONSISTENT", 2), ("lines", "INCONSISTENT", 1),
            ("whole", "INCONSISTENT", 2),
        ]
        before.rows = [
            ("nc", "DIFFERS", "1"), ("partial", "DIFFERS", "2"), ("partial", "DIFFERS", "3"), ("lines", "DIFFERS", "4"),
            ("whole", "DIFFERS", "5"), ("whole", "DIFFERS", "6"),
        ]
        var after = HandRun()
        after.tables = [
            ("nc", "NOT_COMPARED", 0), ("partial", "INCONSISTENT", 1), ("lines", "CONSISTENT", 0),
            ("whole", "INCONSISTENT", 1),
        ]
        after.noValueComparison = ["nc", "lines"]
        after.drsRows = ["partial": 500]  // DRS counts 500 rows; the inputs hold one
        after.rows = [("partial", "DIFFERS", "2"), ("whole", "DIFFERS", "5")]
        let (diff, rowsFile) = try compare(before, after)
        defer { try? FileManager.default.removeItem(at: rowsFile.deletingLastPathComponent()) }
        let byName = Dictionary(uniqueKeysWithValues: diff.tables.map { ($0.sourceTable, $0) })
        #expect(byName["nc"].map { "\($0.rowsFixed) \($0.rowsUnverified)" } == "0 1")
        #expect(byName["partial"].map { "\($0.rowsFixed) \($0.rowsUnverified) \($0.rowsRemaining)" } == "0 1 1")
        #expect(byName["lines"].map { "\($0.rowsFixed) \($0.rowsUnverified)" } == "0 1")
        #expect(byName["whole"].map { "\($0.rowsFixed) \($0.rowsUnverified)" } == "1 0")
        #expect((diff.rowsFixed, diff.rowsUnverified) == (1, 3))
        let lines = try String(contentsOf: rowsFile, encoding: .utf8).split(separator: "\r\n").dropFirst()
        #expect(lines.filter { $0.hasPrefix("UNVERIFIED,") }.count == 3)
        // Only the whole re-check counts as better; nc newly not compared is worse.
        #expect(diff.verdict == .mixed)
    }

    @Test func differentJobsAreRefusedUnlessAllowed() throws {
        var before = HandRun()
        before.tables = [("t", "INCONSISTENT", 0)]
        var other = HandRun()
        other.job = "job-2"
        other.tables = [("u", "INCONSISTENT", 0)]
        let error = thrownError { _ = try compare(before, other) }
        guard case .differentRuns(_, _, let b, let a) = error else {
            Issue.record("expected differentRuns, got \(String(describing: error))")
            return
        }
        #expect(b == ["job-1"] && a == ["job-2"])
        // The library names the option by meaning; the CLI spells it as its flag.
        #expect(error?.message.contains("or pass allow-different-jobs to compare them anyway") == true)
        #expect(
            error?.message(naming: { $0 == .allowDifferentJobs ? "--allow-different-jobs" : "?" })
                .contains("pass --allow-different-jobs to compare them anyway") == true)
        #expect(try compare(before, other, allow: true).0.sameJob == false)
        // Another job over the same tables is the same set of tables: compared by name.
        var sameTables = before
        sameTables.job = "job-3"
        let (diff, _) = try compare(before, sameTables)
        #expect(diff.tables.map(\.change) == [.stillInconsistent] && diff.tables[0].jobId == "")
    }

    @Test func aReportJSONThatIsNotOneIsAClearError() throws {
        let folder = try temporaryFolder("run-diff-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("report.json")
        try Data("{\"schema_version\": 1, \"diffs\": []}".utf8).write(to: url)
        let error = thrownError { _ = try ReportFile.open(url, display: "old/report.json") }
        #expect(error?.message.contains("old/report.json: at $.schema_version") == true)
        // A row that is not JSON is named by its line in the file, and the file is not called a DRS response.
        var run = HandRun()
        run.tables = [("t", "INCONSISTENT", 2)]
        run.rows = [("t", "DIFFERS", "1"), ("t", "DIFFERS", "2")]
        let good = try run.write(to: folder.appendingPathComponent("good"))
        let text = try String(contentsOf: good, encoding: .utf8)
        try Data(
            text.replacingOccurrences(
                of:
                    "\"kind\":\"DIFFERS\",\"location_inferred\":false,\"source_database\":\"db\",\"source_id\":\"S1\",\"source_key\":[\"2\"]",
                with: "\"kind\":DIFFERS"
            ).utf8
        ).write(to: url)
        let file = try ReportFile.open(url, display: "bad/report.json")
        let rowError = thrownError { try file.forEachRow { _, _ in } }
        #expect(rowError?.message.hasPrefix("bad/report.json:4:") == true, "\(String(describing: rowError?.message))")
        #expect(
            rowError?.message.contains("row 2 of diffs") == true
                && rowError?.message.contains("render that side again") == true)
        // Cut inside the head after the rows: the line is the file's own.
        try Data(text.dropLast(40).utf8).write(to: url)
        let cut = thrownError { _ = try ReportFile.open(url, display: "cut/report.json") }
        guard case .notAReport(_, let line, _, _) = cut else {
            Issue.record("expected notAReport, got \(String(describing: cut))")
            return
        }
        #expect(line == text.dropLast(40).split(separator: "\n", omittingEmptySubsequences: false).count)
    }
}

/// The two sample runs of the v5 job: the rerun fixes 客户表 and four rows of orders, and finds products inconsistent.
@Suite struct RunDiffGoldenTests {
    @Test func theSampleRerun() throws {
        let folder = try temporaryFolder("run-diff-golden")
        defer { try? FileManager.default.removeItem(at: folder) }
        var sides: [URL] = []
        for (name, input) in [("before", "samples/v5-mysql-archive"), ("after", "samples/v5-mysql-archive-rerun")] {
            var options = RenderOptions()
            options.formats = [.json]
            let result = try Ingestor.ingest(
                [Repo.path(input)], options: IngestOptions(now: testNow, observedAt: testObservedAt))
            _ = try Renderer.render(result, to: folder.appendingPathComponent(name), options: options)
            sides.append(folder.appendingPathComponent(name).appendingPathComponent("report.json"))
        }
        var options = RunDiffOptions()
        options.now = TimeParsing.parse("2026-11-22T00:00:00Z")!
        options.render.clockSource = "--now"
        let out = folder.appendingPathComponent("diff")
        let (diff, files) = try RunDiffWriter.write(
            before: sides[0], after: sides[1], beforeName: "samples/v5-mysql-archive",
            afterName: "samples/v5-mysql-archive-rerun",
            to: out, options: options)
        #expect(files == ["diff.csv", "diff.html", "diff.json", "diff.md", "diff_rows.csv", "evidence.json"])
        #expect(diff.verdict == .mixed)
        let byName = Dictionary(uniqueKeysWithValues: diff.tables.map { ($0.sourceTable, $0) })
        #expect(byName["客户表"]?.change == .fixed && byName["客户表"]?.rowsFixed == 21)
        #expect(
            byName["orders"].map { "\($0.change) \($0.rowsFixed) \($0.rowsRemaining) \($0.rowsNew)" }
                == "stillInconsistent 4 36 0")
        #expect(byName["order_items"].map { "\($0.change) \($0.rowsRemaining)" } == "stillInconsistent 12")
        #expect(byName["products"].map { "\($0.change) \($0.rowsNew)" } == "newlyInconsistent 3")
        #expect((diff.rowsFixed, diff.rowsRemaining, diff.rowsNew) == (25, 48, 3))
        for file in ["diff.csv", "diff_rows.csv", "diff.json", "diff.md", "diff.html"] {
            try expectGolden(try text(out, file), "diff-v5-rerun/" + file)
        }
        // evidence.json names both sides by their report.json digests, and verify passes on the folder.
        let evidence = try Evidence.read(from: out)
        #expect(
            evidence.inputs.map(\.path) == [
                "samples/v5-mysql-archive/report.json", "samples/v5-mysql-archive-rerun/report.json",
            ])
        #expect(evidence.summary.verdict == "MIXED")
        #expect(try Verifier.verify(out).isClean)
    }
}
