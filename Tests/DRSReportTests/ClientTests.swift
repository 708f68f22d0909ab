import Foundation
import TestSupport
import Testing

@testable import DRSReport

/// A transport that answers from a script, to test retries without a network.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    enum Step {
        case respond(Int, [String: String], String)
        case fail(Error)
    }

    private let lock = NSLock()
    private var steps: [Step]
    private(set) var requests: [DRSHTTPRequest] = []

    init(_ steps: [Step]) {
        self.steps = steps
    }

    func send(_ request: DRSHTTPRequest, timeout: TimeInterval) async throws -> DRSHTTPResponse {
        let step: Step = lock.withLock {
            requests.append(request)
            return steps.isEmpty ? .respond(500, [:], "{}") : steps.removeFirst()
        }
        switch step {
        case .respond(let status, let headers, let body):
            return DRSHTTPResponse(status: status, headers: headers, body: Data(body.utf8))
        case .fail(let error):
            throw error
        }
    }

    func shutdown() async {}

    var count: Int { lock.withLock { requests.count } }
}

struct FakeNetworkError: Error {}

@Suite struct ClientTests {
    static let secret = "SkTopSecret0123456789"
    static let token = "MIIToken-secret-value"

    func client(
        _ transport: ScriptedTransport,
        auth: DRSAuth = .aksk(AKSKCredentials(accessKey: "AK1", secretKey: ClientTests.secret)), retries: Int = 3
    ) -> DRSClient {
        var policy = RetryPolicy()
        policy.retries = retries
        policy.baseDelay = 0.001
        return DRSClient(
            endpoint: "http://127.0.0.1:9", projectId: "p1", auth: auth, policy: policy, transport: transport)
    }

    @Test func retriesThrottlingServerErrorsAndNetworkFailuresThenSucceeds() async throws {
        let transport = ScriptedTransport([
            .respond(429, ["retry-after": "0"], #"{"error_code": "APIGW.0308", "error_msg": "throttled"}"#),
            .respond(503, [:], "busy"),
            .fail(FakeNetworkError()),
            .respond(200, [:], #"{"job": {"id": "j"}}"#),
        ])
        let response = try await client(transport).send(
            method: "GET", path: "/v5/p1/jobs/j", query: [("type", "compare")])
        #expect(response.status == 200)
        #expect(transport.count == 4)
    }

    @Test func aTruncatedOrUnparsableBodyIsRetried() async throws {
        let transport = ScriptedTransport([
            .fail(TransportError.truncated(expected: 100, received: 50)),
            .respond(200, ["content-type": "application/json"], #"{"job": {"id""#),
            .respond(200, [:], #"{"job": {}}"#),
        ])
        let response = try await client(transport).send(method: "GET", path: "/x")
        #expect(response.body == Data(#"{"job": {}}"#.utf8))
        #expect(transport.count == 3)
    }

    @Test func givesUpAfterTheRetriesWithAClearError() async throws {
        let transport = ScriptedTransport(
            Array(
                repeating: .respond(
                    500, ["x-request-id": "r1"], #"{"error_code": "DRS.M00004", "error_msg": "internal"}"#), count: 10))
        do {
            _ = try await client(transport, retries: 2).send(method: "GET", path: "/v5/p1/jobs/j")
            Issue.record("expected a failure")
        } catch let error as DRSReportError {
            guard case .requestFailed(_, let reason, let attempts) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(attempts == 3)
            #expect(reason.contains("HTTP 500 DRS.M00004"))
        }
        #expect(transport.count == 3)
    }

    @Test func credentialsRefusedStopAtOnceWithoutLeakingSecrets() async throws {
        for auth in [
            DRSAuth.aksk(AKSKCredentials(accessKey: "AK1", secretKey: Self.secret, securityToken: "STS-secret")),
            .token(Self.token),
        ] {
            let transport = ScriptedTransport([
                .respond(
                    401, ["x-request-id": "req-9"],
                    #"{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: verify aksk signature fail"}"#
                ),
                .respond(200, [:], "{}"),
            ])
            do {
                _ = try await client(transport, auth: auth).send(method: "GET", path: "/v5/p1/jobs/j")
                Issue.record("expected a failure")
            } catch let error as DRSReportError {
                #expect(transport.count == 1, "401 must not be retried (it would lock the AK)")
                #expect(error.message.contains("APIGW.0301"))
                #expect(error.message.contains("req-9"))
                for secret in auth.secrets { #expect(!error.message.contains(secret)) }
                #expect(ExitStatus.of(error) == .authentication)
            }
        }
    }

    @Test func drsErrorBodiesAreReturnedNotThrown() async throws {
        let transport = ScriptedTransport([
            .respond(
                400, ["x-request-id": "r2"],
                #"{"error_code": "DRS.M05003", "error_msg": "Task information not found."}"#)
        ])
        let response = try await client(transport).send(method: "GET", path: "/v5/p1/jobs/j")
        #expect(response.status == 400)
        #expect(response.drsError?.code == "DRS.M05003")
        #expect(response.requestId == "r2")
        let nested = DRSClient.drsError(
            in: Data(
                #"{"job_id": "j", "data_level_compare_create_result": {"error_code": "DRS.M00304", "error_msg": "busy"}}"#
                    .utf8))
        #expect(nested?.code == "DRS.M00304")
    }

    @Test func signsWithAKSKOrSendsTheToken() async throws {
        let signed = ScriptedTransport([.respond(200, [:], "{}")])
        _ = try await client(signed).send(method: "GET", path: "/v5/p1/jobs/j", query: [("source_db_name", "订单库 a&b")])
        let request = try #require(signed.requests.first)
        #expect(request.url == "http://127.0.0.1:9/v5/p1/jobs/j?source_db_name=%E8%AE%A2%E5%8D%95%E5%BA%93%20a%26b")
        let authorization = request.headers.first { $0.0 == "Authorization" }?.1 ?? ""
        #expect(authorization.hasPrefix("SDK-HMAC-SHA256 Access=AK1, SignedHeaders="))
        #expect(!request.headers.contains { $0.1.contains(Self.secret) })
        let check = SDKSigner.verify(
            method: "GET", path: "/v5/p1/jobs/j", rawQuery: URL(string: request.url)?.query, headers: request.headers,
            body: Data(),
            secretKey: { $0 == "AK1" ? Self.secret : nil }, now: Date())
        #expect(check == .valid(accessKey: "AK1"))

        let token = ScriptedTransport([.respond(200, [:], "{}")])
        _ = try await client(token, auth: .token(Self.token)).send(method: "GET", path: "/x")
        #expect(token.requests.first?.headers.contains { $0 == ("X-Auth-Token", Self.token) } == true)
    }

    @Test func credentialsComeFromTheEnvironmentOrATokenFile() throws {
        let aksk = try DRSAuth.load(
            tokenFile: nil,
            environment: [
                "HUAWEICLOUD_SDK_AK": "AK", "HUAWEICLOUD_SDK_SK": "SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN": "T",
            ])
        guard case .aksk(let credentials) = aksk else {
            Issue.record("expected AK/SK")
            return
        }
        #expect(credentials.securityToken == "T")
        #expect(!"\(aksk)".contains("SK") || !"\(aksk)".contains("\"SK\""))
        #expect(!String(describing: aksk).contains("T\""))
        guard case .token("tok") = try DRSAuth.load(tokenFile: nil, environment: ["DRS_AUTH_TOKEN": "tok"]) else {
            Issue.record("expected token")
            return
        }
        #expect(throws: DRSReportError.self) { try DRSAuth.load(tokenFile: nil, environment: [:]) }
        #expect(throws: DRSReportError.self) {
            try DRSAuth.load(tokenFile: nil, environment: ["HUAWEICLOUD_SDK_AK": "AK"])
        }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try write(" file-token \n", to: "token", in: folder)
        guard case .token("file-token") = try DRSAuth.load(tokenFile: file, environment: [:]) else {
            Issue.record("expected token file")
            return
        }
    }

    @Test func regionsFollowTheSDKTable() throws {
        #expect(
            try DRSRegions.endpoint(for: "cn-north-4", environment: [:]) == "https://drs.cn-north-4.myhuaweicloud.com")
        #expect(
            try DRSRegions.endpoint(for: "eu-west-101", environment: [:]) == "https://drs.eu-west-101.myhuaweicloud.eu")
        #expect(
            try DRSRegions.endpoint(
                for: "cn-north-4", environment: ["HUAWEICLOUD_SDK_REGION_DRS_CN_NORTH_4": "http://127.0.0.1:1"])
                == "http://127.0.0.1:1")
        #expect(throws: DRSReportError.self) { try DRSRegions.endpoint(for: "mars-1", environment: [:]) }
    }
}
