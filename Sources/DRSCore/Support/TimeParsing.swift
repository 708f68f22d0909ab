import Foundation

/// Parsing of the time formats DRS uses.
package enum TimeParsing {
    /// ISO-8601 UTC with seconds (`2026-11-21T00:00:00Z`), as every machine-readable output writes times.
    package static func iso(_ date: Date) -> String {
        Formatting.iso(date)
    }

    /// Seconds or milliseconds since the epoch, told apart by magnitude.
    package static func epoch(_ number: Double) -> Date {
        // 1e11 seconds is the year 5138; anything larger is milliseconds.
        abs(number) >= 1e11 ? Date(timeIntervalSince1970: number / 1000) : Date(timeIntervalSince1970: number)
    }

    /// ISO-8601 with or without fractional seconds and zone (no zone means UTC),
    /// `YYYY-MM-DD HH:MM:SS`, or an epoch number in a string.
    package static func parse(_ text: String) -> Date? {
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
        guard index == scalars.count, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second < 61
        else {
            return nil
        }
        // Proleptic Gregorian, as Formatting writes times: Foundation's calendar turns Julian before
        // 1582 and would read 0001-01-01 as two days earlier.
        let daysInMonth = [
            31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
        ]
        guard day <= daysInMonth[month - 1] else { return nil }
        let days = Self.daysFromCivil(Int64(year), Int64(month), Int64(day))
        let base = Date(timeIntervalSince1970: TimeInterval(days * 86_400 + Int64(hour * 3_600 + minute * 60 + second)))
        return base.addingTimeInterval(fraction - Double(offsetSeconds))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    package static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
