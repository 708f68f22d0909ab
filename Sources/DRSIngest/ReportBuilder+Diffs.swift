import Crypto
import DRSCore
import DRSWire
import Foundation

/// Counting inconsistent rows without losing or doubling one.
///
/// Two rows are the same row only when job, task, table location, diff kind and both keys are
/// equal. A response that does not say its job or task gets them resolved once every input is
/// read (its task's job, the only job, the job that owns its table; the only task that delivered
/// that row), so the result does not depend on the order of the inputs. A row whose table is
/// unknown never merges with another. Exact duplicates are counted once, and their number is
/// reported; the stream skips exactly the rows found to be duplicates.
extension ReportBuilder {
    package func collectDiffs(_ prepared: PreparedFile, _ context: Context) throws(DRSReportError) {
        let pages = try prepared.pages.get()
        guard !pages.isEmpty else { return }
        if spool == nil { spool = try RowSpool() }
        var rowIndex = 0
        for (pageIndex, page) in pages.enumerated() {
            for row in page.rows {
                let table = book.add(row, digest: prepared.digests[rowIndex])
                rowIndex += 1
                // A bounded sample: the first rows of each table, so every inconsistent table can be shown.
                if book.sampled[table, default: 0] < options.previewRowsPerTable, preview.count < options.previewRows {
                    book.sampled[table, default: 0] += 1
                    preview.append((book.records.count - 1, row))
                }
            }
            if let reported = page.reportedCount {
                reportedCounts[reportedKey(page, pageIndex, context)] = reported
            }
        }
        try spool?.append(encoded: prepared.encoded, records: rowIndex)
    }

    /// Rows of an input skipped as a copy of an earlier one (same bytes, same request): counted, and said.
    package func countCopiedRows(_ prepared: PreparedFile) {
        guard case .success(let pages) = prepared.pages else { return }
        copiedRows += pages.reduce(0) { $0 + Int64($1.rows.count) }
    }

    /// Decides the duplicates once every input is read, and fills the row counts of the report.
    package func settleRows(_ resolver: JobResolver) {
        let records = book.records
        var kept = [Bool](repeating: true, count: records.count)
        // Owners resolved: a job from the task, the only job, or the job owning the table.
        var locationJobs: [[String]: Set<String>] = [:]
        for fact in facts.lineTables {
            if let job = fact.jobId { locationJobs[[fact.sourceDatabase, fact.sourceTable], default: []].insert(job) }
        }
        for fact in facts.contentTables {
            if let job = fact.jobId { locationJobs[[fact.sourceDatabase, fact.sourceTable], default: []].insert(job) }
        }
        func job(of record: RowRecord) -> String? {
            let named = record.job == 0 ? nil : book.jobNames[Int(record.job) - 1]
            let task = record.task == 0 ? nil : book.taskNames[Int(record.task) - 1]
            if let resolved = resolver.resolve(named, task: task) { return resolved }
            let key = book.tableKeys[Int(record.table)]
            if let jobs = locationJobs[[key.sourceDb, key.sourceTable]], jobs.count == 1 { return jobs.first }
            return nil
        }
        let jobs = records.map(job(of:))
        // Group equal rows by digest (sorted, so no set of a million arrays), then decide each group.
        let order = records.indices.filter { !records[$0].unknownLocation }.sorted { a, b in
            records[a].digest != records[b].digest ? records[a].digest < records[b].digest : a < b
        }
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, records[order[end]].digest == records[order[start]].digest { end += 1 }
            if end - start > 1 { Self.decide(Array(order[start..<end]), records: records, jobs: jobs, kept: &kept) }
            start = end
        }
        // The stream skips exactly these.
        skippedRows = kept.indices.filter { !kept[$0] }
        rowsAsRead = skippedRows.isEmpty && records.indices.allSatisfy { records[$0].job != 0 || jobs[$0] == nil }
        var summary = DiffSummary()
        for (index, record) in records.enumerated() where kept[index] {
            summary.rowsInInput += 1
            summary.byKind[record.kind.rawValue, default: 0] += 1
            if record.inferred { summary.rowsWithInferredLocation += 1 }
            if record.unknownLocation {
                summary.rowsWithUnknownLocation += 1
            } else {
                var key = book.tableKeys[Int(record.table)]
                key.jobId = jobs[index]
                rowsByTable[key, default: 0] += 1
            }
        }
        summary.duplicateRows = Int64(records.count) - summary.rowsInInput + copiedRows
        summary.rowsReportedByDRS = report.diffSummary.rowsReportedByDRS
        report.diffSummary = summary
        report.diffPreview = preview.filter { kept[$0.index] }.map { item in
            var row = item.row
            row.jobId = jobs[item.index]
            return row
        }
        rowJobs = RowJobs(jobs: jobs)
    }

    /// One digest group: rows alike in location, kind and keys. Rows with the same job and task are
    /// one row; a row whose task is unknown is a copy of the row of its job's only task, and
    /// otherwise one row of its own. The first row of each kept identity (in input order) is kept.
    package static func decide(_ group: [Int], records: [RowRecord], jobs: [String?], kept: inout [Bool]) {
        var byOwner: [String: Int] = [:]
        var tasksOfJob: [String: Set<UInt32>] = [:]
        var unknownTask: [String: [Int]] = [:]
        for index in group {
            let jobKey = jobs[index] ?? "\u{0}"
            let task = records[index].task
            if task == 0 {
                unknownTask[jobKey, default: []].append(index)
                continue
            }
            tasksOfJob[jobKey, default: []].insert(task)
            let owner = jobKey + "\u{1}" + String(task)
            if let first = byOwner[owner] {
                kept[max(first, index)] = false
                byOwner[owner] = min(first, index)
            } else {
                byOwner[owner] = index
            }
        }
        for (jobKey, indices) in unknownTask {
            let tasks = tasksOfJob[jobKey] ?? []
            let sorted = indices.sorted()
            if tasks.count == 1 {
                // The same row, delivered again by an API that does not say its task.
                for index in sorted { kept[index] = false }
                if let task = tasks.first, let owner = byOwner[jobKey + "\u{1}" + String(task)],
                    let first = sorted.first, first < owner
                {
                    // Keep the earliest copy, whichever API delivered it.
                    kept[owner] = false
                    kept[first] = true
                }
            } else {
                for index in sorted.dropFirst() { kept[index] = false }
            }
        }
    }

    /// DRS repeats `count` on every page of one diff query, and two APIs may report the same
    /// table: count it once per table (or per query, when the page does not name its table).
    private func reportedKey(_ page: DiffPage, _ pageIndex: Int, _ context: Context) -> ReportedKey {
        let location = page.location
        if let table = location.sourceTable {
            return ReportedKey(
                jobId: location.jobId, key: ["T", location.sourceDatabase ?? "", table].joined(separator: "\u{1}"))
        }
        // A loose content-difference page names its table only in its rows' SQL.
        if location.sourceDatabase == nil, let first = page.rows.first, !first.sourceTable.isEmpty,
            page.rows.allSatisfy({ $0.sourceDatabase == first.sourceDatabase && $0.sourceTable == first.sourceTable })
        {
            return ReportedKey(
                jobId: location.jobId, key: ["T", first.sourceDatabase, first.sourceTable].joined(separator: "\u{1}"))
        }
        guard let request = context.request else {
            return ReportedKey(jobId: nil, key: "\(context.sourceId)#\(pageIndex)")
        }
        let query = request.query.filter { $0.key != Wire.Key.offset && $0.key != Wire.Key.limit }.sorted {
            $0.key < $1.key
        }
        return ReportedKey(
            jobId: nil,
            key: "Q\u{1}" + request.path + "?" + query.map { "\($0.key)=\($0.value)" }.joined(separator: "&"))
    }
}

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
