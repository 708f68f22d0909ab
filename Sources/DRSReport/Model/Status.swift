import Foundation

/// The normalised outcome of comparing one thing (an object type, a database pair, a table).
public enum CompareOutcome: String, Codable, Sendable, CaseIterable, Comparable {
    /// Source and target agree.
    case consistent = "CONSISTENT"
    /// Source and target differ.
    case inconsistent = "INCONSISTENT"
    /// The comparison has not finished (comparing, waiting).
    case pending = "PENDING"
    /// The thing could not be compared (failed, cannot compare, missing database or table, cancelled).
    case notCompared = "NOT_COMPARED"
    /// DRS sent no status, or one drs-report does not know.
    case unknown = "UNKNOWN"

    public static func < (lhs: CompareOutcome, rhs: CompareOutcome) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .consistent: return 0
        case .unknown: return 1
        case .pending: return 2
        case .notCompared: return 3
        case .inconsistent: return 4
        }
    }
}

/// A DRS status as sent, with its normalised outcome.
public struct CompareStatus: Codable, Sendable, Equatable, Hashable {
    /// Normalised outcome.
    public var outcome: CompareOutcome
    /// The DRS status word, e.g. `TARGET_DB_NOT_EXIST` (v3 integer codes are translated to a word).
    public var code: String
    /// The raw value DRS sent (`"2"` for a v3 integer, or the string).
    public var raw: String

    public init(outcome: CompareOutcome, code: String, raw: String) {
        self.outcome = outcome
        self.code = code
        self.raw = raw
    }

    /// No status was sent.
    public static let missing = CompareStatus(outcome: .unknown, code: "UNKNOWN", raw: "")

    /// Which table of v3 integer codes a status uses.
    public enum CodeTable: Sendable {
        /// Object comparison: 0 inconsistent, 2 consistent, 3 unfinished.
        case object
        /// Line and content overview/detail: 0…27.
        case data
        /// v3 content-detail full-comparison state: 1 comparing, 2 done, 3 waiting, 4 cancelled.
        case contentDetailProgress
    }

    /// Normalises a v5 (or v3 query-compare-result) status word.
    public static func word(_ raw: String) -> CompareStatus {
        let word = raw.trimmingCharacters(in: .whitespaces).uppercased()
        let outcome: CompareOutcome
        let code: String
        switch word {
        case "CONSISTENT", "TRUE": (outcome, code) = (.consistent, "CONSISTENT")
        case "INCONSISTENT", "FALSE": (outcome, code) = (.inconsistent, "INCONSISTENT")
        case "COMPARING", "RUNNING", "FULL_DOING", "INCRE_DOING": (outcome, code) = (.pending, word)
        case "WAITING_FOR_COMPARISON", "WAIT_FOR_COMPARE", "WAITING_FOR_RUNNING": (outcome, code) = (.pending, word)
        case "TARGET_DB_NOT_EXIST", "TARGET_DB_NOT_EXIT": (outcome, code) = (.notCompared, "TARGET_DB_NOT_EXIST")
        case "FAILED_TO_COMPARE", "CAN_NOT_COMPARE", "CANCELED", "CANCELLED", "FAILED", "TIMEOUT_INTERRUPT":
            (outcome, code) = (.notCompared, word)
        case "": return .missing
        default: (outcome, code) = (.unknown, word)
        }
        return CompareStatus(outcome: outcome, code: code, raw: raw)
    }

    /// Normalises a v3 integer status code.
    public static func v3(_ value: Int64, table: CodeTable) -> CompareStatus {
        let raw = String(value)
        switch table {
        case .object:
            switch value {
            case 0: return CompareStatus(outcome: .inconsistent, code: "INCONSISTENT", raw: raw)
            case 2: return CompareStatus(outcome: .consistent, code: "CONSISTENT", raw: raw)
            case 3: return CompareStatus(outcome: .pending, code: "UNFINISHED", raw: raw)
            default: return CompareStatus(outcome: .unknown, code: "CODE_\(value)", raw: raw)
            }
        case .contentDetailProgress:
            switch value {
            case 1, -1: return CompareStatus(outcome: .pending, code: "COMPARING", raw: raw)
            case 2, -2: return CompareStatus(outcome: .consistent, code: "COMPLETED", raw: raw)
            case 3, -3: return CompareStatus(outcome: .pending, code: "WAITING_FOR_COMPARISON", raw: raw)
            case 4, -4: return CompareStatus(outcome: .notCompared, code: "CANCELLED", raw: raw)
            default: return CompareStatus(outcome: .unknown, code: "CODE_\(value)", raw: raw)
            }
        case .data:
            let (outcome, code): (CompareOutcome, String)
            switch value {
            case 0: (outcome, code) = (.inconsistent, "INCONSISTENT")
            case 2: (outcome, code) = (.consistent, "CONSISTENT")
            case 3: (outcome, code) = (.notCompared, "TARGET_TABLE_NOT_EXIST")
            case 4: (outcome, code) = (.notCompared, "FAILED_TO_COMPARE")
            case 5: (outcome, code) = (.pending, "COMPARING")
            case 6: (outcome, code) = (.pending, "WAITING_FOR_COMPARISON")
            case 7: (outcome, code) = (.notCompared, "CANCELLED")
            // One side empty and the other not is a difference; both empty agree.
            case 8: (outcome, code) = (.inconsistent, "SOURCE_EMPTY")
            case 9: (outcome, code) = (.inconsistent, "TARGET_EMPTY")
            case 10: (outcome, code) = (.consistent, "BOTH_EMPTY")
            case 11: (outcome, code) = (.notCompared, "SOURCE_TABLE_NOT_EXIST")
            case 12: (outcome, code) = (.notCompared, "TARGET_TABLE_NOT_EXIST")
            case 13: (outcome, code) = (.notCompared, "BOTH_TABLES_NOT_EXIST")
            case 14: (outcome, code) = (.notCompared, "SOURCE_CONNECTION_FAILED")
            case 15: (outcome, code) = (.notCompared, "TARGET_CONNECTION_FAILED")
            case 16: (outcome, code) = (.notCompared, "SOURCE_SQL_TIMEOUT")
            case 17: (outcome, code) = (.notCompared, "TARGET_SQL_TIMEOUT")
            case 18: (outcome, code) = (.notCompared, "SOURCE_SQL_ERROR")
            case 19: (outcome, code) = (.notCompared, "TARGET_SQL_ERROR")
            case 20: (outcome, code) = (.notCompared, "BOTH_DBS_NOT_EXIST")
            case 21: (outcome, code) = (.notCompared, "SOURCE_DB_NOT_EXIST")
            case 22: (outcome, code) = (.notCompared, "TARGET_DB_NOT_EXIST")
            case 23: (outcome, code) = (.notCompared, "TOO_MANY_ROWS_NOT_COMPARED")
            case 27: (outcome, code) = (.notCompared, "TIMEOUT")
            default: (outcome, code) = (.unknown, "CODE_\(value)")
            }
            return CompareStatus(outcome: outcome, code: code, raw: raw)
        }
    }

    /// A `true`/`false` consistency flag.
    public static func flag(_ consistent: Bool) -> CompareStatus {
        consistent
            ? CompareStatus(outcome: .consistent, code: "CONSISTENT", raw: "true")
            : CompareStatus(outcome: .inconsistent, code: "INCONSISTENT", raw: "false")
    }

    /// The more severe of two statuses (used when two sources report the same thing).
    public func merged(with other: CompareStatus) -> CompareStatus {
        if self == .missing { return other }
        if other == .missing { return self }
        return other.outcome > outcome ? other : self
    }
}
