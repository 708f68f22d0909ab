import Foundation
import Testing

@testable import XLSXWriter

@Suite("Workbook files")
struct WorkbookFileTests {
    @Test("sheet names and formula-like strings are stored as text")
    func sheetNamesAndFormulaLikeStrings() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("names.xlsx")
        let wb = try Workbook(
            path: url.path, options: WorkbookOptions(properties: DocumentProperties(created: fixedCreated)))
        let data = try wb.addWorksheet(name: "Data")
        _ = try wb.addWorksheet(name: "Été – Übersicht")
        let texts = ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "=1+1"]
        for (i, t) in texts.enumerated() {
            try data.writeString(row: i, col: 0, t)
        }
        try wb.close()

        let book = try WrittenWorkbook(url)
        #expect(book.sheetNames == ["Data", "Été – Übersicht"])
        let cells = book.cells()
        for (i, t) in texts.enumerated() {
            let ref = "A\(i + 1)"
            #expect(cells[ref]?.hasFormula == false)
            #expect(cells[ref]?.type == "s")
            #expect(book.storedText(ref) == t)
        }
        #expect(!book.xml("xl/worksheets/sheet1.xml").contains("<f>"))
    }

    @Test("Int64 values: exact numbers up to 2^53, text beyond")
    func int64Values() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("ints.xlsx")
        let wb = try Workbook(path: url.path)
        let ws = try wb.addWorksheet(name: "Ints")
        let big: Int64 = 1 << 53
        let cases: [(Int64, CellValueKind, String)] = [
            (0, .number, "0"), (42, .number, "42"), (-42, .number, "-42"),
            (1_234_567_890_123, .number, "1234567890123"),
            (big, .number, "9007199254740992"), (-big, .number, "-9007199254740992"),
            (big + 1, .string, "9007199254740993"), (-big - 1, .string, "-9007199254740993"),
            (.max, .string, "9223372036854775807"), (.min, .string, "-9223372036854775808"),
        ]
        for (i, (value, kind, _)) in cases.enumerated() {
            #expect(try ws.writeInt64(row: i, col: 0, value) == kind)
        }
        try wb.close()

        let book = try WrittenWorkbook(url)
        let cells = book.cells()
        for (i, (_, kind, text)) in cases.enumerated() {
            let ref = "A\(i + 1)"
            switch kind {
            case .number:
                #expect(cells[ref]?.type == nil)
                #expect(cells[ref]?.value == text)
            case .string:
                #expect(book.storedText(ref) == text)
            }
        }
    }

    @Test("dates become 1900-system serial numbers with a date format")
    func dateSerial() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        #expect(Worksheet.excelSerial(for: Date(timeIntervalSince1970: 0), timeZone: utc) == 25569)
        // 1900-03-01T00:00:00Z is serial 61 (Excel counts the fictitious 1900-02-29).
        #expect(Worksheet.excelSerial(for: Date(timeIntervalSince1970: -2_203_891_200), timeZone: utc) == 61)

        let noonUTC = Date(timeIntervalSince1970: 1_705_320_000)  // 2024-01-15T12:00:00Z
        let summer = Date(timeIntervalSince1970: 1_719_835_200)  // 2024-07-01T12:00:00Z
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("dates.xlsx")
        let wb = try Workbook(path: url.path)
        let ws = try wb.addWorksheet(name: "Dates")
        try ws.writeDateTime(row: 0, col: 0, noonUTC, timeZone: utc)
        try ws.writeDateTime(row: 1, col: 0, noonUTC, timeZone: berlin)  // 13:00 local (CET)
        try ws.writeDateTime(row: 2, col: 0, summer, timeZone: berlin)  // 14:00 local (CEST)
        let bold = try wb.addFormat(FormatSpec(bold: true))
        try ws.writeDateTime(row: 3, col: 0, noonUTC, timeZone: utc, format: bold)
        let dayOnly = try wb.addFormat(FormatSpec(numberFormat: "yyyy-mm-dd"))
        try ws.writeDateTime(row: 4, col: 0, noonUTC, timeZone: utc, format: dayOnly)

        let tooEarly = Date(timeIntervalSince1970: -2_203_891_201)
        let error = #expect(throws: XLSXError.self) {
            try ws.writeDateTime(row: 5, col: 0, tooEarly, timeZone: utc)
        }
        #expect(error?.kind == .dateOutOfRange(secondsSince1970: -2_203_891_201))
        try wb.close()

        let book = try WrittenWorkbook(url)
        let cells = book.cells()
        #expect(cells["A1"]?.value == "45306.5")
        let a2 = try #require(cells["A2"]?.value.flatMap(Double.init))
        #expect(abs(a2 - (45306.5 + 1.0 / 24)) < 1e-9)
        let a3 = try #require(cells["A3"]?.value.flatMap(Double.init))
        #expect(abs(a3 - (45474.5 + 2.0 / 24)) < 1e-9)
        let styles = book.xml("xl/styles.xml")
        #expect(styles.contains("formatCode=\"yyyy-mm-dd hh:mm:ss\""))
        #expect(styles.contains("formatCode=\"yyyy-mm-dd\""))
        // Date cells carry a style (the date format), and the bold date keeps bold plus a date format.
        #expect(cells["A1"]?.style != nil)
        #expect(cells["A4"]?.style != nil && cells["A4"]?.style != cells["A1"]?.style)
        #expect(cells["A5"]?.style != nil && cells["A5"]?.style != cells["A1"]?.style)
    }

    @Test("same content and created date give byte-identical files")
    func deterministicOutput() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ name: String, created: Date) throws -> Data {
            let url = dir.appendingPathComponent(name)
            let props = DocumentProperties(title: "Report", author: "drs-report", created: created)
            let wb = try Workbook(path: url.path, options: WorkbookOptions(properties: props))
            let ws = try wb.addWorksheet(name: "Data")
            let header = try wb.addFormat(FormatSpec(bold: true, backgroundColor: 0xDDEEFF, border: .thin))
            try ws.writeString(row: 0, col: 0, "Name", format: header)
            try ws.writeString(row: 0, col: 1, "Value", format: header)
            for r in 1...50 {
                try ws.writeString(row: r, col: 0, "item \(r)")
                try ws.writeNumber(row: r, col: 1, Double(r) * 1.5)
            }
            try ws.freezePanes(row: 1, col: 0)
            try ws.autofilter(firstRow: 0, firstCol: 0, lastRow: 50, lastCol: 1)
            try wb.close()
            return try Data(contentsOf: url)
        }
        let first = try write("a.xlsx", created: fixedCreated)
        let second = try write("b.xlsx", created: fixedCreated)
        #expect(first == second)
        let other = try write("c.xlsx", created: fixedCreated.addingTimeInterval(3600))
        #expect(first != other)

        let book = try WrittenWorkbook(dir.appendingPathComponent("a.xlsx"))
        let core = book.xml("docProps/core.xml")
        #expect(core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2023-11-14T22:13:20Z</dcterms:created>"))
        #expect(core.contains("<dc:creator>drs-report</dc:creator>"))
        #expect(core.contains("<dc:title>Report</dc:title>"))
    }

    @Test("constant_memory mode with tmpdir writes inline strings in row order")
    func constantMemory() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tmp = dir.appendingPathComponent("tmp", isDirectory: true)
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("big.xlsx")
        let options = WorkbookOptions(
            constantMemory: true, tmpdir: tmp.path,
            properties: DocumentProperties(created: fixedCreated))
        let wb = try Workbook(path: url.path, options: options)
        let ws = try wb.addWorksheet(name: "Rows")
        for r in 0..<2000 {
            try ws.writeString(row: r, col: 0, r == 0 ? "=HYPERLINK(\"x\")" : "row \(r) _x0041_ \u{1}")
            try ws.writeInt64(row: r, col: 1, Int64(r))
        }
        // Going back to an earlier row is an error in this mode, not a silent drop.
        let error = #expect(throws: XLSXError.self) {
            try ws.writeString(row: 5, col: 0, "late")
        }
        #expect(error?.kind == .libxlsxwriter)
        #expect(error?.lxwError == 23)  // LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE
        try wb.close()

        let book = try WrittenWorkbook(url)
        #expect(book.entries["xl/sharedStrings.xml"] == nil)
        let cells = book.cells()
        #expect(cells["A1"]?.type == "inlineStr")
        #expect(cells["A1"]?.hasFormula == false)
        #expect(book.storedText("A1") == "=HYPERLINK(\"x\")")
        #expect(book.storedText("A2").map(excelDecode) == "row 1 _x0041_ \u{1}")
        #expect(cells["B2000"]?.value == "1999")
        #expect(cells.count == 4000)

        let missingTmp = #expect(throws: XLSXError.self) {
            _ = try Workbook(
                path: dir.appendingPathComponent("x.xlsx").path,
                options: WorkbookOptions(constantMemory: true, tmpdir: dir.appendingPathComponent("nope").path))
        }
        #expect(missingTmp?.kind == .temporaryFolderUnusable(path: dir.appendingPathComponent("nope").path))
    }

    @Test("formats: identical specs are cached, colors and fills are written")
    func formats() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("formats.xlsx")
        let wb = try Workbook(path: url.path)
        let ws = try wb.addWorksheet(name: "F")
        let a = try wb.addFormat(FormatSpec(bold: true, fontColor: 0xFF0000))
        let b = try wb.addFormat(FormatSpec(bold: true, fontColor: 0xFF0000))
        let black = try wb.addFormat(
            FormatSpec(
                backgroundColor: 0x000000, numberFormat: "0.00", textWrap: true,
                horizontalAlignment: .center, verticalAlignment: .top,
                border: .medium, borderColor: 0x123456))
        #expect(a == b)
        #expect(a != black)
        try ws.writeString(row: 0, col: 0, "red bold", format: a)
        try ws.writeNumber(row: 1, col: 0, 3.14159, format: black)
        try ws.setColumn(first: 0, last: 2, width: 30, format: nil)
        try ws.setRow(0, height: 25)
        try ws.setLandscape()
        try ws.fitToPages(width: 1, height: 0)
        try ws.repeatRows(first: 0, last: 0)
        try ws.setZoom(120)
        try ws.setTabColor(0x00FF00)

        let other = try Workbook(path: dir.appendingPathComponent("other.xlsx").path)
        let foreign = try other.addFormat(FormatSpec(bold: true, fontColor: 0xFF0000))
        let error = #expect(throws: XLSXError.self) {
            try ws.writeString(row: 2, col: 0, "x", format: foreign)
        }
        #expect(error?.kind == .formatFromAnotherWorkbook)
        let badColor = #expect(throws: XLSXError.self) {
            _ = try wb.addFormat(FormatSpec(fontColor: 0x1_000000))
        }
        #expect(badColor?.lxwError == 13)  // LXW_ERROR_PARAMETER_VALIDATION
        #expect(throws: XLSXError.self) {
            _ = try wb.addFormat(FormatSpec(numberFormat: String(repeating: "0", count: 128)))
        }
        try other.close()
        try wb.close()

        let book = try WrittenWorkbook(url)
        let styles = book.xml("xl/styles.xml")
        #expect(styles.contains("<color rgb=\"FFFF0000\"/>"))
        #expect(styles.contains("<fgColor rgb=\"FF000000\"/>"))  // black fill, not "no fill"
        #expect(styles.contains("patternType=\"solid\""))
        #expect(styles.contains("formatCode=\"0.00\""))
        #expect(styles.contains("wrapText=\"1\""))
        #expect(styles.contains("<left style=\"medium\"><color rgb=\"FF123456\"/></left>"))
        let sheet = book.xml("xl/worksheets/sheet1.xml")
        #expect(sheet.contains("orientation=\"landscape\""))
        #expect(sheet.contains("zoomScale=\"120\""))
        #expect(sheet.contains("<tabColor rgb=\"FF00FF00\"/>"))
    }

    @Test("closed workbooks reject every call")
    func closedWorkbook() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let wb = try Workbook(path: dir.appendingPathComponent("c.xlsx").path)
        let ws = try wb.addWorksheet(name: "S")
        try ws.writeString(row: 0, col: 0, "x")
        try wb.close()
        #expect(wb.isClosed)
        for attempt in [
            { try wb.close() },
            { _ = try wb.addWorksheet(name: "T") },
            { _ = try wb.addFormat(FormatSpec(bold: true)) },
            { try ws.writeString(row: 1, col: 0, "y") },
            { try ws.writeNumber(row: 1, col: 0, 1) },
            { try ws.setLandscape() },
            { try ws.freezePanes(row: 1, col: 0) },
        ] as [() throws -> Void] {
            let error = #expect(throws: XLSXError.self) { try attempt() }
            #expect(error?.kind == .workbookClosed)
        }
    }

    @Test("a workbook released without close() is still written")
    func deinitCloses() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("d.xlsx")
        do {
            let wb = try Workbook(path: url.path)
            let ws = try wb.addWorksheet(name: "S")
            try ws.writeString(row: 0, col: 0, "kept")
        }
        let book = try WrittenWorkbook(url)
        #expect(book.storedText("A1") == "kept")
    }

    @Test("invalid numbers and cells throw before reaching libxlsxwriter")
    func invalidCells() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let wb = try Workbook(path: dir.appendingPathComponent("i.xlsx").path)
        let ws = try wb.addWorksheet(name: "S")
        for value in [Double.nan, .infinity, -.infinity] {
            let error = #expect(throws: XLSXError.self) { try ws.writeNumber(row: 0, col: 0, value) }
            if case .invalidArgument = error?.kind {
            } else {
                Issue.record("expected invalidArgument, got \(String(describing: error))")
            }
        }
        for (r, c) in [(-1, 0), (0, -1), (Worksheet.maxRows, 0), (0, Worksheet.maxColumns), (Int.max, 0)] {
            let error = #expect(throws: XLSXError.self) { try ws.writeString(row: r, col: c, "x") }
            #expect(error?.kind == .cellOutOfRange(row: r, column: c))
        }
        try ws.writeString(row: Worksheet.maxRows - 1, col: Worksheet.maxColumns - 1, "corner")
        #expect(throws: XLSXError.self) { try ws.setColumn(first: 0, last: 0, width: 300) }
        #expect(throws: XLSXError.self) { try ws.autofilter(firstRow: 5, firstCol: 0, lastRow: 1, lastCol: 1) }
        try wb.close()
        #expect(try WrittenWorkbook(dir.appendingPathComponent("i.xlsx")).storedText("XFD1048576") == "corner")
    }
}

@Suite("Output path checks")
struct OutputPathTests {
    @Test("a missing output folder is reported by init, before libxlsxwriter is involved")
    func missingFolder() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("does-not-exist")
        let path = folder.appendingPathComponent("out.xlsx").path
        let error = #expect(throws: XLSXError.self) { _ = try Workbook(path: path) }
        // libxlsxwriter would only notice this in workbook_close; this kind only comes from the Swift check.
        #expect(error?.kind == .outputFolderMissing(folder: folder.path))
        #expect(error?.operation == "Workbook.init")
        #expect(error?.lxwError == 2)  // LXW_ERROR_CREATING_XLSX_FILE
        #expect(error?.lxwStrerror == "Error creating output xlsx file. Usually a permissions error.")
        #expect(error?.description.contains("create it before writing") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    @Test("a file in place of the folder, or a folder as the target, is rejected")
    func notAFolder() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("plain.txt")
        try Data("x".utf8).write(to: file)
        let e1 = #expect(throws: XLSXError.self) { _ = try Workbook(path: file.appendingPathComponent("a.xlsx").path) }
        #expect(e1?.kind == .outputFolderMissing(folder: file.path))
        let e2 = #expect(throws: XLSXError.self) { _ = try Workbook(path: dir.path) }
        #expect(e2?.kind == .outputNotWritable(path: dir.path))
        #expect(throws: XLSXError.self) { _ = try Workbook(path: "") }
    }

    @Test("an unwritable folder is rejected (skipped when running as root)", .enabled(if: geteuid() != 0))
    func unwritableFolder() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let locked = dir.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked.path) }
        let error = #expect(throws: XLSXError.self) {
            _ = try Workbook(path: locked.appendingPathComponent("a.xlsx").path)
        }
        #expect(error?.kind == .outputNotWritable(path: locked.path))
    }

    @Test("document properties that XML cannot hold are rejected")
    func badProperties() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("p.xlsx").path
        #expect(throws: XLSXError.self) {
            _ = try Workbook(path: path, options: WorkbookOptions(properties: DocumentProperties(title: "a\u{1}b")))
        }
        #expect(throws: XLSXError.self) {
            _ = try Workbook(
                path: path,
                options: WorkbookOptions(properties: DocumentProperties(created: Date(timeIntervalSince1970: 0))))
        }
    }
}
