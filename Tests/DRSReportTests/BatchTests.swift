import DRSJSON
import Foundation
import TestSupport
import Testing

@testable import DRSReport

@Suite struct EvidenceTests {
    @Test func everyRenderWritesEvidenceThatVerifies() throws {
        let out = try render([Repo.path("samples/v5-mysql-archive")])
        defer { try? FileManager.default.removeItem(at: out) }
        let evidence = try Evidence.read(from: out)
        #expect(evidence.tool == "drs-report \(DRSReportVersion.current)")
        #expect(evidence.clock == "2026-11-21T00:00:00Z")
        #expect(evidence.inputs.count == 22)
        #expect(evidence.inputs.first?.path == "v5-mysql-archive/responses/000001.json")
        #expect(Set(evidence.outputs.map(\.path)) == Set(filesUnder(out).filter { $0 != Evidence.fileName }))
        #expect(evidence.summary.verdict == "INCONSISTENT")
        #expect(evidence.summary.inconsistentRows == 73)
        #expect(evidence.inputsDigest == (try ingest([Repo.path("samples/v5-mysql-archive")]).report.inputsDigest))
        let result = try Verifier.verify(out)
        #expect(result.isClean)
        #expect(result.matched == evidence.outputs.count)
        // The HTML and Markdown footers carry the same inputs digest and the tool version.
        #expect(try text(out, "report.html").contains(evidence.inputsDigest))
        #expect(try text(out, "report.md").contains(evidence.inputsDigest))
        #expect(try text(out, "report.md").contains("drs-report \(DRSReportVersion.current)"))
    }

    @Test func verifyCatchesAOneByteChangeAMissingAndAnExtraFile() throws {
        let out = try render([Repo.path("samples/v5-mysql-archive")], formats: [.csv, .md])
        defer { try? FileManager.default.removeItem(at: out) }
        let victim = out.appendingPathComponent("csv/diffs.csv")
        var bytes = try Data(contentsOf: victim)
        bytes[100] ^= 0x20
        try bytes.write(to: victim)
        try FileManager.default.removeItem(at: out.appendingPathComponent("report.md"))
        try write("x", to: "notes.txt", in: out)
        let result = try Verifier.verify(out)
        #expect(result.changed == ["csv/diffs.csv"])
        #expect(result.missing == ["report.md"])
        #expect(result.extra == ["notes.txt"])
        #expect(!result.isClean)
    }

    @Test func verifyWithoutEvidenceIsAClearError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(thrownError { _ = try Verifier.verify(folder) } == .noEvidence(folder: folder.path))
    }
}

@Suite struct ExpiryScanTests {
    func scan(now: String, window: Int64 = 86_400) throws -> ExpiryScan {
        var options = IngestOptions(now: TimeParsing.parse(now)!)
        options.expiryWindowSeconds = window
        let report = try Ingestor.ingest([Repo.path("samples/v5-mysql-archive")], options: options).report
        return ExpiryScan(report, now: options.now, window: window)
    }

    // The object task's file expires at 2026-11-23T10:03:42Z; the line task's at 2026-11-25T07:39:26Z.
    @Test(arguments: [
        ("2026-11-21T00:00:00Z", DRSReport.ExitStatus.success),
        ("2026-11-22T10:03:41Z", .success),  // 24 h + 1 s left
        ("2026-11-22T10:03:42Z", .expiringSoon),  // exactly 24 h left
        ("2026-11-23T10:03:41Z", .expiringSoon),  // 1 s left
        ("2026-11-23T10:03:42Z", .expired),  // expires now
        ("2026-11-26T00:00:00Z", .expired),
    ])
    func exitCodesAroundTheWindowEdges(now: String, status: DRSReport.ExitStatus) throws {
        #expect(try scan(now: now).exitStatus == status)
    }

    @Test func listsEveryFileMostUrgentFirstWithNotGenerated() throws {
        let result = try scan(now: "2026-11-23T00:00:00Z")
        #expect(result.entries.map(\.state) == [.expiringSoon, .valid, .notGenerated])
        #expect(result.entries.first?.expiresAt == TimeParsing.parse("2026-11-23T10:03:42Z"))
        #expect(result.entries.first?.receivedAtBasis == .manifest)
        let text = result.text(timeZone: TimeZone(identifier: "UTC")!)
        #expect(text.contains("not generated"))
        #expect(text.contains("10h 3m (expiring soon)"))
        let json = try JSONSerialization.jsonObject(with: Data(try result.json().utf8)) as? [String: Any]
        #expect(json?["exit_code"] as? Int == 5)
        #expect((json?["files"] as? [[String: Any]])?.first?["expires_at"] as? String == "2026-11-23T10:03:42Z")
    }
}

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

/// `batch --shard K/N` on several machines, then `batch-index`, gives what one batch gives.
@Suite struct ShardTests {
    func shelf() throws -> URL {
        let root = try temporaryFolder("shard-root")
        for name in ["a", "b", "c/d", "c/e", "f", "g/h/i", "j", "k"] {
            let folder = root.appendingPathComponent("jobs/\(name)")
            try FileManager.default.createDirectory(
                at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Repo.path("samples/v5-mysql-archive"), toPath: folder.path)
        }
        try FileManager.default.copyItem(
            atPath: Repo.path("samples/v3-mysql-responses"), toPath: root.appendingPathComponent("v3").path)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("broken"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("broken/gone.json").path, withDestinationPath: "/nonexistent/gone.json")
        return root
    }

    func options(_ shard: Shard? = nil) -> BatchOptions {
        var options = BatchOptions(
            ingest: IngestOptions(now: testNow, observedAt: testObservedAt), render: RenderOptions())
        // json too: the shelf's eight runs of one job make a trend whose diff reads report.json.
        options.render.formats = [.html, .md, .csv, .json]
        options.jobs = 2
        options.shard = shard
        return options
    }

    @Test func threeShardsMergedEqualOneBatch() throws {
        let root = try shelf()
        let work = try temporaryFolder("shard-out")
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: work)
        }
        let whole = try Batch.run(root: root, out: work.appendingPathComponent("whole"), options: options())
        var shares: [[String]] = []
        for k in 1...3 {
            let part = try Batch.run(
                root: root, out: work.appendingPathComponent("shard-\(k)"),
                options: options(try Shard(index: k, count: 3)))
            shares.append(part.units.map(\.0.relative))
        }
        // Every input in exactly one share, and no share empty for this shelf.
        #expect(shares.flatMap { $0 }.sorted() == whole.units.map(\.0.relative).sorted())
        #expect(Set(shares.flatMap { $0 }).count == whole.units.count)
        #expect(shares.allSatisfy { !$0.isEmpty })
        let merged = try Batch.mergeIndex(
            (1...3).map { work.appendingPathComponent("shard-\($0)") }, out: work.appendingPathComponent("merged"),
            options: options())
        #expect(merged.units.map(\.0.relative) == whole.units.map(\.0.relative))
        #expect(merged.failures.map(\.0.relative) == ["broken"])
        let a = work.appendingPathComponent("whole")
        let b = work.appendingPathComponent("merged")
        #expect(filesUnder(a) == filesUnder(b))
        for file in filesUnder(a) {
            #expect(
                try Data(contentsOf: a.appendingPathComponent(file))
                    == Data(contentsOf: b.appendingPathComponent(file)), "\(file)")
        }
        #expect(try Verifier.verify(b).isClean)
        // A shard's own evidence says which share it is.
        #expect(try Evidence.read(from: work.appendingPathComponent("shard-2")).options["shard"] == "2/3")
    }

    @Test func mergingRefusesMissingRepeatedAndWholeOutputs() throws {
        let root = try shelf()
        let work = try temporaryFolder("shard-out")
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: work)
        }
        for k in 1...2 {
            _ = try Batch.run(
                root: root, out: work.appendingPathComponent("s\(k)"), options: options(try Shard(index: k, count: 2)))
        }
        _ = try Batch.run(root: root, out: work.appendingPathComponent("whole"), options: options())
        let out = work.appendingPathComponent("m")
        let s1 = work.appendingPathComponent("s1")
        let s2 = work.appendingPathComponent("s2")
        let missing = thrownError { _ = try Batch.mergeIndex([s1], out: out, options: options()) }
        #expect(missing?.message.contains("shard 2/2 is missing") == true)
        let twice = thrownError { _ = try Batch.mergeIndex([s1, s1, s2], out: out, options: options()) }
        #expect(twice?.message.contains("pass each shard once") == true)
        let whole = thrownError {
            _ = try Batch.mergeIndex([s1, work.appendingPathComponent("whole")], out: out, options: options())
        }
        #expect(whole?.message.contains("not a shard") == true)
        #expect(!FileManager.default.fileExists(atPath: out.path))

        // batch.json is data anyone can edit: a path out of the shard is refused, and nothing is written.
        let manifest = s1.appendingPathComponent("batch.json")
        let original = try String(contentsOf: manifest, encoding: .utf8)
        let first = try #require(try BatchManifest.read(from: s1).units.first?.path)
        try original.replacingOccurrences(of: "\"\(first)\"", with: "\"../../escape\"").write(
            to: manifest, atomically: true, encoding: .utf8)
        let escape = thrownError { _ = try Batch.mergeIndex([s1, s2], out: out, options: options()) }
        #expect(escape?.message.contains("cannot hold") == true)
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("escape").path))
        try original.write(to: manifest, atomically: true, encoding: .utf8)

        // Shards of one run share one clock; the merge takes it from them.
        var later = options(try Shard(index: 2, count: 2))
        later.ingest.now = testNow.addingTimeInterval(60)
        _ = try Batch.run(root: root, out: s2, options: later)
        let clocks = thrownError { _ = try Batch.mergeIndex([s1, s2], out: out, options: options()) }
        #expect(clocks?.message.contains("with one clock (report clock or SOURCE_DATE_EPOCH)") == true)
        #expect(
            clocks?.message(naming: { $0 == .now ? "--now" : "?" }).contains(
                "with one clock (--now or SOURCE_DATE_EPOCH)")
                == true)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test(arguments: ["0/3", "4/3", "1/0", "3", "a/b", "1/2/3", ""])
    func badShardSpecsAreClearErrors(_ text: String) {
        #expect(throws: DRSReportError.self) { _ = try Shard(parsing: text) }
    }

    @Test func theShareOfAPathIsStableAndSpreads() throws {
        let paths = (0..<3000).map { "archives/job-\($0)" }
        var counts = [0, 0, 0]
        for path in paths {
            let owners = try (1...3).filter { try Shard(index: $0, count: 3).owns(path) }
            #expect(owners.count == 1)
            counts[owners[0] - 1] += 1
        }
        #expect(counts.allSatisfy { $0 > 900 && $0 < 1100 }, "\(counts)")
        // Fixed by the hash (sha256 of the path, first 8 bytes, modulo N): a change would reshuffle every shelf.
        #expect((0..<8).map { Shard.bucket("jobs/\($0)", count: 3) } == [0, 2, 1, 1, 2, 1, 2, 1])
    }
}
