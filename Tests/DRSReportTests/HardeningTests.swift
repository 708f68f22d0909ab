import Foundation
import TestSupport
import Testing

@testable import DRSReport

/// Values at the edges of every class an input can carry. Each must give a report or a clear error,
/// never a trap.
@Suite struct ExtremeValueTests {
    static let int64s = ["9223372036854775807", "-9223372036854775808", "0", "-1", "9223372036854775806"]
    static let doubles = [
        "1e19", "1e300", "-1e300", "1.7976931348623157e308", "4.9e-324", "0.0", "-0.0", "100", "99.99999999999999",
        "-9223372036854775808",
    ]
    static let times = [
        "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "\"2000-02-29T00:00:00Z\"", "1e300", "-1e300",
        "\"1763683200000\"", "0", "-62135596800000", "9223372036854775807",
    ]

    /// Renders the bodies in every format; returns the folder.
    func renderAll(_ bodies: [String], now: Date = testNow) throws -> URL {
        let folder = try temporaryFolder("extreme")
        var paths: [String] = []
        for (index, body) in bodies.enumerated() { paths.append(try write(body, to: "in/\(index).json", in: folder)) }
        var options = IngestOptions(now: now, observedAt: testObservedAt)
        options.expiryWindowSeconds = 3_153_600_000
        let result = try Ingestor.ingest(paths, options: options)
        _ = try Renderer.render(result, to: folder.appendingPathComponent("out"), options: RenderOptions())
        #expect(try Verifier.verify(folder.appendingPathComponent("out")).isClean)
        return folder
    }

    @Test func countsAtTheEdgesOfInt64NeitherTrapNorWrap() throws {
        for value in Self.int64s {
            let line =
                #"{"total_count": 1, "table_line_compare_result_infos": [{"source_table_name": "t", "source_row_num": \#(value), "target_row_num": -9223372036854775808, "status": 0}]}"#
            let content =
                #"{"total_count": 1, "content_compare_result_infos": [{"source_db": "s", "target_db": "s", "source_table_name": "t", "difference_row_num": \#(value), "line_compare_result": false, "content_compare_result": false}]}"#
            let diffs =
                #"{"count": \#(value), "contents_infos": [{"source_key_value": ["1"], "target_key_value": [], "select_sql": "SELECT * FROM `s`.`t` WHERE id=1", "target_select_sql": "x"}]}"#
            let again =
                #"{"count": \#(value), "contents_infos": [{"source_key_value": ["2"], "target_key_value": [], "select_sql": "SELECT * FROM `s`.`u` WHERE id=2", "target_select_sql": "x"}]}"#
            let folder = try renderAll([line, content, diffs, again])
            defer { try? FileManager.default.removeItem(at: folder) }
            let json = try text(folder.appendingPathComponent("out"), "report.json")
            #expect(json.contains("\"schema_version\": 2"))
        }
    }

    @Test func measuredNumbersAtEveryScaleAreShown() throws {
        for value in Self.doubles {
            let progress =
                #"{"full_info": {"progress": \#(value), "recheck_entities": 9223372036854775807}, "incre_info": {"delay": \#(value), "rps": -9223372036854775808}}"#
            let content =
                #"{"total_count": 1, "content_compare_result_infos": [{"source_db": "s", "target_db": "s", "source_table_name": "t", "line_compare_result": true, "content_compare_result": true, "progress": \#(value)}]}"#
            let folder = try renderAll([progress, content])
            try? FileManager.default.removeItem(at: folder)
        }
    }

    @Test func timesAndRemainingSecondsAtTheEdges() throws {
        for time in Self.times {
            for remain in Self.int64s {
                let list =
                    #"{"job": {"id": "j", "compare_result": {"data_compare_task_list": [{"id": "t", "type": "lines", "status": "SUCCESSFUL", "export_status": "EXPORT_COMPLETE", "report_remain_seconds": \#(remain), "start_time": \#(time), "end_time": \#(time)}]}}}"#
                for now in [
                    testNow, Date(timeIntervalSince1970: -62_135_596_800), Date(timeIntervalSince1970: 253_402_300_799),
                ] {
                    let folder = try renderAll([list], now: now)
                    try? FileManager.default.removeItem(at: folder)
                }
            }
        }
        // Int64.max seconds after a response: valid for 292 billion years, shown, never a trap.
        let expiry = Expiry.compute(
            remain: .max, receivedAt: testNow.addingTimeInterval(86_400), basis: .observedAt, now: testNow,
            window: 86_400)
        #expect(expiry.state == .valid)
        #expect(
            expiry.secondsLeft == Int64.max - 1_795_305_600 - 86_400 + 86_400
                || (expiry.secondsLeft ?? 0) > 9_000_000_000_000_000_000)
        #expect(Formatting.iso(expiry.expiresAt).hasPrefix("+292277026596-"))
    }

    @Test func datesAreProlepticGregorianBothWays() {
        for text in [
            "0001-01-01T00:00:00Z", "1582-10-10T12:00:00Z", "1900-02-28T23:59:59Z", "2000-02-29T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            let date = TimeParsing.parse(text)
            #expect(date.map(Formatting.iso) == text)
        }
        #expect(TimeParsing.parse("2026-02-29T00:00:00Z") == nil)
        #expect(Formatting.iso(Date(timeIntervalSince1970: -62_135_596_800)) == "0001-01-01T00:00:00Z")
        #expect(Formatting.iso(Date(timeIntervalSince1970: .infinity)) == "+292277026596-12-04T15:30:07Z")
        #expect(Formatting.iso(Date(timeIntervalSince1970: -.infinity)).hasPrefix("-292277022657-"))
        #expect(Formatting.percent(.infinity) == "inf%")
        #expect(Formatting.percent(1e19) == "1e+19%")
        #expect(Formatting.percent(45.5) == "45.5%")
        #expect(Int64(saturating: .nan) == 0)
        #expect(Int64(saturating: 1e300) == .max)
    }

    /// inf and nan are valid JSON text (1e400) but no measurement: a clear error, with file and path.
    @Test func nonFiniteNumbersAreRefusedWithTheirPath() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for value in ["1e400", "-1e400", "\"1e999\"", "\"inf\"", "\"nan\""] {
            let file = try write(#"{"full_info": {"progress": \#(value)}}"#, to: "p.json", in: folder)
            let error = thrownError { _ = try ingest([file]) }
            guard case .typeMismatch(_, let path, let expected, _)? = error else {
                Issue.record("\(value): \(String(describing: error))")
                continue
            }
            #expect(path == "$.full_info.progress")
            #expect(expected.contains("finite"))
        }
        // An impossible date is refused the same way.
        let file = try write(
            #"{"job": {"compare_result": {"data_compare_task_list": [{"id": "t", "start_time": "2026-02-29T00:00:00Z"}]}}}"#,
            to: "d.json", in: folder)
        guard case .typeMismatch(_, let path, _, _)? = thrownError({ _ = try ingest([file]) }) else {
            Issue.record("a 29 February 2026 should be refused")
            return
        }
        #expect(path == "$.job.compare_result.data_compare_task_list[0].start_time")
    }

    @Test func nonObjectsInRecordArraysAreErrorsNamingFileAndPath() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [(String, String)] = [
            (#"{"count": 3, "contents_infos": ["x", 42, null]}"#, "$.contents_infos[0]"),
            (
                #"{"count": 1, "contents_infos": [{"source_key_value": ["1"], "select_sql": "s"}, 7]}"#,
                "$.contents_infos[1]"
            ),
            (#"{"total_count": 1, "table_line_compare_result_infos": [true]}"#, "$.table_line_compare_result_infos[0]"),
            (#"{"total_count": 1, "data_compare_overview_infos": ["shop"]}"#, "$.data_compare_overview_infos[0]"),
            (
                #"{"job": {"compare_result": {"content_diff_detail_info": {"count": 1, "contents_infos": [[]]}}}}"#,
                "$.job.compare_result.content_diff_detail_info.contents_infos[0]"
            ),
            (
                #"{"job": {"compare_result": {"line_compare_detail_infos": ["t"]}}}"#,
                "$.job.compare_result.line_compare_detail_infos[0]"
            ),
            (#"{"flow_compare_data": [1]}"#, "$.flow_compare_data[0]"),
        ]
        for (index, (body, path)) in cases.enumerated() {
            let file = try write(body, to: "\(index).json", in: folder)
            let error = thrownError { _ = try ingest([file]) }
            guard case .typeMismatch(let named, let at, _, _)? = error else {
                Issue.record("\(body): expected a type error, got \(String(describing: error))")
                continue
            }
            #expect(named == file)
            #expect(at == path)
        }
    }
}

/// verify trusts nothing evidence.json says about where files are, re-checks inputs, and checks signatures.
@Suite struct VerifyHardeningTests {
    func rendered(signed key: EvidenceSigningKey? = nil) throws -> URL {
        let folder = try temporaryFolder("verify")
        var options = RenderOptions()
        options.signingKey = key
        _ = try Renderer.render(
            try ingest([Repo.path("samples/v5-mysql-archive")]), to: folder.appendingPathComponent("out"),
            options: options)
        return folder
    }

    func rewriteEvidence(_ out: URL, _ change: (inout Evidence) -> Void) throws {
        var evidence = try Evidence.read(from: out)
        change(&evidence)
        try evidence.encoded().write(to: out.appendingPathComponent(Evidence.fileName))
    }

    @Test func pathsOutsideTheFolderAreRefusedNotHashed() throws {
        let folder = try rendered()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        try write("secret", to: "outside.txt", in: folder)
        for path in ["../outside.txt", "/etc/hostname", "csv/../../outside.txt", ""] {
            try rewriteEvidence(out) {
                $0.outputs.append(FileDigest(path: path, sha256: sha256Hex(Data("secret".utf8)), bytes: 6))
            }
            let result = try Verifier.verify(out)
            #expect(result.outside == [path])
            #expect(!result.isClean)
            try rewriteEvidence(out) { $0.outputs.removeLast() }
        }
        #expect(try Verifier.verify(out).isClean)
    }

    @Test func inputsAreReCheckedAgainstTheirRecordedDigests() throws {
        let folder = try rendered()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let copy = folder.appendingPathComponent("v5-mysql-archive")
        try FileManager.default.copyItem(atPath: Repo.path("samples/v5-mysql-archive"), toPath: copy.path)
        let clean = try Verifier.verify(out, inputs: [copy.path])
        #expect(clean.isClean && clean.inputsMatched == 22)
        // A changed response (and its manifest digest updated, as a forger would) is found.
        let response = copy.appendingPathComponent("responses/000016.json")
        let original = try Data(contentsOf: response)
        var changed = original
        changed.append(0x20)
        try changed.write(to: response)
        let manifest = copy.appendingPathComponent("manifest.json")
        let text = try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(
            of: sha256Hex(original), with: sha256Hex(changed))
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        let result = try Verifier.verify(out, inputs: [copy.path])
        #expect(result.inputsChanged == ["v5-mysql-archive/responses/000016.json"])
        #expect(!result.isClean)
        // A missing input is found too.
        let partial = try Verifier.verify(out, inputs: [copy.appendingPathComponent("responses/000001.json").path])
        #expect(partial.inputsExtra == ["000001.json"])
        #expect(partial.inputsMissing.count == 22)
    }

    @Test func signaturesProveWhoVouchedForTheEvidence() throws {
        let keys = try temporaryFolder("keys")
        defer { try? FileManager.default.removeItem(at: keys) }
        let pair = EvidenceSignature.generate()
        try write(pair.privateKey, to: "k.key", in: keys)
        // Readable by others: refused.
        #expect(throws: DRSReportError.self) {
            _ = try EvidenceSigningKey(file: keys.appendingPathComponent("k.key").path)
        }
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o600], ofItemAtPath: keys.appendingPathComponent("k.key").path)
        try write(pair.publicKey, to: "k.pub", in: keys)
        let other = EvidenceSignature.generate()
        try write(other.publicKey, to: "other.pub", in: keys)
        let key = try EvidenceSigningKey(file: keys.appendingPathComponent("k.key").path)
        let folder = try rendered(signed: key)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let publicKey = try EvidenceSignature.publicKey(file: keys.appendingPathComponent("k.pub").path)
        #expect(try EvidenceSignature.check(out, key: publicKey))
        #expect(try Verifier.verify(out).isClean, "evidence.sig is part of the set, not an extra file")
        #expect(
            try Evidence.read(from: out).options["signed_by"] == "ed25519:" + EvidenceSignature.fingerprint(publicKey))
        #expect(
            !(try EvidenceSignature.check(
                out, key: EvidenceSignature.publicKey(file: keys.appendingPathComponent("other.pub").path))))
        // Recomputing a digest in evidence.json (what anyone could do) breaks the signature.
        try rewriteEvidence(out) { $0.outputs[0].sha256 = String(repeating: "0", count: 64) }
        #expect(!(try EvidenceSignature.check(out, key: publicKey)))
        // The private key never reaches an output.
        let secret = pair.privateKey.split(separator: "\n")[1]
        for file in filesUnder(out) {
            #expect(!(try Data(contentsOf: out.appendingPathComponent(file))).contains(Data(secret.utf8)))
        }
        #expect(Redact.message("key \(secret)") == "key [REDACTED]")
        #expect(throws: DRSReportError.self) {
            _ = try EvidenceSigningKey(file: keys.appendingPathComponent("k.pub").path)
        }
    }
}

/// A writer's failure reads as one plain sentence and exits 1, never an NSError dump.
@Suite struct WriteFailureTests {
    @Test func posixAndCocoaWriteErrorsBecomePlainOutputFailures() {
        let posix = NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))
        let wrapped = NSError(
            domain: NSCocoaErrorDomain, code: NSFileWriteUnknownError, userInfo: [NSUnderlyingErrorKey: posix])
        for (error, reason) in [
            (posix as Error, "No space left on device"), (wrapped, "No space left on device"),
            (NSError(domain: NSCocoaErrorDomain, code: NSFileWriteOutOfSpaceError), "no space left on device"),
            (
                NSError(domain: NSCocoaErrorDomain, code: NSFileWriteInapplicableStringEncodingError),
                "a value cannot be encoded"
            ),
        ] {
            let plain = OutputSwap.plain(error, path: "/out") as? DRSReportError
            #expect(plain == .outputNotWritable(path: "/out", reason: reason))
            #expect(plain.map { ExitStatus.of($0) } == .outputFailure)
            #expect(!(plain?.message.contains("Domain") ?? true))
        }
        #expect(
            OutputSwap.plain(DRSReportError.xlsx(reason: "x"), path: "/out") as? DRSReportError == .xlsx(reason: "x"))
    }
}

/// Inputs the fuzzer found, kept as regression tests.
@Suite struct FuzzFindingsTests {
    /// A job id with a control character reached the workbook's title property, which XML cannot hold.
    @Test func aControlCharacterInAJobIdStillGivesAWorkbook() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try write(
            #"{"job": {"id": "job\u0001\u001b[31m\uFFFE", "compare_result": {"line_compare_overview_infos": [{"source_db_name": "a", "status": "CONSISTENT"}]}}}"#,
            to: "j.json", in: folder)
        let result = try ingest([file])
        let out = folder.appendingPathComponent("out")
        _ = try Renderer.render(result, to: out, options: RenderOptions())
        #expect(try Verifier.verify(out).isClean)
        let book = try WorkbookReader(out.appendingPathComponent("report.xlsx"))
        #expect(book.sheetNames.first == "Summary")
    }
}
