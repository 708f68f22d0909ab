import ArgumentParser
import DRSReport
import Foundation

@main
struct Main {
    static func main() async {
        Interrupts.install()
        do {
            var command = try DRSReportCommand.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as DRSReportError {
            Output.error(error.message(naming: Flags.flag))
            exit(ExitStatus.of(error).rawValue)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let code = DRSReportCommand.exitCode(for: error)
            if code == .success {
                DRSReportCommand.exit(withError: error)
            }
            // Usage errors share the "bad input" code so scripts need to know only one number.
            var message = DRSReportCommand.fullMessage(for: error)
            if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
            Output.error(message)
            exit(ExitStatus.badInput.rawValue)
        }
    }
}

struct DRSReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drs-report",
        abstract: "Turn Huawei Cloud DRS comparison results into reports people can file and read.",
        discussion:
            "Exit codes: 0 success, 1 output failure, 2 bad input or usage, 3 inconsistent (--fail-on-inconsistent), 4 incomplete (--fail-on-incomplete), 5 expiring soon and 6 expired (expiry), 7 verify mismatch, 8 batch failures, 9 credentials refused and 10 DRS unreachable or too slow (fetch, run), 11 a regression (diff --fail-on-regression). See docs/exit-codes.md.",
        version: DRSReportVersion.current,
        subcommands: [
            RenderCommand.self, FetchCommand.self, RunCommand.self, BatchCommand.self, BatchIndexCommand.self,
            DiffCommand.self, ExpiryCommand.self, VerifyCommand.self, KeygenCommand.self, FormatsCommand.self,
        ],
        defaultSubcommand: nil
    )
}

/// Where the CLI prints. The library never prints.
/// Ctrl-C and SIGTERM remove the folders a run is writing (a partial archive, a render's staging
/// folder) before the process exits with 128 + the signal, as a shell expects.
enum Interrupts {
    nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []

    static func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                TemporaryFolders.shared.removeAll()
                exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }
}

/// Everything printed passes through `Redact.message`: no secret in use and no control character
/// from a server or a file (an ANSI escape in a DRS error message) reaches the terminal.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((Redact.message(text) + "\n").utf8))
    }

    static func raw(_ text: String) {
        FileHandle.standardOutput.write(Data(Redact.message(text).utf8))
    }

    static func errorLine(_ text: String) {
        FileHandle.standardError.write(Data((Redact.message(text) + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("drs-report: error: " + Redact.message(text) + "\n").utf8))
    }
}
