import Foundation
import TestSupport
import Testing

@testable import DRSReport

/// The output folder after any exit holds the whole old set or the whole new set.
@Suite(.serialized) struct OutputSetTests {
    @Test func aPartialFormatRenderReplacesTheWholeOldSet() throws {
        let out = try temporaryFolder("set")
        defer { try? FileManager.default.removeItem(at: out) }
        let target = out.appendingPathComponent("report")
        _ = try Renderer.render(
            try ingest([Repo.path("samples/v5-mysql-archive")]), to: target, options: RenderOptions())
        var options = RenderOptions()
        options.formats = [.html]
        _ = try Renderer.render(try ingest([Repo.path("samples/v3-mysql-responses")]), to: target, options: options)
        #expect(filesUnder(target) == ["evidence.json", "report.html"])
        #expect(try Verifier.verify(target).isClean)
        // Nothing is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["report"])
    }

    @Test func aFolderOfOtherFilesIsNotReplaced() throws {
        let out = try temporaryFolder("set")
        defer { try? FileManager.default.removeItem(at: out) }
        try write("keep me", to: "notes.txt", in: out)
        let error = thrownError {
            _ = try Renderer.render(
                try ingest([Repo.path("samples/v5-mysql-archive")]), to: out, options: RenderOptions())
        }
        #expect(error == .outputNotOurs(path: out.standardizedFileURL.path))
        #expect(try String(contentsOf: out.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep me")
    }

    @Test func staleStagingOfDeadRunsIsRemoved() throws {
        let out = try temporaryFolder("set")
        defer { try? FileManager.default.removeItem(at: out) }
        let target = out.appendingPathComponent("report")
        // PID 2^22+1 is above Linux's default pid_max: no process has it.
        let stale = out.appendingPathComponent(".report.drs-report-staging-4194305-deadbeef")
        try write("{}", to: "report.json", in: stale)
        let legacy = target.appendingPathComponent(".drs-report-staging-1-abc")
        try write("{}", to: "x", in: legacy)
        _ = try Renderer.render(
            try ingest([Repo.path("samples/v5-mysql-archive")]), to: target, options: RenderOptions())
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["report"])
        #expect(try Verifier.verify(target).isClean)
    }

    @Test func anInputInsideTheOutputIsRefused() throws {
        let out = try temporaryFolder("set")
        defer { try? FileManager.default.removeItem(at: out) }
        try write("{}", to: "inside/a.json", in: out)
        let input = out.appendingPathComponent("inside/a.json").path
        #expect(
            thrownError { try InputDiscovery.requireOutside([input], output: out.path) }
                == .inputInsideOutput(input: input, output: out.path))
        #expect(thrownError { try InputDiscovery.requireOutside([Repo.path("samples")], output: out.path) } == nil)
    }

    /// kill -9 at several points of a large render: the folder verifies every time, holding the old set or the new.
    @Test func killedAtAnyPointTheOutputVerifies() throws {
        let folder = try temporaryFolder("kill")
        defer { try? FileManager.default.removeItem(at: folder) }
        let generate = Process()
        generate.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generate.arguments = [
            "python3", Repo.path("scripts/gen_samples.py"), "--large", folder.appendingPathComponent("estate").path,
            "--tables", "2000", "--diffs", "60000",
        ]
        generate.standardOutput = FileHandle.nullDevice
        try generate.run()
        generate.waitUntilExit()
        let out = folder.appendingPathComponent("out")
        func render(now: String) throws -> Process {
            let process = Process()
            process.executableURL = CLITests.binary
            process.arguments = [
                "render", folder.appendingPathComponent("estate").path, "--out", out.path, "--now", now, "--quiet",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        let first = try render(now: "2026-11-21T00:00:00Z")
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        let old = try Data(contentsOf: out.appendingPathComponent("evidence.json"))
        var sawOld = false
        for (index, delay) in [0.05, 0.2, 0.5, 1.0, 1.5, 2.5, 4.0].enumerated() {
            let process = try render(now: "2026-11-2\(index + 2)T00:00:00Z")
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let result = try Verifier.verify(out)
            #expect(
                result.isClean,
                "killed after \(delay) s: changed \(result.changed), missing \(result.missing), extra \(result.extra)")
            if try Data(contentsOf: out.appendingPathComponent("evidence.json")) == old { sawOld = true }
        }
        #expect(sawOld, "at least one kill should land before the swap")
        // The next run clears what the killed ones left beside the folder.
        let last = try render(now: "2026-11-30T00:00:00Z")
        last.waitUntilExit()
        #expect(last.terminationStatus == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["estate", "out"])
    }
}
