import Foundation

/// Parsing of the time formats DRS uses.
public enum TimeParsing {
    /// ISO-8601 UTC with seconds (`2026-11-21T00:00:00Z`), as every machine-readable output writes times.
    public static func iso(_ date: Date) -> String {
        Formatting.iso(date)
    }

    /// Seconds or milliseconds since the epoch, told apart by magnitude.
    public static func epoch(_ number: Double) -> Date {
        // 1e11 seconds is the year 5138; anything larger is milliseconds.
        abs(number) >= 1e11 ? Date(timeIntervalSince1970: number / 1000) : Date(timeIntervalSince1970: number)
    }

    /// ISO-8601 with or without fractional seconds and zone (no zone means UTC),
    /// `YYYY-MM-DD HH:MM:SS`, or an epoch number in a string.
    public static func parse(_ text: String) -> Date? {
        if let number = Double(text), text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) {
            return epoch(number)
        }
        let scalars = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= scalars.count else { return nil }
            var value = 0
            for i in start..<(start + count) {
                let byte = scalars[i]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = digits(0, 4), scalars.count >= 19, scalars[4] == 0x2D,
              let month = digits(5, 2), scalars[7] == 0x2D, let day = digits(8, 2),
              scalars[10] == 0x54 || scalars[10] == 0x20 || scalars[10] == 0x74,
              let hour = digits(11, 2), scalars[13] == 0x3A, let minute = digits(14, 2),
              scalars[16] == 0x3A, let second = digits(17, 2)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < scalars.count, scalars[index] == 0x2E {
            index += 1
            var scale = 0.1
            while index < scalars.count, scalars[index] >= 0x30, scalars[index] <= 0x39 {
                fraction += Double(scalars[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
        }
        var offsetSeconds = 0
        if index < scalars.count {
            let sign = scalars[index]
            if sign == 0x5A || sign == 0x7A {
                index += 1
            } else if sign == 0x2B || sign == 0x2D {
                guard let oh = digits(index + 1, 2) else { return nil }
                var om = 0
                if index + 3 < scalars.count {
                    let colon = scalars[index + 3] == 0x3A ? 1 : 0
                    guard let minutes = digits(index + 3 + colon, 2) else { return nil }
                    om = minutes
                    index += 3 + colon + 2
                } else {
                    index += 3
                }
                offsetSeconds = (oh * 3600 + om * 60) * (sign == 0x2D ? -1 : 1)
            } else {
                return nil
            }
        }
        guard index == scalars.count, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else {
            return nil
        }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = second
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .gmt
        guard let base = calendar.date(from: components) else { return nil }
        return base.addingTimeInterval(fraction - Double(offsetSeconds))
    }
}
