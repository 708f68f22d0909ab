/// Process exit codes, documented in docs/exit-codes.md. Scripts rely on these numbers.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Reports written (and no `--fail-on-…` condition met).
    case success = 0
    /// Output could not be written, or an internal failure.
    case outputFailure = 1
    /// Bad input or bad usage: nothing was written.
    case badInput = 2
    /// `--fail-on-inconsistent` and the verdict is INCONSISTENT (reports are written).
    case inconsistent = 3
    /// `--fail-on-incomplete` and the verdict is INCOMPLETE (reports are written).
    case incomplete = 4
    /// `expiry`: a DRS result file expires within the window.
    case expiringSoon = 5
    /// `expiry`: a DRS result file has expired.
    case expired = 6
    /// `verify`: a file changed, is missing, or is extra.
    case verifyMismatch = 7
    /// `batch`: at least one input failed (the others are written).
    case batchFailures = 8
    /// `fetch`/`run`: credentials missing or refused (401/403).
    case authentication = 9
    /// `fetch`/`run`: DRS could not be reached or kept failing after retries, or a task did not finish in time.
    case remoteFailure = 10
    /// `diff --fail-on-regression`: something got worse between the two runs (reports are written).
    case regressed = 11

    /// The exit status for a failure.
    public static func of(_ error: DRSReportError) -> ExitStatus {
        switch error {
        case .outputNotWritable, .xlsx, .archiveExists: return .outputFailure
        case .authenticationFailed, .credentials: return .authentication
        case .requestFailed, .drsError, .waitTimedOut, .unexpectedResponse, .jobNotFetched: return .remoteFailure
        default: return .badInput
        }
    }
}
