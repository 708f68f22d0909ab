/// What DRS puts on the wire, in one place: the member and query names of its bodies
/// (`Wire.Key`, in Wire+Keys.swift), the status words of comparison tasks and exports, and the
/// integer codes of API v3 with the words they stand for. Ingest, the client and the emulator
/// all take them from here, so a name is spelled once and a typo is a compile error.
package enum Wire {
    /// The `status` of a comparison task in the task lists.
    package enum TaskStatus {
        package static let successful = "SUCCESSFUL"
        package static let failed = "FAILED"
        package static let cancelled = "CANCELLED"
        package static let timeoutInterrupt = "TIMEOUT_INTERRUPT"
        package static let running = "RUNNING"
        package static let waitingForRunning = "WAITING_FOR_RUNNING"
        package static let fullDoing = "FULL_DOING"
        package static let increDoing = "INCRE_DOING"

        /// Still at work: more progress, or more results, may come.
        package static let inProgress: Set<String> = [running, waitingForRunning, fullDoing, increDoing]
        /// Finished, one way or another: nothing more will change.
        package static let final: Set<String> = [successful, failed, cancelled, timeoutInterrupt]
    }

    /// The `export_status` of a task's result file.
    package enum ExportStatus {
        package static let initial = "INIT"
        package static let exporting = "EXPORTING"
        package static let complete = "EXPORT_COMPLETE"
    }

    /// The `status` of a compared thing (a table, a database, an object type) while or after it
    /// is compared, as the emulator sends it.
    package enum ResultStatus {
        package static let comparing = "COMPARING"
        package static let canNotCompare = "CAN_NOT_COMPARE"
    }

    /// API v3's integer status codes and the words they stand for.
    package enum V3 {
        /// Object comparison.
        package static let objectCodes: [Int64: String] = [0: "INCONSISTENT", 2: "CONSISTENT", 3: "UNFINISHED"]

        /// The full-comparison state of a content detail (sent as negative numbers, too).
        package static let contentProgressCodes: [Int64: String] = [
            1: "COMPARING", 2: "COMPLETED", 3: "WAITING_FOR_COMPARISON", 4: "CANCELLED",
            -1: "COMPARING", -2: "COMPLETED", -3: "WAITING_FOR_COMPARISON", -4: "CANCELLED",
        ]

        /// Line and content overviews and details.
        package static let dataCodes: [Int64: String] = [
            0: "INCONSISTENT", 2: "CONSISTENT", 3: "TARGET_TABLE_NOT_EXIST", 4: "FAILED_TO_COMPARE", 5: "COMPARING",
            6: "WAITING_FOR_COMPARISON", 7: "CANCELLED", 8: "SOURCE_EMPTY", 9: "TARGET_EMPTY", 10: "BOTH_EMPTY",
            11: "SOURCE_TABLE_NOT_EXIST", 12: "TARGET_TABLE_NOT_EXIST", 13: "BOTH_TABLES_NOT_EXIST",
            14: "SOURCE_CONNECTION_FAILED", 15: "TARGET_CONNECTION_FAILED", 16: "SOURCE_SQL_TIMEOUT",
            17: "TARGET_SQL_TIMEOUT",
            18: "SOURCE_SQL_ERROR", 19: "TARGET_SQL_ERROR", 20: "BOTH_DBS_NOT_EXIST", 21: "SOURCE_DB_NOT_EXIST",
            22: "TARGET_DB_NOT_EXIST", 23: "TOO_MANY_ROWS_NOT_COMPARED", 27: "TIMEOUT",
        ]
    }
}
