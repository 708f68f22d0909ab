import Foundation

/// A response file that carries inconsistent rows.
public struct DiffSource: Sendable {
    /// The file.
    var file: ResponseFile
    /// Its source id.
    var sourceId: String
    /// Its kind.
    var kind: ResponseKind
    /// Rows it held when first read.
    var rows: Int64
}

/// Every inconsistent row of the inputs, in input order.
///
/// Rows are not kept in memory: each `forEach` reads the response files again, one page at a
/// time, so a writer sees a million rows with the memory of one page. Each writer may iterate
/// independently (and on its own thread), which lets the XLSX writer run alongside the others.
public struct DiffStream: Sendable {
    let sources: [DiffSource]
    /// Which response kind owns each table's rows (see `claimKey`).
    let claims: [String: ResponseKind]

    /// Rows of one table from two APIs are the same rows; the key that tells tables apart.
    static func claimKey(_ row: DiffRow) -> String {
        row.sourceDatabase + "\u{1}" + row.sourceTable
    }

    /// Total rows, known from the first pass.
    public var count: Int64 { sources.reduce(0) { $0 + $1.rows } }

    /// A stream with no rows.
    public static let empty = DiffStream(sources: [], claims: [:])

    /// Calls `body` for every row, in input order. Fails if a file changed since it was first read.
    public func forEach(_ body: (DiffRow) throws -> Void) throws {
        for source in sources where source.rows > 0 {
            let (data, _) = try Ingestor.readBytes(source.file)
            let value = try Ingestor.parse(data, file: source.file.userPath)
            let root = JSONReader(value, file: source.file.userPath)
            let pages = try DiffExtraction.pages(from: root, kind: source.kind, request: source.file.request, sourceId: source.sourceId)
            var seen: Int64 = 0
            for page in pages {
                for row in page.rows where claims[Self.claimKey(row)] == source.kind {
                    try body(row)
                    seen += 1
                }
            }
            if seen != source.rows {
                throw DRSReportError.unreadableFile(
                    path: source.file.userPath, reason: "it changed while the report was written (\(source.rows) rows before, \(seen) now)")
            }
        }
    }
}
