import Foundation

/// Where an inconsistent row belongs, from the request or the enclosing response.
struct DiffLocation: Sendable, Equatable {
    var taskId: String?
    var sourceDatabase: String?
    var targetDatabase: String?
    var sourceTable: String?
    var targetTable: String?
}

/// A page of inconsistent rows with the totals DRS sent alongside.
struct DiffPage {
    var rows: [DiffRow] = []
    /// `count` as DRS sent it.
    var reportedCount: Int64?
}

/// Extracts inconsistent rows from the three response kinds that carry them. Used by the first
/// pass (to count) and by `DiffStream` (to stream), so both see exactly the same rows.
enum DiffExtraction {
    static func pages(from root: JSONReader, kind: ResponseKind, request: RequestContext?, sourceId: String) throws(DRSReportError) -> [DiffPage] {
        switch kind {
        case .v5JobDetail:
            guard let result = try root.object("job")?.object("compare_result"),
                  let info = try result.object("content_diff_detail_info")
            else { return [] }
            let location = DiffLocation(
                taskId: request?.query["compare_task_id"], sourceDatabase: request?.query["source_db_name"],
                targetDatabase: request?.query["target_db_name"], sourceTable: nil, targetTable: nil)
            return [try page(info, location: location, sourceId: sourceId)]
        case .v3ContentDifference:
            let location = DiffLocation(
                taskId: request?.value(after: "compare"), sourceDatabase: request?.query["db_name"],
                targetDatabase: request?.query["target_db_name"], sourceTable: request?.query["table_name"], targetTable: nil)
            return [try page(root, location: location, sourceId: sourceId)]
        case .v3CompareResult:
            guard let content = try root.object("content_compare_results") else { return [] }
            let taskId = try content.string("compare_task_id")
            var targets: [String: String] = [:]
            for overview in try content.array("content_compare_overview") {
                if let source = try overview.string("source_db_name"), let target = try overview.string("target_db_name") {
                    targets[source] = target
                }
            }
            var pages: [DiffPage] = []
            for group in try content.array("content_compare_diffs") {
                let sourceDatabase = try group.string("source_db_name")
                let location = DiffLocation(
                    taskId: taskId, sourceDatabase: sourceDatabase,
                    targetDatabase: sourceDatabase.flatMap { targets[$0] } ?? sourceDatabase,
                    sourceTable: try group.string("source_table_name"), targetTable: nil)
                var page = DiffPage()
                page.reportedCount = try group.int64("content_compare_diff_count")
                for item in try group.array("content_compare_diff") {
                    page.rows.append(try row(item, location: location, sourceId: sourceId))
                }
                pages.append(page)
            }
            return pages
        default:
            return []
        }
    }

    private static func page(_ info: JSONReader, location: DiffLocation, sourceId: String) throws(DRSReportError) -> DiffPage {
        var page = DiffPage()
        page.reportedCount = try info.int64("count")
        let items = try info.array("contents_infos")
        page.rows.reserveCapacity(items.count)
        for item in items {
            page.rows.append(try row(item, location: location, sourceId: sourceId))
        }
        return page
    }

    static func row(_ item: JSONReader, location: DiffLocation, sourceId: String) throws(DRSReportError) -> DiffRow {
        let sourceKey = try item.strings("source_key_value")
        let targetKey = try item.strings("target_key_value")
        let sourceSQL = try item.string("source_select_sql", "select_sql") ?? ""
        let targetSQL = try item.string("target_select_sql") ?? ""
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
        return DiffRow(
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
enum SQLLocation {
    static func parse(_ sql: String) -> (database: String?, table: String?)? {
        let scalars = Array(sql.unicodeScalars)
        var index = 0
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\n" || s == "\t" || s == "\r" }
        // Find the keyword FROM outside quotes.
        var quote: Unicode.Scalar?
        var found = -1
        while index < scalars.count {
            let s = scalars[index]
            if let open = quote {
                if s == open { quote = nil }
            } else if s == "'" || s == "`" || s == "\"" {
                quote = s
            } else if index + 4 <= scalars.count,
                      String(String.UnicodeScalarView(scalars[index..<index + 4])).lowercased() == "from",
                      index == 0 || isSpace(scalars[index - 1]),
                      index + 4 < scalars.count, isSpace(scalars[index + 4])
            {
                found = index + 4
                break
            }
            index += 1
        }
        guard found >= 0 else { return nil }
        index = found
        func identifier() -> String? {
            while index < scalars.count, isSpace(scalars[index]) { index += 1 }
            guard index < scalars.count else { return nil }
            let open = scalars[index]
            let close: Unicode.Scalar? = open == "`" ? "`" : open == "\"" ? "\"" : open == "[" ? "]" : nil
            var text = String.UnicodeScalarView()
            if let close {
                index += 1
                while index < scalars.count {
                    if scalars[index] == close {
                        if index + 1 < scalars.count, scalars[index + 1] == close {
                            text.append(close)
                            index += 2
                            continue
                        }
                        index += 1
                        return String(text)
                    }
                    text.append(scalars[index])
                    index += 1
                }
                return nil
            }
            while index < scalars.count {
                let s = scalars[index]
                if isSpace(s) || s == "." || s == "," || s == ";" || s == "(" || s == ")" { break }
                text.append(s)
                index += 1
            }
            return text.isEmpty ? nil : String(text)
        }
        guard let first = identifier() else { return nil }
        while index < scalars.count, isSpace(scalars[index]) { index += 1 }
        if index < scalars.count, scalars[index] == "." {
            index += 1
            guard let second = identifier() else { return (nil, first) }
            return (first, second)
        }
        return (nil, first)
    }
}
