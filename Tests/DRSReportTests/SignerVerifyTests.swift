import Foundation
import Testing

@testable import DRSReport

@Suite("SDK-HMAC-SHA256 verifier")
struct SignerVerifyTests {
    @Test func tamperedQueryValue() throws {
        let v = try vector("authmd-ex1-v5-show-job-detail")
        let raw = try #require(v.rawQuery)
        #expect(raw.contains("limit=1000"))
        #expect(
            v.verify(rawQuery: .some(raw.replacingOccurrences(of: "limit=1000", with: "limit=1001"))) == .badSignature)
        #expect(v.verify(rawQuery: .some(raw + "&extra=1")) == .badSignature)
        #expect(v.verify(rawQuery: .some(nil)) == .badSignature)
        // Unicode value changed by one character.
        #expect(
            v.verify(rawQuery: .some(raw.replacingOccurrences(of: "%E8%AE%A2", with: "%E8%AE%A3"))) == .badSignature)
    }

    @Test func plusInRawQueryIsALiteralPlus() throws {
        // Signed with a=x%20y; "x+y" means x plus y, not a space.
        let v = try vector("authmd-ex4-bare-signer-repeated-key")
        let raw = try #require(v.rawQuery)
        #expect(raw.contains("a=x%20y"))
        #expect(v.verify(rawQuery: .some(raw.replacingOccurrences(of: "a=x%20y", with: "a=x+y"))) == .badSignature)
        // ex1 signs target_db_name "tgt/db+1~x*;'\"%": a literal '+' on the wire must decode to '+'.
        let ex1 = try vector("authmd-ex1-v5-show-job-detail")
        let raw1 = try #require(ex1.rawQuery)
        #expect(
            ex1.verify(rawQuery: .some(raw1.replacingOccurrences(of: "%2B", with: "+"))) == .valid(accessKey: ex1.ak))
    }

    @Test func equivalentQueryEncodingsVerify() throws {
        // Reordered pairs, lower-case escapes and needlessly escaped unreserved characters are the same query.
        let v = try vector("query-edge-cases")
        let raw = try #require(v.rawQuery)
        let reordered = raw.split(separator: "&").reversed().joined(separator: "&")
        #expect(v.verify(rawQuery: .some(reordered)) == .valid(accessKey: v.ak))
        let lowered = raw.replacingOccurrences(of: "%C3%BC", with: "%c3%bc").replacingOccurrences(of: "~", with: "%7E")
        #expect(v.verify(rawQuery: .some(lowered)) == .valid(accessKey: v.ak))
    }

    @Test func tamperedSignedHeaderButNotUnsignedOne() throws {
        let v = try vector("header-edge-cases")
        #expect(v.verify(headers: replacing("X-Language", with: "zh-cn", in: v.sentHeaders)) == .badSignature)
        #expect(v.verify(headers: replacing("X-Security-Token", with: "other", in: v.sentHeaders)) == .badSignature)
        #expect(v.verify(headers: replacing("Host", with: "evil.example.com", in: v.sentHeaders)) == .badSignature)
        // X_Trace_Id has an underscore: sent but not signed.
        #expect(
            v.verify(headers: replacing("X_Trace_Id", with: "changed", in: v.sentHeaders)) == .valid(accessKey: v.ak))
        #expect(v.verify(headers: replacing("X_Trace_Id", with: nil, in: v.sentHeaders)) == .valid(accessKey: v.ak))
        // Whitespace around a signed value is not significant; header name case is not either.
        let padded = v.sentHeaders.map { $0.0 == "X-Note" ? ("x-note", "\t " + $0.1 + "  ") : $0 }
        #expect(v.verify(headers: padded) == .valid(accessKey: v.ak))
    }

    @Test func tamperedBodyPost() throws {
        let v = try vector("authmd-ex3-v3-list-compare-result-post")
        let tampered = v.body.replacingOccurrences(of: "\"per_page\": 2", with: "\"per_page\": 3")
        #expect(tampered != v.body)
        #expect(v.verify(body: Data(tampered.utf8)) == .badSignature)
        #expect(v.verify(body: Data()) == .badSignature)
    }

    @Test func missingAuthorization() throws {
        let v = try vector("authmd-ex1-v5-show-job-detail")
        #expect(v.verify(headers: replacing("Authorization", with: nil, in: v.sentHeaders)) == .missingAuthorization)
    }

    @Test func malformedAuthorization() throws {
        let v = try vector("authmd-ex1-v5-show-job-detail")
        let good = v.expected.authorization
        let signature = String(good.suffix(64))
        let bad: [String] = [
            "",
            "garbage",
            "SDK-HMAC-SHA256",
            "SDK-HMAC-SHA256 garbage",
            good.replacingOccurrences(of: "SDK-HMAC-SHA256", with: "SDK-HMAC-SM3"),
            good.replacingOccurrences(of: "Signature=\(signature)", with: "Signature=\(signature.dropLast())"),
            good.replacingOccurrences(of: "Signature=\(signature)", with: "Signature=zz" + signature.dropFirst(2)),
            good.replacingOccurrences(of: "Access=HPUAEXAMPLEAK0000001, ", with: ""),
            good.replacingOccurrences(of: "Access=HPUAEXAMPLEAK0000001", with: "Access="),
            good + ", Signature=\(signature)",
            good + ", Extra=1",
            good.replacingOccurrences(of: "SignedHeaders=content-type;host;", with: "SignedHeaders=content-type;"),
            good.replacingOccurrences(of: ";x-sdk-date,", with: ","),
            good.replacingOccurrences(of: "content-type;host", with: "Content-Type;host"),
            good.replacingOccurrences(of: "content-type;host", with: "host;host"),
            good.replacingOccurrences(of: "content-type;host", with: ";host"),
            good.replacingOccurrences(of: "content-type;", with: "content-type;x-missing;"),
        ]
        for value in bad {
            let result = v.verify(headers: replacing("Authorization", with: value, in: v.sentHeaders))
            guard case .malformed(let reason) = result else {
                Issue.record("expected malformed for \(value), got \(result)")
                continue
            }
            #expect(!reason.contains(v.sk))
        }
        // Two Authorization headers.
        guard case .malformed = v.verify(headers: v.sentHeaders + [("authorization", good)]) else {
            Issue.record("two Authorization headers accepted")
            return
        }
    }

    @Test func malformedDateAndQuery() throws {
        let v = try vector("authmd-ex1-v5-show-job-detail")
        for date in [
            "2024-04-09T07:00:57Z", "20240409T070057", "20240230T070057Z", "20241309T070057Z",
            "20240409T250057Z", "20240409 070057Z", "",
        ] {
            let result = v.verify(headers: replacing("X-Sdk-Date", with: date, in: v.sentHeaders))
            guard case .malformed = result else {
                Issue.record("X-Sdk-Date \(date) gave \(result)")
                continue
            }
        }
        #expect(
            v.verify(headers: replacing("X-Sdk-Date", with: nil, in: v.sentHeaders))
                == .malformed("signed header x-sdk-date is not in the request"))
        let raw = try #require(v.rawQuery)
        for broken in [raw + "&x=%zz", raw + "&x=%E8", raw + "&x=%"] {
            guard case .malformed = v.verify(rawQuery: .some(broken)) else {
                Issue.record("query \(broken) not rejected as malformed")
                continue
            }
        }
    }

    @Test func goStyleSignedHeadersWithoutContentType() throws {
        // The Go SDK does not sign content-type; the verifier follows the announced SignedHeaders.
        for name in [
            "authmd-ex1-v5-show-job-detail", "authmd-ex3-v3-list-compare-result-post",
            "emulator-port-http-127-0-0-1-8080",
        ] {
            let v = try vector(name)
            let headers = v.sentHeaders.filter { $0.0 != "Authorization" }
            let names = SDKSigner.signableHeaderNames(headers).filter { $0 != "content-type" }
            let canonical = try #require(
                SDKSigner.buildCanonicalRequest(
                    method: v.method, path: v.path, query: v.queryPairs, headers: headers, signedNames: names,
                    bodyHash: sha256Hex(v.bodyData)))
            let signature = SDKSigner.hexSignature(
                stringToSign: SDKSigner.stringToSign(canonicalRequest: canonical, sdkDate: v.sdkDate), secretKey: v.sk)
            let authorization = SDKSigner.authorizationHeader(
                accessKey: v.ak, signedHeaders: names.joined(separator: ";"), signature: signature)
            #expect(!authorization.contains("content-type"))
            let request = headers + [("Authorization", authorization)]
            #expect(v.verify(headers: request) == .valid(accessKey: v.ak))
            // content-type is now unsigned: changing it does not matter, changing a signed header does.
            #expect(
                v.verify(headers: replacing("Content-Type", with: "text/plain", in: request)) == .valid(accessKey: v.ak)
            )
            #expect(v.verify(headers: replacing("X-Project-Id", with: "x", in: request)) == .badSignature)
        }
        // The Python SDK itself signs without content-type when a GET carries none; the header added
        // later (as a Go client or a proxy might) is simply not part of the signature.
        let v = try vector("go-style-get-without-content-type")
        #expect(!v.expected.signedHeaders.contains("content-type"))
        #expect(v.verify(headers: v.sentHeaders + [("Content-Type", "application/json")]) == .valid(accessKey: v.ak))
    }

    @Test func goSDKUnitTestVectors() throws {
        // huaweicloud-sdk-go-v3 core/auth/signer/signer_test.go: only x-sdk-date signed, no Host.
        let headers: [(String, String)] = [
            ("X-Sdk-Date", "20060102T150405Z"), ("TEST_UNDERSCORE", "TEST_VALUE"),
            ("Content-Type", "application/json"),
        ]
        let cases: [(String, [(String, String)], String, String)] = [
            ("GET", [("limit", "1")], "", "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"),
            (
                "POST", [("key", "value")], "{\"Name\":\"test\",\"Id\":1}\n",
                "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"
            ),
        ]
        for (method, query, body, expected) in cases {
            let canonical = try #require(
                SDKSigner.buildCanonicalRequest(
                    method: method, path: "/path", query: query, headers: headers, signedNames: ["x-sdk-date"],
                    bodyHash: sha256Hex(Data(body.utf8))))
            let signature = SDKSigner.hexSignature(
                stringToSign: SDKSigner.stringToSign(canonicalRequest: canonical, sdkDate: "20060102T150405Z"),
                secretKey: "SecretKey")
            #expect(signature == expected)
            // Our verifier insists on a signed host, so such a request is refused.
            let authorization = SDKSigner.authorizationHeader(
                accessKey: "AccessKey", signedHeaders: "x-sdk-date", signature: signature)
            let result = SDKSigner.verify(
                method: method, path: "/path", rawQuery: SDKSigner.canonicalQuery(query),
                headers: headers + [("Host", "example.huaweicloud.com"), ("Authorization", authorization)],
                body: Data(body.utf8), secretKey: { $0 == "AccessKey" ? "SecretKey" : nil },
                now: try #require(SDKSigner.parseSDKDate("20060102T150405Z")))
            #expect(result == .malformed("SignedHeaders does not include host"))
        }
    }
}
