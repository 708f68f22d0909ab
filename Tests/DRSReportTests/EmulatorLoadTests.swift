import DRSJSON
import Foundation
import Testing

@testable import DRSEmulator
@testable import DRSReport

/// The emulator finds a page's paged array from a skeleton of the page, over bytes; the envelope it
/// keeps must be the one the whole parse gives.
@Suite struct EmulatorLoadTests {
    static func slow(_ bytes: [UInt8]) -> (JSONValue, [String])? {
        guard let whole = try? JSONValue.parse(bytes), let path = pagedArrayPath(in: whole) else { return nil }
        return (whole.setting(path, to: .array([])), path)
    }

    @Test func theSkeletonFindsTheSameArrayAndEnvelopeAsTheWholeParse() throws {
        let folder = URL(fileURLWithPath: Repo.path("samples/v5-mysql-archive/responses"))
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            let fast = LogicalStore.envelope(bytes)
            let slow = Self.slow(bytes)
            #expect(fast?.1 == slow?.1, "\(name)")
            if let fast, let slow {
                #expect(fast.0.setting(fast.1, to: .array([])).compactBytes == slow.0.compactBytes, "\(name)")
                checked += 1
            }
        }
        #expect(checked >= 10)
    }

    @Test func skeletonAndEmptyingOverBytes() throws {
        let text = #" {"a": [ {"x": [1, 2, 3]}, {"y": "]"} ], "b": {"c": [ "q\"]", 2 ], "d": []}, "e": "s,[" } "#
        let skeleton = try #require(RawJSONScanner.skeleton(Array(text.utf8)))
        #expect(String(decoding: skeleton, as: UTF8.self) == #"{"a":[{"x":[1]}],"b":{"c":["q\"]"],"d":[]},"e":"s,["}"#)
        let emptied = try #require(RawJSONScanner.emptying(Array(text.utf8), at: ["b", "c"]))
        let parsed = try JSONValue.parse(emptied)
        #expect(parsed.value(at: ["b", "c"])?.arrayValue?.isEmpty == true)
        #expect(parsed.value(at: ["a"])?.arrayValue?.count == 2)
        #expect(RawJSONScanner.skeleton(Array(#"{"a": [1, }"#.utf8)) == nil)
        #expect(RawJSONScanner.emptying(Array(#"{"a": 1}"#.utf8), at: ["a"]) == nil)
    }
}
