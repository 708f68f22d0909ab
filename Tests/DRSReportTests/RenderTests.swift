import DRSJSON
import Foundation
import TestSupport
import Testing

@testable import DRSReport

/// Renders inputs into a temporary folder and returns it.
func render(
    _ inputs: [String], formats: [OutputFormat] = OutputFormat.allCases, language: Language = .enUS,
    configure: (inout RenderOptions) -> Void = { _ in }
) throws -> URL {
    let result = try ingest(inputs, language: language)
    var options = RenderOptions()
    options.formats = formats
    configure(&options)
    let out = try temporaryFolder("render")
    _ = try Renderer.render(result, to: out, options: options)
    return out
}

func text(_ folder: URL, _ name: String) throws -> String {
    String(decoding: try Data(contentsOf: folder.appendingPathComponent(name)), as: UTF8.self)
}

@Suite struct GoldenTests {
    @Test(arguments: [
        ("v5-mysql-archive", ["samples/v5-mysql-archive"], Language.enUS),
        ("v3-mysql-responses", ["samples/v3-mysql-responses"], .enUS),
        ("v5-mysql-archive-zh", ["samples/v5-mysql-archive"], .zhCN),
    ])
    func textOutputsMatchGoldenFiles(name: String, inputs: [String], language: Language) throws {
        let out = try render(inputs.map(Repo.path), formats: [.html, .md, .csv, .json, .sql], language: language)
        defer { try? FileManager.default.removeItem(at: out) }
        let files = filesUnder(out)
        #expect(files.filter { $0.hasPrefix("csv/") }.count == CSVWriter.files.count)
        for file in files {
            try expectGolden(try text(out, file), "\(name)/\(file)")
        }
    }

    @Test func renderWritesEveryFormatAndNothingElse() throws {
        let out = try render([Repo.path("samples/v5-mysql-archive")])
        defer { try? FileManager.default.removeItem(at: out) }
        let recheck = ["order_items", "orders", "客户表"].flatMap {
            ["recheck/shop.\($0).source.sql", "recheck/shop.\($0).target.sql"]
        }
        #expect(
            filesUnder(out)
                == (["evidence.json", "report.html", "report.json", "report.md", "report.xlsx"]
                + CSVWriter.files.map { "csv/" + $0 } + recheck).sorted())
    }

    @Test func theSameInputAndClockGiveByteIdenticalOutputs() throws {
        let first = try render([Repo.path("samples/v5-mysql-archive")])
        let second = try render([Repo.path("samples/v5-mysql-archive")])
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        let files = filesUnder(first)
        #expect(files == filesUnder(second))
        for file in files {
            let a = try Data(contentsOf: first.appendingPathComponent(file))
            let b = try Data(contentsOf: second.appendingPathComponent(file))
            #expect(a == b, "\(file) differs between two renders")
        }
    }

    @Test func reportJSONHasSortedKeysASchemaVersionAndEveryRow() throws {
        let out = try render([Repo.path("samples/v5-mysql-archive")], formats: [.json])
        defer { try? FileManager.default.removeItem(at: out) }
        let data = try Data(contentsOf: out.appendingPathComponent("report.json"))
        let any = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(any?["schema_version"] as? Int == 2)
        #expect((any?["tables"] as? [Any])?.count == 12)
        #expect((any?["diffs"] as? [Any])?.count == 73)
        #expect((any?["verdict"] as? [String: Any])?["value"] as? String == "INCONSISTENT")
        // Keys appear in sorted order at the top level.
        let text = String(decoding: data, as: UTF8.self)
        let keys = text.components(separatedBy: "\n").filter { $0.hasPrefix("  \"") }.compactMap {
            $0.split(separator: "\"").dropFirst().first.map(String.init)
        }
        #expect(keys == keys.sorted())
        #expect(keys.contains("diffs"))
    }

    @Test func htmlCapsLargeSectionsAndSaysWhereTheRestIs() throws {
        let out = try render([Repo.path("samples/v5-mysql-archive")], formats: [.html, .md]) {
            $0.maxHTMLRows = 5
            $0.maxMarkdownRows = 2
        }
        defer { try? FileManager.default.removeItem(at: out) }
        let html = try text(out, "report.html")
        #expect(html.contains("68 more rows in csv/diffs.csv"))
        #expect(html.contains("more rows in csv/tables.csv"))
        let md = try text(out, "report.md")
        #expect(md.contains("71 more rows in csv/diffs.csv"))
    }

    @Test func htmlIsSelfContained() throws {
        let out = try render([Repo.path("samples/v5-mysql-archive")], formats: [.html])
        defer { try? FileManager.default.removeItem(at: out) }
        let html = try text(out, "report.html")
        expectOnlyTheHashedScript(html)
        #expect(!html.contains("<link"))
        // The one URL is the SVG namespace, which no browser fetches.
        #expect(!html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http://"))
        #expect(!html.contains("src="))
        #expect(html.contains("Content-Security-Policy"))
        #expect(html.range(of: "id=\"verdict\"")!.lowerBound < html.range(of: "id=\"diffs\"")!.lowerBound)
    }

    @Test func customTemplatesOverrideTheBuiltInOnes() throws {
        let templates = try temporaryFolder("templates")
        defer { try? FileManager.default.removeItem(at: templates) }
        try write(
            "{{% CONTENT_TYPE: MARKDOWN}}Verdict={{verdict.value}} title={{title}}\n", to: "report.md.mustache",
            in: templates)
        let out = try render([Repo.path("samples/v5-mysql-archive")], formats: [.md, .html]) {
            $0.templatesDirectory = templates
        }
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(
            try text(out, "report.md")
                == "Verdict=INCONSISTENT title=DRS comparison\\: shop-mysql-sync-prod (b7e5a4d1-2c9f-4e3a-8d61-5f0a2c9jb201)\n"
        )
        #expect(try text(out, "report.html").contains("<!DOCTYPE html>"))
    }

    @Test func builtInTemplatesAreTheFilesInTemplatesFolder() throws {
        for name in TemplateStore.builtIn {
            let onDisk = try String(contentsOfFile: Repo.path("templates/\(name)"), encoding: .utf8)
            #expect(try TemplateStore(overrideDirectory: nil).text(named: name) == onDisk)
        }
        #expect(TemplateStore.builtIn.contains("report.html.mustache"))
        #expect(TemplateStore.builtIn.contains("report.md.mustache"))
    }
}

@Suite struct AtomicOutputTests {
    @Test func badInputWritesNothing() throws {
        let out = try temporaryFolder("out")
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(throws: DRSReportError.self) {
            let result = try ingest([
                Repo.path("samples/v5-mysql-archive"), Repo.path("samples/malformed/not-json.json"),
            ])
            _ = try Renderer.render(result, to: out, options: RenderOptions())
        }
        #expect(filesUnder(out).isEmpty)
    }

    @Test func aFailingWriterLeavesNoHalfWrittenFiles() throws {
        let templates = try temporaryFolder("templates")
        let out = try temporaryFolder("out")
        defer {
            try? FileManager.default.removeItem(at: templates)
            try? FileManager.default.removeItem(at: out)
        }
        try write("{{#unclosed}}", to: "report.html.mustache", in: templates)
        let result = try ingest([Repo.path("samples/v5-mysql-archive")])
        var options = RenderOptions()
        options.templatesDirectory = templates
        let error = thrownError { _ = try Renderer.render(result, to: out, options: options) }
        #expect(error.map { if case .badTemplate = $0 { true } else { false } } == true)
        #expect(filesUnder(out).isEmpty, "\(filesUnder(out))")
        let hidden = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        #expect(hidden.isEmpty, "staging folder left behind: \(hidden)")
    }

    @Test func anUnwritableOutputIsAClearError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let blocker = try write("x", to: "file", in: folder)
        let result = try ingest([Repo.path("samples/v3-mysql-responses/line-overview.json")])
        let error = thrownError {
            _ = try Renderer.render(result, to: URL(fileURLWithPath: blocker + "/sub"), options: RenderOptions())
        }
        #expect(error.map { if case .outputNotWritable = $0 { true } else { false } } == true)
    }
}

@Suite struct JSONRowTests {
    @Test func directRowWritingEqualsTheCodableEncoding() throws {
        let rows = try allRows(try ingest([Repo.fixtures.appendingPathComponent("hostile").path]).diffs)
        var withoutTask = rows[0]
        withoutTask.taskId = nil
        for row in rows + [withoutTask] {
            let direct = try JSONReportWriter.writeRow(row)
            var viaCodable = ""
            JSONWriter.write(
                try JSONParser.parse(try JSONReportWriter.rowEncoder().encode(row)), into: &viaCodable, indent: nil)
            #expect(direct == viaCodable)
        }
    }
}

@Suite struct HTMLNavigationTests {
    @Test func everyInconsistentTableHasAnAnchorAndTheTopOnesTheirRows() throws {
        // Rows per table 2 and 6 rows overall: the ranked tables get rows read from the stream,
        // whatever ingest sampled; every inconsistent table keeps its anchor.
        var ingestOptions = IngestOptions(now: testNow, observedAt: testObservedAt)
        // Ingest samples one row of one table only: the page must read the rest from the stream.
        ingestOptions.previewRows = 1
        ingestOptions.previewRowsPerTable = 1
        let result = try Ingestor.ingest([Repo.path("samples/v5-mysql-archive")], options: ingestOptions)
        #expect(result.report.diffPreview.count == 1)
        var options = RenderOptions()
        options.formats = [.html, .csv]
        options.maxHTMLRows = 6
        options.maxRowsPerTable = 2
        let out = try temporaryFolder("render")
        _ = try Renderer.render(result, to: out, options: options)
        defer { try? FileManager.default.removeItem(at: out) }
        let html = try text(out, "report.html")
        let inconsistent = result.report.tables.indices.filter { result.report.tables[$0].outcome == .inconsistent }
        #expect(inconsistent.count == 4)
        for index in inconsistent {
            #expect(html.contains("<tr id=\"t-\(index + 1)\" data-outcome=\"INCONSISTENT\">"))
        }
        // Every in-page link resolves to an id of the page.
        let ids = Set(
            html.components(separatedBy: " id=\"").dropFirst().compactMap {
                $0.split(separator: "\"").first.map(String.init)
            })
        let links = html.components(separatedBy: "href=\"#").dropFirst().compactMap {
            $0.split(separator: "\"").first.map(String.init)
        }
        #expect(!links.isEmpty)
        for link in links { #expect(ids.contains(link), "#\(link) has no target") }
        let groups = html.components(separatedBy: "class=\"diff-group\"").count - 1
        let shownRows = html.components(separatedBy: "<tr data-kind=").count - 1
        #expect(groups == 3 && shownRows == 6)
        #expect(html.contains("<a href=\"csv/diffs.csv\">"))
    }

    @Test func aScriptThatCouldEndItsElementIsRefused() throws {
        let templates = try temporaryFolder("templates")
        defer { try? FileManager.default.removeItem(at: templates) }
        for bad in ["var x = '</SCRIPT><img src=x>';", "<!-- hidden"] {
            _ = try write(bad, to: "report.js", in: templates)
            let error = thrownError {
                _ = try render([Repo.path("samples/v5-mysql-archive")], formats: [.html]) {
                    $0.templatesDirectory = templates
                }
            }
            #expect(
                error
                    == .badTemplate(
                        name: "report.js",
                        reason: "contains </script or <!--, which would end or hide the script; remove them"))
        }
        // An edited script is allowed by its own hash.
        _ = try write("document.title = 'edited';", to: "report.js", in: templates)
        let out = try render([Repo.path("samples/v5-mysql-archive")], formats: [.html]) {
            $0.templatesDirectory = templates
        }
        defer { try? FileManager.default.removeItem(at: out) }
        let html = try text(out, "report.html")
        #expect(html.contains("<script>document.title = 'edited';</script>"))
        expectOnlyTheHashedScript(html)
    }

    @Test func metaFieldsParseStrictly() throws {
        #expect(try MetaField.parse("ticket=CHG-1=2") == MetaField(key: "ticket", value: "CHG-1=2"))
        #expect(try MetaField.parse("env=") == MetaField(key: "env", value: ""))
        for bad in ["novalue", "=x", "bad key=1", "k=a\u{1}b", String(repeating: "k", count: 65) + "=1"] {
            #expect(throws: DRSReportError.self) { try MetaField.parse(bad) }
        }
        #expect(throws: DRSReportError.self) {
            try MetaField.validate([MetaField(key: "a", value: "1"), MetaField(key: "A", value: "2")])
        }
    }

    @Test func chartsEscapeNamesAndCarryTitles() throws {
        let out = try render([Repo.fixtures.appendingPathComponent("hostile").path], formats: [.html])
        defer { try? FileManager.default.removeItem(at: out) }
        let html = try text(out, "report.html")
        let svgs = html.components(separatedBy: "<svg ").dropFirst()
        #expect(svgs.count == 3)
        for svg in svgs {
            let body = svg.components(separatedBy: "</svg>")[0]
            #expect(body.contains("<title>"))
            #expect(!body.contains("<script") && !body.contains("<img"))
        }
    }
}
