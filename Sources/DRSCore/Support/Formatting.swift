import Foundation

/// Deterministic text for times, counts and durations, in the report's time zone.
package struct Formatting: Sendable {
    package let timeZone: TimeZone

    /// `2026-11-20 08:00:00 UTC` or `2026-11-20 16:00:00 +08:00`. Any date a response can carry is
    /// shown, year 0001 or 292277026596 alike: the arithmetic is on whole seconds, never a trap.
    package func time(_ date: Date?) -> String {
        guard let date else { return "" }
        // The zone's offset is asked for a date it can know; beyond the years 1...9999 UTC is as good as any.
        let seconds = Self.epochSeconds(date)
        let offset = (-62_135_596_800...253_402_300_799).contains(seconds) ? timeZone.secondsFromGMT(for: date) : 0
        let (local, _) = seconds.addingReportingOverflow(Int64(offset))
        let c = Self.civil(local)
        let zone: String
        if offset == 0 {
            zone = "UTC"
        } else {
            let sign = offset < 0 ? "-" : "+"
            let minutes = abs(offset) / 60
            zone = String(format: "%@%02d:%02d", sign, minutes / 60, minutes % 60)
        }
        return Self.year(c.year)
            + String(format: "-%02d-%02d %02d:%02d:%02d ", c.month, c.day, c.hour, c.minute, c.second) + zone
    }

    /// ISO-8601 UTC with seconds, for machine-readable outputs.
    package static func iso(_ date: Date?) -> String {
        guard let date else { return "" }
        let c = civil(epochSeconds(date))
        return year(c.year) + String(format: "-%02d-%02dT%02d:%02d:%02dZ", c.month, c.day, c.hour, c.minute, c.second)
    }

    /// Whole seconds since 1970, rounded down, saturating at Int64's range.
    package static func epochSeconds(_ date: Date) -> Int64 {
        Int64(saturating: date.timeIntervalSince1970.rounded(.down))
    }

    /// Four digits for 0000–9999, ISO 8601's expanded form (`+292277026596`, `-0044`) beyond.
    package static func year(_ year: Int64) -> String {
        if (0...9999).contains(year) { return String(format: "%04lld", year) }
        return year < 0 ? "-" + String(format: "%04llu", year.magnitude) : "+" + String(year)
    }

    /// The proleptic Gregorian date and time of `seconds` since 1970 (H. Hinnant's civil_from_days).
    package static func civil(_ seconds: Int64) -> (
        year: Int64, month: Int, day: Int, hour: Int, minute: Int, second: Int
    ) {
        // Floor division without a product that could overflow at Int64.min.
        var (days, rest) = seconds.quotientAndRemainder(dividingBy: 86_400)
        if rest < 0 {
            days -= 1
            rest += 86_400
        }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, Int(month), Int(day), Int(rest / 3_600), Int(rest % 3_600 / 60), Int(rest % 60))
    }

    /// The zone's name as the times show it: `UTC` for UTC (Foundation calls it GMT), else its identifier.
    package static func zoneLabel(_ zone: TimeZone) -> String {
        let identifier = zone.identifier
        if ["GMT", "UTC", "Etc/UTC", "Etc/GMT", "UCT", "Zulu"].contains(identifier)
            || (zone.secondsFromGMT() == 0 && identifier.hasPrefix("GMT"))
        {
            return "UTC"
        }
        // A fixed offset is named as the times show it: +08:00, not GMT+0800.
        if identifier.hasPrefix("GMT") {
            let offset = zone.secondsFromGMT()
            return String(format: "%@%02d:%02d", offset < 0 ? "-" : "+", abs(offset) / 3_600, abs(offset) % 3_600 / 60)
        }
        return identifier
    }

    /// `2 s`, `1.5 s`.
    package static func seconds(_ value: TimeInterval) -> String {
        guard value.isFinite else { return "\(value) s" }
        return value.rounded() == value && abs(value) < 1e15 ? "\(Int64(value)) s" : String(format: "%.1f s", value)
    }

    package static func count(_ value: Int64?) -> String {
        value.map(String.init) ?? ""
    }

    /// `1,234,567`: a count as HTML and Markdown show it (the same in both languages).
    package static func grouped(_ value: Int64?) -> String {
        guard let value else { return "" }
        let digits = String(value.magnitude)
        var out = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }

    package static func grouped(_ value: Int) -> String { grouped(Int64(value)) }

    package static func percent(_ value: Double?) -> String {
        guard let value else { return "" }
        guard value.isFinite else { return "\(value)%" }
        if value.rounded() == value, abs(value) < 1e15 { return "\(Int64(value))%" }
        return String(format: abs(value) < 1e15 ? "%.1f%%" : "%.6g%%", value)
    }

    /// `3d 4h 5m`, or `-2h 10m` once past.
    package static func duration(_ seconds: Int64?) -> String {
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

    package static func key(_ values: [String]) -> String {
        values.joined(separator: ", ")
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }
}

extension Int64 {
    /// The nearest Int64 to a Double: NaN is 0, and beyond the range the bound.
    package init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 9_223_372_036_854_775_807.0 {
            self = .max
        } else if value <= -9_223_372_036_854_775_808.0 {
            self = .min
        } else {
            self = Int64(value)
        }
    }
}

extension Array where Element: Equatable {
    /// The elements in order, each once.
    package func uniqued() -> [Element] {
        var result: [Element] = []
        for item in self where !result.contains(item) { result.append(item) }
        return result
    }
}
