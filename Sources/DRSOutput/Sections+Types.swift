import DRSCore
import DRSIngest
import Foundation

/// One cell of a section, as a fact; each writer renders it its own way (CSV: machine text,
/// XLSX: typed cells with labels and colours).
package enum CellValue {
    /// Text from the data or the tool.
    case text(String)
    /// An exact count (CSV: digits; XLSX: a number with `#,##0`); nil is an empty cell.
    case count(Int64?)
    /// A measured number (progress, delay); nil is an empty cell.
    case decimal(Double?)
    /// A time (CSV: ISO-8601 UTC; XLSX: a date-time in the report's zone).
    case time(Date?)
    /// A code word with its label (CSV: the code; XLSX: the label, coloured by tone).
    case word(code: String, label: String, tone: Tone)
    /// true/false.
    case flag(Bool)

    /// How a word cell is coloured in the workbook.
    package enum Tone {
        case good, bad, attention, plain
    }
}

/// A column: its machine name (CSV header), its label key (XLSX header), and how it reads a row.
package struct Column<Row> {
    package let id: String
    package let label: String
    package let value: (Row) -> CellValue
    /// Where the column appears.
    package var placement: ColumnPlacement = .both

    package init(
        _ id: String, _ label: String, _ placement: ColumnPlacement = .both, _ value: @escaping (Row) -> CellValue
    ) {
        self.id = id
        self.label = label
        self.placement = placement
        self.value = value
    }
}

/// Which tabular formats show a column.
package enum ColumnPlacement {
    case both, csvOnly, xlsxOnly
}

/// A section of the report as both tabular writers see it: the CSV file, the XLSX sheet, the
/// columns and the rows. Declared once, here; a new field is one new `Column`.
package struct Section {
    /// `tables` → csv/tables.csv.
    package let file: String
    /// String-table key of the sheet name; nil when the section is CSV only.
    package let sheet: String?
    package let ids: [String]
    package let labels: [String]
    package let placements: [ColumnPlacement]
    package let rows: [[CellValue]]

    package init<Row>(_ file: String, sheet: String?, _ items: [Row], _ columns: [Column<Row>]) {
        self.file = file
        self.sheet = sheet
        ids = columns.map(\.id)
        labels = columns.map(\.label)
        placements = columns.map(\.placement)
        rows = items.map { item in columns.map { $0.value(item) } }
    }

    package func included(_ index: Int, csv: Bool) -> Bool {
        switch placements[index] {
        case .both: return true
        case .csvOnly: return csv
        case .xlsxOnly: return !csv
        }
    }
}

/// Words shared by every section and writer.
package struct Words {
    package let strings: Strings

    package func outcome(_ outcome: LedgerOutcome) -> CellValue {
        .word(code: outcome.rawValue, label: strings["outcome.\(outcome.rawValue)"], tone: tone(outcome))
    }

    package func status(_ status: CompareStatus?) -> CellValue {
        guard let status else { return .text("") }
        let ledger = LedgerOutcome(status.outcome)
        return .word(
            code: status.code, label: strings["outcome.\(ledger.rawValue)"] + " (\(status.code))", tone: tone(ledger))
    }

    package func tone(_ outcome: LedgerOutcome) -> CellValue.Tone {
        switch outcome {
        case .consistent: return .good
        case .inconsistent: return .bad
        case .incomplete, .notCompared: return .attention
        }
    }

    package func kind(_ kind: CompareKind) -> String { strings["kind.\(kind.rawValue)"] }

    /// Comparison kinds: codes in CSV (`line content`), labels in the workbook ("Row count, Values").
    package func kinds(_ kinds: [CompareKind]) -> CellValue {
        .word(
            code: kinds.map(\.rawValue).joined(separator: " "), label: kinds.map(kind).joined(separator: ", "),
            tone: .plain)
    }

    package static func unique<T: Equatable>(_ items: [T]) -> [T] { items.uniqued() }

    package func reasons(_ reasons: [NotComparedReason]) -> String {
        reasons.map { reason in
            var text = kind(reason.comparison) + ": " + reason.code
            if let message = reason.message, !message.isEmpty { text += " (\(message))" }
            if reason.sourceRows != nil || reason.targetRows != nil {
                text +=
                    " ["
                    + strings.format(
                        "rows_pair", Formatting.count(reason.sourceRows), Formatting.count(reason.targetRows)) + "]"
            }
            return text
        }.joined(separator: "; ")
    }

    package func note(_ note: Note) -> String {
        var text = strings["note.\(note.code.rawValue)"]
        for (index, value) in note.values.enumerated() {
            text = text.replacingOccurrences(of: "{\(index)}", with: String(value))
        }
        return text.replacingOccurrences(of: "{subject}", with: note.subject ?? "")
    }

    package func conflict(_ conflict: Conflict) -> String {
        strings.format(
            "conflict.\(conflict.kind.rawValue)", conflict.subject, conflict.values.joined(separator: "; "),
            conflict.used)
            + " " + strings["conflict.rule.\(conflict.rule.rawValue)"]
    }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(strings: Strings) {
        self.strings = strings
    }
}
