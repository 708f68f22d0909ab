import DRSJSON
import Foundation
import TestSupport
import Testing

@testable import DRSReport

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads a workbook back from its XML: sheet names in order, and each sheet's cells.
struct WorkbookReader {
    struct Cell: Equatable {
        var type: String  // "s", "inlineStr", "n", "str", "b"
        var value: String
        var hasFormula: Bool
    }

    var sheetNames: [String] = []
    var sheets: [String: [[Int: Cell]]] = [:]
    var created: String?

    init(_ url: URL) throws {
        let parts = try unzipText(url)
        let shared = SharedStrings.parse(parts["xl/sharedStrings.xml"] ?? "")
        let workbook = parts["xl/workbook.xml"] ?? ""
        let rels = parts["xl/_rels/workbook.xml.rels"] ?? ""
        var targets: [String: String] = [:]
        for match in rels.matches(#"Id="([^"]+)"[^>]*Target="([^"]+)""#) { targets[match[0]] = match[1] }
        for match in workbook.matches(#"<sheet name="([^"]*)" sheetId="\d+" r:id="([^"]+)""#) {
            let name = XMLText.unescape(match[0])
            sheetNames.append(name)
            let path = "xl/" + (targets[match[1]] ?? "")
            sheets[name] = SheetParser.parse(parts[path] ?? "", shared: shared)
        }
        created = parts["docProps/core.xml"]?.matches(#"<dcterms:created[^>]*>([^<]+)<"#).first?.first
    }
}

enum XMLText {
    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

extension String {
    func matches(_ pattern: String) -> [[String]] {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else {
            return []
        }
        let ns = self as NSString
        return regex.matches(in: self, range: NSRange(location: 0, length: ns.length)).map { result in
            (1..<result.numberOfRanges).map { ns.substring(with: result.range(at: $0)) }
        }
    }
}

final class SharedStrings: NSObject, XMLParserDelegate {
    var strings: [String] = []
    private var current = ""
    private var inText = false

    static func parse(_ xml: String) -> [String] {
        let delegate = SharedStrings()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = delegate
        _ = parser.parse()
        return delegate.strings
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if name == "si" { current = "" }
        if name == "t" { inText = true }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "t" { inText = false }
        if name == "si" { strings.append(current) }
    }
}

final class SheetParser: NSObject, XMLParserDelegate {
    var rows: [[Int: WorkbookReader.Cell]] = []
    private let shared: [String]
    private var row: [Int: WorkbookReader.Cell] = [:]
    private var column = 0
    private var type = "n"
    private var value = ""
    private var formula = false
    private var capture = false

    init(shared: [String]) { self.shared = shared }

    static func parse(_ xml: String, shared: [String]) -> [[Int: WorkbookReader.Cell]] {
        let delegate = SheetParser(shared: shared)
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = delegate
        _ = parser.parse()
        return delegate.rows
    }

    static func columnIndex(_ reference: String) -> Int {
        var index = 0
        for scalar in reference.unicodeScalars where scalar.value >= 65 && scalar.value <= 90 {
            index = index * 26 + Int(scalar.value - 64)
        }
        return index - 1
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch name {
        case "row": row = [:]
        case "c":
            column = Self.columnIndex(attributes["r"] ?? "A")
            type = attributes["t"] ?? "n"
            value = ""
            formula = false
        case "v", "t": capture = true
        case "f": formula = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if capture { value += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "v", "t": capture = false
        case "c":
            let text = type == "s" ? (Int(value).flatMap { $0 < shared.count ? shared[$0] : nil } ?? "") : value
            row[column] = WorkbookReader.Cell(type: type, value: text, hasFormula: formula)
        case "row": rows.append(row)
        default: break
        }
    }
}

@Suite struct XLSXReportTests {
    @Test func sheetsHeadersCountsAndTypes() throws {
        let out = try render([Repo.path("samples/v5-mysql-archive")], formats: [.xlsx])
        defer { try? FileManager.default.removeItem(at: out) }
        let book = try WorkbookReader(out.appendingPathComponent("report.xlsx"))
        #expect(
            book.sheetNames == [
                "Summary", "Jobs", "Tasks", "Tables", "Database pairs", "Object types", "Objects", "Diffs",
                "Not compared", "Conflicts",
                "Not retrieved", "Sources",
            ])
        let diffs = try #require(book.sheets["Diffs"])
        #expect(diffs.count == 74)
        #expect(diffs[0][0]?.value == "Job")
        #expect(diffs[0][9]?.value == "Source SELECT")
        #expect(diffs[1][9]?.value.hasPrefix("SELECT * FROM `shop`.") == true)
        // Counts are numbers, and the three-billion-row count stays exact.
        let tables = try #require(book.sheets["Tables"])
        #expect(tables.count == 13)
        let big = tables.first { $0[2]?.value == "event_log" }
        #expect(big?[8]?.type == "n")
        #expect(big?[8]?.value == "3000000000")
        // The Summary states the verdict's distinct counts.
        let summary = try #require(book.sheets["Summary"])
        #expect(summary.contains { $0[0]?.value == "Inconsistent tables" && $0[1]?.value == "4" })
        #expect(summary.contains { $0[0]?.value == "Inconsistent database pairs" && $0[1]?.value == "2" })
        // Times are date-time serial numbers.
        let tasks = try #require(book.sheets["Tasks"])
        let started = try #require(tasks[1][5])
        #expect(started.type == "n")
        #expect(Double(started.value).map { $0 > 46_000 && $0 < 47_000 } == true)
        #expect(book.created == "2026-11-21T00:00:00Z")
        for (name, rows) in book.sheets {
            for row in rows { for cell in row.values { #expect(!cell.hasFormula, "formula on \(name)") } }
        }
    }

    @Test func hostileStringsRoundTripExactly() throws {
        let out = try render([Repo.fixtures.appendingPathComponent("hostile").path], formats: [.xlsx])
        defer { try? FileManager.default.removeItem(at: out) }
        let book = try WorkbookReader(out.appendingPathComponent("report.xlsx"))
        let diffs = try #require(book.sheets["Diffs"])
        let keys = Set(diffs.dropFirst().compactMap { $0[7]?.value })
        for hostile in [
            "=HYPERLINK(\"http://evil.example\",\"x\")", "<script>alert(1)</script>", "\"dq\" 'sq'", "🚀🧨", "中文表",
            "مرحبا שלום",
            "=cmd|' /C calc'!A0", "&amp;",
        ] {
            #expect(keys.contains(hostile), "missing \(hostile)")
        }
        #expect(keys.contains { $0.contains("line1\nline2\tcol2") })
        let expected = try JSONParser.parse(
            Data(contentsOf: Repo.fixtures.appendingPathComponent("hostile/EXPECTED.json")))
        #expect(
            "\(diffs.count - 1)"
                == (expected["diff_rows"].flatMap { if case .number(let n) = $0 { n } else { nil } } ?? ""))
    }

    @Test func diffsContinueOnNewSheetsAtTheRowLimit() throws {
        let result = try ingest([Repo.path("samples/v5-mysql-archive")])
        let out = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        var writer = XLSXReportWriter()
        writer.rowsPerSheet = 30
        _ = try writer.write(result.report, diffs: result.diffs, into: out, options: RenderOptions())
        let book = try WorkbookReader(out.appendingPathComponent("report.xlsx"))
        #expect(book.sheetNames.filter { $0.hasPrefix("Diffs") } == ["Diffs", "Diffs (2)", "Diffs (3)"])
        let total = ["Diffs", "Diffs (2)", "Diffs (3)"].reduce(0) { $0 + (book.sheets[$1]?.count ?? 0) - 1 }
        #expect(total == 73)
        let summary = try #require(book.sheets["Summary"])
        #expect(summary.contains { $0[1]?.value.contains("Diffs (2), Diffs (3)") == true })
    }

    @Test func chineseSheetNamesAndHeaders() throws {
        let out = try render([Repo.path("samples/v5-mysql-archive")], formats: [.xlsx], language: .zhCN)
        defer { try? FileManager.default.removeItem(at: out) }
        let book = try WorkbookReader(out.appendingPathComponent("report.xlsx"))
        #expect(book.sheetNames == ["概要", "任务", "对比任务", "表", "库对", "对象类型", "对象", "不一致数据", "未对比", "冲突", "未能获取", "数据来源"])
        #expect(book.sheets["不一致数据"]?.first?[9]?.value == "源库查询 SQL")
    }

    @Test func longCellsAreCutWithAVisibleMarkerAndControlCharactersEscaped() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let long = String(repeating: "x", count: 40_000)
        let body = """
            {"count": 1, "contents_infos": [{"source_key_value": ["a\\u0001b"], "target_key_value": ["k"], "select_sql": "SELECT * FROM d.t WHERE v='\(long)'", "target_select_sql": "t"}]}
            """
        let path = try write(body, to: "diff.json", in: folder)
        let result = try ingest([path])
        _ = try Renderer.render(result, to: folder.appendingPathComponent("out"), options: RenderOptions())
        let book = try WorkbookReader(folder.appendingPathComponent("out/report.xlsx"))
        let row = try #require(book.sheets["Diffs"]?[1])
        let sql = try #require(row[9]?.value)
        #expect(sql.utf16.count == 32_767)
        #expect(sql.hasSuffix("…[truncated; full value in csv/diffs.csv]"))
        #expect(row[7]?.value == "a_x0001_b")
        let csv = try text(folder.appendingPathComponent("out"), "csv/diffs.csv")
        #expect(csv.contains(long))
    }

    /// libxlsxwriter's own tests compare unzipped XML parts, not bytes; so do we.
    @Test func smallWorkbookMatchesGoldenXMLParts() throws {
        let out = try render(
            [
                Repo.path("samples/v3-mysql-responses/line-overview.json"),
                Repo.path("samples/v3-mysql-responses/content-difference.json"),
            ], formats: [.xlsx])
        defer { try? FileManager.default.removeItem(at: out) }
        let parts = try unzipText(out.appendingPathComponent("report.xlsx"))
        for name in parts.keys.sorted() where name.hasSuffix(".xml") || name.hasSuffix(".rels") {
            guard let part = parts[name] else { continue }
            try expectGolden(Self.normalised(part, name: name), "xlsx-small/\(name)")
        }
    }

    /// Sorts relationship lines (their order is not meaningful) and puts one element per line for readable diffs.
    static func normalised(_ xml: String, name: String) -> String {
        var text = xml.replacingOccurrences(of: "><", with: ">\n<")
        if name.hasSuffix(".rels") {
            text = text.components(separatedBy: "\n").sorted().joined(separator: "\n")
        }
        return text + "\n"
    }
}
