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
    @Suite struct Auth {
        static let ak = "HPUAEXAMPLEAK0000001"
        static let sk = "SkExampleSecretKey0123456789abcdefGHIJKLmn"

        @Test func tokenIsCheckedOnEveryRequest() async throws {
            let config = EmulatorConfiguration(
                dataset: .archive(path: emuSampleArchive), auth: EmulatorAuth(token: "tok-123"),
                faults: [FaultSpec(kind: .serverError)])
            try await withEmulator(config) { emulator in
                let list: [(String, String)] = [
                    ("compare_type", "data_compare"), ("query_type", "list"), ("offset", "0"), ("limit", "10"),
                ]
                let bad = await emuCompareQuery(emulator, list, headers: [("X-Auth-Token", "nope")])
                #expect(bad.status == 401)
                #expect(bad.json?["error_code"]?.stringValue == "APIGW.0301")
                #expect(
                    bad.json?["error_msg"]?.stringValue
                        == "Incorrect IAM authentication information: decrypt token fail")
                #expect(bad.json?["request_id"]?.stringValue == bad.headers["x-request-id"])
                let missing = await emuCompareQuery(emulator, list)
                #expect(missing.status == 401)
                #expect(
                    missing.json?["error_msg"]?.stringValue
                        == "Incorrect IAM authentication information: x-auth-token not found")
                // The 500 fault fires on every request, but only after auth passed.
                let good = await emuCompareQuery(emulator, list, headers: [("X-Auth-Token", "tok-123")])
                #expect(good.status == 500)
                #expect(good.json?["error_code"]?.stringValue == "DRS.M00004")
                #expect(emulator.requestCount == 3)
            }
        }

        func signed(
            _ emulator: RunningEmulator, method: String = "GET", path: String, query: [(String, String)],
            body: Data = Data(), secret: String = sk, date: Date = Date()
        ) -> [(String, String)] {
            SDKSigner.sign(
                method: method, host: "127.0.0.1:\(emulator.port)", path: path, query: query,
                headers: [("Content-Type", "application/json")],
                body: body, credentials: AKSKCredentials(accessKey: Self.ak, secretKey: secret), date: date)
        }

        @Test func akskSignaturesAreVerified() async throws {
            let config = EmulatorConfiguration(
                dataset: .archive(path: emuSampleArchive),
                auth: EmulatorAuth(token: "tok-123", accessKey: Self.ak, secretKey: Self.sk))
            try await withEmulator(config) { emulator in
                let path = "/v5/\(emulator.projectId)/jobs/\(emulator.jobId)"
                let query: [(String, String)] = [
                    ("type", "compare"), ("compare_type", "line_compare"), ("query_type", "detail"),
                    ("compare_task_id", "a8d04e5c-61b7-4f29-9c3e-07b5f2e1d894"),
                    ("source_db_name", "订单库"), ("target_db_name", "订单库"), ("compare_detail_type", "compare"),
                    ("offset", "0"), ("limit", "2"),
                ]
                let target = emuTarget(path, query)
                let ok = await EmuHTTP.send(
                    port: emulator.port, target: target, headers: signed(emulator, path: path, query: query))
                #expect(ok.status == 200, "\(ok.text)")
                #expect(ok.json?.value(at: ["job", "total_count"])?.wholeNumber == 3)

                let wrong = await EmuHTTP.send(
                    port: emulator.port, target: target,
                    headers: signed(emulator, path: path, query: query, secret: "wrong"))
                #expect(wrong.status == 401)
                #expect(
                    wrong.json?["error_msg"]?.stringValue
                        == "Incorrect IAM authentication information: verify aksk signature fail")

                let stale = await EmuHTTP.send(
                    port: emulator.port, target: target,
                    headers: signed(emulator, path: path, query: query, date: Date().addingTimeInterval(-16 * 60)))
                #expect(stale.status == 401)
                #expect(
                    stale.json?["error_msg"]?.stringValue
                        == "Incorrect IAM authentication information: verify aksk signature fail")

                // A signed POST covers its body; the token is accepted too when both are configured.
                let createPath = "/v3/\(emulator.projectId)/jobs/create-compare-task"
                let body = Data(#"{"job_id":"\#(emulator.jobId)"}"#.utf8)
                let post = await EmuHTTP.send(
                    port: emulator.port, method: "POST", target: createPath,
                    headers: signed(emulator, method: "POST", path: createPath, query: [], body: body), body: body)
                #expect(post.status == 200, "\(post.text)")
                let tampered = await EmuHTTP.send(
                    port: emulator.port, method: "POST", target: createPath,
                    headers: signed(emulator, method: "POST", path: createPath, query: [], body: body),
                    body: Data(#"{"job_id":"x"}"#.utf8))
                #expect(tampered.status == 401)
                let token = await EmuHTTP.send(
                    port: emulator.port, target: target, headers: [("X-Auth-Token", "tok-123")])
                #expect(token.status == 200)
            }
        }
    }
}
