import DRSJSON
import Foundation
import TestSupport
import Testing

@testable import DRSEmulator
@testable import DRSReport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EmulatorTests {
    @Suite struct Dataset {
        static let shape = GeneratedShape(databases: 4, tables: 20, diffs: 250)

        static func files(in folder: URL) throws -> [String: Data] {
            var result: [String: Data] = [:]
            for name in try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted() {
                let url = folder.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    result[name] = try Data(contentsOf: url)
                }
            }
            return result
        }

        @Test func theSameSeedGivesTheSameBytes() async throws {
            let folder = try temporaryFolder("drs-emulator")
            defer { try? FileManager.default.removeItem(at: folder) }
            try LoadedDataset.load(.generated(Self.shape), seed: 42).exportArchive(
                to: folder.appendingPathComponent("a").path)
            try LoadedDataset.load(.generated(Self.shape), seed: 42).exportArchive(
                to: folder.appendingPathComponent("b").path)
            try LoadedDataset.load(.generated(Self.shape), seed: 43).exportArchive(
                to: folder.appendingPathComponent("c").path)
            let a = try Self.files(in: folder.appendingPathComponent("a"))
            let b = try Self.files(in: folder.appendingPathComponent("b"))
            let c = try Self.files(in: folder.appendingPathComponent("c"))
            #expect(a.count > 20)
            #expect(a == b)
            #expect(a != c)

            // Over HTTP too: two servers with one seed answer a diff page identically.
            let config = EmulatorConfiguration(dataset: .generated(Self.shape), seed: 42)
            let dataset = try LoadedDataset.load(config.dataset, seed: 42)
            let contents = try #require(dataset.tasks.first { $0.kind == .contents })
            var bodies: [Data] = []
            for _ in 0..<2 {
                let body = try await withEmulator(config) { emulator in
                    let overview = await emuCompareQuery(
                        emulator,
                        [
                            ("compare_type", "content_compare"), ("query_type", "overview"),
                            ("compare_task_id", contents.id), ("offset", "0"), ("limit", "100"),
                        ])
                    let first = try #require(
                        overview.json?.value(at: ["job", "compare_result", "content_compare_overview_infos"])?
                            .arrayValue?.first?["source_db"]?.stringValue)
                    let diff = await emuCompareQuery(
                        emulator,
                        [
                            ("compare_type", "content_compare"), ("query_type", "diff"),
                            ("compare_task_id", contents.id),
                            ("source_db_name", first), ("target_db_name", first), ("offset", "3"), ("limit", "17"),
                        ])
                    #expect(diff.status == 200)
                    return diff.body
                }
                bodies.append(body)
            }
            #expect(bodies[0] == bodies[1])
        }

        @Test func generatedJobLooksLikeARealMySQLJob() throws {
            let dataset = try LoadedDataset.load(.generated(Self.shape), seed: 7)
            #expect(dataset.jobId == DatasetGenerator.jobId)
            #expect(Set(dataset.tasks.map(\.kind)) == [.objects, .lines, .contents])
            var diffRows = 0
            var chinese = false
            var uncompared = 0
            for entry in dataset.store.orderedEntries {
                if entry.query.values.contains(where: { $0.unicodeScalars.contains { $0.value >= 0x4E00 } }) {
                    chinese = true
                }
                guard case .paged(let paged) = entry.body else { continue }
                if entry.query["compare_detail_type"] == "uncompare" { uncompared += paged.items.count }
                guard entry.query["query_type"] == "diff" else { continue }
                let db = try #require(entry.query["source_db_name"])
                #expect(
                    paged.envelope.value(at: ["job", "compare_result", "content_diff_detail_info", "count"])?
                        .wholeNumber == Int64(paged.items.count))
                for index in 0..<paged.items.count {
                    let row = try JSONValue.parse(paged.items.item(index))
                    let sql = try #require(row["source_select_sql"]?.stringValue)
                    #expect(sql.hasPrefix("SELECT * FROM `\(db)`.`"), "\(sql)")
                    #expect(sql.contains("` WHERE `"))
                    diffRows += 1
                }
            }
            #expect(diffRows == Self.shape.diffs)
            #expect(chinese)
            #expect(uncompared > 0)
        }

        @Test func exportWritesAnArchiveDRSReportAccepts() async throws {
            let folder = try temporaryFolder("drs-emulator-export")
            defer { try? FileManager.default.removeItem(at: folder) }
            for (name, dataset) in [
                ("generated", EmulatorDataset.generated(Self.shape)), ("replayed", .archive(path: emuSampleArchive)),
            ] {
                let out = folder.appendingPathComponent(name)
                let loaded = try LoadedDataset.load(dataset, seed: 3)
                try loaded.exportArchive(to: out.path)
                let files = try InputDiscovery.archive(out, display: name, inputPath: out.path)
                #expect(files.count == loaded.responseCount)
                for file in files {
                    #expect(sha256Hex(try Data(contentsOf: file.url)) == file.expectedSHA256)
                }
                // drs-report reads it, and the diff rows it counts are the dataset's.
                let result = try ingest([out.path])
                #expect(result.report.diffSummary.rowsInInput == (name == "generated" ? Int64(Self.shape.diffs) : 73))

                // The exported archive, replayed, serves what the dataset served.
                let original = EmulatorConfiguration(dataset: dataset, seed: 3)
                let reloaded = EmulatorConfiguration(dataset: .archive(path: out.path), seed: 3)
                let lines = try #require(loaded.tasks.first { $0.kind == .lines })
                let query: [(String, String)] = [
                    ("compare_type", "line_compare"), ("query_type", "overview"), ("compare_task_id", lines.id),
                    ("offset", "1"), ("limit", "2"),
                ]
                let first = try await withEmulator(original) { await emuCompareQuery($0, query).body }
                let second = try await withEmulator(reloaded) { await emuCompareQuery($0, query).body }
                #expect(!first.isEmpty)
                #expect(first == second)
                #expect(throws: (any Error).self) { try loaded.exportArchive(to: out.path) }
            }
        }
    }
}
