import Crypto
import DRSCore
import Foundation

/// The signer's date arithmetic: `X-Sdk-Date` (`yyyyMMdd'T'HHmmss'Z'`) written and read without
/// Foundation's calendars, so the same instant gives the same text on every machine.
extension SDKSigner {
    /// `date` as an X-Sdk-Date value, `yyyyMMdd'T'HHmmss'Z'` in UTC (fractional seconds dropped).
    public static func sdkDate(_ date: Date) -> String {
        let t = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secondOfDay = t - days * 86_400
        let (y, m, d) = civilDate(fromDays: days)
        return pad(y, 4) + pad(m, 2) + pad(d, 2) + "T"
            + pad(secondOfDay / 3600, 2) + pad(secondOfDay % 3600 / 60, 2) + pad(secondOfDay % 60, 2) + "Z"
    }

    /// Parses an X-Sdk-Date value strictly (`yyyyMMdd'T'HHmmss'Z'`, a real calendar date, UTC).
    package static func parseSDKDate(_ value: String) -> Date? {
        let b = Array(value.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var n: Int64 = 0
            for i in range {
                guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
                n = n * 10 + Int64(b[i] - UInt8(ascii: "0"))
            }
            return n
        }
        guard let y = number(0..<4), let m = number(4..<6), let d = number(6..<8),
            let hh = number(9..<11), let mm = number(11..<13), let ss = number(13..<15),
            (1...12).contains(m), d >= 1, d <= daysInMonth(year: y, month: m),
            hh < 24, mm < 60, ss < 60
        else { return nil }
        let seconds = daysFromCivil(year: y, month: m, day: d) * 86_400 + hh * 3600 + mm * 60 + ss
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    package static func pad(_ n: Int64, _ width: Int) -> String {
        let digits = String(n)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    package static func isLeapYear(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    package static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    package static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
    package static func civilDate(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
