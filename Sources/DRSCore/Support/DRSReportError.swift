import Foundation

/// Every failure drs-report reports to a user. Each message names the thing at fault and says what to do.
public enum DRSReportError: Error, Equatable, Sendable, LocalizedError {
    /// An input path does not exist or cannot be read.
    case inputNotFound(path: String)
    /// A file could not be read.
    case unreadableFile(path: String, reason: String)
    /// A file is not valid JSON.
    case notJSON(file: String, line: Int, column: Int, reason: String)
    /// A JSON file has no shape drs-report knows.
    case unknownShape(file: String, topLevelKeys: [String])
    /// A JSON value has the wrong type.
    case typeMismatch(file: String, path: String, expected: String, found: String)
    /// An archive's manifest is missing or malformed.
    case badManifest(archive: String, reason: String)
    /// An archive names a file that is not there.
    case archiveFileMissing(archive: String, file: String)
    /// An archive file's bytes do not match the sha256 in its manifest.
    case checksumMismatch(archive: String, file: String, expected: String, actual: String)
    /// A folder holds no JSON files.
    case emptyInput(path: String)
    /// A command-line value is not valid.
    case invalidOption(name: String, value: String, expected: String)
    /// A template cannot be parsed or found.
    case badTemplate(name: String, reason: String)
    /// The output folder cannot be written.
    case outputNotWritable(path: String, reason: String)
    /// The output folder holds files drs-report did not write, which a render would replace.
    case outputNotOurs(path: String)
    /// The output folder is the working directory, or holds it.
    case outputIsWorkingDirectory(path: String)
    /// An input lies inside the output folder, which a render replaces.
    case inputInsideOutput(input: String, output: String)
    /// The XLSX writer failed.
    case xlsx(reason: String)
    /// A folder has no evidence.json to verify against.
    case noEvidence(folder: String)
    /// Shard outputs that cannot be merged into one index (missing, repeated or mismatched shards).
    case shards(reason: String)
    /// Credentials are missing or unusable.
    case credentials(reason: String)
    /// DRS or its API gateway refused the credentials (401/403); not retried, so an AK is never locked.
    case authenticationFailed(request: String, status: Int, code: String, message: String, requestId: String?)
    /// A request failed after every retry.
    case requestFailed(request: String, reason: String, attempts: Int)
    /// The job's own detail could not be fetched (a job id DRS does not know, no access to it).
    case jobNotFetched(jobId: String, status: Int, code: String, message: String, requestId: String?)
    /// A response that is no DRS answer (a redirect, an HTML page, a body that is not JSON).
    case unexpectedResponse(request: String, status: Int, reason: String, requestId: String?)
    /// A DRS error that stops the command (for example, creating a comparison task was refused).
    case drsError(request: String, code: String, message: String, requestId: String?)
    /// The archive folder already exists.
    case archiveExists(path: String)
    /// A comparison task did not finish in time.
    case waitTimedOut(taskIds: [String], seconds: Int)
    /// `diff`: a side's report.json is not one drs-report wrote (bad JSON, cut short).
    case notAReport(file: String, line: Int, column: Int, reason: String)
    /// `diff`: the two sides are not runs of one job and do not hold the same tables.
    case differentRuns(before: String, after: String, beforeJobs: [String], afterJobs: [String])

    /// `message`, for `LocalizedError`.
    public var errorDescription: String? { message }

    /// One sentence that quotes the value at fault and says what to do, naming options by what
    /// they mean ("the output folder").
    public var message: String { message(naming: \.meaning) }

    /// `message` with each option spelt by `name`: the CLI passes its flags (`--out`).
    public func message(naming name: (OptionName) -> String) -> String {
        OptionName.resolve(text, name)
    }

    /// The message with option placeholders (`OptionName.ref`).
    private var text: String {
        switch self {
        case .inputNotFound(let path):
            return "\(path): no such file or folder; pass a DRS response file, a folder of them, or an archive folder."
        case .unreadableFile(let path, let reason):
            return "\(path): cannot be read (\(reason)); check its permissions."
        case .notJSON(let file, let line, let column, let reason):
            return "\(file):\(line):\(column): not valid JSON: \(reason); pass the raw response body that DRS returned."
        case .unknownShape(let file, let keys):
            let shown =
                keys.isEmpty ? "no members" : "members " + keys.prefix(8).map { "\"\($0)\"" }.joined(separator: ", ")
            return
                "\(file): JSON of no known DRS response shape (it has \(shown)); expected a DRS comparison response such as {\"job\": {\"compare_result\": …}}, a v3 comparison body, compare-progress, progress-data or an error body (see docs/inputs.md)."
        case .typeMismatch(let file, let path, let expected, let found):
            return "\(file): at \(path): expected \(expected) but found \(found); fix or re-fetch this response."
        case .badManifest(let archive, let reason):
            return "\(archive)/manifest.json: \(reason); an archive must follow docs/archive-format.md."
        case .archiveFileMissing(let archive, let file):
            return "\(archive): the manifest lists \(file) but it is missing; re-fetch the archive."
        case .checksumMismatch(let archive, let file, let expected, let actual):
            return
                "\(archive)/\(file): sha256 is \(actual) but the manifest says \(expected); the archive was altered, so re-fetch it rather than trust it."
        case .emptyInput(let path):
            return "\(path): holds no .json files; pass a folder of DRS responses or an archive."
        case .invalidOption(let name, let value, let expected):
            return "\(name) \"\(value)\" is not valid; expected \(expected)."
        case .badTemplate(let name, let reason):
            return
                "template \(name): \(reason); fix the template or drop \(OptionName.templates.ref) to use the defaults."
        case .outputNotWritable(let path, let reason):
            return "\(path): cannot write output (\(reason)); choose a writable \(OptionName.output.ref) folder."
        case .xlsx(let reason):
            return "report.xlsx: \(reason)."
        case .credentials(let reason):
            return "credentials: \(reason)."
        case .authenticationFailed(let request, let status, let code, let message, let requestId):
            return
                "\(request): HTTP \(status) \(code) \(message)\(requestId.map { " (X-Request-Id \($0))" } ?? ""); check the AK/SK or token, the project id and the clock (within 15 minutes of real time). Not retried, so the AK is not locked."
        case .requestFailed(let request, let reason, let attempts):
            return
                "\(request): \(reason) after \(attempts) attempts; check the endpoint and the network, or raise \(OptionName.retries.ref)/\(OptionName.timeout.ref)."
        case .jobNotFetched(let jobId, let status, let code, let message, let requestId):
            return
                "job \(jobId): HTTP \(status), DRS error \(code) \(message)\(requestId.map { " (X-Request-Id \($0))" } ?? ""); check \(OptionName.jobId.ref) and \(OptionName.projectId.ref) (the job must exist in that project and region), then run again."
        case .unexpectedResponse(let request, let status, let reason, let requestId):
            return
                "\(request): HTTP \(status), \(reason)\(requestId.map { " (X-Request-Id \($0))" } ?? ""); this is not a DRS answer: check \(OptionName.endpoint.ref) (a proxy or portal in between?) and run again."
        case .outputNotOurs(let path):
            return
                "\(path): holds files a render does not write, and a render replaces the whole folder; pass a new or empty folder, or a previous render's folder."
        case .outputIsWorkingDirectory(let path):
            return
                "\(OptionName.output.ref) \(path) is the current folder (or holds it), and a render replaces its output folder whole; pass a subfolder such as out/report."
        case .inputInsideOutput(let input, let output):
            return
                "\(input) lies inside \(OptionName.output.ref) \(output), which a render replaces; put the output elsewhere."
        case .drsError(let request, let code, let message, let requestId):
            return
                "\(request): DRS error \(code) \(message)\(requestId.map { " (X-Request-Id \($0))" } ?? ""); fix the request or the job's state and run again."
        case .archiveExists(let path):
            return
                "\(path): already exists; choose a new \(OptionName.output.ref) folder (an archive is never overwritten)."
        case .notAReport(let file, let line, let column, let reason):
            return
                "\(file):\(line):\(column): not a report.json as drs-report writes it: \(reason); render that side again, or pass its inputs instead."
        case .differentRuns(let before, let after, let beforeJobs, let afterJobs):
            func jobs(_ ids: [String]) -> String { ids.isEmpty ? "no job id" : "job " + ids.joined(separator: ", ") }
            return
                "\(before) (\(jobs(beforeJobs))) and \(after) (\(jobs(afterJobs))) are not runs of the same job and do not hold the same tables; compare two runs of one job, or pass \(OptionName.allowDifferentJobs.ref) to compare them anyway."
        case .waitTimedOut(let taskIds, let seconds):
            return
                "comparison tasks \(taskIds.joined(separator: ", ")) did not finish within \(seconds) s; raise \(OptionName.waitTimeout.ref), or fetch later with \(OptionName.compareTaskId.ref)."
        case .noEvidence(let folder):
            return "\(folder): has no evidence.json; pass a folder written by render or batch."
        case .shards(let reason):
            return reason
        }
    }
}
