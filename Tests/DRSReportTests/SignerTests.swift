import Foundation
import Testing

@testable import DRSReport

// SDK-HMAC-SHA256 signer and verifier against vectors produced by Huawei's official Python SDK
// (Tests/vectors/signer-vectors.json, made by Tests/vectors/gen_signer_vectors.py).

/// One case of Tests/vectors/signer-vectors.json.
struct SignerVector: Decodable, Sendable, CustomTestStringConvertible {
    struct Expected: Decodable, Sendable {
        var canonicalRequest: String
        var stringToSign: String
        var signedHeaders: String
        var authorization: String
        var queryString: String
        var url: String
        var headersSent: [[String]]
    }

    var name: String
    var method: String
    var scheme: String
    var host: String
    var path: String
    var query: [[String]]
    var headers: [[String]]
    var body: String
    var ak: String
    var sk: String
    var securityToken: String?
    var sdkDate: String
    var expected: Expected

    var testDescription: String { name }

    var queryPairs: [(String, String)] { query.map { ($0[0], $0[1]) } }
    var headerPairs: [(String, String)] { headers.map { ($0[0], $0[1]) } }
    var sentHeaders: [(String, String)] { expected.headersSent.map { ($0[0], $0[1]) } }
    var bodyData: Data { Data(body.utf8) }
    var credentials: AKSKCredentials { AKSKCredentials(accessKey: ak, secretKey: sk, securityToken: securityToken) }
    var date: Date { SDKSigner.parseSDKDate(sdkDate)! }
    var rawQuery: String? { expected.queryString.isEmpty ? nil : expected.queryString }

    /// Verifies this vector's request as the SDK sent it, with the given changes.
    func verify(
        headers: [(String, String)]? = nil, rawQuery: String?? = nil, body: Data? = nil, path: String? = nil,
        keys: [String: String]? = nil, now: Date? = nil
    ) -> SignatureCheck {
        let keys = keys ?? [ak: sk]
        return SDKSigner.verify(
            method: method, path: path ?? self.path, rawQuery: rawQuery ?? self.rawQuery,
            headers: headers ?? sentHeaders, body: body ?? bodyData, secretKey: { keys[$0] }, now: now ?? date)
    }
}

struct SignerVectorFile: Decodable {
    var cases: [SignerVector]
}

let signerVectorsURL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("vectors/signer-vectors.json")

func loadSignerVectors() throws -> [SignerVector] {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(SignerVectorFile.self, from: Data(contentsOf: signerVectorsURL)).cases
}

let signerVectors: [SignerVector] = (try? loadSignerVectors()) ?? []

func vector(_ name: String) throws -> SignerVector {
    try #require(signerVectors.first { $0.name == name })
}

/// `headers` with every header named `name` (any case) replaced by `value`, or removed when `value` is nil.
func replacing(_ name: String, with value: String?, in headers: [(String, String)]) -> [(String, String)] {
    var out = headers.filter { $0.0.lowercased() != name.lowercased() }
    if let value { out.append((name, value)) }
    return out
}

@Suite("SDK-HMAC-SHA256 signer: Python SDK vectors")
struct SignerVectorTests {
    @Test func vectorsLoad() throws {
        let vectors = try loadSignerVectors()
        #expect(vectors.count >= 11)
        for name in [
            "authmd-ex1-v5-show-job-detail", "authmd-ex2-v3-list-data-compare-detail",
            "authmd-ex3-v3-list-compare-result-post", "authmd-ex4-bare-signer-repeated-key",
        ] {
            #expect(vectors.contains { $0.name == name }, "missing \(name)")
        }
        #expect(vectors.contains { $0.host.hasSuffix(":8080") && $0.scheme == "http" })
    }

    @Test(arguments: signerVectors)
    func signMatchesSDK(_ v: SignerVector) throws {
        #expect(SDKSigner.sdkDate(v.date) == v.sdkDate)

        // The query the SDK put on the wire, and the whole URL.
        let query = SDKSigner.canonicalQuery(v.queryPairs)
        #expect(query == v.expected.queryString)
        #expect("\(v.scheme)://\(v.host)\(v.path)" + (query.isEmpty ? "" : "?" + query) == v.expected.url)

        // The headers sent, in the SDK's order, including Authorization.
        let sent = SDKSigner.sign(
            method: v.method, host: v.host, path: v.path, query: v.queryPairs, headers: v.headerPairs,
            body: v.bodyData, credentials: v.credentials, date: v.date)
        #expect(sent.map { [$0.0, $0.1] } == v.expected.headersSent)
        #expect(sent.last?.0 == "Authorization")
        #expect(sent.last?.1 == v.expected.authorization)

        // Canonical request and string to sign.
        let (canonical, signedHeaders) = SDKSigner.canonicalRequest(
            method: v.method, path: v.path, query: v.queryPairs, headers: Array(sent.dropLast()), body: v.bodyData)
        #expect(canonical == v.expected.canonicalRequest)
        #expect(signedHeaders == v.expected.signedHeaders)
        #expect(SDKSigner.stringToSign(canonicalRequest: canonical, sdkDate: v.sdkDate) == v.expected.stringToSign)
    }

    @Test(arguments: signerVectors)
    func verifyAcceptsSDKRequest(_ v: SignerVector) throws {
        // The SDK's own headers and wire query.
        #expect(v.verify() == .valid(accessKey: v.ak))
        // The query as a URL parser hands it over.
        let components = try #require(URLComponents(string: v.expected.url))
        #expect(v.verify(rawQuery: .some(components.percentEncodedQuery)) == .valid(accessKey: v.ak))
        // Extra unsigned headers do not matter.
        #expect(
            v.verify(headers: v.sentHeaders + [("Accept-Encoding", "gzip"), ("Content-Length", "\(v.bodyData.count)")])
                == .valid(accessKey: v.ak))
        // A request signed by the Swift signer verifies too.
        let sent = SDKSigner.sign(
            method: v.method, host: v.host, path: v.path, query: v.queryPairs, headers: v.headerPairs,
            body: v.bodyData, credentials: v.credentials, date: v.date)
        #expect(
            v.verify(headers: sent, rawQuery: .some(SDKSigner.canonicalQuery(v.queryPairs))) == .valid(accessKey: v.ak))
    }

    @Test(arguments: signerVectors)
    func verifyRejectsWrongSecretAndUnknownKey(_ v: SignerVector) {
        #expect(v.verify(keys: [v.ak: v.sk + "x"]) == .badSignature)
        #expect(v.verify(keys: ["SOMEOTHERAK000000000": v.sk]) == .unknownAccessKey)
    }

    @Test(arguments: signerVectors)
    func verifyRejectsClockSkew(_ v: SignerVector) {
        #expect(v.verify(now: v.date.addingTimeInterval(16 * 60)) == .clockSkew(seconds: 960))
        #expect(v.verify(now: v.date.addingTimeInterval(-16 * 60)) == .clockSkew(seconds: 960))
        #expect(v.verify(now: v.date.addingTimeInterval(15 * 60)) == .valid(accessKey: v.ak))
        #expect(v.verify(now: v.date.addingTimeInterval(-15 * 60)) == .valid(accessKey: v.ak))
    }

    @Test(arguments: signerVectors)
    func verifyRejectsTamperedBodyAndPath(_ v: SignerVector) {
        #expect(v.verify(body: v.bodyData + Data(" ".utf8)) == .badSignature)
        #expect(v.verify(path: v.path + "x") == .badSignature)
    }
}

@Suite("SDK-HMAC-SHA256 building blocks")
struct SignerPartsTests {
    @Test func percentEncode() {
        #expect(SDKSigner.percentEncode("AZaz09-_.~") == "AZaz09-_.~")
        #expect(SDKSigner.percentEncode(" +/*;'\"%&=?#") == "%20%2B%2F%2A%3B%27%22%25%26%3D%3F%23")
        #expect(SDKSigner.percentEncode("é🙂") == "%C3%A9%F0%9F%99%82")
        #expect(SDKSigner.percentEncode("") == "")
    }

    @Test func canonicalURI() {
        // Expected values are the Python SDK's Signer._process_canonical_uri output.
        #expect(SDKSigner.canonicalURI("/a%zz") == "/a%25zz/")
        #expect(SDKSigner.canonicalURI("/a%E8/b") == "/a%EF%BF%BD/b/")
        #expect(SDKSigner.canonicalURI("/") == "/")
        #expect(SDKSigner.canonicalURI("//x") == "//x/")
        #expect(SDKSigner.canonicalURI("/a%2fb%7e") == "/a/b~/")
        #expect(SDKSigner.canonicalURI("/%") == "/%25/")
        #expect(SDKSigner.canonicalURI("/v3/p/jobs/x/") == "/v3/p/jobs/x/")
        #expect(SDKSigner.canonicalURI("") == "/")
    }

    @Test func canonicalQueryGoSDKVector() {
        // huaweicloud-sdk-go-v3 TestSigner_canonicalQueryString.
        let q = [
            ("limit", "1"), ("enable", "true"), ("test", "一 (&=?!#%.*)"), ("path", "/tmp/123"),
            ("multi", "1"), ("multi", "2"), ("multi", "3"),
        ]
        #expect(
            SDKSigner.canonicalQuery(q)
                == "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
        )
        #expect(SDKSigner.canonicalQuery([]) == "")
        // Code-point order: upper case before lower case, then non-ASCII; "" sorts first.
        #expect(SDKSigner.canonicalQuery([("é", "1"), ("b", "1"), ("B", "1"), ("", "x")]) == "=x&B=1&b=1&%C3%A9=1")
    }

    @Test func parseRawQuery() throws {
        let pairs = try #require(SDKSigner.parseRawQuery("a=1&b=x+y&c=%2B%20&d&=e&&f=g=h"))
        #expect(
            pairs.map { [$0.0, $0.1] } == [
                ["a", "1"], ["b", "x+y"], ["c", "+ "], ["d", ""], ["", "e"], ["f", "g=h"],
            ])
        #expect(SDKSigner.parseRawQuery(nil)?.isEmpty == true)
        #expect(SDKSigner.parseRawQuery("")?.isEmpty == true)
        #expect(SDKSigner.parseRawQuery("a=%zz") == nil)
        #expect(SDKSigner.parseRawQuery("a=%FF") == nil)
    }

    @Test func sdkDate() throws {
        #expect(SDKSigner.sdkDate(Date(timeIntervalSince1970: 0)) == "19700101T000000Z")
        #expect(SDKSigner.sdkDate(Date(timeIntervalSince1970: 951_825_600.999)) == "20000229T120000Z")
        #expect(SDKSigner.sdkDate(Date(timeIntervalSince1970: 1_712_646_057)) == "20240409T070057Z")
        #expect(SDKSigner.sdkDate(Date(timeIntervalSince1970: -1)) == "19691231T235959Z")
        #expect(SDKSigner.parseSDKDate("20240409T070057Z") == Date(timeIntervalSince1970: 1_712_646_057))
        #expect(SDKSigner.parseSDKDate("20240229T120000Z") != nil)
        #expect(SDKSigner.parseSDKDate("20230229T120000Z") == nil)
        for t in stride(from: -2_000_000_000.0, through: 4_000_000_000.0, by: 12_345_678.9) {
            let date = Date(timeIntervalSince1970: t.rounded(.down))
            #expect(SDKSigner.parseSDKDate(SDKSigner.sdkDate(date)) == date)
        }
    }

    @Test func pythonStrip() {
        #expect(SDKSigner.pythonStrip("  a  b \t\r\n") == "a  b")
        #expect(SDKSigner.pythonStrip("\u{1C}\u{A0}x\u{3000}") == "x")
        #expect(SDKSigner.pythonStrip(" \t ") == "")
    }

    @Test func signReplacesDateAuthorizationAndToken() {
        let creds = AKSKCredentials(accessKey: "FAKEAK", secretKey: "FAKESK", securityToken: "FAKETOKEN")
        let date = Date(timeIntervalSince1970: 1_712_646_057)
        let sent = SDKSigner.sign(
            method: "get", host: "127.0.0.1:8080", path: "/v3/p/jobs", query: [],
            headers: [
                ("X-Sdk-Date", "19990101T000000Z"), ("Authorization", "old"), ("x-security-token", "old"),
                ("Content-Type", " application/json "),
            ],
            body: Data(), credentials: creds, date: date)
        #expect(sent.map(\.0) == ["Content-Type", "X-Security-Token", "X-Sdk-Date", "Host", "Authorization"])
        #expect(sent.map(\.1).prefix(4) == ["application/json", "FAKETOKEN", "20240409T070057Z", "127.0.0.1:8080"])
        let result = SDKSigner.verify(
            method: "GET", path: "/v3/p/jobs", rawQuery: nil, headers: sent, body: Data(),
            secretKey: { $0 == "FAKEAK" ? "FAKESK" : nil }, now: date.addingTimeInterval(100))
        #expect(result == .valid(accessKey: "FAKEAK"))
    }
}

@Suite("AK/SK credentials")
struct AKSKCredentialsTests {
    @Test func descriptionsHideSecrets() {
        let sk = "SkExampleSecretKey0123456789abcdefGHIJKLmn"
        let token = "FAKE-SECURITY-TOKEN-gQpjbi1ub3J0aC00LzBhYmNkZWYwMTIz"
        for creds in [
            AKSKCredentials(accessKey: "HPUAEXAMPLEAK0000001", secretKey: sk, securityToken: token),
            AKSKCredentials(accessKey: "HPUAEXAMPLEAK0000001", secretKey: sk),
        ] {
            for text in [
                String(describing: creds), creds.description, creds.debugDescription,
                String(reflecting: creds), "\(creds)", "\([creds])", String(describing: Optional(creds)),
            ] {
                #expect(!text.contains(sk), "\(text)")
                #expect(!text.contains(token), "\(text)")
                #expect(!text.contains("SkExample"), "\(text)")
                #expect(text.contains("HPUAEXAMPLEAK0000001"))
            }
        }
    }
}
