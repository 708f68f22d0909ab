import ArgumentParser
import DRSEmulator
import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `drs-emulator`: a DRS-compatible HTTP server for tests and demos.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drs-emulator",
        abstract: "Serve a DRS-compatible API from an archive or a generated job (for tests and demos).",
        discussion: """
            Prints "listening on http://HOST:PORT" once ready and runs until SIGINT or SIGTERM.
            Faults: --fault KIND[:rate=R][:nth=N][:delay=S] with KIND 429, 500, slow, truncate or drop
            (repeatable; without rate or nth a fault fires on every request).
            Credentials may also come from DRS_EMULATOR_TOKEN, DRS_EMULATOR_AK and DRS_EMULATOR_SK.
            """)

    @Option(name: .long, help: ArgumentHelp("Replay this archive (format v1).", valueName: "dir"))
    var archive: String?

    @Flag(name: .long, help: "Serve a generated MySQL→MySQL job (see --seed, --databases, --tables, --diffs).")
    var generate = false

    @Option(name: .long, help: "Seed of the generated job, the fault RNG and new task ids.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Databases of the generated job.")
    var databases: Int = 3

    @Option(name: .long, help: "Tables of the generated job.")
    var tables: Int = 12

    @Option(name: .long, help: "Inconsistent rows of the generated job.")
    var diffs: Int = 60

    @Option(name: .long, help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to bind (0 picks a free one).")
    var port: Int = 0

    @Option(name: .long, help: ArgumentHelp("Accept this X-Auth-Token.", valueName: "token"))
    var token: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Accept SDK-HMAC-SHA256 signatures of this access key (with --sk).", valueName: "ak"))
    var ak: String?

    @Option(name: .long, help: ArgumentHelp("Secret key of --ak.", valueName: "sk"))
    var sk: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Inject a fault: KIND[:rate=R][:nth=N][:delay=S] (repeatable).", valueName: "spec"))
    var fault: [FaultOption] = []

    @Option(name: .long, help: ArgumentHelp("Seconds a created comparison task stays RUNNING.", valueName: "seconds"))
    var taskDuration: Double = 3

    @Option(
        name: .long,
        help: ArgumentHelp("Write the dataset as an archive v1 into this folder and exit.", valueName: "dir"))
    var export: String?

    func validate() throws {
        if (archive == nil) == !generate {
            throw ValidationError("pass exactly one of --archive DIR or --generate")
        }
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0…65535") }
        if taskDuration < 0 || !taskDuration.isFinite { throw ValidationError("--task-duration must be seconds ≥ 0") }
        if databases < 1 || tables < 1 || diffs < 0 {
            throw ValidationError("--databases and --tables must be ≥ 1, --diffs ≥ 0")
        }
        for option in fault {
            if case .failure(let error) = option.parsed { throw ValidationError(error.message) }
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let accessKey = ak ?? environment["DRS_EMULATOR_AK"].flatMap { $0.isEmpty ? nil : $0 }
        let secretKey = sk ?? environment["DRS_EMULATOR_SK"].flatMap { $0.isEmpty ? nil : $0 }
        if (accessKey == nil) != (secretKey == nil) {
            throw ValidationError("--ak and --sk (or DRS_EMULATOR_AK and DRS_EMULATOR_SK) go together")
        }
        let authToken = token ?? environment["DRS_EMULATOR_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let faults = try fault.map { try $0.spec() }
        let dataset: EmulatorDataset =
            archive.map { .archive(path: $0) }
            ?? .generated(GeneratedShape(databases: databases, tables: tables, diffs: diffs))
        let config = EmulatorConfiguration(
            dataset: dataset, auth: EmulatorAuth(token: authToken, accessKey: accessKey, secretKey: secretKey),
            faults: faults,
            taskDuration: taskDuration, host: host, port: port, seed: seed)

        let loaded = try LoadedDataset.load(dataset, seed: seed)
        if let export {
            try loaded.exportArchive(to: export)
            FileHandle.standardOutput.write(
                Data("exported \(loaded.responseCount) responses of job \(loaded.jobId) to \(export)\n".utf8))
            return
        }
        let emulator = try await RunningEmulator.start(config, dataset: loaded)
        // FileHandle writes go straight to the descriptor: nothing waits in a buffer.
        FileHandle.standardOutput.write(Data("listening on \(emulator.baseURL)\n".utf8))
        FileHandle.standardError.write(
            Data(
                "drs-emulator: project \(emulator.projectId), job \(emulator.jobId), \(loaded.responseCount) responses; Ctrl-C stops\n"
                    .utf8))
        let signal = await waitForTerminationSignal()
        FileHandle.standardError.write(Data("drs-emulator: signal \(signal), stopping\n".utf8))
        await emulator.stop()
    }
}

/// Signal sources must outlive the wait.
nonisolated(unsafe) private var signalSources: [any DispatchSourceSignal] = []

/// Suspends until SIGINT or SIGTERM arrives.
private func waitForTerminationSignal() async -> Int32 {
    await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
        let queue = DispatchQueue(label: "drs-emulator.signals")
        let resumed = ResumeOnce()
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if resumed.claim() { continuation.resume(returning: number) }
            }
            source.resume()
            signalSources.append(source)
        }
    }
}

/// A flag that can be claimed once, from any thread.
private final class ResumeOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false

    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if done { return false }
        done = true
        return true
    }
}

/// Parses and runs the command off the main actor (top-level code is main-actor isolated, and there the
/// synchronous `run()` would be chosen).
nonisolated func runEmulatorCommand() async {
    do {
        let command = try EmulatorCommand.parse()
        try await command.run()
    } catch {
        EmulatorCommand.exit(withError: error)
    }
}

await runEmulatorCommand()
