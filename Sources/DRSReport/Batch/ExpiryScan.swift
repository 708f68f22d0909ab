import DRSCompare
import DRSCore
import DRSIngest
import DRSOutput
import Foundation

/// One DRS result file and when it expires, for `drs-report expiry`.
public struct ExpiryEntry: Sendable, Codable, Equatable {
    /// Job id, when known.
    public var jobId: String?
    /// Compare task id.
    public var taskId: String
    /// Kind of comparison.
    public var kind: CompareKind
    /// Export state of the file.
    public var exportStatus: String?
    /// When the response that reported it was received.
    public var receivedAt: Date?
    /// How `receivedAt` is known.
    public var receivedAtBasis: TimeBasis?
    /// Seconds left at `receivedAt` (-1: not generated).
    public var reportRemainSeconds: Int64
    /// `receivedAt + reportRemainSeconds`.
    public var expiresAt: Date?
    /// Seconds left at the clock.
    public var secondsLeft: Int64?
    /// State at the clock.
    public var state: ExpiryState
}

/// The expiry of every DRS result file in the inputs.
public struct ExpiryScan: Sendable {
    /// The files, most urgent first.
    public var entries: [ExpiryEntry]
    /// The clock the states were judged against.
    public var now: Date
    /// The "expiring soon" window in seconds.
    public var window: Int64

    /// Tasks that report `report_remain_seconds`, ordered expired, expiring soon, valid, not generated.
    public init(_ report: Report, now: Date, window: Int64) {
        self.now = now
        self.window = window
        let rank: [ExpiryState: Int] = [.expired: 0, .expiringSoon: 1, .valid: 2, .notGenerated: 3, .unknown: 4]
        entries = report.tasks.compactMap { task -> ExpiryEntry? in
            guard let remain = task.reportRemainSeconds else { return nil }
            return ExpiryEntry(
                jobId: task.jobId, taskId: task.id, kind: task.kind, exportStatus: task.exportStatus,
                receivedAt: task.expiry.receivedAt, receivedAtBasis: task.expiry.receivedAtBasis,
                reportRemainSeconds: remain,
                expiresAt: task.expiry.expiresAt, secondsLeft: task.expiry.secondsLeft, state: task.expiry.state)
        }
        .enumerated()
        .sorted { a, b in
            let x = rank[a.element.state] ?? 9
            let y = rank[b.element.state] ?? 9
            if x != y { return x < y }
            if let p = a.element.expiresAt, let q = b.element.expiresAt, p != q { return p < q }
            return a.offset < b.offset
        }
        .map(\.element)
    }

    /// The exit status that tells cron or CI what to do: expired wins over expiring soon.
    public var exitStatus: ExitStatus {
        if entries.contains(where: { $0.state == .expired }) { return .expired }
        if entries.contains(where: { $0.state == .expiringSoon }) { return .expiringSoon }
        return .success
    }

    /// A plain-text table for people.
    public func text(timeZone: TimeZone) -> String {
        let f = Formatting(timeZone: timeZone)
        var lines = ["TASK\tKIND\tEXPORT_STATUS\tRECEIVED_AT\tREPORT_REMAIN_SECONDS\tEXPIRES_AT\tLEFT"]
        for entry in entries {
            let left: String
            switch entry.state {
            case .notGenerated: left = "not generated"
            case .expired: left = "expired"
            case .unknown: left = "unknown (no response time)"
            case .expiringSoon: left = Formatting.duration(entry.secondsLeft) + " (expiring soon)"
            case .valid: left = Formatting.duration(entry.secondsLeft)
            }
            let basis = entry.receivedAtBasis.map { " (\($0.rawValue))" } ?? ""
            lines.append(
                [
                    entry.taskId, entry.kind.rawValue, entry.exportStatus ?? "", f.time(entry.receivedAt) + basis,
                    String(entry.reportRemainSeconds), f.time(entry.expiresAt), left,
                ].joined(separator: "\t"))
        }
        if entries.isEmpty { lines.append("(no comparison task in the inputs reports a DRS result file)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same data for scripts: sorted keys, ISO-8601 UTC times.
    public func json() throws -> String {
        let encoder = JSONReportWriter.rowEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        struct Document: Encodable {
            var now: Date
            var windowSeconds: Int64
            var files: [ExpiryEntry]
            var exitCode: Int32
        }
        let data = try encoder.encode(
            Document(now: now, windowSeconds: window, files: entries, exitCode: exitStatus.rawValue))
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
