import Crypto
import DRSCore
import DRSWire
import Foundation

/// What one DRS `count` is about; its job is resolved (as rows' are) before counts are summed.
package struct ReportedKey: Hashable, Comparable {
    package var jobId: String?
    package var key: String

    package static func < (lhs: ReportedKey, rhs: ReportedKey) -> Bool {
        [lhs.jobId ?? "", lhs.key].lexicographicallyPrecedes([rhs.jobId ?? "", rhs.key])
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(jobId: String? = nil, key: String) {
        self.jobId = jobId
        self.key = key
    }
}

/// A table location with its job, as rows and ledger entries name it.
package struct TableKey: Hashable, Comparable {
    package var jobId: String?
    package var sourceDb: String
    package var sourceTable: String
    package var targetDb: String
    package var targetTable: String

    package init(jobId: String?, sourceDb: String, sourceTable: String, targetDb: String, targetTable: String) {
        self.jobId = jobId
        self.sourceDb = sourceDb
        self.sourceTable = sourceTable
        self.targetDb = targetDb
        self.targetTable = targetTable
    }

    package init(_ row: DiffRow) {
        self.init(
            jobId: row.jobId, sourceDb: row.sourceDatabase, sourceTable: row.sourceTable, targetDb: row.targetDatabase,
            targetTable: row.targetTable)
    }

    /// The same location without its job.
    package var location: [String] { [sourceDb, sourceTable, targetDb, targetTable] }

    package static func < (lhs: TableKey, rhs: TableKey) -> Bool {
        let a = [lhs.jobId ?? ""] + lhs.location
        let b = [rhs.jobId ?? ""] + rhs.location
        return a.lexicographicallyPrecedes(b)
    }
}

/// One inconsistent row as the count needs it: 32 bytes, so a million rows cost 32 MB, not the rows.
package struct RowRecord {
    package var digest: RowDigest
    /// Index + 1 into the job names (0: the response did not say).
    package var job: UInt32
    /// Index + 1 into the task names (0: the response did not say).
    package var task: UInt32
    /// Index into the table locations.
    package var table: UInt32
    package var kind: DiffKind
    package var inferred: Bool
    package var unknownLocation: Bool

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        digest: RowDigest, job: UInt32, task: UInt32, table: UInt32, kind: DiffKind, inferred: Bool,
        unknownLocation: Bool
    ) {
        self.digest = digest
        self.job = job
        self.task = task
        self.table = table
        self.kind = kind
        self.inferred = inferred
        self.unknownLocation = unknownLocation
    }
}

/// 128 bits of sha256 over a row's location, kind and keys.
package struct RowDigest: Hashable, Comparable {
    package var high: UInt64
    package var low: UInt64

    package static func < (lhs: RowDigest, rhs: RowDigest) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }

    package init(_ row: DiffRow) {
        // One buffer of length-prefixed fields, hashed in one call (a call per field cost more than the hash).
        var buffer: [UInt8] = []
        buffer.reserveCapacity(256)
        func add(_ text: String) {
            var text = text
            text.withUTF8 { utf8 in
                withUnsafeBytes(of: UInt64(utf8.count).littleEndian) { buffer.append(contentsOf: $0) }
                buffer.append(contentsOf: utf8)
            }
        }
        add(row.sourceDatabase)
        add(row.sourceTable)
        add(row.targetDatabase)
        add(row.targetTable)
        add(row.kind.rawValue)
        add(String(row.sourceKey.count))
        for key in row.sourceKey { add(key) }
        add(String(row.targetKey.count))
        for key in row.targetKey { add(key) }
        var hasher = SHA256()
        buffer.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        var words: (UInt64, UInt64) = (0, 0)
        hasher.finalize().withUnsafeBytes { bytes in
            func word(_ offset: Int) -> UInt64 { (0..<8).reduce(0) { $0 << 8 | UInt64(bytes[offset + $1]) } }
            words = (word(0), word(8))
        }
        high = words.0
        low = words.1
    }
}

/// Every row seen, in input order, and the names its records point to.
package struct RowBook {
    package var records: [RowRecord] = []
    package var jobNames: [String] = []
    package var taskNames: [String] = []
    package var tableKeys: [TableKey] = []
    private var jobs: [String: UInt32] = [:]
    private var tasks: [String: UInt32] = [:]
    private var tables: [TableKey: UInt32] = [:]
    private var last: UInt32?
    /// Preview rows taken per table.
    package var sampled: [UInt32: Int] = [:]

    /// Whether the row's table is known well enough to tell it from another table's rows.
    package static func locationKnown(_ row: DiffRow) -> Bool {
        (!row.sourceTable.isEmpty && !row.sourceDatabase.isEmpty)
            || (!row.targetTable.isEmpty && !row.targetDatabase.isEmpty)
    }

    /// The digest a row is recorded under (zero when its table is unknown); pure, so it can be
    /// computed ahead, off the ingest thread.
    package static func digest(_ row: DiffRow) -> RowDigest {
        locationKnown(row) ? RowDigest(row) : RowDigest(high: 0, low: 0)
    }

    /// Records a row; returns its table's index.
    package mutating func add(_ row: DiffRow, digest: RowDigest? = nil) -> UInt32 {
        var location = TableKey(row)
        location.jobId = nil
        let table: UInt32
        // Rows of one table come together: the last table is checked before the dictionary.
        if let last, tableKeys[Int(last)] == location {
            table = last
        } else if let known = tables[location] {
            table = known
        } else {
            table = UInt32(tableKeys.count)
            tables[location] = table
            tableKeys.append(location)
        }
        last = table
        let known = Self.locationKnown(row)
        records.append(
            RowRecord(
                digest: digest ?? Self.digest(row), job: index(row.jobId, &jobs, &jobNames),
                task: index(row.taskId, &tasks, &taskNames), table: table, kind: row.kind,
                inferred: row.locationInferred,
                unknownLocation: !known))
        return table
    }

    private func index(_ value: String?, _ table: inout [String: UInt32], _ names: inout [String]) -> UInt32 {
        guard let value, !value.isEmpty else { return 0 }
        if let known = table[value] { return known }
        names.append(value)
        let next = UInt32(names.count)
        table[value] = next
        return next
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        records: [RowRecord] = [], jobNames: [String] = [], taskNames: [String] = [], tableKeys: [TableKey] = [],
        jobs: [String: UInt32] = [:], tasks: [String: UInt32] = [:], tables: [TableKey: UInt32] = [:],
        last: UInt32? = nil, sampled: [UInt32: Int] = [:]
    ) {
        self.records = records
        self.jobNames = jobNames
        self.taskNames = taskNames
        self.tableKeys = tableKeys
        self.jobs = jobs
        self.tasks = tasks
        self.tables = tables
        self.last = last
        self.sampled = sampled
    }
}

extension RowDigest {
    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}

/// The resolved job of every recorded row, for the stream (which reads the rows again in order):
/// 4 bytes a row.
package struct RowJobs: Sendable {
    package var names: [String] = []
    /// Index + 1 into `names` per record (0: unknown).
    package var index: [UInt32] = []

    package init() {}

    package init(jobs: [String?]) {
        var lookup: [String: UInt32] = [:]
        index.reserveCapacity(jobs.count)
        for job in jobs {
            guard let job else {
                index.append(0)
                continue
            }
            if let known = lookup[job] {
                index.append(known)
            } else {
                names.append(job)
                lookup[job] = UInt32(names.count)
                index.append(UInt32(names.count))
            }
        }
    }

    package func job(_ record: Int) -> String? {
        nameIndex(record).map { names[$0] }
    }

    /// Index into `names` of a record's resolved job.
    package func nameIndex(_ record: Int) -> Int? {
        guard record < index.count, index[record] > 0 else { return nil }
        return Int(index[record]) - 1
    }
}
