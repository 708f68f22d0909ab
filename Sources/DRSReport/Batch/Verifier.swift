import DRSCompare
import DRSCore
import DRSIngest
import DRSOutput
import Foundation

/// The result of checking a folder against its evidence.json.
public struct VerifyResult: Sendable, Equatable {
    /// Files whose bytes changed.
    public var changed: [String] = []
    /// Files listed but gone.
    public var missing: [String] = []
    /// Files present but not listed.
    public var extra: [String] = []
    /// Files that match.
    public var matched: Int = 0
    /// Paths evidence.json lists outside the folder (absolute, or with `..`): refused, never read.
    public var outside: [String] = []
    /// Inputs (with `--inputs`) whose bytes differ from the digest evidence.json recorded.
    public var inputsChanged: [String] = []
    /// Inputs evidence.json lists that the given inputs do not hold.
    public var inputsMissing: [String] = []
    /// Given inputs that evidence.json does not list.
    public var inputsExtra: [String] = []
    /// Inputs that match.
    public var inputsMatched: Int = 0

    /// Whether everything matches.
    public var isClean: Bool {
        changed.isEmpty && missing.isEmpty && extra.isEmpty && outside.isEmpty && inputsChanged.isEmpty
            && inputsMissing.isEmpty
            && inputsExtra.isEmpty
    }
}

/// Re-hashes a rendered folder against its evidence.json.
public enum Verifier {
    /// Compares every file under `folder` with its evidence.json. An output that is itself an
    /// `evidence.json` (a batch lists each job's) is checked recursively, so one call verifies a
    /// single render or a whole batch.
    public static func verify(_ folder: URL) throws(DRSReportError) -> VerifyResult {
        var result = VerifyResult()
        var covered = Set<String>()
        try check(folder, prefix: "", into: &result, covered: &covered)
        for file in Self.files(under: folder) where !covered.contains(file) {
            result.extra.append(file)
        }
        return result
    }

    /// Also re-hashes the inputs (files, folders or archives, as given to render) against the
    /// digests evidence.json recorded for them.
    public static func verify(_ folder: URL, inputs: [String]) throws(DRSReportError) -> VerifyResult {
        var result = try verify(folder)
        let evidence = try Evidence.read(from: folder)
        var recorded: [String: [String]] = [:]
        for input in evidence.inputs { recorded[input.path, default: []].append(input.sha256) }
        for file in try InputDiscovery.discover(inputs, observedAt: Date(timeIntervalSince1970: 0)) {
            guard let digest = sha256OfFile(file.url)?.hex else {
                result.inputsChanged.append(file.displayPath)
                continue
            }
            guard var digests = recorded[file.displayPath], !digests.isEmpty else {
                result.inputsExtra.append(file.displayPath)
                continue
            }
            if let index = digests.firstIndex(of: digest) {
                digests.remove(at: index)
                result.inputsMatched += 1
            } else {
                digests.removeFirst()
                result.inputsChanged.append(file.displayPath)
            }
            recorded[file.displayPath] = digests
        }
        for (path, digests) in recorded.sorted(by: { $0.key < $1.key }) where !digests.isEmpty {
            result.inputsMissing.append(path)
        }
        return result
    }

    /// A relative path that stays inside the folder.
    static func isInside(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/")
            && !path.split(separator: "/", omittingEmptySubsequences: false).contains("..")
            && !path.contains("\u{0}")
    }

    private static func check(
        _ folder: URL, prefix: String, into result: inout VerifyResult, covered: inout Set<String>
    ) throws(DRSReportError) {
        let evidence = try Evidence.read(from: folder)
        covered.insert(prefix + Evidence.fileName)
        covered.insert(prefix + EvidenceSignature.fileName)
        for output in evidence.outputs {
            let relative = prefix + output.path
            // evidence.json is data anyone can edit: it names no file outside its folder.
            guard isInside(output.path) else {
                result.outside.append(relative)
                continue
            }
            covered.insert(relative)
            let url = folder.appendingPathComponent(output.path)
            guard let digest = sha256OfFile(url) else {
                result.missing.append(relative)
                continue
            }
            if digest.hex == output.sha256 {
                result.matched += 1
                if output.path.hasSuffix("/" + Evidence.fileName) {
                    let nested = String(output.path.dropLast(Evidence.fileName.count))
                    try check(
                        folder.appendingPathComponent(nested), prefix: prefix + nested, into: &result, covered: &covered
                    )
                }
            } else {
                result.changed.append(relative)
            }
        }
    }

    /// Regular files under a folder, relative and sorted.
    static func files(under folder: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var files: [String] = []
        while let next = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(
                atPath: folder.appendingPathComponent(next).path, isDirectory: &isDirectory), !isDirectory.boolValue
            {
                files.append(next)
            }
        }
        return files.sorted()
    }
}
