import DRSJSON
import DRSWire
import Foundation

/// A small, portable, seeded generator (SplitMix64): the same seed gives the same numbers on every platform.
struct SeededRandom: Sendable {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 0 ..< bound.
    mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }

    /// lower ... upper.
    mutating func between(_ lower: Int, _ upper: Int) -> Int { lower + below(upper - lower + 1) }

    /// A uniform double in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }

    /// Fisher–Yates with this generator (the standard library's shuffle may change between releases).
    mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for index in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(index, below(index + 1))
        }
    }

    /// A version-4 style UUID string.
    mutating func uuid() -> String {
        let a = next()
        let b = next()
        let hex = String(format: "%016llx%016llx", a, b)
        var chars = Array(hex)
        chars[12] = "4"
        chars[16] = Array("89ab")[Int(b >> 62)]
        let s = String(chars)
        func part(_ from: Int, _ length: Int) -> Substring {
            let start = s.index(s.startIndex, offsetBy: from)
            return s[start..<s.index(start, offsetBy: length)]
        }
        return "\(part(0, 8))-\(part(8, 4))-\(part(12, 4))-\(part(16, 4))-\(part(20, 12))"
    }
}

/// The size of a generated job.
public struct GeneratedShape: Sendable, Equatable {
    /// Number of databases (the last one is missing on the target when there are three or more).
    public var databases: Int
    /// Number of tables over all databases.
    public var tables: Int
    /// Number of inconsistent rows over all tables.
    public var diffs: Int

    /// Creates a shape; defaults give a small job like the sample archive.
    public init(databases: Int = 3, tables: Int = 12, diffs: Int = 60) {
        self.databases = databases
        self.tables = tables
        self.diffs = diffs
    }
}
