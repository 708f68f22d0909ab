import DRSCore
import Foundation
import XLSXWriter

/// Every inconsistent row, written once as it is parsed, so no writer parses the inputs again.
///
/// The spool is an unlinked temporary file (it disappears with the process, even after kill -9):
/// rows are appended in reading order as compact length-prefixed UTF-8, each field NUL-terminated so
/// libxlsxwriter takes it as it lies in the read buffer. Each writer reads it on its own thread with
/// its own 4 MB window (`pread`), so a million rows cost every writer the memory of the window.
///
/// A record (little-endian):
/// `u32 length` of what follows · `u8 kind` · `u8 flags` (1 job, 2 task, 4 location inferred) ·
/// `u16 plain` (bit per cell field: XLSX stores it as it is) · `u32 source keys` · `u32 target keys` ·
/// then fields, each `u32 length · bytes · NUL`: job, task, source db, source table, target db,
/// target table, source key text, target key text, source SQL, target SQL, source id, source keys…,
/// target keys….
package final class RowSpool: @unchecked Sendable {
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Bytes and records written to the file (appends are from one thread; readers may follow).
    private var bytes: Int64 = 0
    package private(set) var records = 0
    private var committedRecords = 0
    private let folder: String
    /// Guards what followers read: committed bytes and records, sealed, abandoned.
    private let condition = NSCondition()
    private var sealed = false
    private var abandoned = false

    /// Fixed header bytes after the length.
    package static let headerBytes = 12
    /// Fields before the keys.
    package static let fixedFields = 11

    package enum Field: Int {
        case job = 0
        case task, sourceDb, sourceTable, targetDb, targetTable, sourceKeyText, targetKeyText, sourceSQL, targetSQL,
            sourceId
    }

    /// Creates the spool in `folder`, by default `TMPDIR` (or /tmp).
    package init(folder: String? = nil) throws(DRSReportError) {
        let folder = folder ?? ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        self.folder = folder
        let path = folder + "/.drs-report-rows-\(getpid())-\(UUID().uuidString.prefix(8))"
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .outputNotWritable(
                path: folder,
                reason:
                    "cannot create the row spool (\(String(cString: strerror(errno)))); set TMPDIR to a writable folder"
            )
        }
        unlink(path)
        buffer.reserveCapacity(1 << 20)
    }

    deinit { close(fd) }

    /// Appends a row.
    package func append(_ row: DiffRow) throws(DRSReportError) {
        Self.encode(row, into: &buffer)
        records += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Appends rows `encode` made (on another thread).
    package func append(encoded: [UInt8], records count: Int) throws(DRSReportError) {
        buffer.append(contentsOf: encoded)
        records += count
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// One record, appended to `out`.
    package static func encode(_ row: DiffRow, into out: inout [UInt8]) {
        func put16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        func put32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        /// Appends a field; returns whether XLSX stores it as it is.
        func put(_ text: String) -> Bool {
            var text = text
            return text.withUTF8 { utf8 in
                put32(UInt32(utf8.count))
                out.append(contentsOf: utf8)
                out.append(0)
                return Worksheet.storedAsIs(utf8)
            }
        }
        let start = out.count
        put32(0)
        out.append(UInt8(DiffKind.allCases.firstIndex(of: row.kind) ?? 0))
        var flags: UInt8 = 0
        if row.jobId != nil { flags |= 1 }
        if row.taskId != nil { flags |= 2 }
        if row.locationInferred { flags |= 4 }
        out.append(flags)
        let plainAt = out.count
        put16(0)
        put32(UInt32(clamping: row.sourceKey.count))
        put32(UInt32(clamping: row.targetKey.count))
        var plain: UInt16 = 0
        func field(_ field: Field, _ text: String) {
            if put(text) { plain |= 1 << UInt16(field.rawValue) }
        }
        field(.job, row.jobId ?? "")
        field(.task, row.taskId ?? "")
        field(.sourceDb, row.sourceDatabase)
        field(.sourceTable, row.sourceTable)
        field(.targetDb, row.targetDatabase)
        field(.targetTable, row.targetTable)
        field(.sourceKeyText, DiffRow.keyText(row.sourceKey))
        field(.targetKeyText, DiffRow.keyText(row.targetKey))
        field(.sourceSQL, row.sourceSQL)
        field(.targetSQL, row.targetSQL)
        field(.sourceId, row.sourceId)
        for key in row.sourceKey { _ = put(key) }
        for key in row.targetKey { _ = put(key) }
        let length = UInt32(out.count - start - 4).littleEndian
        withUnsafeBytes(of: length) { for (i, b) in $0.enumerated() { out[start + i] = b } }
        withUnsafeBytes(of: plain.littleEndian) { for (i, b) in $0.enumerated() { out[plainAt + i] = b } }
    }

    /// Writes what is buffered; call before reading.
    package func flush() throws(DRSReportError) {
        guard !buffer.isEmpty else { return }
        let count = buffer.count
        let failure: Int32? = buffer.withUnsafeBytes { raw in
            var done = 0
            while done < count {
                let n = pwrite(fd, raw.baseAddress! + done, count - done, off_t(bytes) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += n
            }
            return nil
        }
        if let failure {
            throw .outputNotWritable(
                path: folder,
                reason:
                    "cannot write the row spool (\(String(cString: strerror(failure)))); set TMPDIR to a folder with room for the rows"
            )
        }
        buffer.removeAll(keepingCapacity: true)
        condition.lock()
        bytes += Int64(count)
        committedRecords = records
        condition.broadcast()
        condition.unlock()
    }

    /// No more rows come: followers finish.
    package func seal() throws(DRSReportError) {
        try flush()
        condition.lock()
        sealed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Ingest failed: followers stop at once.
    package func abandon() {
        condition.lock()
        sealed = true
        abandoned = true
        condition.broadcast()
        condition.unlock()
    }

    /// What a reader may read: committed bytes and records; with `follow`, waits until there is more
    /// than `beyond` bytes or the spool is sealed. Nil when abandoned.
    private func committed(beyond: Int64, follow: Bool) -> (bytes: Int64, records: Int, final: Bool)? {
        condition.lock()
        defer { condition.unlock() }
        while follow, !sealed, bytes <= beyond { condition.wait() }
        if abandoned { return nil }
        return (bytes, committedRecords, sealed || !follow)
    }

    /// Thrown to a follower when ingest failed.
    package struct Abandoned: Error {}

    /// Reads every record in order; `body` gets each with its index. The view is valid only during
    /// the call. With `follow`, reads rows while they are still being appended, until `seal`
    /// (throws `Abandoned` after `abandon`).
    package func read(follow: Bool = false, _ body: (RawDiffRow) throws -> Void) throws {
        let window = 4 << 20
        var storage = UnsafeMutableRawBufferPointer.allocate(byteCount: window, alignment: 16)
        defer { storage.deallocate() }
        var offsets = [Int](repeating: 0, count: 64)
        var fileOffset: Int64 = 0
        var filled = 0
        var position = 0
        var index = 0
        guard var limit = committed(beyond: -1, follow: follow) else { throw Abandoned() }
        /// Makes `need` bytes available at `position`; false when the spool has no more.
        func available(_ need: Int) throws -> Bool {
            while filled - position < need {
                if fileOffset >= limit.bytes {
                    if limit.final { return false }
                    guard let next = committed(beyond: fileOffset, follow: follow) else { throw Abandoned() }
                    limit = next
                    continue
                }
                // Keep the unread tail, grow when one record is larger than the window.
                let tail = filled - position
                if need > storage.count {
                    let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: need, alignment: 16)
                    if tail > 0 {
                        larger.baseAddress!.copyMemory(from: storage.baseAddress! + position, byteCount: tail)
                    }
                    storage.deallocate()
                    storage = larger
                } else if tail > 0, position > 0 {
                    memmove(storage.baseAddress!, storage.baseAddress! + position, tail)
                }
                filled = tail
                position = 0
                while filled < storage.count, fileOffset < limit.bytes {
                    let n = pread(
                        fd, storage.baseAddress! + filled, min(storage.count - filled, Int(limit.bytes - fileOffset)),
                        off_t(fileOffset))
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw DRSReportError.unreadableFile(
                            path: folder,
                            reason: "the row spool cannot be read back: \(String(cString: strerror(errno)))")
                    }
                    if n == 0 { break }
                    filled += n
                    fileOffset += Int64(n)
                }
            }
            return true
        }
        while try available(4) {
            let length = Int(UInt32(littleEndian: (storage.baseAddress! + position).loadUnaligned(as: UInt32.self)))
            guard try available(4 + length) else { break }
            let base = UnsafeRawPointer(storage.baseAddress! + position + 4)
            let sourceKeys = Int(UInt32(littleEndian: (base + 4).loadUnaligned(as: UInt32.self)))
            let targetKeys = Int(UInt32(littleEndian: (base + 8).loadUnaligned(as: UInt32.self)))
            let fields = Self.fixedFields + sourceKeys + targetKeys
            if offsets.count < fields { offsets = [Int](repeating: 0, count: fields) }
            var at = Self.headerBytes
            for field in 0..<fields {
                offsets[field] = at
                at += 4 + Int(UInt32(littleEndian: (base + at).loadUnaligned(as: UInt32.self))) + 1
            }
            try offsets.withUnsafeBufferPointer { table in
                try body(
                    RawDiffRow(index: index, base: base, offsets: table, sourceKeys: sourceKeys, targetKeys: targetKeys)
                )
            }
            position += 4 + length
            index += 1
        }
        if index != limit.records {
            throw DRSReportError.unreadableFile(
                path: folder,
                reason:
                    "the row spool ended after \(index) of \(limit.records) rows (was TMPDIR cleaned while drs-report ran?); run again"
            )
        }
    }
}

/// One spooled row as bytes, valid only inside `RowSpool.read`'s callback.
package struct RawDiffRow {
    /// Its index among all recorded rows.
    package let index: Int
    package let base: UnsafeRawPointer
    package let offsets: UnsafeBufferPointer<Int>
    package let sourceKeys: Int
    package let targetKeys: Int

    package var kind: DiffKind { DiffKind.allCases[Int(base.load(as: UInt8.self)) % DiffKind.allCases.count] }
    package var flags: UInt8 { (base + 1).load(as: UInt8.self) }
    package var hasJob: Bool { flags & 1 != 0 }
    package var hasTask: Bool { flags & 2 != 0 }
    package var locationInferred: Bool { flags & 4 != 0 }

    /// Whether XLSX stores the field as it is (no escape, within Excel's cell limit).
    package func plain(_ field: RowSpool.Field) -> Bool {
        UInt16(littleEndian: (base + 2).loadUnaligned(as: UInt16.self)) & (1 << UInt16(field.rawValue)) != 0
    }

    /// The bytes of field `n` (no NUL).
    package func bytes(_ n: Int) -> UnsafeBufferPointer<UInt8> {
        let at = offsets[n]
        let length = Int(UInt32(littleEndian: (base + at).loadUnaligned(as: UInt32.self)))
        return UnsafeBufferPointer(start: (base + at + 4).assumingMemoryBound(to: UInt8.self), count: length)
    }

    package func bytes(_ field: RowSpool.Field) -> UnsafeBufferPointer<UInt8> { bytes(field.rawValue) }

    /// Field `field` as a NUL-terminated C string.
    package func cString(_ field: RowSpool.Field) -> UnsafePointer<CChar> {
        (base + offsets[field.rawValue] + 4).assumingMemoryBound(to: CChar.self)
    }

    package func string(_ n: Int) -> String { String(decoding: bytes(n), as: UTF8.self) }
    package func string(_ field: RowSpool.Field) -> String { string(field.rawValue) }

    /// Source key values, in order.
    package func sourceKey(_ i: Int) -> UnsafeBufferPointer<UInt8> { bytes(RowSpool.fixedFields + i) }
    /// Target key values, in order.
    package func targetKey(_ i: Int) -> UnsafeBufferPointer<UInt8> { bytes(RowSpool.fixedFields + sourceKeys + i) }

    /// The row as the model has it.
    package func row(jobId: String?) -> DiffRow {
        DiffRow(
            jobId: jobId ?? (hasJob ? string(.job) : nil), taskId: hasTask ? string(.task) : nil,
            sourceDatabase: string(.sourceDb), targetDatabase: string(.targetDb), sourceTable: string(.sourceTable),
            targetTable: string(.targetTable), sourceKey: (0..<sourceKeys).map { string(RowSpool.fixedFields + $0) },
            targetKey: (0..<targetKeys).map { string(RowSpool.fixedFields + sourceKeys + $0) },
            sourceSQL: string(.sourceSQL),
            targetSQL: string(.targetSQL), kind: kind, locationInferred: locationInferred, sourceId: string(.sourceId))
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(
        index: Int, base: UnsafeRawPointer, offsets: UnsafeBufferPointer<Int>, sourceKeys: Int, targetKeys: Int
    ) {
        self.index = index
        self.base = base
        self.offsets = offsets
        self.sourceKeys = sourceKeys
        self.targetKeys = targetKeys
    }
}
