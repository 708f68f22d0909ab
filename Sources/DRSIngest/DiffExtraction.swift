import DRSCore
import DRSWire
import Foundation

/// Where an inconsistent row belongs, from the request or the enclosing response.
package struct DiffLocation: Sendable, Equatable {
    package var jobId: String?
    package var taskId: String?
    package var sourceDatabase: String?
    package var targetDatabase: String?
    package var sourceTable: String?
    package var targetTable: String?

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        jobId: String? = nil, taskId: String? = nil, sourceDatabase: String? = nil, targetDatabase: String? = nil,
        sourceTable: String? = nil, targetTable: String? = nil
    ) {
        self.jobId = jobId
        self.taskId = taskId
        self.sourceDatabase = sourceDatabase
        self.targetDatabase = targetDatabase
        self.sourceTable = sourceTable
        self.targetTable = targetTable
    }
}

/// A page of inconsistent rows with the totals DRS sent alongside.
package struct DiffPage {
    package var rows: [DiffRow] = []
    /// `count` as DRS sent it.
    package var reportedCount: Int64?
    /// Where the page's rows belong, as the request or the enclosing response says.
    package var location = DiffLocation()

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(rows: [DiffRow] = [], reportedCount: Int64? = nil, location: DiffLocation = DiffLocation()) {
        self.location = location
        self.rows = rows
        self.reportedCount = reportedCount
    }
}

/// Extracts inconsistent rows from the three response kinds that carry them. Used by the first
/// pass (to count) and by `DiffStream` (to stream), so both see exactly the same rows.
package enum DiffExtraction {
    package static func pages(
        from root: JSONReader, kind: ResponseKind, request: RequestContext?, jobId: String?, sourceId: String
    ) throws(DRSReportError) -> [DiffPage] {
        switch kind {
        case .v5JobDetail:
            guard let result = try root.object(Wire.Key.job)?.object(Wire.Key.compareResult),
                let info = try result.object(Wire.Key.contentDiffDetailInfo)
            else { return [] }
            let location = DiffLocation(
                jobId: try root.object(Wire.Key.job)?.string(Wire.Key.id) ?? jobId,
                taskId: request?.query[Wire.Key.compareTaskId], sourceDatabase: request?.query[Wire.Key.sourceDbName],
                targetDatabase: request?.query[Wire.Key.targetDbName], sourceTable: nil, targetTable: nil)
            return [try page(info, location: location, sourceId: sourceId)]
        case .v3ContentDifference:
            let location = DiffLocation(
                jobId: jobId, taskId: request?.value(after: "compare"), sourceDatabase: request?.query[Wire.Key.dbName],
                targetDatabase: request?.query[Wire.Key.targetDbName], sourceTable: request?.query[Wire.Key.tableName],
                targetTable: nil)
            return [try page(root, location: location, sourceId: sourceId)]
        case .v3CompareResult:
            guard let content = try root.object(Wire.Key.contentCompareResults) else { return [] }
            let taskId = try content.string(Wire.Key.compareTaskId)
            let resultJob = try root.string(Wire.Key.jobId) ?? jobId
            var targets: [String: String] = [:]
            for overview in try content.array(Wire.Key.contentCompareOverview) {
                try overview.requireObject()
                if let source = try overview.string(Wire.Key.sourceDbName),
                    let target = try overview.string(Wire.Key.targetDbName)
                {
                    targets[source] = target
                }
            }
            var pages: [DiffPage] = []
            for group in try content.array(Wire.Key.contentCompareDiffs) {
                try group.requireObject()
                let sourceDatabase = try group.string(Wire.Key.sourceDbName)
                let location = DiffLocation(
                    jobId: resultJob, taskId: taskId, sourceDatabase: sourceDatabase,
                    targetDatabase: sourceDatabase.flatMap { targets[$0] } ?? sourceDatabase,
                    sourceTable: try group.string(Wire.Key.sourceTableName), targetTable: nil)
                var page = DiffPage(location: location)
                page.reportedCount = try group.int64(Wire.Key.contentCompareDiffCount)
                for item in try group.array(Wire.Key.contentCompareDiff) {
                    try item.requireObject()
                    page.rows.append(try row(item, location: location, sourceId: sourceId))
                }
                pages.append(page)
            }
            return pages
        default:
            return []
        }
    }

    private static func page(_ info: JSONReader, location: DiffLocation, sourceId: String) throws(DRSReportError)
        -> DiffPage
    {
        var page = DiffPage(location: location)
        page.reportedCount = try info.int64(Wire.Key.count)
        let items = try info.array(Wire.Key.contentsInfos)
        page.rows.reserveCapacity(items.count)
        for item in items {
            // A string or number in a record array is not a row; counting it would invent a difference.
            try item.requireObject()
            page.rows.append(try row(item, location: location, sourceId: sourceId))
        }
        return page
    }

    package static func row(_ item: JSONReader, location: DiffLocation, sourceId: String) throws(DRSReportError)
        -> DiffRow
    {
        let sourceKey = try item.strings(Wire.Key.sourceKeyValue)
        let targetKey = try item.strings(Wire.Key.targetKeyValue)
        let sourceSQL = try item.string(Wire.Key.sourceSelectSql, Wire.Key.selectSql) ?? ""
        let targetSQL = try item.string(Wire.Key.targetSelectSql) ?? ""
        // `{}` (or keys and SELECTs all empty) names no row: counting it would invent a difference.
        if sourceKey.allSatisfy(\.isEmpty) && targetKey.allSatisfy(\.isEmpty) && sourceSQL.isEmpty && targetSQL.isEmpty
        {
            throw .typeMismatch(
                file: item.file, path: item.path, expected: "an inconsistent row (key values or a SELECT)",
                found: "a row with neither key values nor a SELECT")
        }
        let kind: DiffKind
        if targetKey.allSatisfy(\.isEmpty) && !sourceKey.allSatisfy(\.isEmpty) {
            kind = .missingOnTarget
        } else if sourceKey.allSatisfy(\.isEmpty) && !targetKey.allSatisfy(\.isEmpty) {
            kind = .missingOnSource
        } else {
            kind = .differs
        }
        var inferred = false
        var sourceDatabase = location.sourceDatabase
        var sourceTable = location.sourceTable
        var targetDatabase = location.targetDatabase
        var targetTable = location.targetTable
        if sourceTable == nil || sourceDatabase == nil, let parsed = SQLLocation.parse(sourceSQL) {
            if sourceTable == nil, let table = parsed.table {
                sourceTable = table
                inferred = true
            }
            if sourceDatabase == nil, let database = parsed.database {
                sourceDatabase = database
                inferred = true
            }
        }
        if targetTable == nil || targetDatabase == nil, let parsed = SQLLocation.parse(targetSQL) {
            if targetTable == nil { targetTable = parsed.table }
            if targetDatabase == nil { targetDatabase = parsed.database }
        }
        // A row missing on the source often has no source SELECT: its table is the target's, by
        // the same name. Without this, two such rows of different tables would look alike.
        if sourceTable == nil, let targetTable {
            sourceTable = targetTable
            inferred = true
        }
        if sourceDatabase == nil, let targetDatabase {
            sourceDatabase = targetDatabase
            inferred = true
        }
        return DiffRow(
            jobId: location.jobId,
            taskId: location.taskId,
            sourceDatabase: sourceDatabase ?? "",
            targetDatabase: targetDatabase ?? sourceDatabase ?? "",
            sourceTable: sourceTable ?? "",
            targetTable: targetTable ?? sourceTable ?? "",
            sourceKey: sourceKey, targetKey: targetKey,
            sourceSQL: sourceSQL, targetSQL: targetSQL,
            kind: kind, locationInferred: inferred, sourceId: sourceId)
    }
}

/// Reads `db.table` from the FROM clause of a DRS re-check SELECT, for responses that do not say
/// which table a row belongs to (v5 diff pages, loose v3 content-difference files).
package enum SQLLocation {
    package static func parse(_ sql: String) -> (database: String?, table: String?)? {
        var sql = sql
        return sql.withUTF8 { parse(bytes: $0) }
    }

    /// Works on UTF-8 bytes: it runs for every row of a million-row diff, so no per-character allocation.
    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> (database: String?, table: String?)? {
        let count = bytes.count
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D }
        func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 0x20 : b }
        // Find the keyword FROM outside quotes.
        var quote: UInt8 = 0
        var index = 0
        var found = -1
        while index < count {
            let b = bytes[index]
            if quote != 0 {
                if b == quote { quote = 0 }
            } else if b == 0x27 || b == 0x60 || b == 0x22 {
                quote = b
            } else if lower(b) == 0x66, index + 4 < count, lower(bytes[index + 1]) == 0x72,
                lower(bytes[index + 2]) == 0x6F,
                lower(bytes[index + 3]) == 0x6D, isSpace(bytes[index + 4]), index == 0 || isSpace(bytes[index - 1])
            {
                found = index + 4
                break
            }
            index += 1
        }
        guard found >= 0 else { return nil }
        index = found
        func identifier() -> String? {
            while index < count, isSpace(bytes[index]) { index += 1 }
            guard index < count else { return nil }
            let open = bytes[index]
            let close: UInt8 = open == 0x60 ? 0x60 : open == 0x22 ? 0x22 : open == 0x5B ? 0x5D : 0
            var text: [UInt8] = []
            if close != 0 {
                index += 1
                while index < count {
                    if bytes[index] == close {
                        if index + 1 < count, bytes[index + 1] == close {
                            text.append(close)
                            index += 2
                            continue
                        }
                        index += 1
                        return String(decoding: text, as: UTF8.self)
                    }
                    text.append(bytes[index])
                    index += 1
                }
                return nil
            }
            let start = index
            while index < count {
                let b = bytes[index]
                if isSpace(b) || b == 0x2E || b == 0x2C || b == 0x3B || b == 0x28 || b == 0x29 { break }
                index += 1
            }
            return index > start
                ? String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self) : nil
        }
        guard let first = identifier() else { return nil }
        while index < count, isSpace(bytes[index]) { index += 1 }
        if index < count, bytes[index] == 0x2E {
            index += 1
            guard let second = identifier() else { return (nil, first) }
            return (first, second)
        }
        return (nil, first)
    }
}
