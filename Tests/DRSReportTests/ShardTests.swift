import DRSJSON
import Foundation
import TestSupport
import Testing

@testable import DRSReport

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
