import Foundation
import TestSupport
import Testing

@testable import DRSReport

/// CLI cases are data folders under CLICases/<case>/:
///   args       one argument per line; `$REPO` is the repository, `$OUT` a fresh output folder, `$EMPTY` an empty argument
///   exit-code  the expected exit status
///   stdout, stderr, files   expected standard output, standard error and the sorted list of files written
///                           (recorded with DRS_REPORT_RECORD=1 like every golden file)
@Suite struct CLITests {
    static let casesFolder = Repo.tests.appendingPathComponent("CLICases")

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: casesFolder.path)) ?? []).filter { !$0.hasPrefix(".") }
            .sorted()
    }

    /// The drs-report binary built next to this test bundle.
    static var binary: URL {
        let here = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var folder = here.deletingLastPathComponent()
        while !folder.path.isEmpty, folder.path != "/" {
            let candidate = folder.appendingPathComponent("drs-report")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return Repo.root.appendingPathComponent(".build/debug/drs-report")
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "SOURCE_DATE_EPOCH")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test(arguments: CLITests.cases)
    func cliCase(_ name: String) throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.binary.path),
            "drs-report binary not found at \(Self.binary.path)")
        let folder = Self.casesFolder.appendingPathComponent(name)
        let out = try temporaryFolder("cli").appendingPathComponent("out")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let arguments = try String(contentsOf: folder.appendingPathComponent("args"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true)
            .map {
                $0 == "$EMPTY"
                    ? ""
                    : $0.replacingOccurrences(of: "$REPO", with: Repo.root.path).replacingOccurrences(
                        of: "$OUT", with: out.path)
            }
        let result = try Self.run(arguments)
        let expectedStatus = try String(contentsOf: folder.appendingPathComponent("exit-code"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(String(result.status) == expectedStatus, "stderr: \(result.stderr)")
        func scrub(_ text: String) -> String {
            text.replacingOccurrences(of: out.path, with: "$OUT").replacingOccurrences(
                of: Repo.root.path, with: "$REPO")
        }
        try expectGolden(scrub(result.stdout), "../CLICases/\(name)/stdout")
        try expectGolden(scrub(result.stderr), "../CLICases/\(name)/stderr")
        try expectGolden(filesUnder(out).joined(separator: "\n") + "\n", "../CLICases/\(name)/files")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
        if result.status == 2 {
            #expect(filesUnder(out).isEmpty, "bad input must write nothing")
        }
    }

    @Test func sourceDateEpochFixesTheClock() throws {
        let out = try temporaryFolder("cli")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Self.run(
            ["render", Repo.path("samples/v5-mysql-archive"), "--out", out.path, "--format", "json", "--quiet"],
            environment: ["SOURCE_DATE_EPOCH": "1763683200"])
        #expect(result.status == 0)
        let json = try text(out, "report.json")
        #expect(json.contains("\"generated_at\": \"2025-11-21T00:00:00Z\""))
    }

    @Test func runsFromAnyDirectoryWithoutTemplatesFolder() throws {
        let out = try temporaryFolder("cli")
        defer { try? FileManager.default.removeItem(at: out) }
        // run() uses the temporary directory as the working directory: no templates/ there.
        let result = try Self.run([
            "render", Repo.path("samples/v5-mysql-archive"), "--out", out.path, "--format", "html,md", "--quiet",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try text(out, "report.html").contains("data-verdict=\"INCONSISTENT\""))
    }

    @Test func outputsNeverContainTheMachinesAbsolutePaths() throws {
        let out = try temporaryFolder("cli")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Self.run([
            "render", Repo.path("samples/v5-mysql-archive"), Repo.path("samples/v3-mysql-responses"), "--out", out.path,
            "--now", "2026-11-21T00:00:00Z", "--quiet",
        ])
        #expect(result.status == 0)
        for file in filesUnder(out) where !file.hasSuffix(".xlsx") {
            #expect(!(try text(out, file)).contains(Repo.root.path), "\(file) leaks the repository path")
        }
        let xlsx = try unzipText(out.appendingPathComponent("report.xlsx")).values.joined()
        #expect(!xlsx.contains(Repo.root.path))
    }
}
