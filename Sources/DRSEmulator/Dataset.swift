import DRSJSON
import DRSReport
import DRSWire
import Foundation

/// A loaded dataset (replayed archive or generated job): what the emulator serves.
public struct LoadedDataset: Sendable {
    let store: LogicalStore
    let catalog: TaskCatalog

    /// The project id requests must use.
    public var projectId: String { store.projectId }
    /// The job id requests must use.
    public var jobId: String { store.jobId }
    /// The comparison tasks of the dataset, oldest first per kind.
    public var tasks: [DatasetTask] { catalog.tasks }
    /// Number of logical responses (one per request identity, pages merged).
    public var responseCount: Int { store.orderedEntries.count }

    init(store: LogicalStore) {
        self.store = store
        self.catalog = TaskCatalog(store: store)
    }

    /// Loads a dataset; `seed` drives the generated job.
    public static func load(_ dataset: EmulatorDataset, seed: UInt64) throws -> LoadedDataset {
        switch dataset {
        case .archive(let path):
            return LoadedDataset(store: try LogicalStore.load(archive: URL(fileURLWithPath: path)))
        case .generated(let shape):
            return LoadedDataset(store: DatasetGenerator.make(seed: seed, shape: shape))
        }
    }

    /// Writes the dataset as an archive v1 (one response per request identity holding the whole list) into a new or empty folder.
    public func exportArchive(to path: String) throws {
        try store.exportArchive(to: URL(fileURLWithPath: path), generator: "drs-emulator \(DRSReportVersion.current)")
    }
}

/// The kind of a comparison task.
public enum TaskKind: String, Sendable, Equatable {
    /// Object-level comparison.
    case objects
    /// Row comparison.
    case lines
    /// Value comparison.
    case contents
}

/// A comparison task found in the dataset.
public struct DatasetTask: Sendable, Equatable {
    /// Task id.
    public var id: String
    /// Kind.
    public var kind: TaskKind
    /// Start (or create) time as recorded.
    public var startTime: String
    /// Status as recorded.
    public var status: String
    /// Export status as recorded.
    public var exportStatus: String
    /// Remaining validity of the exported file as recorded (-1 when none).
    public var reportRemainSeconds: Int64
}

/// The dataset's tasks, read from its data-level task list and object overviews.
struct TaskCatalog: Sendable {
    var tasks: [DatasetTask] = []

    init(store: LogicalStore) {
        let listQuery = [Wire.Key.type: "compare", Wire.Key.compareType: "data_compare", Wire.Key.queryType: "list"]
        if let entry = store.entry(method: "GET", path: store.jobPath, query: listQuery),
            case .paged(let paged) = entry.body
        {
            for index in 0..<paged.items.count {
                guard let item = try? JSONValue.parse(paged.items.item(index)), let id = item[Wire.Key.id]?.stringValue
                else { continue }
                let kind: TaskKind = item[Wire.Key.type]?.stringValue == "contents" ? .contents : .lines
                tasks.append(
                    DatasetTask(
                        id: id, kind: kind, startTime: item[Wire.Key.startTime]?.stringValue ?? "",
                        status: item[Wire.Key.status]?.stringValue ?? "",
                        exportStatus: item[Wire.Key.exportStatus]?.stringValue ?? Wire.ExportStatus.initial,
                        reportRemainSeconds: item[Wire.Key.reportRemainSeconds]?.wholeNumber ?? -1))
            }
        }
        for entry in store.orderedEntries
        where entry.path == store.jobPath && entry.query[Wire.Key.compareType] == "object_compare"
            && entry.query[Wire.Key.queryType] == "overview"
            && (200..<300).contains(entry.status)
        {
            guard case .plain(let bytes) = entry.body, let body = try? JSONValue.parse(bytes),
                let info = body.value(at: [Wire.Key.job, Wire.Key.compareResult, Wire.Key.objectsCompareOverviewInfo])
            else { continue }
            guard let id = info[Wire.Key.compareJobId]?.stringValue ?? entry.query[Wire.Key.compareTaskId],
                !tasks.contains(where: { $0.id == id })
            else { continue }
            tasks.append(
                DatasetTask(
                    id: id, kind: .objects,
                    startTime: info[Wire.Key.createTime]?.stringValue ?? info[Wire.Key.startTime]?.stringValue ?? "",
                    status: info[Wire.Key.status]?.stringValue ?? "",
                    exportStatus: info[Wire.Key.exportStatus]?.stringValue ?? Wire.ExportStatus.initial,
                    reportRemainSeconds: info[Wire.Key.reportRemainSeconds]?.wholeNumber ?? -1))
        }
    }

    /// The newest task of a kind (latest start time; later in the list on ties).
    func newest(_ kind: TaskKind) -> DatasetTask? {
        var best: DatasetTask?
        for task in tasks where task.kind == kind {
            if best == nil || task.startTime >= best!.startTime { best = task }
        }
        return best
    }

    func task(_ id: String) -> DatasetTask? { tasks.first { $0.id == id } }
}
