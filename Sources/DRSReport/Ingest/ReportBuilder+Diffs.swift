import Crypto
import Foundation

/// Counting inconsistent rows without losing or doubling one.
///
/// Two rows are the same row only when job, task, table location, diff kind and both keys are
/// equal; an unknown job or task matches any (a loose file does not say them). A row whose table
/// is unknown never merges with another. Exact duplicates are counted once, and their number is
/// reported; the stream skips exactly the rows this pass found to be duplicates.
extension ReportBuilder {
    func collectDiffs(_ root: JSONReader, kind: ResponseKind, _ context: Context) throws(DRSReportError) {
        let pages = try DiffExtraction.pages(
            from: root, kind: kind, request: context.request, jobId: context.jobId, sourceId: context.sourceId)
        guard !pages.isEmpty else { return }
        var ordinal: Int64 = 0
        var kept: Int64 = 0
        var skipped: [Int64] = []
        for (pageIndex, page) in pages.enumerated() {
            for row in page.rows {
                defer { ordinal += 1 }
                guard rows.insert(row) else {
                    skipped.append(ordinal)
                    report.diffSummary.duplicateRows += 1
                    continue
                }
                kept += 1
                report.diffSummary.rowsInInput += 1
                report.diffSummary.byKind[row.kind.rawValue, default: 0] += 1
                if row.locationInferred { report.diffSummary.rowsWithInferredLocation += 1 }
                if !RowLedger.locationKnown(row) { report.diffSummary.rowsWithUnknownLocation += 1 }
                let table = TableKey(row)
                let inTable = rowsByTable[table, default: 0]
                // A bounded sample: the first rows of each table, so every inconsistent table can be shown.
                if inTable < Int64(options.previewRowsPerTable), report.diffPreview.count < options.previewRows {
                    report.diffPreview.append(row)
                }
                rowsByTable[table] = inTable + 1
            }
            if let reported = page.reportedCount {
                reportedCounts[reportedKey(page, pageIndex, context)] = reported
            }
        }
        if ordinal > 0 {
            // Pinning the digest makes the second read fail loudly if a loose file changed in between.
            var file = context.file
            file.expectedSHA256 = context.digest
            diffSources.append(DiffSource(
                file: file, sourceId: context.sourceId, kind: kind, jobId: context.jobId, rows: ordinal, kept: kept, skipped: skipped))
        }
    }

    /// DRS repeats `count` on every page of one diff query, and two APIs may report the same
    /// table: count it once per table (or per query, when the page does not name its table).
    private func reportedKey(_ page: DiffPage, _ pageIndex: Int, _ context: Context) -> ReportedKey {
        let location = page.location
        if let table = location.sourceTable {
            return ReportedKey(jobId: location.jobId, key: ["T", location.sourceDatabase ?? "", table].joined(separator: "\u{1}"))
        }
        // A loose content-difference page names its table only in its rows' SQL.
        if location.sourceDatabase == nil, let first = page.rows.first, !first.sourceTable.isEmpty,
           page.rows.allSatisfy({ $0.sourceDatabase == first.sourceDatabase && $0.sourceTable == first.sourceTable })
        {
            return ReportedKey(jobId: location.jobId, key: ["T", first.sourceDatabase, first.sourceTable].joined(separator: "\u{1}"))
        }
        guard let request = context.request else { return ReportedKey(jobId: nil, key: "\(context.sourceId)#\(pageIndex)") }
        let query = request.query.filter { $0.key != "offset" && $0.key != "limit" }.sorted { $0.key < $1.key }
        return ReportedKey(jobId: nil, key: "Q\u{1}" + request.path + "?" + query.map { "\($0.key)=\($0.value)" }.joined(separator: "&"))
    }
}

/// What one DRS `count` is about; its job is resolved (as rows' are) before counts are summed.
struct ReportedKey: Hashable, Comparable {
    var jobId: String?
    var key: String

    static func < (lhs: ReportedKey, rhs: ReportedKey) -> Bool {
        [lhs.jobId ?? "", lhs.key].lexicographicallyPrecedes([rhs.jobId ?? "", rhs.key])
    }
}

/// A table location with its job, as rows and ledger entries name it.
struct TableKey: Hashable, Comparable {
    var jobId: String?
    var sourceDb: String
    var sourceTable: String
    var targetDb: String
    var targetTable: String

    init(jobId: String?, sourceDb: String, sourceTable: String, targetDb: String, targetTable: String) {
        self.jobId = jobId
        self.sourceDb = sourceDb
        self.sourceTable = sourceTable
        self.targetDb = targetDb
        self.targetTable = targetTable
    }

    init(_ row: DiffRow) {
        self.init(jobId: row.jobId, sourceDb: row.sourceDatabase, sourceTable: row.sourceTable, targetDb: row.targetDatabase, targetTable: row.targetTable)
    }

    /// The same location without its job.
    var location: [String] { [sourceDb, sourceTable, targetDb, targetTable] }

    static func < (lhs: TableKey, rhs: TableKey) -> Bool {
        let a = [lhs.jobId ?? ""] + lhs.location
        let b = [rhs.jobId ?? ""] + rhs.location
        return a.lexicographicallyPrecedes(b)
    }
}

/// Every distinct row seen, as a 128-bit digest of its location, kind and keys, with the
/// job and task it came with. 24 bytes a row: a million rows cost tens of megabytes, not the rows.
struct RowLedger {
    struct Digest: Hashable {
        var high: UInt64
        var low: UInt64
    }

    /// (job index, task index), 0 meaning unknown.
    private struct Owner: Equatable {
        var job: UInt32
        var task: UInt32

        func matches(_ other: Owner) -> Bool {
            (job == other.job || job == 0 || other.job == 0) && (task == other.task || task == 0 || other.task == 0)
        }
    }

    private var first: [Digest: Owner] = [:]
    /// Further owners of a digest (the same row in another job or task): rare.
    private var more: [Digest: [Owner]] = [:]
    private var jobs: [String: UInt32] = [:]
    private var tasks: [String: UInt32] = [:]

    /// Whether the row's table is known well enough to tell it from another table's rows.
    static func locationKnown(_ row: DiffRow) -> Bool {
        (!row.sourceTable.isEmpty && !row.sourceDatabase.isEmpty) || (!row.targetTable.isEmpty && !row.targetDatabase.isEmpty)
    }

    /// Records the row; false when it is an exact duplicate of one already recorded.
    mutating func insert(_ row: DiffRow) -> Bool {
        guard Self.locationKnown(row) else { return true }
        let digest = Self.digest(row)
        let owner = Owner(job: index(row.jobId, in: &jobs), task: index(row.taskId, in: &tasks))
        guard let existing = first[digest] else {
            first[digest] = owner
            return true
        }
        if existing.matches(owner) { return false }
        if let others = more[digest], others.contains(where: { $0.matches(owner) }) { return false }
        more[digest, default: []].append(owner)
        return true
    }

    private func index(_ value: String?, in table: inout [String: UInt32]) -> UInt32 {
        guard let value, !value.isEmpty else { return 0 }
        if let known = table[value] { return known }
        let next = UInt32(table.count + 1)
        table[value] = next
        return next
    }

    static func digest(_ row: DiffRow) -> Digest {
        var hasher = SHA256()
        func add(_ text: String) {
            var length = UInt64(text.utf8.count).littleEndian
            withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
            hasher.update(data: Data(text.utf8))
        }
        for part in [row.sourceDatabase, row.sourceTable, row.targetDatabase, row.targetTable, row.kind.rawValue] { add(part) }
        for keys in [row.sourceKey, row.targetKey] {
            add(String(keys.count))
            for key in keys { add(key) }
        }
        let bytes = Array(hasher.finalize())
        func word(_ offset: Int) -> UInt64 { bytes[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) } }
        return Digest(high: word(0), low: word(8))
    }
}
