import Foundation
import TestSupport
import Testing

@testable import DRSReport

/// report.md fits a ticket at any estate size.
@Suite(.serialized) struct MarkdownCapTests {
    /// The 10,000-table estate of scripts/gen_samples.py (20,000 rows keep the test quick; the cap is about tables).
    static func estate() throws -> (URL, IngestResult) {
        let folder = try temporaryFolder("estate")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Repo.path("scripts/gen_samples.py"), "--large", folder.appendingPathComponent("archive").path,
            "--tables", "10000", "--diffs", "20000",
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return (folder, try ingest([folder.appendingPathComponent("archive").path]))
    }

    @Test func theCapHoldsOnTheTenThousandTableEstateAndSaysWhereItShortened() throws {
        let (folder, result) = try Self.estate()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(result.report.tables.count == 10_000)
        for (cap, shown) in [(60_000, "60,000"), (32_767, "32,767"), (8_000, "8,000")] {
            var options = RenderOptions()
            options.maxMarkdownChars = cap
            // Ask for far more than fits, so the writer has to shorten.
            options.maxMarkdownRows = 5_000
            options.maxMarkdownTables = 5_000
            let text = try MarkdownWriter.render(result.report, options: options)
            #expect(text.utf16.count <= cap, "cap \(cap): \(text.utf16.count)")
            #expect(text.contains("Shortened to fit \(shown) characters"))
            #expect(text.contains("of \(result.report.verdict.counts.inconsistentTables) inconsistent tables"))
            // The verdict and the job are never what is cut.
            #expect(text.contains("## Verdict: INCONSISTENT"))
            #expect(text.contains("4c0ffee0-1a2b-4c3d-8e4f-50617283jb9f"))
            #expect(text.contains("more tables in csv/tables.csv"))
        }
        // The defaults fit without shortening.
        let plain = try MarkdownWriter.render(result.report, options: RenderOptions())
        #expect(plain.utf16.count <= 60_000)
        #expect(!plain.contains("Shortened"))
    }

    @Test func aPageThatCannotShrinkEnoughIsCutAtALineWithANote() throws {
        let long = String(repeating: "x", count: 3_000)
        let cut = MarkdownWriter.hardCut("a\n```sql\n\(long)\n```\nb\n", cap: 1_000, marker: "\n_cut_\n")
        #expect(cut.utf16.count <= 1_000)
        #expect(cut.hasSuffix("_cut_\n"))
        #expect(!cut.contains(long))
        // An open code fence is closed before the note.
        #expect(cut.components(separatedBy: "```").count % 2 == 1)
    }

    /// The exact escapes; Tests/python/test_markdown_gfm.py renders them with cmark-gfm and finds no link.
    @Test func dataNeverBecomesALink() {
        let cases = [
            "www.evil.example": "www\\.evil.example",
            "WWW.EVIL.EXAMPLE": "WWW\\.EVIL.EXAMPLE",
            "db.www.x": "db.www\\.x",
            "ops@evil.example": "ops@&#x2060;evil.example",
            "http://evil.example": "http\\://evil.example",
            "[x](javascript:alert(1))": "\\[x\\](javascript\\:alert(1))",
            "plain.db.table": "plain.db.table",
        ]
        for (input, expected) in cases {
            #expect(MarkdownEscaping.escape(input) == expected)
        }
    }
}
