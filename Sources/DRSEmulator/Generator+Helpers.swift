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
}
