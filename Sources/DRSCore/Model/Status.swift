import DRSWire
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

    /// Orders outcomes by severity: consistent, unknown, pending, not compared, inconsistent.
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

    /// A status with its outcome, its word and the value DRS sent.
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

    /// Normalises a v3 integer status code: its word comes from `Wire.V3`, its outcome from `v3Outcomes`.
    public static func v3(_ value: Int64, table: CodeTable) -> CompareStatus {
        let raw = String(value)
        let words: [Int64: String]
        switch table {
        case .object: words = Wire.V3.objectCodes
        case .contentDetailProgress: words = Wire.V3.contentProgressCodes
        case .data: words = Wire.V3.dataCodes
        }
        guard let word = words[value], let outcome = v3Outcomes[word] else {
            return CompareStatus(outcome: .unknown, code: "CODE_\(value)", raw: raw)
        }
        return CompareStatus(outcome: outcome, code: word, raw: raw)
    }

    /// The outcome of every word a v3 code stands for. One side empty and the other not is a
    /// difference; both empty agree. A finished content detail (COMPLETED) is consistent as far as
    /// its progress says.
    package static let v3Outcomes: [String: CompareOutcome] = [
        "INCONSISTENT": .inconsistent, "CONSISTENT": .consistent, "UNFINISHED": .pending, "COMPARING": .pending,
        "COMPLETED": .consistent, "WAITING_FOR_COMPARISON": .pending, "CANCELLED": .notCompared,
        "TARGET_TABLE_NOT_EXIST": .notCompared, "FAILED_TO_COMPARE": .notCompared, "SOURCE_EMPTY": .inconsistent,
        "TARGET_EMPTY": .inconsistent, "BOTH_EMPTY": .consistent, "SOURCE_TABLE_NOT_EXIST": .notCompared,
        "BOTH_TABLES_NOT_EXIST": .notCompared, "SOURCE_CONNECTION_FAILED": .notCompared,
        "TARGET_CONNECTION_FAILED": .notCompared, "SOURCE_SQL_TIMEOUT": .notCompared,
        "TARGET_SQL_TIMEOUT": .notCompared,
        "SOURCE_SQL_ERROR": .notCompared, "TARGET_SQL_ERROR": .notCompared, "BOTH_DBS_NOT_EXIST": .notCompared,
        "SOURCE_DB_NOT_EXIST": .notCompared, "TARGET_DB_NOT_EXIST": .notCompared,
        "TOO_MANY_ROWS_NOT_COMPARED": .notCompared, "TIMEOUT": .notCompared,
    ]

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
