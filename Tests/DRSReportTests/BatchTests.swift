import DRSJSON
import Foundation
import TestSupport
import Testing

@testable import DRSReport

@Suite struct BatchTests {
    /// A tree with a good archive, a corrupt archive, a folder of raw responses and an unreadable file.
    func tree() throws -> URL {
        let root = try temporaryFolder("batch-root")
        let jobs = root.appendingPathComponent("jobs/2026")
        try FileManager.default.createDirectory(at: jobs, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Repo.path("samples/v5-mysql-archive"), toPath: jobs.appendingPathComponent("good").path)
        try FileManager.default.copyItem(
            atPath: Repo.path("samples/v5-mysql-archive"), toPath: jobs.appendingPathComponent("corrupt").path)
        let handle = try FileHandle(forWritingTo: jobs.appendingPathComponent("corrupt/responses/000003.json"))
        handle.seekToEndOfFile()
        handle.write(Data(" ".utf8))
        try handle.close()
        try FileManager.default.copyItem(
            atPath: Repo.path("samples/v3-mysql-responses"), toPath: root.appendingPathComponent("v3").path)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("broken"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("broken/gone.json").path, withDestinationPath: "/nonexistent/gone.json")
        return root
    }

    func options(force: Bool = false) -> BatchOptions {
        var ingest = IngestOptions(now: testNow, observedAt: testObservedAt)
        ingest.language = .enUS
        var options = BatchOptions(ingest: ingest, render: RenderOptions())
        options.force = force
        options.jobs = 2
        return options
    }

    /// Three runs of one job on a shelf: the index shows its trend and links a diff of the last two runs.
    @Test func threeRunsOfOneJobShowATrendAndADiffOfTheLastTwo() throws {
        let root = try temporaryFolder("batch-trend-root")
        let out = try temporaryFolder("batch-trend-out")
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: out)
        }
        let manager = FileManager.default
        try manager.createDirectory(at: root.appendingPathComponent("runs"), withIntermediateDirectories: true)
        try manager.copyItem(
            atPath: Repo.path("samples/v5-mysql-archive"), toPath: root.appendingPathComponent("runs/a-first").path)
        try manager.copyItem(
            atPath: Repo.path("samples/v5-mysql-archive-rerun"),
            toPath: root.appendingPathComponent("runs/c-second").path)
        // The third run, a day after the rerun, finds the original data again (its rows come back).
        let third = root.appendingPathComponent("runs/b-third")
        try manager.copyItem(atPath: Repo.path("samples/v5-mysql-archive"), toPath: third.path)
        let manifest = third.appendingPathComponent("manifest.json")
        let shifted = try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(
            of: "\"received_at\": \"2026-11-20T", with: "\"received_at\": \"2026-11-22T")
        try Data(shifted.utf8).write(to: manifest)
        var batchOptions = options()
        batchOptions.ingest.now = TimeParsing.parse("2026-11-23T00:00:00Z")!
        _ = try Batch.run(root: root, out: out, options: batchOptions)
        let folder = BatchTrend.diffFolderName("b7e5a4d1-2c9f-4e3a-8d61-5f0a2c9jb201")
        // Runs are ordered by fetch time, not by path: the diff compares c-second (before) with b-third (after).
        let diff = try JSONParser.parse(Data(contentsOf: out.appendingPathComponent(folder + "/diff.json")))
        #expect(
            diff["before"]?["path"] == .string("runs/c-second") && diff["after"]?["path"] == .string("runs/b-third"))
        #expect(diff["verdict"]?["value"] == .string("MIXED"))
        #expect(diff["verdict"]?["rows"]?["new"] == .number("25") && diff["verdict"]?["rows"]?["fixed"] == .number("3"))
        let html = try text(out, "index.html")
        #expect(html.contains("73 → 51 → 73"))
        #expect(html.contains("73 (+22)") && html.contains("4 (0)"))
        #expect(html.contains("href=\"./\(folder)/diff.html\""))
        #expect(html.contains("<svg class=\"spark\"") && html.contains("<title>73 → 51 → 73</title>"))
        let markdown = try text(out, "index.md")
        #expect(markdown.contains("| 3 | INCONSISTENT | INCONSISTENT | 4 (0) | 73 (\\+22) | 73 → 51 → 73 |"))
        // The diff is evidence like the reports: the batch's evidence lists it and verify checks it.
        let evidence = try Evidence.read(from: out)
        #expect(evidence.outputs.contains { $0.path == folder + "/evidence.json" })
        #expect(try Verifier.verify(out).isClean)
        // One run of a job makes no trend.
        try manager.removeItem(at: root.appendingPathComponent("runs/c-second"))
        try manager.removeItem(at: third)
        _ = try Batch.run(root: root, out: out, options: batchOptions)
        #expect(!(try text(out, "index.html")).contains("class=\"trend\""))
        #expect(!manager.fileExists(atPath: out.appendingPathComponent("diffs").path))
    }

    /// No input name can take another input's reports, the index or the evidence.
    @Test func outputFoldersNeverCollideWithInputNames() throws {
        let root = try temporaryFolder("batch-root")
        let out = try temporaryFolder("batch-out")
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: out)
        }
        let line = #"{"total_count": 1, "data_compare_overview_infos": [{"source_db_name": "NAME", "status": 2}]}"#
        let names = [
            ".", "_root", "%root", "evidence.json", "index.html", "index.md", "index.csv", "reports", "reports/%root",
        ]
        for name in names {
            try write(
                line.replacingOccurrences(of: "NAME", with: name), to: (name == "." ? "" : name + "/") + "line.json",
                in: root)
        }
        let result = try Batch.run(root: root, out: out, options: options())
        #expect(result.failures.isEmpty)
        #expect(result.units.count == names.count)
        var seen = Set<String>()
        for (unit, _) in result.units {
            let folder = Batch.outputRelative(unit)
            #expect(seen.insert(folder).inserted, "two inputs share \(folder)")
            // Each input's own report is where it says, and names that input's database.
            let report = try text(out.appendingPathComponent(folder), "report.json")
            #expect(report.contains("\"source_db\": \"\(unit.relative)\""))
        }
        for file in ["index.html", "index.md", "index.csv", "evidence.json"] {
            var isDirectory: ObjCBool = true
            #expect(
                FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path, isDirectory: &isDirectory)
                    && !isDirectory.boolValue)
        }
        #expect(try Verifier.verify(out).isClean)
    }

    /// The whole batch output is swapped in one step; unchanged inputs are linked, not rendered again.
    @Test func aRerunSwapsTheWholeOutputAndLinksUnchangedReports() throws {
        let root = try tree()
        let parent = try temporaryFolder("batch-parent")
        let out = parent.appendingPathComponent("out")
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: parent)
        }
        _ = try Batch.run(root: root, out: out, options: options())
        let report = out.appendingPathComponent("reports/v3/%report/report.json")
        let inode = try FileManager.default.attributesOfItem(atPath: report.path)[.systemFileNumber] as? UInt64
        let second = try Batch.run(root: root, out: out, options: options())
        #expect(
            second.units.contains { $0.0.relative == "v3" && { if case .skipped = $0.1 { true } else { false } }($0) })
        #expect(try FileManager.default.attributesOfItem(atPath: report.path)[.systemFileNumber] as? UInt64 == inode)
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["out"])
        #expect(try Verifier.verify(out).isClean)
    }

    @Test func convertsGoodInputsListsFailuresAndSkipsUnchanged() throws {
        let root = try tree()
        let out = try temporaryFolder("batch-out")
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: out)
        }
        let first = try Batch.run(root: root, out: out, options: options())
        #expect(first.units.map(\.0.relative) == ["broken", "jobs/2026/corrupt", "jobs/2026/good", "v3"])
        #expect(first.failures.map(\.0.relative) == ["broken", "jobs/2026/corrupt"])
        #expect(first.failures[1].1.contains("jobs/2026/corrupt/responses/000003.json"))
        #expect(first.failures.allSatisfy { !$0.1.contains(root.path) }, "reasons must not carry the machine's paths")
        #expect(
            FileManager.default.fileExists(
                atPath: out.appendingPathComponent("reports/jobs/2026/good/%report/report.html").path))
        #expect(
            FileManager.default.fileExists(atPath: out.appendingPathComponent("reports/v3/%report/report.xlsx").path))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("reports/jobs/2026/corrupt").path))
        let index = try text(out, "index.csv")
        let rows = CSVParsing.parse(index)
        #expect(rows.count == 5)
        #expect(rows[3][0] == "jobs/2026/good" && rows[3][3] == "INCONSISTENT" && rows[3][4] == "73")
        #expect(rows[1][1] == "failed")
        let html = try text(out, "index.html")
        #expect(html.contains("./reports/jobs/2026/good/%25report/report.html"))
        #expect(!html.contains(root.path))
        #expect(try Verifier.verify(out).isClean)

        // Unchanged inputs are skipped; --force renders them again.
        let second = try Batch.run(root: root, out: out, options: options())
        #expect(
            second.units.filter { if case .skipped = $0.1 { true } else { false } }.map(\.0.relative) == [
                "jobs/2026/good", "v3",
            ])
        let forced = try Batch.run(root: root, out: out, options: options(force: true))
        #expect(forced.units.filter { if case .rendered = $0.1 { true } else { false } }.count == 2)

        // A changed input is rendered again.
        try FileManager.default.removeItem(at: root.appendingPathComponent("v3/content-difference.json"))
        let third = try Batch.run(root: root, out: out, options: options())
        #expect(
            third.units.first { $0.0.relative == "v3" }.map { if case .rendered = $0.1 { true } else { false } } == true
        )
        #expect(try Verifier.verify(out).isClean)
    }

    @Test func anInterruptedRenderIsRedoneAndConverges() throws {
        let root = try tree()
        let out = try temporaryFolder("batch-out")
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: out)
        }
        _ = try Batch.run(root: root, out: out, options: options())
        let reference = try Data(contentsOf: out.appendingPathComponent("reports/jobs/2026/good/%report/report.json"))
        // Simulate a kill between moving outputs and writing evidence: the evidence is gone and a file is half-written.
        try FileManager.default.removeItem(
            at: out.appendingPathComponent("reports/jobs/2026/good/%report/evidence.json"))
        try Data("{".utf8).write(to: out.appendingPathComponent("reports/jobs/2026/good/%report/report.json"))
        let again = try Batch.run(root: root, out: out, options: options())
        #expect(
            again.units.first { $0.0.relative == "jobs/2026/good" }.map {
                if case .rendered = $0.1 { true } else { false }
            } == true)
        #expect(
            try Data(contentsOf: out.appendingPathComponent("reports/jobs/2026/good/%report/report.json")) == reference)
        #expect(try Verifier.verify(out).isClean)
    }

    @Test func theOutputFolderInsideRootIsNotReadAsInput() throws {
        let root = try tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("reports")
        _ = try Batch.run(root: root, out: out, options: options())
        let units = try Batch.discover(root, excluding: out)
        #expect(!units.contains { $0.relative.hasPrefix("reports") })
    }
}
