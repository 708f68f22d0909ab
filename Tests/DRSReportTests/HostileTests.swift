import Foundation
import TestSupport
import Testing

@testable import DRSReport

/// Names and values from the database are hostile. Each format must carry them as inert text.
@Suite struct HostileTests {
    static let strings = [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"dq\" 'sq'", "a|b|c", "=cmd|' /C calc'!A0",
        "+SUM(1,2)", "-2+3", "@SUM(1)", "=HYPERLINK(\"http://evil.example\",\"x\")", "[x](javascript:alert(1))",
        "**bold**",
        "🚀🧨", "中文表", "&amp;",
    ]

    let input = Repo.fixtures.appendingPathComponent("hostile").path

    @Test func htmlEscapesEverythingAndRunsNoScript() throws {
        let out = try render([input], formats: [.html])
        defer { try? FileManager.default.removeItem(at: out) }
        let html = try text(out, "report.html")
        expectOnlyTheHashedScript(html)
        #expect(!html.contains("<img"))
        // Links are the page's own (#anchors, csv/…); none is made from data.
        #expect(!html.lowercased().contains("href=\"javascript"))
        let hrefs = html.components(separatedBy: "href=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(
            hrefs.allSatisfy {
                $0.hasPrefix("#t-") || $0.hasPrefix("#d-") || $0.hasPrefix("#") && !$0.contains(" ")
                    || $0.hasPrefix("csv/") || $0.hasPrefix("report.")
            })
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("&quot;dq&quot; &#39;sq&#39;"))
        #expect(html.contains("&amp;amp;"))
        #expect(html.contains("🚀🧨") && html.contains("中文表"))
    }

    @Test func markdownEscapesPipesBackticksAndHTML() throws {
        let out = try render([input], formats: [.md]) { $0.maxMarkdownRows = 100 }
        defer { try? FileManager.default.removeItem(at: out) }
        let md = try text(out, "report.md")
        // Code blocks hold SQL literally (inert); everything else must be escaped.
        var prose = ""
        var fence: String?
        for line in md.components(separatedBy: "\n") {
            if let open = fence {
                if line == open { fence = nil }
                continue
            }
            if line.hasPrefix("```") {
                fence = String(line.prefix { $0 == "`" })
                continue
            }
            prose += line + "\n"
        }
        #expect(fence == nil, "unclosed code block")
        #expect(!prose.contains("<script"))
        #expect(!prose.contains("<img"))
        #expect(!prose.contains("](javascript:"))
        #expect(md.contains("<script>alert(1)</script>"), "SQL in code blocks keeps its exact text")
        #expect(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(md.contains("a\\|b\\|c"))
        #expect(md.contains("\\*\\*bold\\*\\*"))
        #expect(md.contains("&amp;amp;"))
        // Outside code blocks, every table row has only its own column separators.
        var inCode = false
        var columns: Int?
        for line in md.components(separatedBy: "\n") {
            if line.hasPrefix("```") { inCode.toggle() }
            if inCode { continue }
            guard line.hasPrefix("|") else {
                columns = nil
                continue
            }
            var count = 0
            var escaped = false
            for character in line {
                if escaped {
                    escaped = false
                    continue
                }
                if character == "\\" {
                    escaped = true
                    continue
                }
                if character == "|" { count += 1 }
            }
            if let columns { #expect(count == columns, "row breaks its table: \(line)") } else { columns = count }
        }
        // SQL keeps its exact text inside a fence longer than any backtick run in it.
        #expect(md.contains("````sql"))
    }

    @Test func csvNeutralisesFormulasAndRoundTripsText() throws {
        let out = try render([input], formats: [.csv])
        defer { try? FileManager.default.removeItem(at: out) }
        let rows = CSVParsing.parse(try text(out, "csv/diffs.csv"))
        let header = try #require(rows.first)
        let keyColumn = try #require(header.firstIndex(of: "source_key"))
        let keys = rows.dropFirst().map { $0[keyColumn] }
        #expect(keys.contains("'=cmd|' /C calc'!A0"))
        #expect(keys.contains("'+SUM(1,2)"))
        #expect(keys.contains("'@SUM(1)"))
        #expect(keys.contains("<script>alert(1)</script>"))
        #expect(keys.contains("🚀🧨"))
        #expect(keys.contains { $0.contains("line1\nline2\tcol2") })
        for row in rows {
            for cell in row {
                guard let first = cell.first else { continue }
                #expect(!"=+@\t\r".contains(first) || Double(cell) != nil, "formula-like cell: \(cell)")
                if first == "-" { #expect(Double(cell) != nil, "formula-like cell: \(cell)") }
            }
        }
    }

    @Test func csvNeutralisationRule() {
        #expect(CSVFile.neutralised("=1+1") == "'=1+1")
        #expect(CSVFile.neutralised("+SUM(1)") == "'+SUM(1)")
        #expect(CSVFile.neutralised("-2+3") == "'-2+3")
        #expect(CSVFile.neutralised("-5") == "-5")
        #expect(CSVFile.neutralised("+3.25") == "+3.25")
        #expect(CSVFile.neutralised("@x") == "'@x")
        #expect(CSVFile.neutralised("\tx") == "'\tx")
        #expect(CSVFile.neutralised("plain = text") == "plain = text")
        #expect(CSVFile.neutralised("") == "")
        // Spaces and tabs before the formula character (LibreOffice "trim spaces").
        for hostile in ["  =1+1", " @SUM(1)", "   +cmd", " \t-2+3", "    \n=1", " \t=HYPERLINK(\"x\")"] {
            #expect(CSVFile.neutralised(hostile) == "'" + hostile)
        }
        #expect(CSVFile.neutralised("   ") == "   ")
        #expect(CSVFile.neutralised("  plain") == "  plain")
        #expect(CSVFile.neutralised("\n=1") == "'\n=1")
    }

    /// A folder of links to itself is walked once, not forever.
    @Test func symlinkLoopsAreWalkedOnce() throws {
        let folder = try temporaryFolder("loop")
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(
            #"{"total_count": 1, "data_compare_overview_infos": [{"source_db_name": "a", "status": 2}]}"#,
            to: "root/a.json", in: folder)
        let root = folder.appendingPathComponent("root")
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("self").path, withDestinationPath: root.path)
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("up").path, withDestinationPath: "..")
        let files = try InputDiscovery.discover([root.path], observedAt: testObservedAt)
        #expect(files.map(\.displayPath) == ["root/a.json"])
        let units = try Batch.discover(root, excluding: nil)
        #expect(units.map(\.relative) == ["."])
    }

    @Test func jsonCarriesTheExactStrings() throws {
        let out = try render([input], formats: [.json])
        defer { try? FileManager.default.removeItem(at: out) }
        let object =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json")))
            as? [String: Any]
        let diffs = (object?["diffs"] as? [[String: Any]]) ?? []
        let keys = Set(diffs.flatMap { ($0["source_key"] as? [String]) ?? [] })
        for hostile in [
            "<script>alert(1)</script>", "=cmd|' /C calc'!A0", "a|b|c", "🚀🧨", "&amp;", "```", "line1\nline2\tcol2",
        ] {
            #expect(keys.contains(hostile), "missing \(hostile)")
        }
    }

    @Test func xlsxWritesTextNeverFormulas() throws {
        let out = try render([input], formats: [.xlsx])
        defer { try? FileManager.default.removeItem(at: out) }
        let parts = try unzipText(out.appendingPathComponent("report.xlsx"))
        for (name, xml) in parts where name.hasPrefix("xl/worksheets/") {
            #expect(!xml.contains("<f>") && !xml.contains("<f "), "formula in \(name)")
        }
        let all = parts.values.joined()
        #expect(all.contains("=cmd|&apos; /C calc&apos;!A0") || all.contains("=cmd|' /C calc'!A0"))
        #expect(all.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }
}

/// A small RFC 4180 reader for tests.
enum CSVParsing {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var characters = Array(text.unicodeScalars)
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        var index = 0
        while index < characters.count {
            let c = characters[index]
            if quoted {
                if c == "\"" {
                    if index + 1 < characters.count, characters[index + 1] == "\"" {
                        cell.unicodeScalars.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    cell.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(cell)
                cell = ""
            } else if c == "\r" {
            } else if c == "\n" {
                row.append(cell)
                rows.append(row)
                row = []
                cell = ""
            } else {
                cell.unicodeScalars.append(c)
            }
            index += 1
        }
        if !cell.isEmpty || !row.isEmpty {
            row.append(cell)
            rows.append(row)
        }
        return rows
    }
}
