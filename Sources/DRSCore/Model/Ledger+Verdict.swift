import Foundation

/// The overall judgement of the report.
public enum VerdictValue: String, Codable, Sendable {
    /// Everything compared agrees, and nothing is missing.
    case consistent = "CONSISTENT"
    /// At least one difference.
    case inconsistent = "INCONSISTENT"
    /// No difference found, but something was not compared, not finished, or not retrieved.
    case incomplete = "INCOMPLETE"
}

/// Distinct things counted for the verdict. Every format's reasons state these numbers.
public struct VerdictCounts: Sendable, Codable, Equatable {
    /// Table pairs whose outcome is INCONSISTENT.
    public var inconsistentTables: Int64 = 0
    /// Database pairs whose outcome is INCONSISTENT.
    public var inconsistentDatabases: Int64 = 0
    /// Objects (or object types without listed objects) whose outcome is INCONSISTENT.
    public var inconsistentObjects: Int64 = 0
    /// Distinct inconsistent rows present in the inputs.
    public var inconsistentRows: Int64 = 0
    /// Object types DRS judged inconsistent without listing an object of that type.
    public var inconsistentObjectTypes: Int64 = 0
    /// Tables, database pairs, objects and object types whose outcome is NOT_COMPARED (each thing
    /// is counted under one outcome: an inconsistent table that one comparison could not compare is
    /// an inconsistent table, with the reason in its entry).
    public var notCompared: Int64 = 0
    /// Of those, tables.
    public var notComparedTables: Int64 = 0
    /// Of those, database pairs.
    public var notComparedDatabases: Int64 = 0
    /// Of those, objects.
    public var notComparedObjects: Int64 = 0
    /// Of those, object types DRS could not compare without listing their objects.
    public var notComparedObjectTypes: Int64 = 0
    /// Responses that were error bodies.
    public var notRetrieved: Int64 = 0
    /// Tables, database pairs and objects still being compared, or of unknown status.
    public var incomplete: Int64 = 0
    /// Comparison tasks that did not finish successfully.
    public var tasksUnfinished: Int64 = 0
    /// Ledger entries in all: tables, database pairs and objects.
    public var compared: Int64 = 0
    /// Inconsistent rows DRS counts for a table beyond the rows of it the inputs hold (a diff page
    /// not fetched or not retrieved), summed over tables.
    public var rowsNotInInputs: Int64 = 0

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        inconsistentTables: Int64 = 0, inconsistentDatabases: Int64 = 0, inconsistentObjects: Int64 = 0,
        inconsistentRows: Int64 = 0, inconsistentObjectTypes: Int64 = 0, notCompared: Int64 = 0,
        notComparedTables: Int64 = 0, notComparedDatabases: Int64 = 0, notComparedObjects: Int64 = 0,
        notComparedObjectTypes: Int64 = 0, notRetrieved: Int64 = 0, incomplete: Int64 = 0, tasksUnfinished: Int64 = 0,
        compared: Int64 = 0, rowsNotInInputs: Int64 = 0
    ) {
        self.inconsistentTables = inconsistentTables
        self.inconsistentDatabases = inconsistentDatabases
        self.inconsistentObjects = inconsistentObjects
        self.inconsistentRows = inconsistentRows
        self.inconsistentObjectTypes = inconsistentObjectTypes
        self.notCompared = notCompared
        self.notComparedTables = notComparedTables
        self.notComparedDatabases = notComparedDatabases
        self.notComparedObjects = notComparedObjects
        self.notComparedObjectTypes = notComparedObjectTypes
        self.notRetrieved = notRetrieved
        self.incomplete = incomplete
        self.tasksUnfinished = tasksUnfinished
        self.compared = compared
        self.rowsNotInInputs = rowsNotInInputs
    }
}

/// Which comparison kinds the inputs hold results of.
public struct Coverage: Sendable, Codable, Equatable {
    /// Object comparison.
    public var object = false
    /// Row-count comparison.
    public var line = false
    /// Value comparison.
    public var content = false

    /// The kinds that ran, in a fixed order.
    public var ran: [CompareKind] {
        [(CompareKind.object, object), (.line, line), (.content, content)].filter(\.1).map(\.0)
    }

    /// The kinds that did not run.
    public var missing: [CompareKind] {
        [(CompareKind.object, object), (.line, line), (.content, content)].filter { !$0.1 }.map(\.0)
    }
}

/// One fact behind the verdict, as a code and a number; writers translate it.
public struct VerdictReason: Sendable, Codable, Equatable {
    /// `tables_inconsistent`, `not_compared`, `kind_not_run`…
    public var code: ReasonCode
    /// The number it states (0 when it states none).
    public var count: Int64
    /// The comparison kind, for `kind_not_run`.
    public var kind: CompareKind?

    /// A reason with its code, the count it is about and, where it applies, the comparison kind.
    public init(_ code: ReasonCode, _ count: Int64 = 0, kind: CompareKind? = nil) {
        self.code = code
        self.count = count
        self.kind = kind
    }

    /// Whether it is a difference (as opposed to a gap).
    public var isInconsistency: Bool {
        switch code {
        case .tablesInconsistent, .databasesInconsistent, .objectsInconsistent, .objectTypesInconsistent, .diffRows:
            return true
        default: return false
        }
    }
}

/// The reasons the verdict can state.
public enum ReasonCode: String, Codable, Sendable, CaseIterable {
    case tablesInconsistent = "tables_inconsistent"
    case databasesInconsistent = "databases_inconsistent"
    case objectsInconsistent = "objects_inconsistent"
    case objectTypesInconsistent = "object_types_inconsistent"
    case diffRows = "diff_rows"
    case notCompared = "not_compared"
    case notRetrieved = "not_retrieved"
    case incomplete = "incomplete"
    case tasksUnfinished = "tasks_unfinished"
    case rowsNotInInputs = "rows_not_in_inputs"
    case kindNotRun = "kind_not_run"
    case noResults = "no_results"
    case allConsistent = "all_consistent"
}

/// The verdict with the facts that produced it. The rule's text is in the string table
/// (`verdict.rule`), so it is written into every report in the report's language.
public struct Verdict: Sendable, Codable, Equatable {
    /// The verdict.
    public var value: VerdictValue = .incomplete
    /// Distinct things counted.
    public var counts = VerdictCounts()
    /// Which comparison kinds the verdict rests on.
    public var coverage = Coverage()
    /// The differences first, then every gap: what was not compared, not retrieved or did not run.
    public var reasons: [VerdictReason] = []

    /// Counts of nothing, to add to.
    public init() {}
}
