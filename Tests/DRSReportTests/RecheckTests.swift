import Foundation
import TestSupport
import Testing

@testable import DRSReport

@Suite struct RecheckTests {
    @Test func keyedSelectsAreRead() {
        #expect(
            RecheckSQL.parse("SELECT * FROM `shop`.`orders` WHERE `id`='1032'")
                == .keyed(prefix: "SELECT * FROM `shop`.`orders`", columns: ["`id`"], values: ["'1032'"]))
        // Key columns in a stable order, whatever order the SQL names them in.
        #expect(
            RecheckSQL.parse("select a, b from t where `y` = 2 and `x` = 'it''s';")
                == .keyed(prefix: "select a, b from t", columns: ["`x`", "`y`"], values: ["'it''s'", "2"]))
        #expect(
            RecheckSQL.parse("SELECT * FROM `a`.`b` WHERE `k`='x\\' AND `j`=1' ")
                == .keyed(
                    prefix: "SELECT * FROM `a`.`b`", columns: ["`k`"], values: ["'x\\' AND `j`=1'"]))
        // A name that holds WHERE is not the keyword.
        #expect(
            RecheckSQL.parse("SELECT * FROM `where`.`t` WHERE `id`=-5")
                == .keyed(prefix: "SELECT * FROM `where`.`t`", columns: ["`id`"], values: ["-5"]))
    }

    @Test func otherShapesAreKeptOrRefused() {
        #expect(RecheckSQL.parse("SELECT * FROM t WHERE id > 5") == .select("SELECT * FROM t WHERE id > 5"))
        #expect(
            RecheckSQL.parse("SELECT * FROM t WHERE a = 1 OR b = 2;") == .select("SELECT * FROM t WHERE a = 1 OR b = 2")
        )
        #expect(RecheckSQL.parse("SELECT * FROM t WHERE a IS NULL") == .select("SELECT * FROM t WHERE a IS NULL"))
        for bad in [
            "SELECT * FROM t WHERE id='1'; DROP TABLE t", "SELECT 1 -- x", "SELECT 1 /* x */",
            "DELETE FROM t WHERE id=1",
            "SELECT * FROM t WHERE id='unterminated", "", "SELECT 1 # x",
            // Found against MariaDB: a backslash in "…", a client command, writing a file, a call, a subquery.
            #"SELECT * FROM `t` WHERE `note`="\" AND `id`="; DROP TABLE v; SELECT "\" AND `id`=""#,
            #"SELECT * FROM `t` WHERE `id`='1' \! touch /tmp/pwned"#,
            "SELECT * INTO OUTFILE '/tmp/x' FROM `t` WHERE `id`='1'", "SELECT * FROM t WHERE id = SLEEP(5)",
            "SELECT * FROM t WHERE id IN (SELECT id FROM u)", "SELECT * FROM t WHERE id='1' FOR UPDATE",
            "SELECT LOAD_FILE('/etc/passwd') FROM t WHERE id='1'",
        ] {
            #expect(RecheckSQL.parse(bad) == .notOneSelect, "\(bad)")
        }
    }

    @Test func everyRowOnceInFewStatements() throws {
        let folder = try temporaryFolder("recheck")
        defer { try? FileManager.default.removeItem(at: folder) }
        var files = RecheckFiles(folder: folder)
        func row(_ table: String) -> DiffRow {
            DiffRow(
                jobId: nil, taskId: nil, sourceDatabase: "db", targetDatabase: "db", sourceTable: table,
                targetTable: table,
                sourceKey: [], targetKey: [], sourceSQL: "", targetSQL: "", kind: .differs, locationInferred: false,
                sourceId: "S1")
        }
        let base = files.base(for: row("t"))
        #expect(base == "db.t")
        #expect(files.base(for: row("t/")) == "db.t_")
        #expect(files.base(for: row("t?")) == "db.t_~2")
        for n in 0..<2_500 {
            try files.add("SELECT * FROM `db`.`t` WHERE `id`='\(n)'", to: base + ".source.sql", row: Int64(n + 1))
        }
        try files.add("SELECT * FROM `db`.`t` WHERE `id`='7'", to: base + ".source.sql", row: 2_501)
        try files.add("SELECT * FROM `db`.`t` WHERE `id` > 9000", to: base + ".source.sql", row: 2_502)
        try files.add(
            "SELECT * FROM `db`.`t` WHERE `id`='1'; DROP TABLE `db`.`t`", to: base + ".source.sql", row: 2_503)
        #expect(try files.finish() == ["recheck/db.t.source.sql"])
        let text = try String(contentsOf: folder.appendingPathComponent("db.t.source.sql"), encoding: .utf8)
        let statements = text.split(separator: "\n").filter { !$0.hasPrefix("--") }
        #expect(statements.count == 4)
        #expect(statements.prefix(3).allSatisfy { $0.hasPrefix("SELECT * FROM `db`.`t` WHERE `id` IN (") })
        var keys: [String] = []
        for statement in statements.prefix(3) {
            let list = statement.components(separatedBy: " IN (")[1].dropLast(2)
            keys += list.components(separatedBy: ", ")
        }
        #expect(keys.count == 2_500 && Set(keys).count == 2_500)
        #expect(statements[3] == "SELECT * FROM `db`.`t` WHERE `id` > 9000;")
        #expect(!text.split(separator: "\n").contains { !$0.hasPrefix("--") && $0.contains("DROP") })
        #expect(text.contains("-- row 2503 of csv/diffs.csv"))
        #expect(text.hasSuffix("-- 2503 inconsistent rows in 4 statements\n"))
    }

    @Test func unionMembersAreParenthesisedAndColumnsTellKeysApart() throws {
        let folder = try temporaryFolder("recheck")
        defer { try? FileManager.default.removeItem(at: folder) }
        var files = RecheckFiles(folder: folder)
        try files.add("SELECT * FROM t WHERE id < '3' ORDER BY id", to: "f.sql", row: 1)
        try files.add("SELECT * FROM t WHERE id > '8' LIMIT 1", to: "f.sql", row: 2)
        try files.add("SELECT * FROM `c` WHERE `id`='1'", to: "g.sql", row: 3)
        try files.add("SELECT * FROM `c` WHERE `code`='1'", to: "g.sql", row: 4)
        _ = try files.finish()
        let union = try String(contentsOf: folder.appendingPathComponent("f.sql"), encoding: .utf8)
        #expect(
            union.hasPrefix(
                "(SELECT * FROM t WHERE id < '3' ORDER BY id)\nUNION ALL\n(SELECT * FROM t WHERE id > '8' LIMIT 1);\n"))
        let keyed = try String(contentsOf: folder.appendingPathComponent("g.sql"), encoding: .utf8)
        #expect(keyed.contains("WHERE `id` IN ('1');") && keyed.contains("WHERE `code` IN ('1');"))
    }
}

/// The ASCII readers of recheck SQL (a million rows took 100 s through Character properties) say
/// exactly what the Character rule says.
@Suite struct RecheckASCIITests {
    static let samples: [String] = {
        var list = [
            "SELECT * FROM `shop`.`orders` WHERE `id`='1032'", "select * from t where a = 1 and b = -2.5e3",
            "SELECT * FROM t WHERE x='a\\'b' AND y = 'c''d'", "SELECT * FROM \"s\".\"t\" WHERE \"k\" = 'v'",
            "SELECT * FROM t WHERE k = 1;", "SELECT * FROM t WHERE k = 1; DROP TABLE t", "SELECT 1 -- c",
            "SELECT 1 # c",
            "SELECT /* c */ 1", "SELECT * FROM t WHERE k = 'open", "SELECT `a``b` FROM t",
            "SELECT * FROM t\r\nWHERE k = 1",
            "SELECT * FROM t WHERE k=-1", "SELECT * FROM t WHERE k=(1)-2", "\\! sh",
            "SELECT * FROM where_t WHERE k = 'where'",
            "SELECT * FROM t WHEREVER", "SELECT * FROM t wHeRe k = 1", "SELECT $a, _b, c$1 FROM t", "SELECT 'x\\", "",
            "SELECT * FROM t WHERE \"a\\\" = 1", "SELECT\t*\u{0B}FROM\u{0C}t WHERE k = 1e5",
            "SELECT * FROM t WHERE k = 1.2.3",
        ]
        // Mutations of the keyed shape: every prefix, so cut quotes and escapes are covered too.
        let keyed = "SELECT * FROM `db`.`t` WHERE `a`='x''y\\'z' AND b = -12 AND `c`=\"q\";"
        for end in 0...keyed.count { list.append(String(keyed.prefix(end))) }
        return list
    }()

    @Test func tokensAgree() {
        for sql in Self.samples {
            var copy = sql
            let ascii = copy.withUTF8 { RecheckSQL.asciiTokens($0) }
            #expect(ascii == RecheckSQL.unicodeTokens(sql), "\(sql)")
        }
    }

    @Test func whereAndKeywordsAgree() {
        for sql in Self.samples {
            let fast = RecheckSQL.whereRange(in: sql).map { sql.utf8.distance(from: sql.startIndex, to: $0.lowerBound) }
            let slow = RecheckSQL.whereRange(in: sql, unicode: true).map {
                sql.utf8.distance(from: sql.startIndex, to: $0.lowerBound)
            }
            #expect(fast == slow, "\(sql)")
        }
        for word in ["where", "WHERE", "Where", "wher", "whereas", "ẞ", "straße", "AND", "and", "FROM"] {
            #expect(RecheckSQL.isKeyword(word, "WHERE") == (word.uppercased() == "WHERE"), "\(word)")
            #expect(RecheckSQL.upper(word) == word.uppercased(), "\(word)")
        }
        for text in ["  a b ", "\ta\t", "a", "", "   ", " 会员 "] {
            #expect(RecheckSQL.trimmedSpaces(Substring(text)) == text.trimmingCharacters(in: .whitespaces), "\(text)")
            #expect(RecheckSQL.trimmed(text) == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text)")
        }
    }
}

/// The byte reader the writer uses (`RecheckSQL.shape`) says what `parse` says, or asks it.
@Suite struct RecheckBytesTests {
    /// `shape` as a `Shape`, or nil when it asks for Characters.
    static func viaBytes(_ sql: String) -> RecheckSQL.Shape? {
        var scratch = RecheckSQL.Scratch()
        var copy = sql
        return copy.withUTF8 { b -> RecheckSQL.Shape? in
            func text(_ r: Range<Int>) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)
            }
            switch RecheckSQL.shape(b, &scratch) {
            case .keyed:
                return .keyed(
                    prefix: text(scratch.prefix), columns: scratch.columns.map(text), values: scratch.values.map(text))
            case .select(let r): return .select(text(r))
            case .notOneSelect: return .notOneSelect
            case .needsCharacters: return nil
            }
        }
    }

    /// Pieces random SQL is made of: keywords, quotes, escapes, and scalars that join their
    /// neighbours into one Character (combining marks, a Prepend, an emoji), are spaces outside
    /// ASCII, or equal another canonically (the Ohm sign).
    static let pieces = [
        "SELECT", " ", "*", "FROM", "WHERE", "AND", "`", "'", "\"", "\\", "=", "1", "-", ";", "订单", "é", "e\u{301}",
        "\u{301}",
        "\r\n", "\t", "a", "b", "(", ")", ",", ".", "--", "#", "/*", "\u{3000}", "\u{A0}", "가", "\u{1100}", "👍",
        "\u{2126}",
        "\u{600}", "Ж", "カ", "\u{3099}", "''", "where", "\u{85}", "\u{200D}",
    ]

    @Test func bytesAgreeWithTheCharacterRule() {
        var samples =
            RecheckASCIITests.samples + [
                "SELECT * FROM `订单库`.`订单` WHERE `编号`='订单-1' AND `名`='客户''表'", "SELECT * FROM t WHERE k='é\\订'",
                "SELECT * FROM t WHERE `列`=1 AND `列`=2",
                "SELECT * FROM t WHERE `b`='x' AND `a`='y' AND `가`='z' AND `Ж`=3",
                "SELECT * FROM t WHERE k='e\u{301}'", "SELECT * FROM t WHERE k='\u{301}'", "\u{3000}SELECT 1\u{3000}",
                "SELECT * FROM 订单 WHERE k=1", "SELECT * FROM t WHERE k='👍'", "SELECT * FROM t WHERE k='订'\u{301}",
            ]
        // Random SQL: every piece in turn at every place of a keyed statement, then random strings.
        let keyed = "SELECT * FROM `库`.`t` WHERE `a`='x订''y\\'z' AND b = -12 AND `c`=\"q\";"
        for piece in Self.pieces {
            for offset in stride(from: 0, through: keyed.count, by: 3) {
                var sql = keyed
                sql.insert(contentsOf: piece, at: sql.index(sql.startIndex, offsetBy: offset))
                samples.append(sql)
            }
        }
        var seed: UInt64 = 0x5EED
        func next() -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(seed >> 33)
        }
        for _ in 0..<3_000 {
            samples.append((0..<(next() % 24)).map { _ in Self.pieces[next() % Self.pieces.count] }.joined())
        }
        var fast = 0
        for sql in samples {
            guard let bytes = Self.viaBytes(sql) else { continue }
            fast += 1
            #expect(bytes == RecheckSQL.parse(sql), "\(sql.debugDescription)")
        }
        // The byte reader answers most of them itself, CJK in quotes included.
        #expect(fast > samples.count / 5)
        #expect(Self.viaBytes("SELECT * FROM `订单库`.`订单` WHERE `编号`='订单-1'") != nil)
        #expect(Self.viaBytes("SELECT * FROM t WHERE k='e\u{301}'") == nil)
        #expect(Self.viaBytes("SELECT * FROM 订单 WHERE k=1") == nil)
    }
}

@Suite struct MaskingTests {
    static let secret = Data("a secret of at least sixteen bytes".utf8)

    @Test func tokensAreKeyedAndStable() throws {
        let mask = try KeyMask(secret: Self.secret)
        let other = try KeyMask(secret: Data("another secret, also long enough".utf8))
        #expect(mask.token("1032") == mask.token("1032"))
        #expect(mask.token("1032") != other.token("1032"))
        #expect(mask.token("1032").hasPrefix("⟨k:") && mask.token("1032").count == 12)
        #expect(throws: DRSReportError.self) { try KeyMask(secret: Data("short".utf8)) }
        // A literal's token is its value's token, so keys and SQL still match.
        #expect(
            mask.sql("SELECT * FROM `shop`.`o` WHERE `id`='10''32' AND `n`=77 -- 1032")
                == "SELECT * FROM `shop`.`o` WHERE `id`='\(mask.token("10'32"))' AND `n`='\(mask.token("77"))' /*⟨masked⟩*/"
        )
        #expect(!mask.sql("SELECT 'open").contains("open"))
    }

    @Test func noKeyValueReachesAnyOutput() throws {
        let folder = try temporaryFolder("mask-input")
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = (1...30).map { "KV\($0 * 7919)zq" }
        let rows = keys.enumerated().map { index, key in
            """
            {"source_key_value": ["\(key)", "part-\(key)"], "target_key_value": \(index % 3 == 0 ? "[]" : "[\"\(key)\", \"part-\(key)\"]"),
             "source_select_sql": "SELECT * FROM `shop`.`orders` WHERE `id`='\(key)' AND `p`='part-\(key)'",
             "target_select_sql": "SELECT * FROM `shop`.`orders` WHERE `id`='\(key)' AND `p`='part-\(key)'"}
            """
        }
        let body =
            "{\"job\": {\"id\": \"job-mask-1\", \"compare_result\": {\"content_diff_detail_info\": {\"count\": \(keys.count), \"contents_infos\": [\(rows.joined(separator: ","))]}}}}"
        let input = try write(body, to: "body.json", in: folder)
        var ingestOptions = IngestOptions(now: testNow, observedAt: testObservedAt)
        ingestOptions.mask = try KeyMask(secret: Self.secret)
        let result = try Ingestor.ingest([input], options: ingestOptions)
        #expect(result.report.diffSummary.rowsInInput == Int64(keys.count))
        var options = RenderOptions()
        options.masking = ["keys"]
        let out = try temporaryFolder("mask-out")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try Renderer.render(result, to: out, options: options)
        var checked = 0
        for file in filesUnder(out) {
            // Every part of the workbook, inflated; every other file as it is.
            let text =
                file.hasSuffix(".xlsx")
                ? try unzipText(out.appendingPathComponent(file)).values.joined(separator: "\n")
                : String(decoding: try Data(contentsOf: out.appendingPathComponent(file)), as: UTF8.self)
            for key in keys { #expect(!text.contains(key), "\(key) in \(file)") }
            checked += 1
        }
        #expect(checked > 20)
        let diffs = try text(out, "csv/diffs.csv")
        let mask = try KeyMask(secret: Self.secret)
        #expect(diffs.contains(mask.token(keys[0])))
        let evidence = try Evidence.read(from: out)
        #expect(evidence.masking == ["keys"])
        #expect(
            !String(decoding: try Data(contentsOf: out.appendingPathComponent("evidence.json")), as: UTF8.self)
                .contains("secret"))
    }

    /// Names in the two samples that no label, id or job name holds: none may reach any output.
    static let sampleNames = [
        "会员积分", "客户表", "订单明细", "订单库", "退款记录", "库存快照", "legacy_crm", "tmp_import_2026", "order_items",
        "click_stream", "warehouse", "payments", "inventory", "audit_trail", "archive_2019", "stock_move", "contacts",
    ]

    @Test func namesAreMaskedEverywhereAndStillJoin() throws {
        let inputs = [Repo.path("samples/v3-mysql-responses"), Repo.path("samples/v5-mysql-archive")]
        let plain = try ingest(inputs)
        var ingestOptions = IngestOptions(now: testNow, observedAt: testObservedAt)
        let mask = try KeyMask(secret: Self.secret, keys: true, names: true)
        ingestOptions.mask = mask
        let masked = try Ingestor.ingest(inputs, options: ingestOptions)
        // The ledger joins tokens exactly as it joined names: the same things, the same counts.
        #expect(masked.report.verdict == plain.report.verdict)
        #expect(masked.report.tables.count == plain.report.tables.count)
        #expect(masked.report.tables.map(\.diffRows).sorted() == plain.report.tables.map(\.diffRows).sorted())
        #expect(masked.report.diffSummary.rowsInInput == plain.report.diffSummary.rowsInInput)
        #expect(masked.report.tables.allSatisfy { $0.sourceTable.hasPrefix("⟨n:") || $0.sourceTable.isEmpty })
        #expect(masked.report.tables.contains { $0.sourceTable == (try? mask.nameToken("会员积分")) })
        var options = RenderOptions()
        options.masking = mask.parts
        let out = try temporaryFolder("mask-names-out")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try Renderer.render(masked, to: out, options: options)
        var checked = 0
        for file in filesUnder(out) {
            #expect(!Self.sampleNames.contains { file.contains($0) }, "a name in the file name \(file)")
            let text =
                file.hasSuffix(".xlsx")
                ? try unzipText(out.appendingPathComponent(file)).values.joined(separator: "\n")
                : String(decoding: try Data(contentsOf: out.appendingPathComponent(file)), as: UTF8.self)
            for name in Self.sampleNames { #expect(!text.contains(name), "\(name) in \(file)") }
            checked += 1
        }
        #expect(checked > 20)
        #expect(try Evidence.read(from: out).masking == ["keys", "names"])
    }

    @Test func namesInSQLAndMessages() throws {
        let mask = try KeyMask(secret: Self.secret, keys: false, names: true)
        let finder = NameFinder(["orders", "shop", "会员积分"])
        let orders = try mask.nameToken("orders")
        let shop = try mask.nameToken("shop")
        // The table read is masked even when the response named it nowhere else; literals stay for `keys`.
        #expect(
            try mask.sqlNames("SELECT * FROM `shop`.`orders` WHERE `id`='orders'", finder)
                == "SELECT * FROM `\(shop)`.`\(orders)` WHERE `id`='orders'")
        #expect(
            try mask.sqlNames("select * from other.t1 where x=1", NameFinder([]))
                == "select * from `\(try mask.nameToken("other"))`.`\(try mask.nameToken("t1"))` where x=1")
        #expect(
            try mask.sqlNames("SELECT * FROM \"shop\".\"orders\" -- orders", finder)
                == "SELECT * FROM \"\(shop)\".\"\(orders)\" -- \(orders)")
        // Words, not parts of words; any script.
        #expect(
            try finder.replace(in: "Table shop.orders_2019 and orders do not exist; 表会员积分不存在", with: mask.nameToken)
                == "Table \(shop).orders_2019 and \(orders) do not exist; 表\(try mask.nameToken("会员积分"))不存在")
        #expect(try mask.nameToken("orders").hasPrefix("⟨n:") && mask.nameToken("orders").count == 16)
    }
}
