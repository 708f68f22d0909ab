import DRSCore
import Foundation

/// Joins the collected facts into the ledger, names the job and judges the report.
extension ReportBuilder {
    package func finish() throws(DRSReportError) -> IngestResult {
        // Jobs, and tasks claimed by more than one.
        report.jobs = jobOrder.compactMap { jobs[$0] }
        for id in taskOrder {
            guard let claims = taskJobClaims[id], claims.count > 1, let first = claims.first else { continue }
            report.conflicts.append(
                Conflict(
                    kind: .taskJob, subject: id, comparison: tasks[id]?.kind,
                    values: claims.map { "\($0.job) (\($0.sourceId))" },
                    used: "\(first.job) (\(first.sourceId))", rule: .firstSeen))
        }
        report.tasks = taskOrder.compactMap { tasks[$0] }
        var resolver = JobResolver()
        for task in report.tasks { if let job = task.jobId { resolver.taskJobs[task.id] = job } }
        resolver.onlyJob = report.jobs.count == 1 ? report.jobs[0].id : nil
        resolveJobs(resolver)
        inferObjectTypes()
        settleRows(resolver)
        try spool?.seal()

        var ledger = LedgerBuilder(facts: facts, rowsByTable: resolvedRows(resolver), receivedAt: receivedAt)
        let details = mergedUntyped(facts.objectDetails)
        report.tables = ledger.tables(objects: details)
        report.databases = ledger.databases(tables: report.tables, objects: details)
        report.objectTypes = ledger.objectTypes()
        report.objects = ledger.objects(
            details: details, types: report.objectTypes, tables: report.tables, databases: report.databases)
        report.conflicts += ledger.conflicts

        if !reportedCounts.isEmpty {
            var resolved: [ReportedKey: Int64] = [:]
            for (key, count) in reportedCounts {
                resolved[ReportedKey(jobId: resolver.resolve(key.jobId, task: nil), key: key.key)] = count
            }
            var total: Int64 = 0
            for key in resolved.keys.sorted() {
                let (sum, overflow) = total.addingReportingOverflow(resolved[key] ?? 0)
                total = overflow ? Int64.max : sum
            }
            report.diffSummary.rowsReportedByDRS = total
        }
        report.notCompared = LedgerRules.notCompared(report)
        report.verdict = VerdictRule.judge(report)
        if report.title.isEmpty { report.title = Self.defaultTitle(report.jobs, strings: Strings(options.language)) }
        return IngestResult(
            report: report, diffs: DiffStream(spool: spool, skipped: skippedRows, jobs: rowJobs, asRead: rowsAsRead))
    }

    /// "DRS comparison: <job name> (<job id>)"; the job id alone without a name; a count of jobs when several.
    package static func defaultTitle(_ jobs: [JobInfo], strings: Strings) -> String {
        guard let job = jobs.first else { return strings["report.default_title"] }
        if jobs.count > 1 { return strings.format("report.title_jobs", jobs.count) }
        if let name = job.name { return strings.format("report.title_named", name, job.id) }
        return strings.format("report.title_job", job.id)
    }

    private func resolveJobs(_ resolver: JobResolver) {
        for i in facts.objectTypes.indices {
            facts.objectTypes[i].jobId = resolver.resolve(facts.objectTypes[i].jobId, task: facts.objectTypes[i].taskId)
        }
        for i in facts.objectDetails.indices {
            facts.objectDetails[i].jobId = resolver.resolve(
                facts.objectDetails[i].jobId, task: facts.objectDetails[i].taskId)
        }
        for i in facts.lineDatabases.indices {
            facts.lineDatabases[i].jobId = resolver.resolve(
                facts.lineDatabases[i].jobId, task: facts.lineDatabases[i].taskId)
        }
        for i in facts.contentDatabases.indices {
            facts.contentDatabases[i].jobId = resolver.resolve(
                facts.contentDatabases[i].jobId, task: facts.contentDatabases[i].taskId)
        }
        for i in facts.lineTables.indices {
            facts.lineTables[i].jobId = resolver.resolve(facts.lineTables[i].jobId, task: facts.lineTables[i].taskId)
        }
        for i in facts.contentTables.indices {
            facts.contentTables[i].jobId = resolver.resolve(
                facts.contentTables[i].jobId, task: facts.contentTables[i].taskId)
        }
    }

    /// Row counts per table with jobs resolved; rows of one table from several tasks add up.
    private func resolvedRows(_ resolver: JobResolver) -> [TableKey: Int64] {
        var result: [TableKey: Int64] = [:]
        for (key, count) in rowsByTable {
            var resolved = key
            resolved.jobId = resolver.resolve(key.jobId, task: nil)
            let (sum, overflow) = result[resolved, default: 0].addingReportingOverflow(count)
            result[resolved] = overflow ? Int64.max : sum
        }
        return result
    }

    /// A loose object-detail body does not say its object type. Infer it: TABLE when every
    /// object it lists is a table the row or value comparison knows; else the one type other
    /// inputs list those objects under; else the one type whose count equals the body's count.
    private func inferObjectTypes() {
        for sourceId in facts.untypedObjectSources.keys.sorted(by: { LedgerBuilder.order($0) < LedgerBuilder.order($1) }
        ) {
            let indices = facts.objectDetails.indices.filter {
                facts.objectDetails[$0].sourceId == sourceId && facts.objectDetails[$0].objectType == "UNKNOWN"
            }
            guard !indices.isEmpty else { continue }
            func name(_ detail: ObjectDetail) -> String {
                (detail.sourceValue ?? "").isEmpty ? (detail.targetValue ?? "") : (detail.sourceValue ?? "")
            }
            var tables = Set<String>()
            for fact in facts.lineTables { tables.insert(fact.sourceDatabase + "\u{1}" + fact.sourceTable) }
            for fact in facts.contentTables { tables.insert(fact.sourceDatabase + "\u{1}" + fact.sourceTable) }
            let names = indices.map {
                (facts.objectDetails[$0].sourceDatabase ?? "") + "\u{1}" + name(facts.objectDetails[$0])
            }
            var type: String?
            if names.allSatisfy(tables.contains) {
                type = "TABLE"
            } else {
                var typesOf: [String: Set<String>] = [:]
                for detail in facts.objectDetails where detail.objectType != "UNKNOWN" {
                    typesOf[(detail.sourceDatabase ?? "") + "\u{1}" + name(detail), default: []].insert(
                        detail.objectType)
                }
                let found = names.map { typesOf[$0] ?? [] }
                if found.allSatisfy({ $0.count == 1 }), let first = found.first?.first,
                    found.allSatisfy({ $0.first == first })
                {
                    type = first
                } else if let count = facts.untypedObjectSources[sourceId] ?? nil {
                    let matching = Set(
                        facts.objectTypes.filter { $0.sourceCount == count || $0.targetCount == count }.map(
                            \.objectType))
                    if matching.count == 1 { type = matching.first }
                }
            }
            guard let type else { continue }
            for index in indices { facts.objectDetails[index].objectType = type }
            let file = report.sources.first { $0.id == sourceId }?.file ?? sourceId
            report.notes.append(
                Note(code: .objectTypeInferred, sourceId: sourceId, file: file, values: [], subject: type))
        }
    }

    /// An object still of unknown type is dropped when the same object is listed under a known type.
    private func mergedUntyped(_ details: [ObjectDetail]) -> [ObjectDetail] {
        func name(_ detail: ObjectDetail) -> String {
            (detail.sourceValue ?? "").isEmpty ? (detail.targetValue ?? "") : (detail.sourceValue ?? "")
        }
        func key(_ detail: ObjectDetail) -> String {
            [detail.jobId ?? "", detail.sourceDatabase ?? "", detail.targetDatabase ?? "", name(detail)].joined(
                separator: "\u{1}")
        }
        let typed = Set(details.filter { $0.objectType != "UNKNOWN" }.map(key))
        return details.filter { $0.objectType != "UNKNOWN" || !typed.contains(key($0)) }
    }
}
