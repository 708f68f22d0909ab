import DRSJSON
import DRSWire
import Foundation

/// The generator's pieces: the job detail, allocation of rows, key values and SELECTs.
extension DatasetGenerator {
    /// `GET /v5/{project_id}/jobs/{job_id}?type=detail` of a MySQL→MySQL sync job in cn-north-4.
    static func jobDetail(jobId: String, projectId: String, name: String) -> JSONValue {
        func endpoint(_ role: String, _ user: String) -> JSONValue {
            .object([
                (Wire.Key.dbType, .string("mysql")), (Wire.Key.endpointType, .string(Wire.Key.cloud)),
                (Wire.Key.endpointRole, .string(role)),
                (Wire.Key.endpoint, .object([(Wire.Key.dbUser, .string(user))])),
                (
                    Wire.Key.cloud,
                    .object([(Wire.Key.region, .string("cn-north-4")), (Wire.Key.projectId, .string(projectId))])
                ),
            ])
        }
        return .object([
            (
                Wire.Key.job,
                .object([
                    (Wire.Key.id, .string(jobId)), (Wire.Key.status, .string("INCRE_TRANSFER_STARTED")),
                    (Wire.Key.createTime, .string("2026-11-18T02:00:00Z")),
                    (
                        Wire.Key.baseInfo,
                        .object([
                            (Wire.Key.name, .string(name)), (Wire.Key.jobType, .string("sync")),
                            (Wire.Key.engineType, .string("mysql-to-mysql")),
                            (Wire.Key.taskType, .string("FULL_INCR_TRANS")),
                        ])
                    ),
                    (Wire.Key.sourceEndpoint, .array([endpoint("so", "drs_reader")])),
                    (Wire.Key.targetEndpoint, .array([endpoint("ta", "drs_writer")])),
                ])
            )
        ])
    }

    /// Largest-remainder split of `total` over `weights`.
    static func allocate(_ total: Int, weights: [Double]) -> [Int] {
        let sum = weights.reduce(0, +)
        guard sum > 0 else { return weights.map { _ in 0 } }
        let raw = weights.map { Double(total) * $0 / sum }
        var out = raw.map { Int($0) }
        let rest = total - out.reduce(0, +)
        let order = raw.indices.sorted { (raw[$0] - Double(out[$0]), -$0) > (raw[$1] - Double(out[$1]), -$1) }
        for index in order.prefix(rest) { out[index] += 1 }
        return out
    }

    static func keyValue(_ column: String, row: Int, number: Int) -> String {
        switch column {
        case "item_no", "seq", "行号": return String(1 + row % 3)
        case "tenant_id": return String(1 + row % 50)
        case "客户编号": return "KH2026\(number)"
        case "订单号": return "DD2026\(number)"
        case "会员编号": return "HY\(number)"
        case "code": return "CP\(number)"
        case "sku": return "SKU-\(number)"
        case "session_id":
            var mix = SeededRandom(seed: UInt64(number))
            return String(format: "%016llx", mix.next())
        default: return String(number)
        }
    }

    /// MySQL identifier quoting.
    static func quoteIdentifier(_ name: String) -> String { "`" + name.replacingOccurrences(of: "`", with: "``") + "`" }

    /// MySQL string literal.
    static func quoteString(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
    }

    static func selectSQL(db: String, table: String, columns: [String], values: [String]) -> String {
        let condition = zip(columns, values).map { "\(quoteIdentifier($0))=\(quoteString($1))" }.joined(
            separator: " AND ")
        return "SELECT * FROM \(quoteIdentifier(db)).\(quoteIdentifier(table)) WHERE \(condition)"
    }

    /// A job body holding `compareResult` (and `total_count` when given).
    static func job(_ compareResult: [(String, JSONValue)], total: Int?) -> JSONValue {
        var members: [(String, JSONValue)] = [(Wire.Key.id, .string(jobId))]
        if let total { members.append((Wire.Key.totalCount, .int(total))) }
        members.append((Wire.Key.compareResult, .object(JSONObject(compareResult))))
        return .object([(Wire.Key.job, .object(JSONObject(members)))])
    }

    /// A comparison query: `type=compare` and `extra`.
    static func compare(_ extra: [String: String]) -> [String: String] {
        [Wire.Key.type: "compare"].merging(extra) { $1 }
    }

    /// One data-level task of the task list.
    static func task(_ id: String, _ type: String, _ start: String, _ end: String, _ export: String, _ remain: Int)
        -> JSONValue
    {
        .object([
            (Wire.Key.id, .string(id)), (Wire.Key.type, .string(type)), (Wire.Key.startTime, .string(start)),
            (Wire.Key.endTime, .string(end)),
            (Wire.Key.status, .string(Wire.TaskStatus.successful)), (Wire.Key.computeType, .string("drs")),
            (Wire.Key.exportStatus, .string(export)),
            (Wire.Key.reportRemainSeconds, .int(remain)), (Wire.Key.compareJobTag, .object([])),
        ])
    }

    /// The indexes of a table: its primary key, and a secondary index when it has one (missing on the target when `missingIndex`).
    static func indexes(_ t: Table) -> [(String, Bool)] {
        var list = [("\(t.name).PRIMARY (\(t.keys.map { "`\($0)`" }.joined(separator: ",")))", false)]
        if t.hasSecondaryIndex {
            list.append(("\(t.name).idx_\(t.name)_created_at (`created_at`)", t.missingIndex))
        }
        return list
    }

    /// A row of the object overview: a type with its counts on each side.
    static func overviewRow(_ type: String, _ source: Int, _ target: Int) -> JSONValue {
        .object([
            (Wire.Key.type, .string(type)), (Wire.Key.sourceCount, .int(source)),
            (Wire.Key.targetCount, .int(target)),
            (Wire.Key.status, .string(source == target ? "CONSISTENT" : "INCONSISTENT")),
        ])
    }

    /// A row of the object details of a database.
    static func objectRow(_ db: String, _ source: String, _ target: String, _ error: String) -> JSONValue {
        .object([
            (Wire.Key.sourceDbName, .string(db)), (Wire.Key.targetDbName, .string(db)),
            (Wire.Key.sourceDbValue, .string(source)),
            (Wire.Key.targetDbValue, .string(target)), (Wire.Key.errorMessage, .string(error)),
        ])
    }

    /// A table's row of `progress-data/table`: done, or 37% for the huge table, or 0 when its
    /// database is missing on the target.
    static func flowRow(_ t: Table, database: String, missing: Bool) -> JSONValue {
        let progress = missing ? 0 : (t.category == .huge ? 37 : 100)
        return .object([
            (Wire.Key.srcDb, .string(database)), (Wire.Key.srcTb, .string(t.name)), (Wire.Key.dstDb, .string(database)),
            (Wire.Key.dstTb, .string(t.name)), (Wire.Key.progress, .int(progress)),
        ])
    }

    /// `date` as ISO-8601 in UTC, seconds precision.
    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
