import ArgumentParser
import DRSReport
import Foundation

/// A progress bar on a terminal, plain lines otherwise.
final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private let tty = isatty(STDERR_FILENO) != 0
    private let quiet: Bool
    private var drawn = false

    init(quiet: Bool) {
        self.quiet = quiet
    }

    func report(_ event: BatchEvent) {
        lock.withLock {
            let word: String
            switch event.outcome {
            case .rendered(let e): word = "rendered (\(e.summary.verdict))"
            case .skipped: word = "unchanged"
            case .failed: word = "FAILED"
            }
            if tty && !quiet {
                let width = 30
                let filled = event.total == 0 ? width : width * event.done / event.total
                let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
                FileHandle.standardError.write(
                    Data("\r[\(bar)] \(event.done)/\(event.total) \(event.unit.relative.prefix(40))\u{1B}[K".utf8))
                drawn = true
            } else if !quiet {
                Output.errorLine("batch: [\(event.done)/\(event.total)] \(event.unit.relative): \(word)")
            }
        }
    }

    func finish() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }
}

/// Render progress on standard error. On a terminal: a bar of the bytes read of the total, with the
/// files read and an ETA, then "writing …" until the reports are in place. Otherwise, for inputs of
/// 50 MB and more (a log of a long job), a plain line at each tenth. Nothing with --quiet.
final class RenderProgress {
    private let ends: [Int64]
    private let total: Int64
    private let tty = isatty(STDERR_FILENO) != 0
    private let quiet: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastTenth = 0
    private var drawn = false
    private let formats: String
    /// Inputs this large get plain progress lines when standard error is not a terminal.
    static let plainThreshold: Int64 = 50 << 20

    init(files: [ResponseFile], formats: [OutputFormat], quiet: Bool) {
        var sum: Int64 = 0
        ends = files.map { file in
            let size =
                (try? FileManager.default.attributesOfItem(atPath: file.url.path)[.size] as? NSNumber)??.int64Value ?? 0
            sum += size
            return sum
        }
        total = sum
        self.quiet = quiet
        self.formats = formats.map(\.rawValue).joined(separator: ", ")
    }

    private var active: Bool { !quiet && !ends.isEmpty && (tty || total >= Self.plainThreshold) }

    /// `done` files of the inputs are read.
    func read(_ done: Int) {
        guard active, done > 0, done <= ends.count else { return }
        let bytes = ends[done - 1]
        let elapsed = Date().timeIntervalSince(start)
        let fraction = total > 0 ? Double(bytes) / Double(total) : Double(done) / Double(ends.count)
        if tty {
            guard done == ends.count || Date().timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = Date()
            let width = 30
            let filled = min(width, Int(fraction * Double(width)))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let eta = fraction > 0.01 && done < ends.count ? ", ETA \(Self.clock(elapsed / fraction - elapsed))" : ""
            draw(
                "render: reading [\(bar)] \(Self.megabytes(bytes))/\(Self.megabytes(total)) MB, \(done)/\(ends.count) files\(eta)"
            )
        } else {
            let tenth = Int(fraction * 10)
            guard tenth > lastTenth || done == ends.count else { return }
            lastTenth = tenth
            Output.errorLine(
                "render: read \(Self.megabytes(bytes)) of \(Self.megabytes(total)) MB (\(done)/\(ends.count) files) in \(Self.clock(elapsed))"
            )
        }
        if done == ends.count { writing() }
    }

    private func writing() {
        let line = "render: writing \(formats)…"
        if tty { draw(line) } else { Output.errorLine(line) }
    }

    /// The reports are in place (`done`), or the render failed: the bar is erased either way.
    func finish(done: Bool) {
        guard active, !finished else { return }
        finished = true
        if tty, drawn {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        }
        if !tty, done { Output.errorLine("render: done in \(Self.clock(Date().timeIntervalSince(start)))") }
    }
    private var finished = false

    private func draw(_ line: String) {
        FileHandle.standardError.write(Data("\r\(line)\u{1B}[K".utf8))
        drawn = true
    }

    static func megabytes(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }

    static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
