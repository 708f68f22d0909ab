import CSystemShims
import Foundation

/// Folders a run is writing that must not outlive it: the CLI removes them when it is stopped
/// with SIGINT or SIGTERM (a kill -9 leaves them to the next run's clean-up).
public final class TemporaryFolders: @unchecked Sendable {
    /// The process's list.
    public static let shared = TemporaryFolders()
    private let lock = NSLock()
    private var folders: [URL] = []

    func add(_ folder: URL) { lock.withLock { folders.append(folder) } }
    func remove(_ folder: URL) { lock.withLock { folders.removeAll { $0 == folder } } }

    /// Removes every folder still listed.
    public func removeAll() {
        for folder in lock.withLock({ folders }) { try? FileManager.default.removeItem(at: folder) }
    }
}

/// Thread priority for work that must not slow the workbook, the long pole on two cores.
enum Background {
    /// Lowers the calling thread's priority (Linux: per-thread nice 10). Call only on a thread of
    /// one's own: an unprivileged thread cannot raise it again.
    static func lowerPriority() {
        _ = drs_set_thread_nice(10)
    }

    /// Runs `bodies` each on a thread of its own and waits for all; `background[i]` runs body i at
    /// lowered priority.
    static func run(_ bodies: [@Sendable () -> Void], background: [Bool]) {
        let group = DispatchGroup()
        for (index, body) in bodies.enumerated() {
            group.enter()
            let thread = Thread {
                if background[index] { lowerPriority() }
                body()
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
    }
}
