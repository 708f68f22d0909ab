import Foundation

/// Checks on an output folder's place, shared by the input check and the writers.
package enum OutputPaths {
    /// The folder is replaced whole: replacing the working directory (or one holding it) would leave
    /// the caller's shell in a deleted folder.
    package static func requireNotWorkingDirectory(_ out: URL, as given: String) throws(DRSReportError) {
        let cwd = realPath(FileManager.default.currentDirectoryPath)
        let target = realPath(out.path)
        if cwd == target || cwd.hasPrefix(target + "/") { throw .outputIsWorkingDirectory(path: given) }
    }

    /// The path with symbolic links resolved; for a path that does not exist yet, its nearest existing parent's.
    package static func realPath(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var existing = url
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            rest.insert(existing.lastPathComponent, at: 0)
            existing.deleteLastPathComponent()
        }
        var resolved = existing.resolvingSymlinksInPath().path
        for part in rest { resolved += (resolved.hasSuffix("/") ? "" : "/") + part }
        return resolved
    }
}
