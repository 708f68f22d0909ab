import DRSReport
import Foundation

/// Parsing of command-line values shared by every command. The CLI's own: the library takes typed
/// values (dates, seconds, time zones) and never reads flags.
enum OptionParsing {
    /// `2026-11-21T10:00:00Z`, `2026-11-21T18:00:00+08:00`, `2026-11-21 10:00:00` (UTC), or epoch seconds (`@1763719200` or `1763719200`).
    static func time(_ text: String, option: String) throws(DRSReportError) -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.hasPrefix("@") ? String(trimmed.dropFirst()) : trimmed
        if let seconds = Int64(digits) {
            guard abs(seconds) <= maxEpochSeconds else {
                throw .invalidOption(name: option, value: text, expected: "a time between the years 1 and 9999")
            }
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        if let date = TimeParsing.parse(trimmed) { return date }
        throw .invalidOption(
            name: option, value: text, expected: "an ISO-8601 time such as 2026-11-21T10:00:00Z, or epoch seconds")
    }

    /// The report clock: `--now`, else `SOURCE_DATE_EPOCH`, else the system clock.
    static func now(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(DRSReportError) -> Date
    {
        if let option { return try time(option, option: "--now") }
        if let epoch = environment["SOURCE_DATE_EPOCH"], !epoch.isEmpty {
            guard let seconds = Int64(epoch), abs(seconds) <= maxEpochSeconds else {
                throw .invalidOption(name: "SOURCE_DATE_EPOCH", value: epoch, expected: "whole seconds since 1970")
            }
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        return Date()
    }

    /// `24h`, `90m`, `2d`, `45s`, `1w` or plain seconds.
    static func duration(_ text: String, option: String) throws(DRSReportError) -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Int64)] = [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            if let value = Int64(trimmed.dropLast(suffix.count)), value >= 0 {
                let (seconds, overflow) = value.multipliedReportingOverflow(by: scale)
                if !overflow && seconds <= maxDurationSeconds { return seconds }
                throw .invalidOption(
                    name: option, value: text, expected: "a duration of at most 100 years (3153600000 seconds)")
            }
        }
        if let value = Int64(trimmed), value >= 0 {
            if value <= maxDurationSeconds { return value }
            throw .invalidOption(
                name: option, value: text, expected: "a duration of at most 100 years (3153600000 seconds)")
        }
        throw .invalidOption(
            name: option, value: text, expected: "a duration such as 24h, 90m, 2d or a number of seconds")
    }

    /// `UTC`, an IANA name such as `Asia/Shanghai`, or an offset such as `+08:00`.
    /// 9999-12-31T23:59:59Z, the last second every output (and Excel) can show.
    static let maxEpochSeconds: Int64 = 253_402_300_799
    /// A hundred years: longer than any DRS result file is kept.
    static let maxDurationSeconds: Int64 = 3_153_600_000

    static func timeZone(_ text: String) throws(DRSReportError) -> TimeZone {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.uppercased() == "UTC" || trimmed.uppercased() == "Z" { return TimeZone(identifier: "UTC") ?? .gmt }
        if let first = trimmed.first, first == "+" || first == "-" {
            let parts = trimmed.dropFirst().split(separator: ":")
            if let hours = Int(parts.first ?? ""), hours <= 14, parts.count <= 2 {
                let minutes = parts.count == 2 ? Int(parts[1]) ?? -1 : 0
                if (0..<60).contains(minutes),
                    let zone = TimeZone(secondsFromGMT: (hours * 3600 + minutes * 60) * (first == "-" ? -1 : 1))
                {
                    return zone
                }
            }
        } else if let zone = TimeZone(identifier: trimmed) {
            return zone
        }
        throw .invalidOption(
            name: "--timezone", value: text,
            expected: "UTC, an IANA zone such as Asia/Shanghai, or an offset such as +08:00")
    }

    /// ISO-8601 UTC, as every machine-readable output writes times.
    static func iso(_ date: Date) -> String {
        TimeParsing.iso(date)
    }
}
