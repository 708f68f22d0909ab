import Foundation

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
public struct RecheckWriter: ReportWriter {
    public var format: OutputFormat { .sql }

    public init() {}

    /// Keys per `IN` list.
    static let keysPerStatement = 1_000
    /// SELECTs per `UNION ALL`.
    static let selectsPerUnion = 100
    /// Keys waiting in partial lists (all tables) before they are written out.
    static let pendingLimit = 100_000
    /// Bytes of finished text waiting (all files) before they are appended to their files.
    static let pendingBytesLimit = 8 << 20

    public func write(_ report: Report, diffs: DiffStream, into directory: URL, options: RenderOptions) throws -> [String] {
        let folder = directory.appendingPathComponent("recheck")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var files = RecheckFiles(folder: folder)
        var rowNumber: Int64 = 0
        try diffs.forEach { row in
            rowNumber += 1
            let base = files.base(for: row)
            let source = row.sourceSQL.isEmpty ? row.targetSQL : row.sourceSQL
            let target = row.targetSQL.isEmpty ? row.sourceSQL : row.targetSQL
            try files.add(source, to: base + ".source.sql", row: rowNumber)
            try files.add(target, to: base + ".target.sql", row: rowNumber)
        }
        return try files.finish()
    }
}

/// The open state of every recheck file.
struct RecheckFiles {
    let folder: URL
    /// File base name per table location, in order of first appearance.
    private var bases: [[String]: String] = [:]
    private var taken: Set<String> = []
    private var tables: [String: TableState] = [:]
    private var order: [String] = []
    private var pendingKeys = 0
    /// Text waiting in every file's buffer: written out past `RecheckWriter.pendingBytesLimit`,
    /// so a million rows that each add a line (SQL that is not one SELECT) never wait in memory.
    private var pendingBytes = 0

    init(folder: URL) {
        self.folder = folder
    }

    /// A statement being built for one file. A class: a struct taken out of the dictionary and put
    /// back copied its key set and text on every row (copy on write), 100 s for a million rows.
    final class TableState {
        /// `SELECT … FROM …` text of the current IN list, and its key columns.
        var prefix = ""
        var columns: [String] = []
        var keys: [String] = []
        /// 64-bit FNV-1a of every key and SELECT taken (a million rows cost 16 MB, not their text).
        var seen: Set<UInt64> = []
        var unions: [String] = []
        /// Text ready to append to the file.
        var out = ""
        var rows: Int64 = 0
        var statements = 0
    }

    /// `db.table` made safe as a file name (letters, digits, `_ - .`, up to 100 characters per
    /// part), made unique with `~2`, `~3`… when two tables would share it.
    mutating func base(for row: DiffRow) -> String {
        let key = [row.jobId ?? "", row.sourceDatabase, row.sourceTable, row.targetDatabase, row.targetTable]
        if let known = bases[key] { return known }
        func safe(_ text: String) -> String {
            var out = ""
            for scalar in text.unicodeScalars {
                let ok = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
                out.unicodeScalars.append(ok && scalar.properties.generalCategory != .control ? scalar : "_")
            }
            if out.isEmpty { out = "_" }
            return String(out.prefix(100))
        }
        let stem = safe(row.sourceDatabase.isEmpty ? row.targetDatabase : row.sourceDatabase) + "."
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

    mutating func add(_ sql: String, to file: String, row: Int64) throws {
        if tables[file] == nil {
            tables[file] = TableState()
            order.append(file)
        }
        let state = tables[file]!
        state.rows += 1
        switch RecheckSQL.parse(sql) {
        case .keyed(let prefix, let columns, let values):
            if prefix != state.prefix || columns != state.columns {
                flushKeys(state)
                state.prefix = prefix
                state.columns = columns
            }
            let key = values.count == 1 ? values[0] : "(" + values.joined(separator: ", ") + ")"
            if state.seen.insert(Self.fnv(prefix + "\u{0}" + columns.joined(separator: "\u{0}") + "\u{0}" + key)).inserted {
                state.keys.append(key)
                pendingKeys += 1
                if state.keys.count == RecheckWriter.keysPerStatement { flushKeys(state) }
            }
        case .select(let text):
            if state.seen.insert(Self.fnv("\u{1}" + text)).inserted {
                state.unions.append(text)
                pendingKeys += 1
                if state.unions.count == RecheckWriter.selectsPerUnion { flushUnions(state) }
            }
        case .notOneSelect:
            let line = "-- row \(row) of csv/diffs.csv: its SQL is not one SELECT statement, so it is not copied here\n"
            state.out += line
            pendingBytes += line.utf8.count
        }
        if state.out.utf8.count > 1 << 20 { try append(file) }
        if pendingKeys > RecheckWriter.pendingLimit { try flushAll() }
        if pendingBytes > RecheckWriter.pendingBytesLimit {
            // Only finished text is written: the key lists stay open, so the files do not change.
            for file in order { try append(file) }
        }
    }

    /// 64-bit FNV-1a: the same on every run, so the files are too.
    static func fnv(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    private mutating func flushKeys(_ state: TableState) {
        guard !state.keys.isEmpty else { return }
        let column = state.columns.count == 1 ? state.columns[0] : "(" + state.columns.joined(separator: ", ") + ")"
        let statement = state.prefix + " WHERE " + column + " IN (" + state.keys.joined(separator: ", ") + ");\n"
        state.out += statement
        pendingBytes += statement.utf8.count
        state.statements += 1
        pendingKeys -= state.keys.count
        state.keys.removeAll(keepingCapacity: true)
        // Keys already written stay known, so a later copy of a row is not selected twice.
    }

    private mutating func flushUnions(_ state: TableState) {
        guard !state.unions.isEmpty else { return }
        let statement = state.unions.count == 1 ? state.unions[0] + ";\n" : "(" + state.unions.joined(separator: ")\nUNION ALL\n(") + ");\n"
        state.out += statement
        pendingBytes += statement.utf8.count
        state.statements += 1
        pendingKeys -= state.unions.count
        state.unions.removeAll(keepingCapacity: true)
    }

    private mutating func flushAll() throws {
        for file in order {
            let state = tables[file]!
            flushKeys(state)
            flushUnions(state)
            try append(file)
        }
    }

    /// Appends what is ready to the file (created on first use).
    private mutating func append(_ file: String) throws {
        guard let state = tables[file], !state.out.isEmpty else { return }
        let url = folder.appendingPathComponent(file)
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw DRSReportError.outputNotWritable(path: "recheck/" + file, reason: "cannot create the file")
            }
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(state.out.utf8))
        pendingBytes -= state.out.utf8.count
        state.out = ""
    }

    /// Writes every partial statement and a closing line per file; returns the files, sorted.
    mutating func finish() throws -> [String] {
        for file in order {
            let state = tables[file]!
            flushKeys(state)
            flushUnions(state)
            let closing = "-- \(state.rows) inconsistent \(state.rows == 1 ? "row" : "rows") in \(state.statements) \(state.statements == 1 ? "statement" : "statements")\n"
            state.out += closing
            pendingBytes += closing.utf8.count
            try append(file)
        }
        return order.map { "recheck/" + $0 }.sorted()
    }
}
