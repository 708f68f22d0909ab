import DRSCore
import DRSJSON
import DRSWire
import Foundation

/// The fetch plan: which requests a job's archive needs (task lists, object, line and content
/// overviews and details, progress), in the order they are planned and paged.
extension FetchRun {
    /// Runs the whole plan; returns the task ids fetched.
    package func all() async throws -> [String] {
        // 0. The job itself: its name, status, engines and region name the report. A job DRS does not
        // know (a mistyped id) fails the fetch here, instead of archiving "not found" for every query.
        await recorder.plan(1)
        let detail = try await get([0], path: jobPath, query: [(Wire.Key.type, "detail")])
        if let error = detail.drsError, !(200..<300).contains(detail.status) {
            throw DRSReportError.jobNotFetched(
                jobId: options.jobId, status: detail.status, code: error.code, message: error.message,
                requestId: detail.requestId)
        }
        let base: [(String, String)] = [(Wire.Key.type, "compare")]
        // 1. The data-level task list.
        let listPages = try await pages(
            [1], path: jobPath, query: base + [(Wire.Key.compareType, "data_compare"), (Wire.Key.queryType, "list")],
            keep: true,
            items: { Self.count(Self.compareResult($0)?[Wire.Key.dataCompareTaskList]) },
            total: { Self.number($0[Wire.Key.job]?[Wire.Key.totalCount]) })
        var tasks: [(id: String, type: String, status: String, start: String)] = []
        for page in listPages {
            if case .array(let items) = Self.compareResult(page)?[Wire.Key.dataCompareTaskList] ?? .null {
                for item in items {
                    guard let id = Self.string(item[Wire.Key.id]) else { continue }
                    tasks.append(
                        (
                            id, Self.string(item[Wire.Key.type]) ?? "", Self.string(item[Wire.Key.status]) ?? "",
                            Self.string(item[Wire.Key.startTime]) ?? ""
                        ))
                }
            }
        }
        func newest(_ kind: CompareKind) -> String? {
            tasks.enumerated().filter { CompareKind.from($0.element.type) == kind }
                .max { a, b in
                    a.element.start != b.element.start ? a.element.start < b.element.start : a.offset > b.offset
                }?.element.id
        }
        let chosen = options.compareTaskIds
        let lineTask =
            chosen.isEmpty
            ? newest(.line)
            : chosen.first { id in tasks.contains { $0.id == id && CompareKind.from($0.type) == .line } }
        let contentTask =
            chosen.isEmpty
            ? newest(.content)
            : chosen.first { id in tasks.contains { $0.id == id && CompareKind.from($0.type) == .content } }
        let objectTask = chosen.first { id in !tasks.contains { $0.id == id } }

        let running = Wire.TaskStatus.inProgress
        var fetched: [String] = []
        try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { try await objects(task: objectTask) }
            if let lineTask {
                group.addTask {
                    try await dataLevel(.line, task: lineTask, key: 3)
                    return lineTask
                }
            }
            if let contentTask {
                group.addTask {
                    try await dataLevel(.content, task: contentTask, key: 4)
                    return contentTask
                }
            }
            for (index, task) in tasks.enumerated()
            where running.contains(task.status.uppercased()) && [lineTask, contentTask].contains(task.id) {
                group.addTask {
                    await recorder.plan(1)
                    _ = try await get(
                        [5, index], path: jobPath + "/compare-progress/\(Self.segment(task.id))", query: [])
                    return nil
                }
            }
            group.addTask {
                _ = try await pages(
                    [6], path: jobPath + "/progress-data/table", query: [],
                    items: { Self.count($0[Wire.Key.flowCompareData]) }, total: { Self.number($0[Wire.Key.count]) })
                return nil
            }
            for try await id in group {
                if let id { fetched.append(id) }
            }
        }
        // Export state and expiry come from the list and the object overview; keep what we saw for downloads.
        await files.note(tasks: tasks.map { ($0.id, $0.type) }, listPages: listPages)
        return fetched.sorted()
    }

    /// Object comparison: overview, then details for DB, TABLE and INDEX as the overview reports them.
    package func objects(task: String?) async throws -> String? {
        var query: [(String, String)] = [
            (Wire.Key.type, "compare"), (Wire.Key.compareType, "object_compare"), (Wire.Key.queryType, "overview"),
        ]
        if let task { query.append((Wire.Key.compareTaskId, task)) }
        await recorder.plan(1)
        let overview = try await get([2, 0], path: jobPath, query: query)
        guard overview.status == 200, let value = try? JSONParser.parse(overview.body),
            let info = Self.compareResult(value)?[Wire.Key.objectsCompareOverviewInfo]
        else { return nil }
        await files.note(objectOverview: info)
        let id = Self.string(info[Wire.Key.compareJobId]) ?? task
        var types: [String] = []
        if case .array(let results) = info[Wire.Key.compareResults] ?? .null {
            for result in results {
                if let type = Self.string(result[Wire.Key.type]), ["DB", "TABLE", "INDEX"].contains(type.uppercased()) {
                    types.append(type)
                }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, type) in types.enumerated() {
                group.addTask {
                    var detail: [(String, String)] = [
                        (Wire.Key.type, "compare"), (Wire.Key.compareType, "object_compare"),
                        (Wire.Key.queryType, "detail"), (Wire.Key.objectType, type),
                    ]
                    if let id { detail.append((Wire.Key.compareTaskId, id)) }
                    _ = try await pages(
                        [2, 1, index], path: jobPath, query: detail,
                        items: { Self.count(Self.compareResult($0)?[Wire.Key.objectsCompareDetailInfos]) },
                        total: { Self.number($0[Wire.Key.job]?[Wire.Key.totalCount]) })
                }
            }
            try await group.waitForAll()
        }
        return id
    }

    /// Line or content comparison: overview, then per database pair the details (compare and uncompare) and, for content, the diffs.
    package func dataLevel(_ kind: CompareKind, task: String, key: Int) async throws {
        let compareType = kind == .line ? "line_compare" : "content_compare"
        let base: [(String, String)] = [
            (Wire.Key.type, "compare"), (Wire.Key.compareType, compareType), (Wire.Key.compareTaskId, task),
        ]
        let overviewKey = kind == .line ? Wire.Key.lineCompareOverviewInfos : Wire.Key.contentCompareOverviewInfos
        let overviews = try await pages(
            [key, 0], path: jobPath, query: base + [(Wire.Key.queryType, "overview")], keep: true,
            items: { Self.count(Self.compareResult($0)?[overviewKey]) },
            total: { Self.number($0[Wire.Key.job]?[Wire.Key.totalCount]) })
        var pairs: [(String, String)] = []
        for page in overviews {
            guard case .array(let items) = Self.compareResult(page)?[overviewKey] ?? .null else { continue }
            for item in items {
                guard let source = Self.string(item[Wire.Key.sourceDbName]) ?? Self.string(item[Wire.Key.sourceDb])
                else { continue }
                let target = Self.string(item[Wire.Key.targetDbName]) ?? Self.string(item[Wire.Key.targetDb]) ?? source
                if !pairs.contains(where: { $0 == (source, target) }) { pairs.append((source, target)) }
            }
        }
        let detailKey = kind == .line ? Wire.Key.lineCompareDetailInfos : Wire.Key.contentCompareDetailInfos
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, pair) in pairs.enumerated() {
                let pairQuery = base + [(Wire.Key.sourceDbName, pair.0), (Wire.Key.targetDbName, pair.1)]
                for (detailIndex, detailType) in ["compare", "uncompare"].enumerated() {
                    group.addTask {
                        _ = try await pages(
                            [key, 1, index, detailIndex], path: jobPath,
                            query: pairQuery + [
                                (Wire.Key.queryType, "detail"), (Wire.Key.compareDetailType, detailType),
                            ],
                            items: { Self.count(Self.compareResult($0)?[detailKey]) },
                            total: { Self.number($0[Wire.Key.job]?[Wire.Key.totalCount]) })
                    }
                }
                if kind == .content {
                    group.addTask {
                        _ = try await pages(
                            [key, 1, index, 2], path: jobPath, query: pairQuery + [(Wire.Key.queryType, "diff")],
                            items: {
                                Self.count(
                                    Self.compareResult($0)?[Wire.Key.contentDiffDetailInfo]?[Wire.Key.contentsInfos])
                            },
                            total: {
                                Self.number(Self.compareResult($0)?[Wire.Key.contentDiffDetailInfo]?[Wire.Key.count])
                            })
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
