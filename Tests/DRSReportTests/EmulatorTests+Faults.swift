import DRSJSON
import Foundation
import Testing

@testable import DRSEmulator
@testable import DRSReport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EmulatorTests {
    @Suite struct Faults {
        static let list: [(String, String)] = [
            ("compare_type", "data_compare"), ("query_type", "list"), ("offset", "0"), ("limit", "10"),
        ]

        func config(_ faults: [FaultSpec], seed: UInt64 = 0) -> EmulatorConfiguration {
            EmulatorConfiguration(dataset: .archive(path: emuSampleArchive), faults: faults, seed: seed)
        }

        @Test func faultSpecsParse() throws {
            #expect(try FaultSpec.parse("429") == FaultSpec(kind: .throttle, rate: 1))
            #expect(try FaultSpec.parse("slow:rate=0.25:delay=2") == FaultSpec(kind: .slow, rate: 0.25, delay: 2))
            #expect(try FaultSpec.parse("drop:nth=3") == FaultSpec(kind: .drop, rate: 0, nth: 3))
            #expect(throws: (any Error).self) { try FaultSpec.parse("teapot") }
            #expect(throws: (any Error).self) { try FaultSpec.parse("500:rate=2") }
            #expect(throws: (any Error).self) { try FaultSpec.parse("500:nth=0") }
        }

        @Test func throttleOnTheNthRequestWithRetryAfter() async throws {
            try await withEmulator(config([FaultSpec(kind: .throttle, nth: 2, delay: 3)])) { emulator in
                let statuses = await [
                    emuCompareQuery(emulator, Self.list), emuCompareQuery(emulator, Self.list),
                    emuCompareQuery(emulator, Self.list),
                ]
                #expect(statuses.map(\.status) == [200, 429, 200])
                let throttled = statuses[1]
                #expect(throttled.headers["retry-after"] == "3")
                #expect(throttled.json?["error_code"]?.stringValue == "APIGW.0308")
                #expect(
                    throttled.json?["error_msg"]?.stringValue?.hasPrefix("The throttling threshold has been reached")
                        == true)
                #expect(throttled.json?["request_id"]?.stringValue == throttled.headers["x-request-id"])
            }
            try await withEmulator(config([FaultSpec(kind: .throttle)])) { emulator in
                #expect(await emuCompareQuery(emulator, Self.list).headers["retry-after"] == "1")
            }
        }

        @Test func ratesAreSeeded() async throws {
            var runs: [[Int?]] = []
            for _ in 0..<2 {
                let statuses = try await withEmulator(config([FaultSpec(kind: .serverError, rate: 0.5)], seed: 99)) {
                    emulator in
                    var statuses: [Int?] = []
                    for _ in 0..<24 { statuses.append(await emuCompareQuery(emulator, Self.list).status) }
                    return statuses
                }
                runs.append(statuses)
            }
            #expect(runs[0] == runs[1])
            #expect(runs[0].contains(200))
            #expect(runs[0].contains(500))
        }

        @Test func slowWaitsAtLeastTheDelay() async throws {
            try await withEmulator(config([FaultSpec(kind: .slow, delay: 0.6)])) { emulator in
                let start = Date()
                let response = await emuCompareQuery(emulator, Self.list)
                #expect(Date().timeIntervalSince(start) >= 0.6)
                #expect(response.status == 200)
            }
        }

        @Test func truncateSendsHalfTheBody() async throws {
            try await withEmulator(config([FaultSpec(kind: .truncate, nth: 1)])) { emulator in
                let cut = await emuCompareQuery(emulator, Self.list)
                #expect(cut.status == 200)
                let length = try #require(cut.contentLength)
                #expect(length > 100)
                #expect(cut.body.count < length)
                #expect(cut.body.count == length / 2)
                #expect(cut.json == nil)
                let whole = await emuCompareQuery(emulator, Self.list)
                #expect(whole.body.count == length)
            }
        }

        @Test func dropClosesWithoutAResponse() async throws {
            try await withEmulator(config([FaultSpec(kind: .drop, nth: 1)])) { emulator in
                let dropped = await emuCompareQuery(emulator, Self.list)
                #expect(dropped.status == nil)
                #expect(dropped.body.isEmpty)
                #expect(await emuCompareQuery(emulator, Self.list).status == 200)
                #expect(emulator.requestCount == 2)
            }
        }

        @Test func urlSessionSeesTruncateAndDropAsErrors() async throws {
            for kind in [FaultSpec.Kind.truncate, .drop] {
                try await withEmulator(config([FaultSpec(kind: kind)])) { emulator in
                    let url = try #require(
                        URL(
                            string: emulator.baseURL
                                + emuTarget(
                                    "/v5/\(emulator.projectId)/jobs/\(emulator.jobId)",
                                    [("type", "compare")] + Self.list)))
                    let failed: Bool = await withCheckedContinuation { continuation in
                        let configuration = URLSessionConfiguration.ephemeral
                        configuration.timeoutIntervalForRequest = 30
                        URLSession(configuration: configuration).dataTask(with: url) { _, _, error in
                            continuation.resume(returning: error != nil)
                        }.resume()
                    }
                    #expect(failed, "\(kind)")
                }
            }
        }
    }
}
