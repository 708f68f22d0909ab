import DRSCore
import DRSIngest
import DRSOutput
import Foundation

/// Which rows of each run the other run also holds, in memory that does not grow with the rows'
/// size: each row becomes a 24-byte record (its 128-bit identity, its run and position) in one of
/// several bucket files chosen by its identity; each bucket, a small share of all rows, is then
/// sorted on its own. What stays in memory is one bit per row.
package final class RowMatcher {
    private let folder: URL
    private let buckets: Int
    private var handles: [FileHandle] = []
    private var buffers: [[UInt8]]
    private let counts: [Int]
    private let flushAt: Int

    /// `counts`: rows in each run.
    package init(counts: [Int]) throws {
        self.counts = counts
        let total = counts.reduce(0, +)
        // About 32,000 rows (768 KB) a bucket, in at most 512 files (open at once, well under the
        // usual limit of 1,024); past 16M rows the buckets grow instead, 24 bytes a row / 512.
        buckets = min(512, max(16, total / 32_768 + 1))
        // Write buffers share 4 MB, whatever the number of buckets.
        flushAt = max(4096, (4 << 20) / buckets)
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("drs-report-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        TemporaryFolders.shared.add(folder)
        buffers = Array(repeating: [], count: buckets)
        for index in 0..<buckets {
            let url = folder.appendingPathComponent("\(index)")
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw DRSReportError.outputNotWritable(path: folder.path, reason: "cannot create a temporary file")
            }
            handles.append(try FileHandle(forUpdating: url))
        }
    }

    deinit {
        for handle in handles { try? handle.close() }
        try? FileManager.default.removeItem(at: folder)
        TemporaryFolders.shared.remove(folder)
    }

    package func add(run: Int, position: Int, _ identity: RowIdentity) throws {
        let bucket = Int(identity.high % UInt64(buckets))
        let tag = UInt64(run) << 63 | UInt64(position)
        for value in [identity.high, identity.low, tag] {
            withUnsafeBytes(of: value.littleEndian) { buffers[bucket].append(contentsOf: $0) }
        }
        if buffers[bucket].count >= flushAt {
            try handles[bucket].write(contentsOf: buffers[bucket])
            buffers[bucket].removeAll(keepingCapacity: true)
        }
    }

    /// For each run, a bit per row: set when the other run holds the same row.
    package func matches() throws -> [BitSet] {
        var found = counts.map { BitSet(count: $0) }
        for bucket in 0..<buckets {
            let handle = handles[bucket]
            try handle.write(contentsOf: buffers[bucket])
            buffers[bucket] = []
            try handle.seek(toOffset: 0)
            let data = try handle.readToEnd() ?? Data()
            var records: [(RowIdentity, UInt64)] = []
            records.reserveCapacity(data.count / 24)
            data.withUnsafeBytes { raw in
                var offset = 0
                while offset + 24 <= raw.count {
                    let high = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                    let low = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
                    let tag = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
                    records.append((RowIdentity(high: high, low: low), tag))
                    offset += 24
                }
            }
            try handle.truncate(atOffset: 0)
            records.sort { $0.0 < $1.0 }
            var start = 0
            while start < records.count {
                var end = start + 1
                while end < records.count && records[end].0 == records[start].0 { end += 1 }
                let runs = Set(records[start..<end].map { $0.1 >> 63 })
                if runs.count == 2 {
                    for record in records[start..<end] {
                        found[Int(record.1 >> 63)].insert(Int(record.1 & ~(UInt64(1) << 63)))
                    }
                }
                start = end
            }
        }
        return found
    }
}

/// One bit per position.
package struct BitSet {
    private var words: [UInt64]

    package init(count: Int) {
        words = Array(repeating: 0, count: (count + 63) / 64)
    }

    package mutating func insert(_ index: Int) {
        guard index >= 0, index >> 6 < words.count else { return }
        words[index >> 6] |= 1 << UInt64(index & 63)
    }

    package func contains(_ index: Int) -> Bool {
        index >> 6 < words.count && words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }
}
