import ArgumentParser
import DRSReport
import Foundation

/// Where DRS is and who we are. Secrets never come from flags.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "API endpoint URL (e.g. http://127.0.0.1:8080 for drs-emulator).")
    var endpoint: String?

    @Option(name: .long, help: "Huawei Cloud region, e.g. cn-north-4 (https://drs.<region>.myhuaweicloud.com).")
    var region: String?

    @Option(name: .customLong("project-id"), help: "Project id.")
    var projectId: String

    @Option(name: .customLong("job-id"), help: "DRS job id.")
    var jobId: String

    @Option(
        name: .customLong("token-file"),
        help: "File holding an IAM token (else HUAWEICLOUD_SDK_AK/SK, else DRS_AUTH_TOKEN).")
    var tokenFile: String?

    @Option(name: .long, help: "Language of DRS messages.")
    var lang: LanguageOption = .enUS

    @Option(name: .long, help: "Retries of a failed request (429, 5xx, network).")
    var retries: Int = 5

    @Option(name: .long, help: "Timeout of one request, seconds.")
    var timeout: Double = 60

    func validate() throws {
        if (endpoint == nil) == (region == nil) {
            throw ValidationError("Pass exactly one of --endpoint and --region.")
        }
        if !(0...100).contains(retries) { throw ValidationError("--retries must be between 0 and 100.") }
        if !(timeout.isFinite && timeout > 0 && timeout <= 86_400) {
            throw ValidationError("--timeout must be a number of seconds above 0 and at most 86400.")
        }
    }

    func client(log: Log) throws -> DRSClient {
        let auth = try DRSAuth.load(tokenFile: tokenFile)
        let base = try endpoint ?? DRSRegions.endpoint(for: region ?? "")
        var policy = RetryPolicy()
        policy.retries = retries
        policy.timeout = timeout
        if let scale = ProcessInfo.processInfo.environment["DRS_REPORT_BACKOFF_SECONDS"].flatMap(Double.init) {
            policy.baseDelay = scale
        }
        return DRSClient(
            endpoint: base, projectId: projectId, auth: auth, language: lang.rawValue,
            policy: policy,
            transport: AsyncHTTPTransport(), events: { log.event($0) })
    }
}

/// Progress on a terminal, plain lines otherwise; always on standard error, never with a secret.
final class Log: @unchecked Sendable {
    private let lock = NSLock()
    private let tty = isatty(STDERR_FILENO) != 0
    private let quiet: Bool
    private var barShown = false

    init(quiet: Bool) {
        self.quiet = quiet
    }

    private func line(_ text: String) {
        if barShown {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            barShown = false
        }
        // Server text (a DRS error message) may carry terminal escapes; the redactor shows them instead.
        FileHandle.standardError.write(Data((Redact.message(text) + "\n").utf8))
    }

    func event(_ event: ClientEvent) {
        lock.withLock {
            switch event.kind {
            case .retry(let reason, let delay, let attempt):
                line(String(format: "retry %d after %.1fs: %@ (%@)", attempt, delay, event.request, reason))
            case .drsError(let code, let message):
                line(
                    "DRS error \(code) \(message) for \(event.request)"
                        + (event.requestId.map { " (X-Request-Id \($0))" } ?? ""))
            case .response(let status):
                if !tty && !quiet { line("\(status) \(event.request)") }
            }
        }
    }

    func progress(_ progress: FetchProgress) {
        lock.withLock {
            guard tty, !quiet else { return }
            let width = 30
            let filled = progress.planned == 0 ? 0 : min(width, width * progress.done / progress.planned)
            FileHandle.standardError.write(
                Data(
                    "\r[\(String(repeating: "#", count: filled))\(String(repeating: "-", count: width - filled))] \(progress.done)/\(progress.planned) responses\u{1B}[K"
                        .utf8))
            barShown = true
        }
    }

    func info(_ text: String) {
        lock.withLock { if !quiet { line(text) } }
    }

    func done() {
        lock.withLock {
            if barShown { FileHandle.standardError.write(Data("\n".utf8)) }
            barShown = false
        }
    }
}

struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch every comparison result of a DRS job into an archive that render reads.",
        discussion:
            "Credentials come from HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK (+ HUAWEICLOUD_SDK_SECURITY_TOKEN), DRS_AUTH_TOKEN or --token-file, never from flags. Exit 9: credentials refused; 10: DRS unreachable after retries."
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: "Archive folder to create (must not exist).")
    var out: String

    @Option(
        name: .customLong("compare-task-id"),
        help: "Fetch this comparison task (repeatable); default: the newest of each kind.")
    var compareTaskIds: [String] = []

    @Option(name: .customLong("page-size"), help: "Rows per page, at most 1000.")
    var pageSize: Int = 1_000

    @Option(name: .long, help: "Requests in flight at once.")
    var concurrency: Int = 4

    @Flag(
        name: .customLong("download-report"),
        help: "Also save DRS's exported result files into report-files/ while they are valid.")
    var downloadReport = false

    @Option(name: .long, help: "Render the archive into this folder afterwards.")
    var render: String?

    @Flag(name: .shortAndLong, help: "Print only errors.")
    var quiet = false

    func validate() throws {
        if !(1...1_000).contains(pageSize) { throw ValidationError("--page-size must be between 1 and 1000.") }
        if out.trimmingCharacters(in: .whitespaces).isEmpty
            || render.map({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) == true
        {
            throw ValidationError("--out and --render must name folders.")
        }
        if !(1...64).contains(concurrency) { throw ValidationError("--concurrency must be between 1 and 64.") }
    }

    func run() async throws {
        let log = Log(quiet: quiet)
        let client = try connection.client(log: log)
        do {
            try await fetchAndRender(client: client, taskIds: compareTaskIds, log: log)
        } catch {
            await client.transport.shutdown()
            throw error
        }
        await client.transport.shutdown()
    }

    func fetchAndRender(client: DRSClient, taskIds: [String], log: Log) async throws {
        try await FetchAndRender(
            jobId: connection.jobId, lang: connection.lang, out: out, render: render, pageSize: pageSize,
            concurrency: concurrency,
            downloadReport: downloadReport, quiet: quiet
        ).run(client: client, taskIds: taskIds, log: log)
    }
}

/// Fetch into an archive, then optionally render it: shared by fetch and run.
struct FetchAndRender {
    var jobId: String
    var lang: LanguageOption
    var out: String
    var render: String?
    var pageSize = 1_000
    var concurrency = 4
    var downloadReport = false
    var quiet = false

    func run(client: DRSClient, taskIds: [String], log: Log) async throws {
        var options = FetchOptions(jobId: jobId)
        options.compareTaskIds = taskIds
        options.pageSize = pageSize
        options.concurrency = concurrency
        options.downloadReports = downloadReport
        let fetcher = Fetcher(client: client, options: options) { log.progress($0) }
        let summary: FetchSummary
        do {
            summary = try await fetcher.fetch(into: URL(fileURLWithPath: out))
        } catch {
            log.done()
            throw error
        }
        log.done()
        if !quiet {
            Output.line(
                "Fetched \(summary.responses) responses (\(summary.drsErrors) DRS errors) for tasks \(summary.taskIds.joined(separator: ", ")) into \(out)"
            )
            for file in summary.reportFiles { Output.line("  saved DRS result file \(out)/\(file)") }
        }
        if let render {
            var ingest = IngestOptions(now: try OptionParsing.now(nil))
            ingest.language = lang.language
            var renderOptions = RenderOptions()
            renderOptions.recordedOptions = ["lang": ingest.language.rawValue]
            let files = try InputDiscovery.discover([out], observedAt: ingest.observedAt)
            let (result, written) = try Renderer.render(
                files: files, ingest: ingest, to: URL(fileURLWithPath: render), options: renderOptions)
            if !quiet {
                Output.line(
                    "Verdict: \(result.report.verdict.value.rawValue); wrote \(written.files.count) files to \(render) (\(render)/report.html)"
                )
            }
        }
    }
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Create a DRS comparison task, wait for it, then fetch and render its results.",
        discussion: "Exit 10 when the task does not finish within --wait-timeout (nothing is written)."
    )

    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .long, help: "Create an object-level comparison.")
    var object = false

    @Option(name: .long, help: "Create a data-level comparison.")
    var compare: CompareOption?

    @Option(name: .long, help: "Database to compare, optionally with tables: DB or DB:table1,table2 (repeatable).")
    var db: [String] = []

    @Option(
        name: .customLong("conflict-policy"), help: "An unfinished data-level task: keep it (and fail) or cancel it.")
    var conflictPolicy: ConflictPolicyOption = .keep

    @Option(name: .customLong("wait-timeout"), help: "Seconds to wait for the comparison.")
    var waitTimeout: Double = 3_600

    @Option(name: .customLong("poll-interval"), help: "Seconds between progress checks.")
    var pollInterval: Double = 10

    @Option(name: .long, help: "Archive folder to create (must not exist).")
    var out: String

    @Option(name: .long, help: "Render into this folder afterwards.")
    var render: String?

    @Flag(name: .customLong("download-report"), help: "Also save DRS's exported result files while they are valid.")
    var downloadReport = false

    @Flag(name: .shortAndLong, help: "Print only errors.")
    var quiet = false

    func validate() throws {
        if !object && compare == nil { throw ValidationError("Pass --object and/or --compare lines|contents.") }
        if !(waitTimeout.isFinite && waitTimeout > 0 && waitTimeout <= 604_800) {
            throw ValidationError("--wait-timeout must be a number of seconds above 0 and at most 604800 (a week).")
        }
        if !(pollInterval.isFinite && pollInterval >= 0.1 && pollInterval <= 3_600) {
            throw ValidationError("--poll-interval must be a number of seconds from 0.1 to 3600.")
        }
        for name in db
        where name.isEmpty || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw ValidationError("--db must name a database: not empty, no control characters.")
        }
    }

    func run() async throws {
        let log = Log(quiet: quiet)
        let client = try connection.client(log: log)
        var request = CompareTaskRequest()
        request.objectLevel = object
        request.dataLevel = compare?.rawValue
        request.conflictPolicy = conflictPolicy.rawValue
        request.objects = db.map { spec in
            let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1].split(separator: ",").map(String.init) : [])
        }
        let runner = CompareTaskRunner(client: client, jobId: connection.jobId)
        do {
            let ids = try await runner.create(request)
            log.info("created comparison tasks \(ids.joined(separator: ", ")); waiting (up to \(Int(waitTimeout)) s)")
            try await runner.wait(for: ids, timeout: waitTimeout, interval: pollInterval) { progress in
                log.info(
                    "  \(progress.taskId): \(progress.status)"
                        + (progress.percent.map { String(format: " %.0f%%", $0) } ?? ""))
            }
            try await FetchAndRender(
                jobId: connection.jobId, lang: connection.lang, out: out, render: render,
                downloadReport: downloadReport, quiet: quiet
            ).run(client: client, taskIds: ids, log: log)
        } catch {
            await client.transport.shutdown()
            throw error
        }
        await client.transport.shutdown()
    }
}
