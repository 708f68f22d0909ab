import DRSJSON
import DRSWire
import Foundation

/// Builds a deterministic MySQL→MySQL job directly into the logical store.
enum DatasetGenerator {
    /// Fixed project id of generated data.
    static let projectId = "6e2f1a0c9b8d4e7f8a1b2c3d4e5f6a7b"
    /// Fixed job id of generated data.
    static let jobId = "5d1e0f2a-3b4c-4d5e-8f60-7a8b9c0djb01"
    static let endpoint = "https://drs.cn-north-4.myhuaweicloud.com"
    /// 2026-11-20T08:00:00Z.
    static let baseTime = Date(timeIntervalSince1970: 1_795_161_600)

    enum Category { case normal, huge, memoryEngine, lineFailure }

    struct Table {
        var db: Int
        var name: String
        var keys: [String]
        var category: Category
        var baseRows: Int64
        var onlySource = 0
        var onlyTarget = 0
        var different = 0
        var hasSecondaryIndex: Bool
        var missingIndex = false
        var diffs: Int { onlySource + onlyTarget + different }
    }

    static let databasePool = [
        "shop", "订单库", "legacy_crm", "inventory", "用户中心", "billing", "日志库", "analytics", "会员系统", "logistics",
    ]
    static let tablePool: [(String, [String])] = [
        ("orders", ["id"]), ("order_items", ["order_id", "item_no"]), ("客户表", ["客户编号"]), ("products", ["id"]),
        ("payments", ["id"]), ("订单明细", ["订单号", "行号"]), ("退款记录", ["id"]), ("event_log", ["id"]),
        ("audit_trail", ["id"]), ("tmp_import_2026", ["id"]), ("会员积分", ["会员编号"]), ("users", ["id"]),
        ("addresses", ["user_id", "seq"]), ("coupons", ["code"]), ("商品库存", ["sku"]), ("shipments", ["id"]),
        ("invoices", ["tenant_id", "id"]), ("sessions", ["session_id"]),
    ]

    static func make(seed: UInt64, shape: GeneratedShape) -> LogicalStore {
        var rng = SeededRandom(seed: seed ^ 0x4452_535F_454D_5500)
        let nDB = max(1, shape.databases)
        let nTables = max(nDB, shape.tables)
        let objectTask = rng.uuid()
        let linesTask = rng.uuid()
        let contentsTask = rng.uuid()

        let (dbs, missingDB, tables) = plan(&rng, shape: shape, nDB: nDB, nTables: nTables)

        var store = LogicalStore(
            projectId: projectId, jobId: jobId, endpoint: endpoint, language: "en-us", createdAt: "")
        var clock = 0
        let jobPath = store.jobPath
        func received() -> String {
            defer { clock += 1 }
            return iso(baseTime.addingTimeInterval(TimeInterval(clock)))
        }
        func addList(
            _ query: [String: String], key: String, items: [JSONValue], path: String? = nil, envelope: JSONValue? = nil,
            arrayPath: [String]? = nil
        ) {
            var list = ItemList()
            for item in items { list.append(item) }
            let body = PagedBody(
                envelope: envelope ?? job([(key, .array([]))], total: items.count),
                arrayPath: arrayPath ?? [Wire.Key.job, Wire.Key.compareResult, key],
                items: list, recordedPaged: true)
            store.add(
                StoreEntry(
                    method: "GET", path: path ?? jobPath, query: query, status: 200, receivedAt: received(),
                    body: .paged(body)))
        }
        func addPlain(_ query: [String: String], _ body: JSONValue, path: String? = nil) {
            store.add(
                StoreEntry(
                    method: "GET", path: path ?? jobPath, query: query, status: 200, receivedAt: received(),
                    body: .plain(body.prettyBytes)))
        }

        // Data-level task list.
        addList(
            compare([Wire.Key.compareType: "data_compare", Wire.Key.queryType: "list"]),
            key: Wire.Key.dataCompareTaskList,
            items: [
                task(
                    linesTask, "lines", "2026-11-20T02:00:03Z", "2026-11-20T02:07:41Z", Wire.ExportStatus.complete,
                    430_766),
                task(
                    contentsTask, "contents", "2026-11-20T02:10:00Z", "2026-11-20T03:42:18Z", Wire.ExportStatus.initial,
                    -1),
            ])

        // Object-level comparison.
        let tablesOf = { (db: Int) in tables.indices.filter { tables[$0].db == db } }
        let missingTables = tables.filter { $0.db == missingDB }.count
        let allIndexes = tables.flatMap { t in indexes(t).map { (t, $0.0, $0.1) } }
        let targetIndexes = allIndexes.filter { $0.0.db != missingDB && !$0.2 }.count
        addPlain(
            compare([
                Wire.Key.compareType: "object_compare", Wire.Key.queryType: "overview",
                Wire.Key.compareTaskId: objectTask,
            ]),
            job(
                [
                    (
                        Wire.Key.objectsCompareOverviewInfo,
                        .object([
                            (Wire.Key.createTime, .string("2026-11-19T22:10:05Z")),
                            (
                                Wire.Key.compareResults,
                                .array([
                                    overviewRow("DB", nDB, nDB - (missingDB == nil ? 0 : 1)),
                                    overviewRow("TABLE", nTables, nTables - missingTables),
                                    overviewRow("INDEX", allIndexes.count, targetIndexes),
                                ])
                            ),
                            (Wire.Key.startTime, .string("2026-11-19T22:10:09Z")),
                            (Wire.Key.status, .string(Wire.TaskStatus.successful)),
                            (Wire.Key.exportStatus, .string(Wire.ExportStatus.complete)),
                            (Wire.Key.reportRemainSeconds, .int(266_621)),
                            (Wire.Key.compareJobId, .string(objectTask)),
                        ])
                    )
                ], total: nil))
        let objectQuery = { (type: String) in
            compare([
                Wire.Key.compareType: "object_compare", Wire.Key.queryType: "detail", Wire.Key.objectType: type,
                Wire.Key.compareTaskId: objectTask,
            ])
        }
        addList(
            objectQuery("DB"), key: Wire.Key.objectsCompareDetailInfos,
            items: dbs.enumerated().map { d, name in
                d == missingDB
                    ? objectRow(name, name, "", "The database does not exist in the destination database.")
                    : objectRow(name, name, name, "")
            })
        addList(
            objectQuery("TABLE"), key: Wire.Key.objectsCompareDetailInfos,
            items: tables.map { t in
                t.db == missingDB
                    ? objectRow(dbs[t.db], t.name, "", "The table does not exist in the destination database.")
                    : objectRow(dbs[t.db], t.name, t.name, "")
            })
        addList(
            objectQuery("INDEX"), key: Wire.Key.objectsCompareDetailInfos,
            items: allIndexes.map { t, index, missing in
                t.db == missingDB || missing
                    ? objectRow(dbs[t.db], index, "", "The index does not exist in the destination database.")
                    : objectRow(dbs[t.db], index, index, "")
            })

        // Row comparison.
        let dbDiffs = (0..<nDB).map { d in tablesOf(d).reduce(0) { $0 + tables[$1].diffs } }
        let lineInconsistent = (0..<nDB).map { d in
            tablesOf(d).contains { tables[$0].onlySource != tables[$0].onlyTarget }
        }
        addList(
            compare([
                Wire.Key.compareType: "line_compare", Wire.Key.queryType: "overview", Wire.Key.compareTaskId: linesTask,
            ]), key: Wire.Key.lineCompareOverviewInfos,
            items: dbs.enumerated().map { d, name in
                let status =
                    d == missingDB ? "TARGET_DB_NOT_EXIST" : (lineInconsistent[d] ? "INCONSISTENT" : "CONSISTENT")
                return .object([
                    (Wire.Key.sourceDbName, .string(name)), (Wire.Key.targetDbName, .string(name)),
                    (Wire.Key.status, .string(status)),
                ])
            })
        let failure = "Failed to query the destination database: Lock wait timeout exceeded; try restarting transaction"
        let memory = "Tables that use the MEMORY storage engine cannot be compared."
        for (d, name) in dbs.enumerated() {
            var compared: [JSONValue] = []
            var uncompared: [JSONValue] = []
            for index in tablesOf(d) {
                let t = tables[index]
                let source = t.baseRows + Int64(t.onlySource)
                let target = t.baseRows + Int64(t.onlyTarget)
                if d == missingDB {
                    compared.append(
                        .object([
                            (Wire.Key.sourceTableName, .string(t.name)),
                            (Wire.Key.sourceRowNum, .string(String(source))),
                            (Wire.Key.targetTableName, .string(t.name)),
                            (Wire.Key.status, .string("TARGET_DB_NOT_EXIST")),
                            (Wire.Key.message, .string("The destination database does not exist.")),
                        ]))
                    continue
                }
                switch t.category {
                case .normal, .huge:
                    compared.append(
                        .object([
                            (Wire.Key.sourceTableName, .string(t.name)),
                            (Wire.Key.sourceRowNum, .string(String(source))),
                            (Wire.Key.targetTableName, .string(t.name)),
                            (Wire.Key.targetRowNum, .string(String(target))),
                            (Wire.Key.differenceRowNum, .string(String(abs(source - target)))),
                            (Wire.Key.status, .string(source == target ? "CONSISTENT" : "INCONSISTENT")),
                        ]))
                case .lineFailure:
                    uncompared.append(
                        .object([
                            (Wire.Key.sourceTableName, .string(t.name)),
                            (Wire.Key.sourceRowNum, .string(String(source))),
                            (Wire.Key.targetTableName, .string(t.name)),
                            (Wire.Key.targetRowNum, .null), (Wire.Key.differenceRowNum, .null),
                            (Wire.Key.status, .string("FAILED_TO_COMPARE")), (Wire.Key.message, .string(failure)),
                        ]))
                case .memoryEngine:
                    uncompared.append(
                        .object([
                            (Wire.Key.sourceTableName, .string(t.name)), (Wire.Key.targetTableName, .string(t.name)),
                            (Wire.Key.status, .string("CAN_NOT_COMPARE")), (Wire.Key.message, .string(memory)),
                        ]))
                }
            }
            for (kind, rows) in [("compare", compared), ("uncompare", uncompared)] {
                addList(
                    compare([
                        Wire.Key.compareType: "line_compare", Wire.Key.queryType: "detail",
                        Wire.Key.compareTaskId: linesTask, Wire.Key.sourceDbName: name,
                        Wire.Key.targetDbName: name, Wire.Key.compareDetailType: kind,
                    ]), key: Wire.Key.lineCompareDetailInfos, items: rows)
            }
        }

        // Value comparison.
        addList(
            compare([
                Wire.Key.compareType: "content_compare", Wire.Key.queryType: "overview",
                Wire.Key.compareTaskId: contentsTask,
            ]), key: Wire.Key.contentCompareOverviewInfos,
            items: dbs.enumerated().map { d, name in
                let status = d == missingDB ? "TARGET_DB_NOT_EXIST" : (dbDiffs[d] > 0 ? "INCONSISTENT" : "CONSISTENT")
                return .object([
                    (Wire.Key.sourceDb, .string(name)), (Wire.Key.targetDb, .string(name)),
                    (Wire.Key.status, .string(status)),
                    (Wire.Key.compareResult, .bool(status == "CONSISTENT")),
                ])
            })
        for (d, name) in dbs.enumerated() {
            var compared: [JSONValue] = []
            var uncompared: [JSONValue] = []
            for index in tablesOf(d) {
                let t = tables[index]
                let source = t.baseRows + Int64(t.onlySource)
                let target = t.baseRows + Int64(t.onlyTarget)
                var head: [(String, JSONValue)] = [
                    (Wire.Key.sourceDb, .string(name)), (Wire.Key.targetDb, .string(name)),
                    (Wire.Key.sourceTableName, .string(t.name)), (Wire.Key.targetTableName, .string(t.name)),
                ]
                if d == missingDB {
                    head += [
                        (Wire.Key.sourceRowNum, .int(source)),
                        (Wire.Key.message, .string("The destination database does not exist.")),
                    ]
                    uncompared.append(.object(JSONObject(head)))
                    continue
                }
                switch t.category {
                case .normal:
                    head += [
                        (Wire.Key.sourceRowNum, .int(source)), (Wire.Key.targetRowNum, .int(target)),
                        (Wire.Key.differenceRowNum, .int(t.diffs)),
                        (Wire.Key.lineCompareResult, .bool(source == target)),
                        (Wire.Key.contentCompareResult, .bool(t.diffs == 0)),
                    ]
                    compared.append(.object(JSONObject(head)))
                case .huge:
                    head += [
                        (Wire.Key.sourceRowNum, .int(source)), (Wire.Key.targetRowNum, .int(target)),
                        (Wire.Key.lineCompareResult, .bool(true)),
                        (
                            Wire.Key.message,
                            .string("The table has more than 100 million rows. Value comparison was skipped.")
                        ),
                    ]
                    uncompared.append(.object(JSONObject(head)))
                case .memoryEngine:
                    head += [
                        (Wire.Key.sourceRowNum, .int(source)), (Wire.Key.targetRowNum, .int(target)),
                        (Wire.Key.message, .string(memory)),
                    ]
                    uncompared.append(.object(JSONObject(head)))
                case .lineFailure:
                    head += [(Wire.Key.sourceRowNum, .int(source)), (Wire.Key.message, .string(failure))]
                    uncompared.append(.object(JSONObject(head)))
                }
            }
            for (kind, rows) in [("compare", compared), ("uncompare", uncompared)] {
                addList(
                    compare([
                        Wire.Key.compareType: "content_compare", Wire.Key.queryType: "detail",
                        Wire.Key.compareTaskId: contentsTask, Wire.Key.sourceDbName: name,
                        Wire.Key.targetDbName: name, Wire.Key.compareDetailType: kind,
                    ]), key: Wire.Key.contentCompareDetailInfos, items: rows)
            }
        }
        // Inconsistent rows, one list per database pair.
        for (d, name) in dbs.enumerated() {
            var rows: [JSONValue] = []
            var onlySource = 0
            var onlyTarget = 0
            if d != missingDB {
                for index in tablesOf(d) where tables[index].diffs > 0 {
                    let t = tables[index]
                    var kinds =
                        Array(repeating: 0, count: t.onlySource) + Array(repeating: 1, count: t.onlyTarget)
                        + Array(repeating: 2, count: t.different)
                    rng.shuffle(&kinds)
                    let stride = max(1, Int(min(t.baseRows, 10_000_000)) / max(1, t.diffs))
                    for (j, kind) in kinds.enumerated() {
                        let number = 1001 + j * stride
                        let values = t.keys.map { keyValue($0, row: j, number: number) }
                        let sql = selectSQL(db: name, table: t.name, columns: t.keys, values: values)
                        rows.append(
                            .object([
                                (Wire.Key.sourceKeyValue, .array(kind == 1 ? [] : values.map { .string($0) })),
                                (Wire.Key.targetKeyValue, .array(kind == 0 ? [] : values.map { .string($0) })),
                                (Wire.Key.sourceSelectSql, .string(sql)), (Wire.Key.targetSelectSql, .string(sql)),
                            ]))
                    }
                    onlySource += t.onlySource
                    onlyTarget += t.onlyTarget
                }
            }
            let envelope = job(
                [
                    (
                        Wire.Key.contentDiffDetailInfo,
                        .object([
                            (Wire.Key.count, .int(rows.count)), (Wire.Key.targetMetaIsNull, .int(onlySource)),
                            (Wire.Key.sourceMetaIsNull, .int(onlyTarget)),
                            (Wire.Key.sourceTargetMetaNotNull, .int(rows.count - onlySource - onlyTarget)),
                            (Wire.Key.contentsInfos, .array([])),
                        ])
                    )
                ], total: nil)
            addList(
                compare([
                    Wire.Key.compareType: "content_compare", Wire.Key.queryType: "diff",
                    Wire.Key.compareTaskId: contentsTask, Wire.Key.sourceDbName: name,
                    Wire.Key.targetDbName: name,
                ]), key: Wire.Key.contentsInfos, items: rows, envelope: envelope,
                arrayPath: [
                    Wire.Key.job, Wire.Key.compareResult, Wire.Key.contentDiffDetailInfo, Wire.Key.contentsInfos,
                ])
        }

        // Progress.
        for (id, incremental) in [(linesTask, false), (contentsTask, true)] {
            var members: [(String, JSONValue)] = [
                (
                    Wire.Key.fullInfo,
                    .object([
                        (Wire.Key.progress, .int(100)), (Wire.Key.srcSpeed, .string("0.00B/s")),
                        (Wire.Key.recheckEntities, .int(0)),
                    ])
                )
            ]
            if incremental {
                members.append(
                    (
                        Wire.Key.increInfo,
                        .object([
                            (Wire.Key.delay, .int(0)), (Wire.Key.srcSpeed, .string("0.00B/s")), (Wire.Key.rps, .int(0)),
                            (Wire.Key.logPoint, .string("951de1d2-61ee-11f0-8081-fa163ef20ddd:51")),
                            (Wire.Key.recheckEntities, .int(0)),
                        ])
                    ))
            }
            members.append((Wire.Key.globalInfo, .object([(Wire.Key.srcSpeed, .string("0.00B/s"))])))
            addPlain([:], .object(JSONObject(members)), path: "\(jobPath)/compare-progress/\(id)")
        }
        let flow = tables.map { flowRow($0, database: dbs[$0.db], missing: $0.db == missingDB) }
        addList(
            [:], key: Wire.Key.flowCompareData, items: flow, path: "\(jobPath)/progress-data/table",
            envelope: .object([
                (Wire.Key.count, .int(flow.count)), (Wire.Key.createTime, .string("1795161600000")),
                (Wire.Key.flowCompareData, .array([])),
            ]),
            arrayPath: [Wire.Key.flowCompareData])

        // The job's own detail (`type=detail`), as the reference's example shapes it.
        addPlain([Wire.Key.type: "detail"], jobDetail(jobId: jobId, projectId: projectId, name: "emulated-mysql-sync"))

        store.createdAt = iso(baseTime.addingTimeInterval(TimeInterval(clock + 60)))
        return store
    }

}
