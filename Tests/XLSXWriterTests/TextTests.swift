import Foundation
import TestSupport
import Testing

@testable import XLSXWriter

@Suite("Cell text")
struct CellTextTests {
    @Test(
        "xmlSafe escapes what XML cannot hold and escapes literal escapes",
        arguments: [
            ("plain", "plain"),
            ("a\u{1}b", "a_x0001_b"),
            ("nul\u{0}", "nul_x0000_"),
            ("\u{1F}\u{B}\u{C}", "_x001F__x000B__x000C_"),
            ("tab\tlf\ncr\r", "tab\tlf\ncr\r"),
            ("\u{FFFE}\u{FFFF}", "_xFFFE__xFFFF_"),
            ("_x0041_", "_x005F_x0041_"),
            ("_xabcd_", "_x005F_xabcd_"),
            ("_x0041", "_x0041"),  // no closing underscore: not an escape
            ("_x004G_", "_x004G_"),  // not hex
            ("_x12345_", "_x12345_"),  // five digits: not an escape
            ("_x0041_x0042_", "_x005F_x0041_x005F_x0042_"),
            ("_x0041\u{1}", "_x005F_x0041_x0001_"),  // the escape that follows would close the pattern
            ("_x0041\r", "_x005F_x0041\r"),  // libxlsxwriter turns CR into _x000D_
            ("snake_case_x", "snake_case_x"),
            ("😀\u{7F}é", "😀\u{7F}é"),
        ])
    func xmlSafeRules(input: String, expected: String) {
        #expect(Worksheet.xmlSafe(input) == expected)
        #expect(excelDecode(Worksheet.xmlSafe(input)) == input)
        #expect(excelDecode(lxwControlEscape(Worksheet.xmlSafe(input))) == input)
    }

    @Test("storedAsIs over bytes agrees with xmlSafe and the cell limit")
    func storedAsIsAgreesWithXmlSafe() {
        let alphabet: [String] = [
            "_", "x", "X", "0", "4", "1", "A", "f", "g", "\u{0}", "\u{1}", "\r", "\n", "\t", "\u{FFFE}", "\u{FFFF}",
            "é", "😀", "\u{EFBF}",
        ]
        var rng = SplitMix64(seed: 0xB17E5)
        var cases = [
            "", "plain", "snake_case", "_x0041_", "_x0041", "_x0041\r", "_x0041\u{1}", "_x0041\u{FFFE}", "_x0041\t",
            String(repeating: "a", count: 32_767),
            String(repeating: "a", count: 32_768), String(repeating: "é", count: 20_000),
        ]
        for _ in 0..<20_000 {
            let length = Int(rng.next() % 12)
            var s = ""
            for _ in 0..<length { s += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            cases.append(s)
        }
        for s in cases {
            var text = s
            let fast = text.withUTF8 { Worksheet.storedAsIs($0) }
            let slow = Worksheet.xmlSafe(s) == s && s.utf8.count <= Worksheet.maxCellCharacters
            #expect(fast == slow, "\(s.prefix(40).debugDescription)")
        }
    }

    @Test("xmlSafe round-trips random strings through Excel's decoding")
    func xmlSafeRoundTripFuzz() {
        let alphabet: [String] = [
            "_", "x", "X", "0", "4", "1", "A", "f", "g", "\u{0}", "\u{1}", "\r", "\n", "\t", "\u{FFFE}", "é", "😀",
        ]
        var rng = SplitMix64(seed: 0x5EED)
        for _ in 0..<5000 {
            let length = Int(rng.next() % 16)
            var s = ""
            for _ in 0..<length { s += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let safe = Worksheet.xmlSafe(s)
            #expect(
                excelDecode(lxwControlEscape(safe)) == s,
                "input \(s.debugDescription) stored as \(safe.debugDescription)")
            #expect(!safe.unicodeScalars.contains(where: Worksheet.mustEscape))
        }
    }

    @Test("control characters and literal escapes round-trip through a real file")
    func fileRoundTrip() throws {
        let originals = [
            "a\u{1}b\tc\nd\re\u{1F}", "lit _x0041_ end", "ff \u{FFFE} \u{FFFF}", "nul\u{0}byte", "_x0041\u{2}",
            "  spaces  ",
        ]
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("text.xlsx")
        let wb = try Workbook(path: url.path)
        let ws = try wb.addWorksheet(name: "T")
        for (i, s) in originals.enumerated() { try ws.writeString(row: i, col: 0, s) }
        try wb.close()
        let book = try WrittenWorkbook(url)  // XMLParser must accept the file: no raw U+FFFE / control chars
        #expect(book.sharedStrings.count == originals.count)
        for (i, s) in originals.enumerated() {
            #expect(book.storedText("A\(i + 1)").map(excelDecode) == s)
        }
        // The exact stored forms: libxlsxwriter escapes CR itself, we escape the rest.
        #expect(book.storedText("A1") == "a_x0001_b\tc\nd_x000D_e_x001F_")
        #expect(book.storedText("A2") == "lit _x005F_x0041_ end")
        #expect(book.storedText("A4") == "nul_x0000_byte")
    }

    @Test("32,767 limit: error without a marker, exact fit with one")
    func truncation() throws {
        let limit = Worksheet.maxCellCharacters
        #expect(limit == 32_767)
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("long.xlsx")
        let wb = try Workbook(path: url.path)
        let ws = try wb.addWorksheet(name: "Long")

        let exact = String(repeating: "a", count: limit)
        try ws.writeString(row: 0, col: 0, exact)

        let long = String(repeating: "b", count: 40_000)
        let error = #expect(throws: XLSXError.self) { try ws.writeString(row: 1, col: 0, long) }
        #expect(error?.kind == .stringTooLong(length: 40_000, limit: limit))
        #expect(error?.lxwError == 21)  // LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED

        let marker = " … [truncated]"
        try ws.writeString(row: 1, col: 0, long, truncateWithMarker: marker)

        // Surrogate pairs: 20,000 emoji are 40,000 UTF-16 units; the cut must fall between them.
        let emoji = String(repeating: "😀", count: 20_000)
        try ws.writeString(row: 2, col: 0, emoji, truncateWithMarker: "[…]")

        // Control characters count in their stored (escaped) length.
        let controls = String(repeating: "\u{1}", count: 5_000)
        try ws.writeString(row: 3, col: 0, controls, truncateWithMarker: "…")
        try wb.close()

        let book = try WrittenWorkbook(url)
        #expect(book.storedText("A1") == exact)
        let a2 = try #require(book.storedText("A2"))
        #expect(a2.utf16.count == limit)
        #expect(a2 == String(repeating: "b", count: limit - marker.utf16.count) + marker)
        let a3 = try #require(book.storedText("A3"))
        #expect(a3.utf16.count <= limit)
        #expect(a3.hasSuffix("[…]"))
        #expect(a3.dropLast(3).allSatisfy { $0 == "😀" })
        #expect(a3.utf16.count == limit)  // 16,382 emoji (2 units each) + 3-unit marker
        let a4 = try #require(book.storedText("A4"))
        #expect(a4.utf16.count <= limit)
        #expect(excelDecode(a4) == String(repeating: "\u{1}", count: (limit - 1) / 7) + "…")
    }

    @Test("truncated() keeps grapheme clusters and rejects oversized markers")
    func truncatedHelper() throws {
        let flag = "🇩🇪"  // one Character, two scalars, four UTF-16 units
        let text = String(repeating: flag, count: 10)
        let cut = try Worksheet.truncated(text, marker: "…", limit: 11)
        #expect(cut == flag + flag + "…")
        #expect(try Worksheet.truncated("short", marker: "…", limit: 10) == "short")
        #expect(throws: XLSXError.self) { _ = try Worksheet.truncated(text, marker: "too long marker", limit: 5) }
        // A single huge cluster falls back to scalar boundaries instead of dropping everything.
        let combining = "e" + String(repeating: "\u{301}", count: 50)
        let cut2 = try Worksheet.truncated(combining, marker: "…", limit: 10)
        #expect(cut2.utf16.count == 10)
        #expect(cut2.hasSuffix("…"))
    }
}

@Suite("Sheet names")
struct SheetNameTests {
    @Test("validateSheetName rejects every Excel rule violation")
    func validation() throws {
        try Workbook.validateSheetName("Data")
        try Workbook.validateSheetName(String(repeating: "x", count: 31))
        try Workbook.validateSheetName("It's fine")
        try Workbook.validateSheetName("Übersicht 2024")

        func problem(_ name: String, existing: [String] = []) -> XLSXError.SheetNameProblem? {
            do {
                try Workbook.validateSheetName(name, existing: existing)
                return nil
            } catch let error as XLSXError {
                if case .invalidSheetName(_, let p) = error.kind { return p }
                return nil
            } catch {
                return nil
            }
        }
        #expect(problem("") == .empty)
        #expect(problem(String(repeating: "x", count: 32)) == .tooLong(length: 32))
        #expect(problem(String(repeating: "😀", count: 16)) == .tooLong(length: 32))  // UTF-16 units count
        for ch in ["[", "]", ":", "*", "?", "/", "\\"] {
            #expect(problem("a\(ch)b") == .illegalCharacter(Character(ch)))
        }
        #expect(problem("tab\there") == .illegalCharacter("\t"))
        #expect(problem("'quoted") == .apostropheAtStartOrEnd)
        #expect(problem("quoted'") == .apostropheAtStartOrEnd)
        #expect(problem("history") == .reserved)
        #expect(problem("DATA", existing: ["Data"]) == .duplicate(existing: "Data"))
        #expect(problem("CAFÉ", existing: ["café"]) == .duplicate(existing: "café"))
    }

    @Test("addWorksheet validates in Swift, including case-insensitive duplicates")
    func addWorksheetValidation() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let wb = try Workbook(path: dir.appendingPathComponent("s.xlsx").path)
        _ = try wb.addWorksheet(name: "Data")
        let dup = #expect(throws: XLSXError.self) { _ = try wb.addWorksheet(name: "dATA") }
        #expect(dup?.kind == .invalidSheetName(name: "dATA", problem: .duplicate(existing: "Data")))
        #expect(dup?.lxwError == 17)
        #expect(dup?.lxwStrerror == "Worksheet name is already in use.")
        let long = #expect(throws: XLSXError.self) { _ = try wb.addWorksheet(name: String(repeating: "n", count: 40)) }
        #expect(long?.lxwError == 14)
        #expect(throws: XLSXError.self) { _ = try wb.addWorksheet(name: "") }
        #expect(throws: XLSXError.self) { _ = try wb.addWorksheet(name: "a/b") }
        #expect(wb.sheetNames == ["Data"])
        try wb.close()
    }

    @Test("sanitizedSheetName always yields a legal, unique name")
    func sanitizing() throws {
        #expect(Workbook.sanitizedSheetName("Data", existing: []) == "Data")
        #expect(Workbook.sanitizedSheetName("a/b:c", existing: []) == "a_b_c")
        #expect(Workbook.sanitizedSheetName("''quoted''", existing: []) == "quoted")
        #expect(Workbook.sanitizedSheetName("", existing: []) == "Sheet")
        #expect(Workbook.sanitizedSheetName("'''", existing: []) == "Sheet")
        #expect(Workbook.sanitizedSheetName("History", existing: []) == "History (2)")
        #expect(Workbook.sanitizedSheetName("data", existing: ["Data", "data (2)"]) == "data (3)")
        let long = String(repeating: "L", count: 40)
        #expect(Workbook.sanitizedSheetName(long, existing: []) == String(repeating: "L", count: 31))
        #expect(
            Workbook.sanitizedSheetName(long, existing: [String(repeating: "L", count: 31)])
                == String(repeating: "L", count: 27) + " (2)")
        // Cutting before an apostrophe that would end the name.
        let apostrophe = String(repeating: "a", count: 30) + "'b"
        #expect(Workbook.sanitizedSheetName(apostrophe, existing: []) == String(repeating: "a", count: 30))
        // Emoji are never split.
        let emoji = String(repeating: "😀", count: 20)
        #expect(Workbook.sanitizedSheetName(emoji, existing: []) == String(repeating: "😀", count: 15))

        var rng = SplitMix64(seed: 42)
        let alphabet: [String] = [
            "a", "B", "'", "[", "]", ":", "*", "?", "/", "\\", " ", "\u{1}", "😀", "é", "É", "History",
        ]
        var existing: Set<String> = []
        for _ in 0..<400 {
            var proposed = ""
            for _ in 0..<Int(rng.next() % 40) { proposed += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let name = Workbook.sanitizedSheetName(proposed, existing: existing)
            #expect(throws: Never.self) { try Workbook.validateSheetName(name, existing: existing) }
            existing.insert(name)
        }
        // Many clashes on the same name still converge.
        var names: Set<String> = []
        for _ in 0..<120 { names.insert(Workbook.sanitizedSheetName(long, existing: names)) }
        #expect(names.count == 120)
    }
}
