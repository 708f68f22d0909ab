import Foundation

/// Deterministic text for times, counts and durations, in the report's time zone.
struct Formatting: Sendable {
    let timeZone: TimeZone

    /// `2026-11-20 08:00:00 UTC` or `2026-11-20 16:00:00 +08:00`.
    func time(_ date: Date?) -> String {
        guard let date else { return "" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = timeZone.secondsFromGMT(for: date)
        let zone: String
        if offset == 0 {
            zone = "UTC"
        } else {
            let sign = offset < 0 ? "-" : "+"
            let minutes = abs(offset) / 60
            zone = String(format: "%@%02d:%02d", sign, minutes / 60, minutes % 60)
        }
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0) + zone
    }

    /// ISO-8601 UTC with seconds, for machine-readable outputs.
    static func iso(_ date: Date?) -> String {
        guard let date else { return "" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// The zone's name as the times show it: `UTC` for UTC (Foundation calls it GMT), else its identifier.
    static func zoneLabel(_ zone: TimeZone) -> String {
        let identifier = zone.identifier
        if ["GMT", "UTC", "Etc/UTC", "Etc/GMT", "UCT", "Zulu"].contains(identifier) || (zone.secondsFromGMT() == 0 && identifier.hasPrefix("GMT")) {
            return "UTC"
        }
        return identifier
    }

    static func count(_ value: Int64?) -> String {
        value.map(String.init) ?? ""
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "" }
        return value.rounded() == value ? "\(Int64(value))%" : String(format: "%.1f%%", value)
    }

    /// `3d 4h 5m`, or `-2h 10m` once past.
    static func duration(_ seconds: Int64?) -> String {
        guard let seconds else { return "" }
        let sign = seconds < 0 ? "-" : ""
        var rest = seconds.magnitude
        let days = rest / 86_400
        rest %= 86_400
        let hours = rest / 3_600
        rest %= 3_600
        let minutes = rest / 60
        if days > 0 { return "\(sign)\(days)d \(hours)h \(minutes)m" }
        if hours > 0 { return "\(sign)\(hours)h \(minutes)m" }
        return "\(sign)\(minutes)m \(rest % 60)s"
    }

    static func key(_ values: [String]) -> String {
        values.joined(separator: ", ")
    }
}
