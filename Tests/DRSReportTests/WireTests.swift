import DRSWire
import Testing

@testable import DRSReport

/// DRS's names and codes come from `Wire`; the model gives each v3 word its outcome.
@Suite struct WireTests {
    @Test func everyV3WordHasAnOutcome() {
        for table in [Wire.V3.objectCodes, Wire.V3.contentProgressCodes, Wire.V3.dataCodes] {
            for (code, word) in table {
                #expect(CompareStatus.v3Outcomes[word] != nil, "code \(code): \(word)")
            }
        }
    }

    @Test func v3CodesKeepTheirMeaning() {
        let cases: [(Int64, CompareStatus.CodeTable, CompareOutcome, String)] = [
            (0, .object, .inconsistent, "INCONSISTENT"), (3, .object, .pending, "UNFINISHED"),
            (1, .object, .unknown, "CODE_1"),
            (-4, .contentDetailProgress, .notCompared, "CANCELLED"),
            (2, .contentDetailProgress, .consistent, "COMPLETED"),
            (8, .data, .inconsistent, "SOURCE_EMPTY"), (10, .data, .consistent, "BOTH_EMPTY"),
            (22, .data, .notCompared, "TARGET_DB_NOT_EXIST"),
            (24, .data, .unknown, "CODE_24"), (Int64.min, .contentDetailProgress, .unknown, "CODE_\(Int64.min)"),
        ]
        for (code, table, outcome, word) in cases {
            let status = CompareStatus.v3(code, table: table)
            #expect(
                status.outcome == outcome && status.code == word && status.raw == String(code), "\(code) in \(table)")
        }
    }

    @Test func taskStatusSetsDoNotOverlap() {
        #expect(Wire.TaskStatus.final.isDisjoint(with: Wire.TaskStatus.inProgress))
        #expect(Wire.TaskStatus.final.contains(Wire.TaskStatus.successful))
        #expect(Wire.Key.compareTaskId == "compare_task_id" && Wire.Key.reportRemainSeconds == "report_remain_seconds")
    }

    /// The labels are two literals (so neither file passes 400 lines); a key in both would make
    /// one of its texts silently lost.
    @Test func labelPartsShareNoKey() {
        #expect(Set(Strings.labelsA.keys).isDisjoint(with: Strings.labelsB.keys))
        #expect(Strings.table.count == Strings.labelsA.count + Strings.labelsB.count)
    }
}
