import DRSJSON
import Foundation
import TestSupport
import Testing

@testable import DRSReport

/// A seeded, structure-aware mutation fuzzer: bodies from samples/ and the hostile fixture are
/// mutated (values swapped for extremes, hostile strings, other types, deep nesting; bytes flipped,
/// cut, spliced) and fed through ingest and every writer. Each input must give either a clear
/// `DRSReportError` or a complete output set that verifies. A crash (a trap, a signal) ends the
/// test process, which fails the run.
///
/// `DRS_FUZZ_ITERATIONS` sets how many inputs (default 120, a few seconds); `.ci/run` runs it with
/// more; `DRS_FUZZ_SEED` picks the sequence. A failing input is written to `$TMPDIR/drs-fuzz-failure.json`.
/// To fuzz for an hour: `DRS_FUZZ_ITERATIONS=200000 DRS_FUZZ_SEED=$RANDOM swift test --filter FuzzTests`.
@Suite(.serialized) struct FuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static var iterations: Int { Int(environment["DRS_FUZZ_ITERATIONS"] ?? "") ?? 120 }
    static var seed: UInt64 { UInt64(environment["DRS_FUZZ_SEED"] ?? "") ?? 20_261_201 }

    /// SplitMix64 (TestSupport), so a seed gives the same inputs on every machine.
    typealias Random = SplitMix64

    static let numbers = [
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1e19", "1e308", "-1e308", "1e-320", "0",
        "-0", "0.5",
        "-1", "18446744073709551615", "3000000000", "100", "1.5e2",
    ]
    static let strings = [
        "", " ", "=cmd|' /C calc'!A0", "  =1+1", "<script>alert(1)</script>", "</script><svg onload=alert(1)>",
        "www.evil.example",
        "ops@evil.example", "[x](javascript:alert(1))", "a|b|c", "```", "line1\nline2\r\n", "\u{202E}txt.exe",
        "\u{0}\u{1}\u{1B}[31m",
        "中文表", "🚀", "9223372036854775807", "-1", "1e400", "nan", "inf", "true", "false", "null", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", "2026-02-29T00:00:00Z", "1763683200000", "INCONSISTENT", "CONSISTENT",
        "TARGET_DB_NOT_EXIST",
        "FAILED_TO_COMPARE", "uncompare", "../../../../tmp/x", "%s%n", String(repeating: "x", count: 40_000),
        "SELECT * FROM `a`.`b` WHERE id='1'", "SELECT * FROM `", "\u{FFFE}", "_x0001_",
    ]

    static func seeds() throws -> [(name: String, body: Data)] {
        var result: [(String, Data)] = []
        for folder in [
            "samples/v5-mysql-archive/responses", "samples/v3-mysql-responses",
            "Tests/DRSReportTests/Fixtures/hostile/responses",
        ] {
            let url = Repo.root.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
            where name.hasSuffix(".json") {
                result.append((folder + "/" + name, try Data(contentsOf: url.appendingPathComponent(name))))
            }
        }
        return result
    }

    static func randomValue(_ random: inout Random, depth: Int) -> JSONValue {
        switch random.below(depth > 3 ? 5 : 8) {
        case 0: return .null
        case 1: return .bool(random.chance(50))
        case 2, 3: return .number(random.pick(numbers))
        case 4: return .string(random.pick(strings))
        case 5: return .array((0..<random.below(4)).map { _ in randomValue(&random, depth: depth + 1) })
        case 6:
            return .object([
                "status": randomValue(&random, depth: depth + 1), "source_table_name": .string(random.pick(strings)),
            ])
        default:
            // Deep nesting, to find recursion limits.
            var value = JSONValue.array([])
            for _ in 0..<(20 + random.below(200)) { value = .array([value]) }
            return value
        }
    }

    /// One structural mutation somewhere in the tree.
    static func mutate(_ value: JSONValue, _ random: inout Random, depth: Int = 0) -> JSONValue {
        let here = depth > 6 || random.chance(depth == 0 ? 5 : 25)
        switch value {
        case .object(var members) where !members.isEmpty && !here:
            let key = members.keys.sorted()[random.below(members.count)]
            switch random.below(10) {
            case 0: members.removeValue(forKey: key)
            case 1: members[key + (random.chance(50) ? "_x" : "")] = randomValue(&random, depth: depth)
            default: members[key] = mutate(members[key] ?? .null, &random, depth: depth + 1)
            }
            return .object(members)
        case .array(var items) where !items.isEmpty && !here:
            let index = random.below(items.count)
            switch random.below(10) {
            case 0: items.remove(at: index)
            case 1: items.insert(randomValue(&random, depth: depth), at: index)
            case 2: items += Array(repeating: items[index], count: 1 + random.below(50))
            default: items[index] = mutate(items[index], &random, depth: depth + 1)
            }
            return .array(items)
        default:
            return randomValue(&random, depth: depth)
        }
    }

    static func bytes(_ value: JSONValue) -> Data {
        var text = ""
        JSONWriter.write(value, into: &text, indent: nil)
        return Data(text.utf8)
    }

    /// A byte-level mutation: flip, cut, splice or duplicate.
    static func mutateBytes(_ data: Data, _ random: inout Random) -> Data {
        var bytes = [UInt8](data)
        guard !bytes.isEmpty else { return data }
        switch random.below(4) {
        case 0:
            for _ in 0..<(1 + random.below(8)) {
                bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
            }
        case 1: bytes = Array(bytes.prefix(random.below(bytes.count)))
        case 2:
            let at = random.below(bytes.count)
            bytes.insert(contentsOf: Array(random.pick(strings).utf8.prefix(64)), at: at)
        default:
            let from = random.below(bytes.count)
            let length = min(bytes.count - from, 1 + random.below(64))
            bytes.insert(contentsOf: bytes[from..<from + length], at: random.below(bytes.count))
        }
        return Data(bytes)
    }

    /// Ingests and renders; any outcome but a DRSReportError or a verified set is a failure.
    /// Returns whether it rendered.
    @discardableResult
    static func check(_ bodies: [Data], in folder: URL, label: String) -> Bool {
        let inputs = folder.appendingPathComponent("in")
        let out = folder.appendingPathComponent("out")
        try? FileManager.default.removeItem(at: inputs)
        try? FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        var paths: [String] = []
        for (index, body) in bodies.enumerated() {
            let path = inputs.appendingPathComponent("\(index).json")
            try? body.write(to: path)
            paths.append(path.path)
        }
        do {
            let result = try Ingestor.ingest(paths, options: IngestOptions(now: testNow, observedAt: testObservedAt))
            _ = try Renderer.render(result, to: out, options: RenderOptions())
            let verified = try Verifier.verify(out)
            if !verified.isClean {
                record(bodies, "\(label): rendered but does not verify: \(verified)")
            }
            let rows = try allRows(result.diffs).count
            let csv = (try? String(contentsOf: out.appendingPathComponent("csv/diffs.csv"), encoding: .utf8)) ?? ""
            if rows > 0 && csv.isEmpty { record(bodies, "\(label): \(rows) rows but no csv/diffs.csv") }
            return true
        } catch let error as DRSReportError {
            // A clear error naming the file is a right answer to a broken body; it names the input.
            if !error.message.contains("/in/") {
                record(bodies, "\(label): an error that names no input: \(error.message)")
            }
        } catch {
            record(bodies, "\(label): not a DRSReportError: \(error)")
        }
        return false
    }

    static func record(_ bodies: [Data], _ message: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("drs-fuzz-failure.json")
        try? bodies.first?.write(to: file)
        Issue.record(Comment(rawValue: message + " (input saved to \(file.path))"))
    }

    @Test func mutatedBodiesGiveAClearErrorOrAVerifiedReport() throws {
        let seeds = try Self.seeds()
        let parsed = seeds.compactMap { seed in (try? JSONParser.parse(seed.body)).map { (seed.name, $0) } }
        #expect(parsed.count > 40)
        var random = Random(seed: Self.seed)
        let folder = try temporaryFolder("fuzz")
        defer { try? FileManager.default.removeItem(at: folder) }
        var rendered = 0
        for iteration in 0..<Self.iterations {
            let (name, value) = random.pick(parsed)
            var mutated = value
            for _ in 0..<(1 + random.below(4)) { mutated = Self.mutate(mutated, &random) }
            var body = Self.bytes(mutated)
            if random.chance(20) { body = Self.mutateBytes(body, &random) }
            // Sometimes alongside an unmutated neighbour, so merging meets the mutant too.
            var bodies = [body]
            if random.chance(30) { bodies.append(random.pick(seeds).body) }
            if Self.check(bodies, in: folder, label: "iteration \(iteration) from \(name)") { rendered += 1 }
        }
        // Most mutants are still DRS-shaped enough to reach every writer; if not, the fuzzer tests nothing.
        #expect(rendered * 5 >= Self.iterations, "only \(rendered) of \(Self.iterations) mutants reached the writers")
    }
}
