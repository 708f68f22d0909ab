import Foundation

/// Folders a run is writing that must not outlive it: the CLI removes them when it is stopped
/// with SIGINT or SIGTERM (a kill -9 leaves them to the next run's clean-up).
package final class TemporaryFolders: @unchecked Sendable {
    /// The process's list.
    package static let shared = TemporaryFolders()
    private let lock = NSLock()
    private var folders: [URL] = []

    package func add(_ folder: URL) { lock.withLock { folders.append(folder) } }
    package func remove(_ folder: URL) { lock.withLock { folders.removeAll { $0 == folder } } }

    /// Removes every folder still listed.
    package func removeAll() {
        for folder in lock.withLock({ folders }) { try? FileManager.default.removeItem(at: folder) }
    }
}
