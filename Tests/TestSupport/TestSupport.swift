import Foundation
import ZIPFoundation

// Helpers both test targets use (XLSXWriterTests and DRSReportTests), in one place.

/// A fresh, uniquely named folder in the temporary directory; the caller removes it.
package func temporaryFolder(_ name: String = "drs-report-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The file entries of a zip archive (a workbook), by path.
package func unzip(_ url: URL) throws -> [String: Data] {
    let archive = try Archive(url: url, accessMode: .read)
    var result: [String: Data] = [:]
    for entry in archive where entry.type == .file {
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        result[entry.path] = data
    }
    return result
}

/// The file entries of a zip archive as UTF-8 text, by path.
package func unzipText(_ url: URL) throws -> [String: String] {
    try unzip(url).mapValues { String(decoding: $0, as: UTF8.self) }
}

/// SplitMix64: a small deterministic generator, so a seed gives the same inputs on every machine.
package struct SplitMix64 {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (0 when `bound` is 0 or 1).
    package mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }

    /// One of `items` (not empty).
    package mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// True `percent` times in 100.
    package mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}
