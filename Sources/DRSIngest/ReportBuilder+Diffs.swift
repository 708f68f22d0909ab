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
