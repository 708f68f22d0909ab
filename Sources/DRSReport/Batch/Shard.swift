import Crypto
import DRSCompare
import DRSCore
import DRSIngest
import DRSOutput
import Foundation

/// One share of a batch: `K/N` renders the inputs whose relative path hashes to K (1…N).
///
/// The share is a pure function of the relative path (the first 8 bytes of its SHA-256, modulo
/// N), so every machine of a Kubernetes indexed Job, a Slurm array or a CI matrix agrees on it
/// without talking to the others, and an input keeps its shard when others are added.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 1…count.
    public let index: Int
    /// How many shards there are.
    public let count: Int

    /// Shard `index` of `count` (1-based); throws when it is not 1…count.
    public init(index: Int, count: Int) throws(DRSReportError) {
        guard count >= 1, count <= 100_000, index >= 1, index <= count else {
            throw .shards(
                reason:
                    "shard \(index)/\(count) does not exist: K/N needs 1 ≤ K ≤ N ≤ 100000 (for example 1/3, 2/3, 3/3).")
        }
        self.index = index
        self.count = count
    }

    /// Reads `K/N`.
    public init(parsing text: String) throws(DRSReportError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0].trimmingCharacters(in: .whitespaces)),
            let n = Int(parts[1].trimmingCharacters(in: .whitespaces))
        else {
            throw .shards(reason: "'\(text)' is not a shard: write K/N, for example 2/3 (the second of three).")
        }
        try self.init(index: k, count: n)
    }

    /// `K/N`, as `--shard` takes it.
    public var description: String { "\(index)/\(count)" }

    /// Whether the unit at `relative` (a batch-relative path) is in this share.
    public func owns(_ relative: String) -> Bool {
        Self.bucket(relative, count: count) == index - 1
    }

    static func bucket(_ relative: String, count: Int) -> Int {
        let digest = SHA256.hash(data: Data(relative.utf8))
        let word = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(word % UInt64(count))
    }
}

/// batch.json: what a batch run covered, so shard outputs can be merged into one index.
struct BatchManifest: Codable, Equatable {
    var format = "drs-report-batch"
    var version = 1
    /// `K/N` for a shard; nil for a whole batch.
    var shard: String?
    var units: [Unit]

    struct Unit: Codable, Equatable {
        /// Path relative to the batch root.
        var path: String
        /// Position in the whole batch's discovery order (shards leave gaps).
        var ordinal: Int
        /// rendered, unchanged or failed.
        var status: String
        /// Why it failed.
        var reason: String?
    }

    static let fileName = "batch.json"

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    static func read(from folder: URL) throws(DRSReportError) -> BatchManifest {
        let url = folder.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .shards(
                reason:
                    "\(folder.path): has no \(fileName); pass folders written by `drs-report batch` (with \(OptionName.shard.ref) K/N)."
            )
        }
        do {
            let manifest = try JSONDecoder().decode(BatchManifest.self, from: data)
            guard manifest.format == "drs-report-batch", manifest.version == 1 else {
                throw DRSReportError.shards(
                    reason:
                        "\(url.path): is not a drs-report batch manifest (version 1); render it again with this version."
                )
            }
            return manifest
        } catch let error as DRSReportError {
            throw error
        } catch {
            throw .typeMismatch(
                file: url.path, path: "$", expected: "a drs-report batch manifest", found: "something else")
        }
    }
}
