import DRSCore
import DRSIngest
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// recheck/: for each table with inconsistent rows, `<source_db>.<source_table>.source.sql` and
/// `.target.sql`, which re-select every one of its rows in as few statements as the SQL allows.
///
/// DRS gives one `SELECT … FROM t WHERE k1 = v1 AND k2 = v2` per row. Rows of one table whose
/// SELECTs have that shape, with the same text before `WHERE` and the same key columns, become
/// `… WHERE k1 IN (v, …)` or `… WHERE (k1, k2) IN ((v1, v2), …)` of up to 1,000 keys. Any other
/// single SELECT is kept as it is, and those are joined by `UNION ALL`. A row whose SQL is not one
/// SELECT statement (after its tokens are read: strings, quoted names, comments) is never copied
/// into a file meant to be run: it is named in a comment, to be found in csv/diffs.csv. Every row
/// is covered exactly once; rows whose SQL is identical are one key (found by a 64-bit hash of the
/// key, so a million rows cost 16 MB).
///
/// Memory stays bounded: statements are written as their key lists fill, and all partial lists
/// are written out when more than `pendingLimit` keys wait.
package struct RecheckWriter: ReportWriter {
    package var format: OutputFormat { .sql }

    package init() {}

    /// Keys per `IN` list.
    package static let keysPerStatement = 1_000
    /// SELECTs per `UNION ALL`.
    package static let selectsPerUnion = 100
    /// Keys waiting in partial lists (all tables) before they are written out.
    package static let pendingLimit = 100_000
    /// Bytes of finished text waiting (all files) before they are appended to their files.
    package static let pendingBytesLimit = 8 << 20

    package func write(_ report: Report, diffs: DiffStream, into directory: URL, options: RenderOptions) throws
        -> [String]
    {
        let folder = directory.appendingPathComponent("recheck")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var files = RecheckFiles(folder: folder)
        var rowNumber: Int64 = 0
        try diffs.forEachRaw { raw in
            rowNumber += 1
            let (source, target) = files.states(for: raw, jobs: diffs.jobs)
            let sourceSQL = raw.bytes(.sourceSQL)
            let targetSQL = raw.bytes(.targetSQL)
            try files.add(sourceSQL.isEmpty ? targetSQL : sourceSQL, to: source, row: rowNumber)
            try files.add(targetSQL.isEmpty ? sourceSQL : targetSQL, to: target, row: rowNumber)
        }
        return try files.finish()
    }
}

/// The open state of every recheck file. Rows come as the spool's bytes: a row's SQL is read by
/// `RecheckSQL.shape` without making a String, and the text of each file is kept as bytes.
package struct RecheckFiles {
    package let folder: URL
    /// File base name per table location, in order of first appearance.
    private var bases: [[String]: String] = [:]
    private var taken: Set<String> = []
    private var tables: [String: TableState] = [:]
    private var order: [TableState] = []
    private var pendingKeys = 0
    /// Text waiting in every file's buffer: written out past `RecheckWriter.pendingBytesLimit`,
    /// so a million rows that each add a line (SQL that is not one SELECT) never wait in memory.
    private var pendingBytes = 0
    private var scratch = RecheckSQL.Scratch()
    /// The last row's location (its job's index or own job, and its four names) and its files:
    /// rows come table by table, so most rows find their files here without a String.
    private var last: (job: Int?, fields: [[UInt8]], source: TableState, target: TableState)?

    package init(folder: URL) {
        self.folder = folder
    }

    /// A statement being built for one file. A class: a struct taken out of the dictionary and put
    /// back copied its key set and text on every row (copy on write), 100 s for a million rows.
    package final class TableState {
        package let name: String
        /// `SELECT … FROM …` text of the current IN list, and its key columns.
        package var prefix: [UInt8] = []
        package var columns: [[UInt8]] = []
        /// FNV-1a of the prefix and columns (with their separators), where each key's hash starts.
        package var listHash: UInt64 = RecheckFiles.fnvBasis
        /// The keys of the current list, joined by ", ".
        package var keys: [UInt8] = []
        package var keyCount = 0
        /// 64-bit FNV-1a of every key and SELECT taken (a million rows cost 16 MB, not their text).
        package var seen: Set<UInt64> = []
        package var unions: [[UInt8]] = []
        /// Text ready to append to the file.
        package var out: [UInt8] = []
        package var rows: Int64 = 0
        package var statements = 0
        /// Whether the file exists yet.
        package var created = false

        package init(name: String) {
            self.name = name
        }
    }

    private static let locationFields: [RowSpool.Field] = [.sourceDb, .sourceTable, .targetDb, .targetTable, .job]

    /// The source and target files of `raw`'s table.
    package mutating func states(for raw: RawDiffRow, jobs: RowJobs) -> (TableState, TableState) {
        let job = jobs.nameIndex(raw.index)
        let fields = Self.locationFields
        let own = job == nil && raw.hasJob
        if let last, last.job == job {
            var same = true
            for (index, field) in fields.enumerated() where index < 4 || own {
                let bytes = raw.bytes(field)
                let known = last.fields[index]
                if bytes.count != known.count
                    || (bytes.count > 0 && memcmp(bytes.baseAddress!, known, bytes.count) != 0)
                {
                    same = false
                    break
                }
            }
            if same && (own ? last.fields.count == 5 : last.fields.count == 4) { return (last.source, last.target) }
        }
        let row = raw.row(jobId: job.map { jobs.names[$0] })
        let base = base(for: row)
        let pair = (state(base + ".source.sql"), state(base + ".target.sql"))
        last = (job, fields.prefix(own ? 5 : 4).map { Array(raw.bytes($0)) }, pair.0, pair.1)
        return pair
    }

    /// The state of `file`, made on first use.
    package mutating func state(_ file: String) -> TableState {
        if let known = tables[file] { return known }
        let created = TableState(name: file)
        tables[file] = created
        order.append(created)
        return created
    }

    /// `db.table` made safe as a file name (letters, digits, `_ - .`, up to 100 characters per
    /// part), made unique with `~2`, `~3`… when two tables would share it.
    package mutating func base(for row: DiffRow) -> String {
        let key = [row.jobId ?? "", row.sourceDatabase, row.sourceTable, row.targetDatabase, row.targetTable]
        if let known = bases[key] { return known }
        func safe(_ text: String) -> String {
            var out = ""
            for scalar in text.unicodeScalars {
                let ok =
                    scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
                out.unicodeScalars.append(ok && scalar.properties.generalCategory != .control ? scalar : "_")
            }
            if out.isEmpty { out = "_" }
            return String(out.prefix(100))
        }
        let stem =
            safe(row.sourceDatabase.isEmpty ? row.targetDatabase : row.sourceDatabase) + "."
            + safe(row.sourceTable.isEmpty ? row.targetTable : row.sourceTable)
        var name = stem
        var n = 2
        while taken.contains(name.lowercased()) {
            name = stem + "~\(n)"
            n += 1
        }
        taken.insert(name.lowercased())
        bases[key] = name
        return name
    }

    /// Adds one row's SQL to `file` (tests; the writer passes bytes and states).
    package mutating func add(_ sql: String, to file: String, row: Int64) throws {
        let state = state(file)
        var sql = sql
        try sql.withUTF8 { try add($0, to: state, row: row) }
    }

    package mutating func add(_ sql: UnsafeBufferPointer<UInt8>, to state: TableState, row: Int64) throws {
        state.rows += 1
        switch RecheckSQL.shape(sql, &scratch) {
        case .keyed:
            addKeyed(sql, scratch.prefix, scratch.columns, scratch.values, to: state)
        case .select(let text):
            addSelect(UnsafeBufferPointer(rebasing: sql[text]), to: state)
        case .notOneSelect:
            addNotOneSelect(row: row, to: state)
        case .needsCharacters:
            switch RecheckSQL.parse(String(decoding: sql, as: UTF8.self)) {
            case .keyed(let prefix, let columns, let values):
                // The parts in one buffer, and their ranges in it.
                var buffer = Array(prefix.utf8)
                var ranges: [Range<Int>] = []
                for part in columns + values {
                    ranges.append(buffer.count..<(buffer.count + part.utf8.count))
                    buffer += part.utf8
                }
                buffer.withUnsafeBufferPointer { bytes in
                    addKeyed(
                        bytes, 0..<prefix.utf8.count, Array(ranges[..<columns.count]), Array(ranges[columns.count...]),
                        to: state)
                }
            case .select(let text):
                Array(text.utf8).withUnsafeBufferPointer { addSelect($0, to: state) }
            case .notOneSelect:
                addNotOneSelect(row: row, to: state)
            }
        }
        if state.out.count > 1 << 20 { try append(state) }
        if pendingKeys > RecheckWriter.pendingLimit { flushAll() }
        if pendingBytes > RecheckWriter.pendingBytesLimit {
            // Only finished text is written: the key lists stay open, so the files do not change.
            for state in order { try append(state) }
        }
    }

    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ known: [UInt8]) -> Bool {
        range.count == known.count
            && (range.isEmpty || memcmp(bytes.baseAddress! + range.lowerBound, known, range.count) == 0)
    }

    private mutating func addKeyed(
        _ bytes: UnsafeBufferPointer<UInt8>, _ prefix: Range<Int>, _ columns: [Range<Int>], _ values: [Range<Int>],
        to state: TableState
    ) {
        let sameList =
            Self.equal(bytes, prefix, state.prefix) && columns.count == state.columns.count
            && zip(columns, state.columns).allSatisfy { Self.equal(bytes, $0.0, $0.1) }
        if !sameList {
            flushKeys(state)
            state.prefix = Array(bytes[prefix])
            state.columns = columns.map { Array(bytes[$0]) }
            // The hash of `prefix \0 c1 \0 c2 … \0`, where every key's hash goes on.
            var hash = Self.fnv(state.prefix, Self.fnvBasis)
            for (index, column) in state.columns.enumerated() {
                if index > 0 { hash = Self.fnv(0, hash) }
                hash = Self.fnv(column, hash)
            }
            state.listHash = Self.fnv(0, hash)
        }
        // The key: `v` or `(v1, v2, …)`.
        var hash = state.listHash
        let start = state.keys.count
        if state.keyCount > 0 { state.keys += [0x2C, 0x20] }
        let keyStart = state.keys.count
        if values.count == 1 {
            state.keys += UnsafeBufferPointer(rebasing: bytes[values[0]])
        } else {
            state.keys.append(0x28)
            for (index, value) in values.enumerated() {
                if index > 0 { state.keys += [0x2C, 0x20] }
                state.keys += UnsafeBufferPointer(rebasing: bytes[value])
            }
            state.keys.append(0x29)
        }
        hash = state.keys[keyStart...].withUnsafeBufferPointer { Self.fnv($0, hash) }
        if state.seen.insert(hash).inserted {
            state.keyCount += 1
            pendingKeys += 1
            if state.keyCount == RecheckWriter.keysPerStatement { flushKeys(state) }
        } else {
            state.keys.removeSubrange(start...)
        }
    }

    private mutating func addSelect(_ text: UnsafeBufferPointer<UInt8>, to state: TableState) {
        if state.seen.insert(Self.fnv(text, Self.fnv(1, Self.fnvBasis))).inserted {
            state.unions.append(Array(text))
            pendingKeys += 1
            if state.unions.count == RecheckWriter.selectsPerUnion { flushUnions(state) }
        }
    }

    private mutating func addNotOneSelect(row: Int64, to state: TableState) {
        let line = "-- row \(row) of csv/diffs.csv: its SQL is not one SELECT statement, so it is not copied here\n"
        state.out += line.utf8
        pendingBytes += line.utf8.count
    }

    /// 64-bit FNV-1a: the same on every run, so the files are too.
    package static let fnvBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    package static func fnv(_ text: String) -> UInt64 { fnv(Array(text.utf8), fnvBasis) }

    package static func fnv(_ bytes: some Sequence<UInt8>, _ start: UInt64) -> UInt64 {
        var hash = start
        for byte in bytes { hash = fnv(byte, hash) }
        return hash
    }

    @inline(__always) package static func fnv(_ byte: UInt8, _ hash: UInt64) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    private mutating func flushKeys(_ state: TableState) {
        guard state.keyCount > 0 else { return }
        let before = state.out.count
        state.out += state.prefix
        state.out += " WHERE ".utf8
        if state.columns.count == 1 {
            state.out += state.columns[0]
        } else {
            state.out.append(0x28)
            for (index, column) in state.columns.enumerated() {
                if index > 0 { state.out += [0x2C, 0x20] }
                state.out += column
            }
            state.out.append(0x29)
        }
        state.out += " IN (".utf8
        state.out += state.keys
        state.out += ");\n".utf8
        pendingBytes += state.out.count - before
        state.statements += 1
        pendingKeys -= state.keyCount
        state.keys.removeAll(keepingCapacity: true)
        state.keyCount = 0
        // Keys already written stay known, so a later copy of a row is not selected twice.
    }

    private mutating func flushUnions(_ state: TableState) {
        guard !state.unions.isEmpty else { return }
        let before = state.out.count
        if state.unions.count == 1 {
            state.out += state.unions[0]
        } else {
            state.out.append(0x28)
            for (index, union) in state.unions.enumerated() {
                if index > 0 { state.out += ")\nUNION ALL\n(".utf8 }
                state.out += union
            }
            state.out.append(0x29)
        }
        state.out += ";\n".utf8
        pendingBytes += state.out.count - before
        state.statements += 1
        pendingKeys -= state.unions.count
        state.unions.removeAll(keepingCapacity: true)
    }

    /// Ends every open list (their text waits in `out` until `pendingBytes` or `finish` writes it).
    private mutating func flushAll() {
        for state in order {
            flushKeys(state)
            flushUnions(state)
        }
    }

    /// Appends what is ready to the file (created on first use) in one open and write.
    private mutating func append(_ state: TableState) throws {
        guard !state.out.isEmpty else { return }
        let path = folder.appendingPathComponent(state.name).path
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (state.created ? O_APPEND : O_TRUNC), 0o666)
        guard fd >= 0 else {
            throw DRSReportError.outputNotWritable(
                path: "recheck/" + state.name, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        state.created = true
        try state.out.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let wrote = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if wrote < 0 && errno == EINTR { continue }
                guard wrote > 0 else {
                    throw DRSReportError.outputNotWritable(
                        path: "recheck/" + state.name, reason: String(cString: strerror(errno)))
                }
                done += wrote
            }
        }
        pendingBytes -= state.out.count
        state.out.removeAll(keepingCapacity: false)
    }

    /// Writes every partial statement and a closing line per file; returns the files, sorted.
    package mutating func finish() throws -> [String] {
        for state in order {
            flushKeys(state)
            flushUnions(state)
            let closing =
                "-- \(state.rows) inconsistent \(state.rows == 1 ? "row" : "rows") in \(state.statements) \(state.statements == 1 ? "statement" : "statements")\n"
            state.out += closing.utf8
            pendingBytes += closing.utf8.count
            try append(state)
        }
        return order.map { "recheck/" + $0.name }.sorted()
    }
}
