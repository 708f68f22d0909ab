import DRSJSON
import Foundation
import Testing

@testable import DRSReport

@Suite struct JSONParserTests {
    @Test func parsesNestedValuesAndKeepsInt64Exact() throws {
        let value = try JSONParser.parse(Data(#"{"a":[1,-2.5e3,true,false,null,"x"],"big":9223372036854775807}"#.utf8))
        #expect(value["big"] == .number("9223372036854775807"))
        #expect(
            value["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null, .string("x")]))
    }

    /// One value for the library, the client and the emulator: members keep their order (the
    /// emulator serves bodies back as recorded), equality ignores it, a repeated key keeps its first
    /// place and its last value, and the two writers differ only in key order and U+2028.
    @Test func objectsKeepMemberOrder() throws {
        let text = #"{"b":1,"a":{"z":"\u2028","y":[]},"b":2,"c":null}"#
        let value = try JSONParser.parse(Data(text.utf8))
        #expect(value.objectValue?.keys == ["b", "a", "c"])
        #expect(value["b"] == .number("2"))
        #expect(
            value
                == .object(["c": .null, "a": .object(["y": .array([]), "z": .string("\u{2028}")]), "b": .number("2")]))
        #expect(
            String(decoding: JSONWriter.bytes(value, indent: nil), as: UTF8.self)
                == "{\"b\":2,\"a\":{\"z\":\"\u{2028}\",\"y\":[]},\"c\":null}")
        var sorted = ""
        JSONWriter.write(value, into: &sorted, indent: nil)
        #expect(sorted == #"{"a":{"y":[],"z":"\u2028"},"b":2,"c":null}"#)
        var members = value.objectValue ?? [:]
        members.removeValue(forKey: "a")
        members["d"] = .raw(Array("[1, 2]".utf8))
        #expect(members.keys == ["b", "c", "d"] && members["a"] == nil)
        #expect(
            String(decoding: JSONWriter.bytes(.object(members), indent: nil), as: UTF8.self)
                == #"{"b":2,"c":null,"d":[1, 2]}"#)
    }

    /// Lookups agree below and above the size where objects start keeping an index by key.
    @Test func largeAndSmallObjectsLookUpAlike() throws {
        for count in [1, 15, 16, 17, 40] {
            let text = "{" + (0..<count).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k0\":\"again\"}"
            var members = try #require(try JSONParser.parse(Data(text.utf8)).objectValue)
            #expect(members.count == count && members.keys.first == "k0" && members["k0"] == .string("again"))
            #expect((1..<count).allSatisfy { members["k\($0)"] == .number(String($0)) } && members["k\(count)"] == nil)
            members["k\(count / 2)"] = nil
            members["new"] = .null
            #expect(members.count == count && members["k\(count / 2)"] == nil && members["new"] == .null)
            #expect(members.keys.last == "new" && (count < 3 || members["k\(count - 1)"] == .number(String(count - 1))))
        }
    }

    /// Ids and counts read alike everywhere: a task id sent as a number is text, a count sent as
    /// "3" or 3.0 is 3.
    @Test func scalarsAsDRSSendsThem() {
        #expect(JSONValue.number("123").textValue == "123" && JSONValue.bool(true).textValue == "true")
        #expect(JSONValue.null.textValue == nil && JSONValue.array([]).textValue == nil)
        #expect(JSONValue.string(" 3 ").wholeNumber == 3 && JSONValue.number("3.0").wholeNumber == 3)
        #expect(JSONValue.number("2.5").wholeNumber == nil && JSONValue.number("1e30").wholeNumber == nil)
        #expect(FetchRun.string(.number("42")) == "42" && FetchRun.number(.string("7")) == 7)
    }

    @Test func acceptsALeadingUTF8BOM() throws {
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(Data(#"{"k":"v"}"#.utf8))
        #expect(try JSONParser.parse(data)["k"] == .string("v"))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(Data(#"["\u4e2d\u6587 \ud83d\ude80 \"q\" \\ \/ \n\t"]"#.utf8))
        #expect(value == .array([.string("中文 🚀 \"q\" \\ / \n\t")]))
    }

    @Test(arguments: [
        (#"{"a": 1"#, 1, 8, "ends inside an object"),
        ("{\n  \"a\": tru }", 2, 8, "invalid literal"),
        ("[1,]", 1, 4, "unexpected character ']'"),
        ("", 1, 1, "empty"),
        (#"{"a":1} x"#, 1, 9, "after the end"),
        ("[01x]", 1, 3, "leading zeros"),
        ("[1x]", 1, 3, "expected ',' or ']'"),
        ("\"a\u{01}b\"", 1, 3, "control character"),
    ])
    func reportsWhereAndWhat(text: String, line: Int, column: Int, fragment: String) {
        do {
            _ = try JSONParser.parse(Data(text.utf8))
            Issue.record("expected a syntax error for \(text)")
        } catch {
            #expect(error.line == line)
            #expect(error.column == column)
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test func rejectsInvalidUTF8InStrings() {
        let data = Data([0x22, 0xC3, 0x28, 0x22])
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(data) }
    }

    @Test func rejectsExcessiveNesting() {
        let text = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Data(text.utf8)) }
    }
}

@Suite struct ToleranceTests {
    func reader(_ json: String) throws -> JSONReader {
        JSONReader(try JSONParser.parse(Data(json.utf8)), file: "f.json")
    }

    @Test func countsAsNumbersOrNumericStringsIncludingInt64() throws {
        let r = try reader(#"{"a": 3000000000, "b": "3000000000", "c": " 12 ", "d": 5.0, "e": "", "f": null}"#)
        #expect(try r.int64("a") == 3_000_000_000)
        #expect(try r.int64("b") == 3_000_000_000)
        #expect(try r.int64("c") == 12)
        #expect(try r.int64("d") == 5)
        #expect(try r.int64("e") == nil)
        #expect(try r.int64("f") == nil)
        #expect(try r.int64("missing") == nil)
    }

    @Test func aCountThatIsNotANumberNamesFileAndPath() throws {
        let r = try reader(#"{"rows": [{"n": 1}, {"n": {"x": 1}}]}"#)
        let items = try r.array("rows")
        #expect(
            throws: DRSReportError.typeMismatch(
                file: "f.json", path: "$.rows[1].n", expected: "a whole number", found: "an object")
        ) {
            try items[1].int64("n")
        }
        #expect(throws: DRSReportError.self) { try reader(#"{"n": "twelve"}"#).int64("n") }
    }

    @Test func booleansSentAsStrings() throws {
        let r = try reader(#"{"a": "false", "b": "TRUE", "c": true, "d": 0, "e": "maybe"}"#)
        #expect(try r.bool("a") == false)
        #expect(try r.bool("b") == true)
        #expect(try r.bool("c") == true)
        #expect(try r.bool("d") == false)
        #expect(throws: DRSReportError.self) { try r.bool("e") }
    }

    @Test func timesAsISOOrEpochMilliseconds() throws {
        let r = try reader(
            #"{"a": "2024-04-09T07:00:57Z", "b": "1607766111833", "c": 1607766111833, "d": "2020-09-01T18:50:20.200Z", "e": "2024-04-09T15:00:57+08:00", "f": "2024-04-09 07:00:57", "g": "yesterday"}"#
        )
        let expected = Date(timeIntervalSince1970: 1_712_646_057)
        #expect(try r.date("a") == expected)
        #expect(try r.date("b") == Date(timeIntervalSince1970: 1_607_766_111.833))
        #expect(try r.date("c") == Date(timeIntervalSince1970: 1_607_766_111.833))
        #expect(abs((try r.date("d") ?? .distantPast).timeIntervalSince1970 - 1_598_986_220.2) < 0.001)
        #expect(try r.date("e") == expected)
        #expect(try r.date("f") == expected)
        #expect(throws: DRSReportError.self) { try r.date("g") }
    }

    @Test func stringsAcceptNumbersAndArraysAcceptNull() throws {
        let r = try reader(#"{"s": 12, "a": null, "k": ["1", 2, null]}"#)
        #expect(try r.string("s") == "12")
        #expect(try r.array("a").isEmpty)
        #expect(try r.strings("k") == ["1", "2", ""])
    }

    @Test(arguments: [
        ("CONSISTENT", CompareOutcome.consistent, "CONSISTENT"),
        ("INCONSISTENT", .inconsistent, "INCONSISTENT"),
        ("TARGET_DB_NOT_EXIT", .notCompared, "TARGET_DB_NOT_EXIST"),
        ("TARGET_DB_NOT_EXIST", .notCompared, "TARGET_DB_NOT_EXIST"),
        ("CAN_NOT_COMPARE", .notCompared, "CAN_NOT_COMPARE"),
        ("FAILED_TO_COMPARE", .notCompared, "FAILED_TO_COMPARE"),
        ("COMPARING", .pending, "COMPARING"),
        ("WAIT_FOR_COMPARE", .pending, "WAIT_FOR_COMPARE"),
        ("CANCELED", .notCompared, "CANCELED"),
        ("SOMETHING_NEW", .unknown, "SOMETHING_NEW"),
    ])
    func statusWords(raw: String, outcome: CompareOutcome, code: String) {
        let status = CompareStatus.word(raw)
        #expect(status.outcome == outcome)
        #expect(status.code == code)
        #expect(status.raw == raw)
    }

    @Test(arguments: [
        (Int64(0), CompareOutcome.inconsistent, "INCONSISTENT"),
        (2, .consistent, "CONSISTENT"),
        (3, .notCompared, "TARGET_TABLE_NOT_EXIST"),
        (5, .pending, "COMPARING"),
        (10, .consistent, "BOTH_EMPTY"),
        (12, .notCompared, "TARGET_TABLE_NOT_EXIST"),
        (22, .notCompared, "TARGET_DB_NOT_EXIST"),
        (23, .notCompared, "TOO_MANY_ROWS_NOT_COMPARED"),
        (27, .notCompared, "TIMEOUT"),
        (99, .unknown, "CODE_99"),
    ])
    func v3DataStatusCodes(code: Int64, outcome: CompareOutcome, word: String) {
        let status = CompareStatus.v3(code, table: .data)
        #expect(status.outcome == outcome)
        #expect(status.code == word)
    }

    @Test func v3ObjectStatusCodes() {
        #expect(CompareStatus.v3(0, table: .object).outcome == .inconsistent)
        #expect(CompareStatus.v3(2, table: .object).outcome == .consistent)
        #expect(CompareStatus.v3(3, table: .object).outcome == .pending)
    }
}

@Suite struct SQLLocationTests {
    @Test(arguments: [
        ("SELECT * FROM `shop`.`orders` WHERE `id`='1'", "shop", "orders"),
        ("select * from shop.orders where id=2", "shop", "orders"),
        ("SELECT a FROM \"s\".\"t\"\"q\" WHERE 1", "s", "t\"q"),
        ("SELECT a FROM [dbo].[客户表] WHERE x", "dbo", "客户表"),
        ("SELECT 'from x' AS y FROM `订单库`.`订单明细`", "订单库", "订单明细"),
        ("SELECT * FROM orders", nil, "orders"),
    ])
    func readsTheFromClause(sql: String, database: String?, table: String) {
        let parsed = SQLLocation.parse(sql)
        #expect(parsed?.database == database)
        #expect(parsed?.table == table)
    }

    @Test func noFromClause() {
        #expect(SQLLocation.parse("t") == nil)
    }
}
