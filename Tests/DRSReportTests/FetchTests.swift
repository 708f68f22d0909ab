import DRSEmulator
import DRSJSON
import Foundation
import TestSupport
import Testing

@testable import DRSReport

/// fetch and run against the emulator over real loopback HTTP.
@Suite(.serialized) struct FetchTests {
    static let token = "MIIEmulatorToken-Secret-0001"
    static let ak = "HPUAFETCHTESTAK000001"
    static let sk = "FetchTestSecretKey-abcdefghijklmnop0123"

    func start(faults: [FaultSpec] = [], taskDuration: Double = 3, auth: EmulatorAuth? = nil) async throws
        -> RunningEmulator
    {
        var config = EmulatorConfiguration(dataset: .generated(GeneratedShape(databases: 3, tables: 8, diffs: 2_500)))
        config.auth = auth ?? EmulatorAuth(token: Self.token, accessKey: Self.ak, secretKey: Self.sk)
        config.faults = faults
        config.taskDuration = taskDuration
        config.seed = 7
        return try await RunningEmulator.start(config)
    }

    func client(
        _ emulator: RunningEmulator, auth: DRSAuth = .token(FetchTests.token), retries: Int = 8,
        events: @escaping @Sendable (ClientEvent) -> Void = { _ in }
    ) -> DRSClient {
        var policy = RetryPolicy()
        policy.retries = retries
        policy.baseDelay = 0.01
        policy.timeout = 10
        policy.maxRetryAfter = 0.05
        return DRSClient(
            endpoint: emulator.baseURL, projectId: emulator.projectId, auth: auth, policy: policy,
            transport: AsyncHTTPTransport(), events: events)
    }

    func fetch(
        _ emulator: RunningEmulator, into folder: URL, auth: DRSAuth = .token(FetchTests.token), retries: Int = 8,
        pageSize: Int = 400, taskIds: [String] = [], events: @escaping @Sendable (ClientEvent) -> Void = { _ in }
    ) async throws -> FetchSummary {
        let client = client(emulator, auth: auth, retries: retries, events: events)
        var options = FetchOptions(jobId: emulator.jobId)
        options.pageSize = pageSize
        options.compareTaskIds = taskIds
        do {
            let summary = try await Fetcher(client: client, options: options).fetch(
                into: folder.appendingPathComponent("archive"))
            await client.transport.shutdown()
            return summary
        } catch {
            await client.transport.shutdown()
            throw error
        }
    }

    /// The report with what legitimately differs between two ways of reading the same data removed:
    /// where each fact came from, when it was received and from which endpoint; and compare-progress,
    /// which fetch asks only for tasks still running while the dataset holds it for finished ones too.
    static func semantic(_ result: IngestResult) throws -> JSONValue {
        func strip(_ value: JSONValue) -> JSONValue {
            switch value {
            case .object(var members):
                for key in [
                    "sources", "source_ids", "source_id", "expiry", "notes", "generated_at", "diff_preview", "endpoint",
                    "region",
                ] {
                    members.removeValue(forKey: key)
                }
                if members["streaming"] != nil { members.removeValue(forKey: "tasks") }
                return .object(members.mapValues(strip))
            case .array(let items): return .array(items.map(strip))
            default: return value
            }
        }
        var rows: [JSONValue] = []
        for row in try allRows(result.diffs) {
            let text = try JSONReportWriter.writeRow(row)
            rows.append(strip(try JSONParser.parse(Data(text.utf8))))
        }
        guard case .object(var members) = strip(try JSONReportWriter.encode(result.report)) else { return .null }
        members["diffs"] = .array(rows)
        return .object(members)
    }

    @Test func fetchThenRenderEqualsRenderingTheDatasetDirectly() async throws {
        let emulator = try await start()
        let folder = try temporaryFolder("fetch")
        defer { try? FileManager.default.removeItem(at: folder) }
        try emulator.dataset.exportArchive(to: folder.appendingPathComponent("direct").path)
        let summary = try await fetch(emulator, into: folder)
        await emulator.stop()
        #expect(summary.drsErrors == 0)
        let direct = try ingest([folder.appendingPathComponent("direct").path])
        let fetched = try ingest([summary.archive.path])
        #expect(fetched.report.retrievalErrors.isEmpty)
        #expect(try allRows(fetched.diffs).count == 2_500)
        #expect(try Self.semantic(fetched) == Self.semantic(direct))
        // Paged: 2,500 rows in pages of 400 came as several responses, recorded in plan order.
        let manifest = try JSONDecoder().decode(
            ArchiveManifest.self, from: Data(contentsOf: summary.archive.appendingPathComponent("manifest.json")))
        #expect(
            manifest.responses.map(\.file)
                == (1...manifest.responses.count).map { String(format: "responses/%06d.json", $0) })
        #expect(manifest.jobId == emulator.jobId)
        #expect(manifest.responses.allSatisfy { Int($0.query?["limit"] ?? "400").map { $0 <= 400 } ?? false })
        // The job's own detail is fetched first, so the report is named after the job.
        #expect(manifest.responses.first?.query == ["type": "detail"])
        let job = try #require(fetched.report.jobs.first)
        #expect(job.name == "emulated-mysql-sync")
        #expect(job.sourceEngine == "mysql" && job.targetEngine == "mysql" && job.region == "cn-north-4")
        #expect(fetched.report.title == "DRS comparison: emulated-mysql-sync (\(emulator.jobId))")
    }

    @Test func everyFaultKindIsSurvived() async throws {
        let faults = [
            FaultSpec(kind: .throttle, rate: 0.15, delay: 0.01), FaultSpec(kind: .serverError, rate: 0.1),
            FaultSpec(kind: .truncate, rate: 0.05), FaultSpec(kind: .drop, nth: 3),
            FaultSpec(kind: .slow, rate: 0.05, delay: 0.2),
            // And each kind at least once, whatever the random draws.
            FaultSpec(kind: .throttle, nth: 2, delay: 0.01), FaultSpec(kind: .serverError, nth: 5),
            FaultSpec(kind: .truncate, nth: 7),
            FaultSpec(kind: .slow, nth: 9, delay: 0.2),
        ]
        let emulator = try await start(faults: faults)
        let folder = try temporaryFolder("fetch")
        defer { try? FileManager.default.removeItem(at: folder) }
        try emulator.dataset.exportArchive(to: folder.appendingPathComponent("direct").path)
        let retries = RetryLog()
        let summary = try await fetch(emulator, into: folder, retries: 12) { event in
            if case .retry(let reason, _, _) = event.kind { retries.add(reason) }
        }
        await emulator.stop()
        let reasons = retries.all
        #expect(reasons.contains { $0.contains("429") })
        #expect(reasons.contains { $0.contains("500") })
        #expect(
            reasons.contains {
                $0.contains("closed") || $0.contains("cut short") || $0.contains("network")
                    || $0.contains("not complete")
            })
        #expect(
            try Self.semantic(ingest([summary.archive.path]))
                == Self.semantic(ingest([folder.appendingPathComponent("direct").path])))
    }

    @Test func whenRetriesRunOutTheFailureIsClearAndNoArchiveIsLeft() async throws {
        let emulator = try await start(faults: [FaultSpec(kind: .serverError)])
        let folder = try temporaryFolder("fetch")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try await fetch(emulator, into: folder, retries: 2)
            Issue.record("expected a failure")
        } catch let error as DRSReportError {
            guard case .requestFailed(let request, let reason, let attempts) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(request.hasPrefix("GET /v5/"))
            #expect(reason.contains("HTTP 500"))
            #expect(attempts == 3)
            #expect(ExitStatus.of(error) == .remoteFailure)
        }
        await emulator.stop()
        #expect(filesUnder(folder).isEmpty, "a failed fetch left \(filesUnder(folder))")
    }

    @Test func akskIsAcceptedAndAWrongSecretIsRefusedWithoutRetrying() async throws {
        let emulator = try await start()
        let folder = try temporaryFolder("fetch")
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = try await fetch(
            emulator, into: folder, auth: .aksk(AKSKCredentials(accessKey: Self.ak, secretKey: Self.sk)))
        #expect(summary.responses > 10)
        let before = emulator.requestCount
        do {
            _ = try await fetch(
                emulator, into: folder.appendingPathComponent("second"),
                auth: .aksk(AKSKCredentials(accessKey: Self.ak, secretKey: "wrong-secret")))
            Issue.record("expected a failure")
        } catch let error as DRSReportError {
            guard case .authenticationFailed(_, let status, let code, _, let requestId) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(status == 401)
            #expect(code == "APIGW.0301")
            #expect(requestId != nil)
            #expect(!error.message.contains("wrong-secret"))
        }
        #expect(emulator.requestCount - before == 1, "a refused credential must not be retried")
        await emulator.stop()
    }

    @Test func noSecretReachesTheArchiveReportsOrLog() async throws {
        let emulator = try await start()
        let folder = try temporaryFolder("fetch")
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = RetryLog()
        let sts = "STS-Temporary-Security-Token-Value"
        let summary = try await fetch(
            emulator, into: folder,
            auth: .aksk(AKSKCredentials(accessKey: Self.ak, secretKey: Self.sk, securityToken: nil))
        ) { event in
            log.add("\(event.request) \(event.kind) \(event.requestId ?? "")")
        }
        let tokenRun = try await fetch(emulator, into: folder.appendingPathComponent("t")) { event in
            log.add("\(event.request) \(event.kind)")
        }
        await emulator.stop()
        let out = folder.appendingPathComponent("out")
        _ = try Renderer.render(
            try ingest([summary.archive.path, tokenRun.archive.path]), to: out, options: RenderOptions())
        var haystack = log.all.joined(separator: "\n")
        for file in filesUnder(folder) {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            haystack += String(decoding: data, as: UTF8.self)
            if file.hasSuffix(".xlsx") {
                haystack += try unzipText(folder.appendingPathComponent(file)).values.joined()
            }
        }
        for secret in [Self.sk, Self.token, sts] {
            #expect(!haystack.contains(secret), "a secret leaked")
        }
        #expect(haystack.contains(emulator.jobId))
    }

    @Test func runCreatesWaitsFetchesAndThePlanCoversRunningTasks() async throws {
        let emulator = try await start(taskDuration: 0.6)
        let client = client(emulator)
        var request = CompareTaskRequest()
        request.objectLevel = true
        request.dataLevel = "contents"
        request.conflictPolicy = "cancel"
        let runner = CompareTaskRunner(client: client, jobId: emulator.jobId)
        let ids = try await runner.create(request)
        #expect(ids.count == 2)
        let seen = RetryLog()
        try await runner.wait(for: ids, timeout: 30, interval: 0.1) {
            seen.add("\($0.taskId) \($0.status) \($0.percent ?? -1)")
        }
        #expect(seen.all.contains { $0.contains("SUCCESSFUL") })
        await client.transport.shutdown()
        let folder = try temporaryFolder("fetch")
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = try await fetch(emulator, into: folder, taskIds: ids)
        #expect(Set(summary.taskIds) == Set(ids))
        let result = try ingest([summary.archive.path])
        #expect(result.report.tasks.contains { $0.id == ids[1] && $0.status == "SUCCESSFUL" })
        #expect(try allRows(result.diffs).count == 2_500)

        // A task that never finishes in time is a clear error.
        let slowClient = self.client(emulator)
        let slow = CompareTaskRunner(client: slowClient, jobId: emulator.jobId)
        var again = CompareTaskRequest()
        again.dataLevel = "lines"
        again.conflictPolicy = "cancel"
        let more = try await slow.create(again)
        await #expect(throws: DRSReportError.waitTimedOut(taskIds: more, seconds: 0)) {
            try await slow.wait(for: more, timeout: 0.2, interval: 0.05) { _ in }
        }
        await slowClient.transport.shutdown()
        await emulator.stop()
    }

    @Test func killingFetchMidwayLeavesNoCompleteLookingArchive() async throws {
        let emulator = try await start(faults: [FaultSpec(kind: .slow, delay: 0.3)])
        let folder = try temporaryFolder("fetch")
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = [
            "fetch", "--endpoint", emulator.baseURL, "--project-id", emulator.projectId, "--job-id", emulator.jobId,
            "--out", folder.appendingPathComponent("archive").path, "--page-size", "100", "--quiet",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["DRS_AUTH_TOKEN"] = Self.token
        process.environment = environment
        try process.run()
        // Wait until it is well into the fetch, then kill it.
        let deadline = Date().addingTimeInterval(20)
        while emulator.requestCount < 4, Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        await emulator.stop()
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("archive").path))
        #expect(
            !filesUnder(folder).contains { $0.hasSuffix("manifest.json") }, "a killed fetch must not leave a manifest")
        #expect(throws: DRSReportError.self) { _ = try ingest([folder.path]) }
    }

    @Test func theCLIFetchesAndRendersWithTheTokenFromTheEnvironment() async throws {
        let emulator = try await start()
        let folder = try temporaryFolder("fetch")
        defer { try? FileManager.default.removeItem(at: folder) }
        let archive = folder.appendingPathComponent("archive").path
        let out = folder.appendingPathComponent("out").path
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = [
            "fetch", "--endpoint", emulator.baseURL, "--project-id", emulator.projectId, "--job-id", emulator.jobId,
            "--out", archive, "--render", out, "--download-report",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["DRS_AUTH_TOKEN"] = Self.token
        process.environment = environment
        let stderr = Pipe()
        let stdout = Pipe()
        process.standardError = stderr
        process.standardOutput = stdout
        try process.run()
        let errText = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let outText = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        await emulator.stop()
        #expect(process.terminationStatus == 0, "\(errText)")
        #expect(outText.contains("Fetched"))
        #expect(FileManager.default.fileExists(atPath: out + "/report.html"))
        #expect(!(errText + outText).contains(Self.token))
        let manifest = try JSONDecoder().decode(
            ArchiveManifest.self, from: Data(contentsOf: URL(fileURLWithPath: archive + "/manifest.json")))
        #expect(manifest.reportFiles?.isEmpty == false, "the exported result file was saved while valid")
        #expect(try Verifier.verify(URL(fileURLWithPath: out)).isClean)
    }
}

/// Collects strings from concurrent callbacks.
final class RetryLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []

    func add(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}
