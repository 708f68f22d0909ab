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

    /// Whether everything matches.
    public var isClean: Bool { changed.isEmpty && missing.isEmpty && extra.isEmpty }
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

    private static func check(_ folder: URL, prefix: String, into result: inout VerifyResult, covered: inout Set<String>) throws(DRSReportError) {
        let evidence = try Evidence.read(from: folder)
        covered.insert(prefix + Evidence.fileName)
        for output in evidence.outputs {
            let relative = prefix + output.path
            covered.insert(relative)
            let url = folder.appendingPathComponent(output.path)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                result.missing.append(relative)
                continue
            }
            if sha256Hex(data) == output.sha256 {
                result.matched += 1
                if output.path.hasSuffix("/" + Evidence.fileName) {
                    let nested = String(output.path.dropLast(Evidence.fileName.count))
                    try check(folder.appendingPathComponent(nested), prefix: prefix + nested, into: &result, covered: &covered)
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
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(next).path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(next)
            }
        }
        return files.sorted()
    }
}
