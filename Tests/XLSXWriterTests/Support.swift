import Foundation
import TestSupport
import ZIPFoundation

@testable import XLSXWriter

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A fresh, uniquely named temporary folder.
func makeTempDir(_ label: String = #function) throws -> URL {
    try temporaryFolder("xlsxwriter-tests-\(label.filter { $0.isLetter || $0.isNumber })")
}

/// One `<c>` element of a sheet.
struct CellXML: Equatable {
    var ref = ""
    var type: String?
    var style: String?
    var value: String?
    var inlineText: String?
    var hasFormula = false
}

/// Minimal SpreadsheetML reader for tests: cells of a sheet, shared strings, sheet names.
final class SheetXMLReader: NSObject, XMLParserDelegate {
    private(set) var cells: [String: CellXML] = [:]
    private(set) var sharedStrings: [String] = []
    private(set) var sheetNames: [String] = []
    private var current: CellXML?
    private var text = ""
    private var inT = false
    private var inV = false
    private var siText: String?

    static func parse(_ data: Data) -> SheetXMLReader {
        let reader = SheetXMLReader()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        _ = parser.parse()
        return reader
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        switch name {
        case "c":
            current = CellXML(ref: attributes["r"] ?? "", type: attributes["t"], style: attributes["s"])
        case "f":
            current?.hasFormula = true
        case "v":
            inV = true
            text = ""
        case "t":
            inT = true
            text = ""
        case "si":
            siText = ""
        case "sheet":
            if let n = attributes["name"] { sheetNames.append(n) }
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inT || inV { text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "v":
            inV = false
            current?.value = text
        case "t":
            inT = false
            if var c = current {
                c.inlineText = (c.inlineText ?? "") + text
                current = c
            } else {
                siText? += text
            }
        case "si":
            sharedStrings.append(siText ?? "")
            siText = nil
        case "c":
            if let c = current { cells[c.ref] = c }
            current = nil
        default:
            break
        }
    }
}

/// A written workbook, unzipped and parsed.
struct WrittenWorkbook {
    let entries: [String: Data]
    let sheetNames: [String]
    let sharedStrings: [String]

    init(_ url: URL) throws {
        entries = try unzip(url)
        sheetNames = SheetXMLReader.parse(entries["xl/workbook.xml"] ?? Data()).sheetNames
        sharedStrings = entries["xl/sharedStrings.xml"].map { SheetXMLReader.parse($0).sharedStrings } ?? []
    }

    func xml(_ path: String) -> String {
        String(decoding: entries[path] ?? Data(), as: UTF8.self)
    }

    /// Cells of sheet `n` (1-based, as in the file name).
    func cells(sheet n: Int = 1) -> [String: CellXML] {
        SheetXMLReader.parse(entries["xl/worksheets/sheet\(n).xml"] ?? Data()).cells
    }

    /// The stored (still `_xHHHH_`-escaped) text of a string cell, shared or inline.
    func storedText(_ ref: String, sheet n: Int = 1) -> String? {
        guard let c = cells(sheet: n)[ref] else { return nil }
        if c.type == "s", let v = c.value, let i = Int(v), sharedStrings.indices.contains(i) { return sharedStrings[i] }
        if c.type == "inlineStr" { return c.inlineText }
        return nil
    }
}

/// Decodes Excel's `_xHHHH_` escapes the way Excel reads them (left to right, non-overlapping).
func excelDecode(_ s: String) -> String {
    let a = Array(s.unicodeScalars)
    var out = String.UnicodeScalarView()
    var i = 0
    while i < a.count {
        if a[i] == "_", i + 6 < a.count, a[i + 1] == "x", a[i + 6] == "_",
            (i + 2...i + 5).allSatisfy({ a[$0].properties.isASCIIHexDigit }),
            let v = UInt32(String(String.UnicodeScalarView(a[i + 2...i + 5])), radix: 16),
            let scalar = Unicode.Scalar(v)
        {
            out.append(scalar)
            i += 7
        } else {
            out.append(a[i])
            i += 1
        }
    }
    return String(out)
}

/// What libxlsxwriter 1.1.4 does to a cell string: U+0001–U+001F except TAB and LF become `_xHHHH_`.
func lxwControlEscape(_ s: String) -> String {
    var out = ""
    for u in s.unicodeScalars {
        if u.value >= 1 && u.value < 0x20 && u != "\t" && u != "\n" {
            let hex = String(u.value, radix: 16, uppercase: true)
            out += "_x" + String(repeating: "0", count: 4 - hex.count) + hex + "_"
        } else {
            out.unicodeScalars.append(u)
        }
    }
    return out
}

/// A fixed creation time for reproducible files.
let fixedCreated = Date(timeIntervalSince1970: 1_700_000_000)  // 2023-11-14T22:13:20Z
