import ArgumentParser
import DRSReport
import Foundation

struct FormatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "formats", abstract: "List the output formats.")

    func run() throws {
        for format in OutputFormat.allCases {
            Output.line("\(format.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(format.summary)")
        }
    }
}

struct ExpiryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expiry",
        abstract: "Show when DRS's own comparison result files expire.",
        discussion:
            "Exit codes: 0 nothing expires within the window, 5 something expires within the window, 6 something has expired (wins over 5), 2 bad input."
    )

    @Argument(help: "Response files, folders of them, or archive folders (as for render).")
    var inputs: [String]

    @Option(name: .long, help: "Window for \"expiring soon\" (e.g. 24h, 3d).")
    var within: String = "24h"

    @Option(
        name: .long, help: "Clock to judge against (ISO-8601 or epoch seconds); default SOURCE_DATE_EPOCH, else now.")
    var now: String?

    @Option(name: .customLong("observed-at"), help: "Response time of loose files (default: their modification time).")
    var observedAt: String?

    @Option(name: .long, help: "Time zone for displayed times.")
    var timezone: String = "UTC"

    @Flag(name: .long, help: "Print JSON for scripts.")
    var json = false

    func run() throws {
        var ingest = IngestOptions(now: try OptionParsing.now(now))
        ingest.observedAt = try observedAt.map { value throws(DRSReportError) in
            try OptionParsing.time(value, option: "--observed-at")
        }
        ingest.expiryWindowSeconds = try OptionParsing.duration(within, option: "--within")
        ingest.previewRows = 0
        let result = try Ingestor.ingest(inputs, options: ingest)
        let scan = ExpiryScan(result.report, now: ingest.now, window: ingest.expiryWindowSeconds)
        Output.raw(json ? try scan.json() : scan.text(timeZone: try OptionParsing.timeZone(timezone)))
        if scan.exitStatus != .success { throw ExitCode(scan.exitStatus.rawValue) }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash a rendered folder (or a whole batch) against its evidence.json.",
        discussion: "Exit codes: 0 every file matches, 7 a file changed, is missing or is extra, 2 no evidence.json."
    )

    @Argument(help: "A folder written by render or batch.")
    var folder: String

    @Option(
        name: .long, parsing: .upToNextOption,
        help: "Also re-hash these inputs (as given to render) against the digests evidence.json recorded.")
    var inputs: [String] = []

    @Option(
        name: .customLong("public-key"), help: "Ed25519 public key file (drs-report keygen): check evidence.sig too.")
    var publicKey: String?

    func run() throws {
        let url = URL(fileURLWithPath: folder)
        let result = inputs.isEmpty ? try Verifier.verify(url) : try Verifier.verify(url, inputs: inputs)
        for file in result.outside { Output.line("refused  \(file) (outside the folder)") }
        for file in result.changed { Output.line("changed  \(file)") }
        for file in result.missing { Output.line("missing  \(file)") }
        for file in result.extra { Output.line("extra    \(file)") }
        for file in result.inputsChanged { Output.line("input changed  \(file)") }
        for file in result.inputsMissing { Output.line("input missing  \(file)") }
        for file in result.inputsExtra { Output.line("input extra    \(file)") }
        var signatureValid = true
        if publicKey == nil,
            FileManager.default.fileExists(atPath: url.appendingPathComponent(EvidenceSignature.fileName).path)
        {
            Output.line("note: evidence.sig is present but not checked; pass --public-key to check it")
        }
        if let publicKey {
            let key = try EvidenceSignature.publicKey(file: publicKey)
            signatureValid = try EvidenceSignature.check(url, key: key)
            Output.line(
                signatureValid
                    ? "signature valid: evidence.json is signed by key \(EvidenceSignature.fingerprint(key))"
                    : "signature INVALID: evidence.sig is missing, or does not sign this evidence.json with key \(EvidenceSignature.fingerprint(key))"
            )
        }
        let inputsNote =
            inputs.isEmpty
            ? ""
            : "; inputs: \(result.inputsChanged.count) changed, \(result.inputsMissing.count) missing, \(result.inputsExtra.count) extra, \(result.inputsMatched) match"
        if result.isClean && signatureValid {
            Output.line("OK: \(result.matched) files match evidence.json\(inputsNote)")
        } else {
            Output.line(
                "FAILED: \(result.changed.count) changed, \(result.missing.count) missing, \(result.extra.count) extra, \(result.outside.count) outside; \(result.matched) match\(inputsNote)"
            )
            throw ExitCode(ExitStatus.verifyMismatch.rawValue)
        }
    }
}

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make an Ed25519 key pair for signing evidence.json (render --sign-key, verify --public-key).",
        discussion:
            "The private key file is created with mode 0600 and never overwritten. Keep it off the machines whose reports it signs if the signature must stand against their operators."
    )

    @Option(name: .customLong("private"), help: "Private key file to create.")
    var privateFile: String

    @Option(name: .customLong("public"), help: "Public key file to create.")
    var publicFile: String

    func run() throws {
        for path in [privateFile, publicFile] where FileManager.default.fileExists(atPath: path) {
            throw DRSReportError.outputNotWritable(path: path, reason: "it exists; keygen never overwrites a key")
        }
        let pair = EvidenceSignature.generate()
        guard
            FileManager.default.createFile(
                atPath: privateFile, contents: Data(pair.privateKey.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw DRSReportError.outputNotWritable(path: privateFile, reason: "cannot create the file")
        }
        guard
            FileManager.default.createFile(
                atPath: publicFile, contents: Data(pair.publicKey.utf8), attributes: [.posixPermissions: 0o644])
        else {
            throw DRSReportError.outputNotWritable(path: publicFile, reason: "cannot create the file")
        }
        let key = try EvidenceSignature.publicKey(file: publicFile)
        Output.line(
            "Wrote \(privateFile) (private, mode 0600) and \(publicFile) (public); key \(EvidenceSignature.fingerprint(key))"
        )
    }
}
