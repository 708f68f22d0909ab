import DRSCore
import DRSIngest
import Foundation

/// report.html's pictures: inline SVG drawn here, with no library and no script. Each has a
/// `<title>`, and its numbers are written beside it as text. Every label from the data is
/// HTML-escaped; colours come from the page's CSS classes, so dark mode and print apply.
package enum HTMLCharts {
    package static let width = 720
    package static let labelWidth = 230
    package static let barWidth = 380
    package static let rowHeight = 26

    /// The `charts` template variable.
    package static func model(_ report: Report, strings: Strings, ranked: [TableEntry]) -> [String: Any] {
        var model: [String: Any] = [:]
        let words = Words(strings: strings)
        // One bar per comparison kind: the shares of its ledger entries by outcome.
        let kinds: [(CompareKind, [LedgerOutcome: Int])] = [CompareKind.object, .line, .content].compactMap { kind in
            Words.outcomeCounts(report, kind).map { (kind, $0) }
        }
        if !kinds.isEmpty {
            let order: [LedgerOutcome] = [.consistent, .inconsistent, .incomplete, .notCompared]
            let bars = kinds.map { kind, counts in
                Bar(
                    label: words.kind(kind),
                    segments: order.map { (Double(counts[$0] ?? 0), "seg-" + $0.rawValue.lowercased()) },
                    value: Formatting.grouped(Int64(counts.values.reduce(0, +))))
            }
            model["kinds"] = svg(title: strings["chart.kinds_title"], bars: bars, scaleToTotal: true)
            model["kinds_legend"] = kinds.map { kind, _ in
                ["label": words.kind(kind), "value": words.breakdown(report, kind) ?? ""]
            }
        }
        // The tables with the most inconsistent rows.
        let top = ranked.prefix(20).map { table in
            (table, table.diffRows > 0 ? table.diffRows : table.content?.inconsistentRows ?? 0)
        }
        .filter { $0.1 > 0 }
        if !top.isEmpty {
            let largest = Double(top.map(\.1).max() ?? 1)
            let bars = top.map { table, rows in
                Bar(
                    label: LedgerRules.qualified(table.sourceDb, table.sourceTable),
                    segments: [(Double(rows) / largest, "seg-inconsistent")], value: Formatting.grouped(rows))
            }
            model["top"] = svg(title: strings["chart.top_title"], bars: bars, scaleToTotal: false)
            model["top_heading"] = strings.format("chart.top", top.count)
            model["top_legend"] = top.map { table, rows in
                ["label": LedgerRules.qualified(table.sourceDb, table.sourceTable), "value": Formatting.grouped(rows)]
            }
        }
        // The mix of diff kinds.
        let byKind = report.diffSummary.byKind
        let total = byKind.values.reduce(0, +)
        if total > 0 {
            let order: [(DiffKind, String)] = [
                (.missingOnSource, "seg-incomplete"), (.missingOnTarget, "seg-not_compared"),
                (.differs, "seg-inconsistent"),
            ]
            let bars = order.map { kind, style in
                let count = byKind[kind.rawValue] ?? 0
                return Bar(
                    label: strings["diffkind.\(kind.rawValue)"], segments: [(Double(count) / Double(total), style)],
                    value: Formatting.grouped(count) + " (" + percent(count, of: total) + ")")
            }
            model["mix"] = svg(title: strings["chart.mix_title"], bars: bars, scaleToTotal: false)
            model["mix_legend"] = order.map { kind, _ in
                let count = byKind[kind.rawValue] ?? 0
                return [
                    "label": strings["diffkind.\(kind.rawValue)"],
                    "value": Formatting.grouped(count) + " (" + percent(count, of: total) + ")",
                ]
            }
        }
        model["any"] = !model.isEmpty
        return model
    }

    package struct Bar {
        package let label: String
        /// (length, CSS class): shares of the bar when scaled to its total, else fractions of the full width.
        package let segments: [(Double, String)]
        /// The number written at the end of the bar.
        package let value: String

        /// Memberwise, for the modules that build it (Swift's implicit one is internal).
        package init(label: String, segments: [(Double, String)], value: String) {
            self.label = label
            self.segments = segments
            self.value = value
        }
    }

    package static func percent(_ part: Int64, of total: Int64) -> String {
        guard total > 0 else { return "0%" }
        let value = Double(part) * 100 / Double(total)
        return value > 0 && value < 0.1 ? "<0.1%" : String(format: "%.1f%%", value)
    }

    /// Horizontal bars, one per row: label, bar, value.
    package static func svg(title: String, bars: [Bar], scaleToTotal: Bool) -> String {
        let height = bars.count * rowHeight + 8
        var out =
            "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        out += "<title>" + HTMLEscaping.escape(title) + "</title>"
        for (index, bar) in bars.enumerated() {
            let y = 4 + index * rowHeight
            // Shortened as shown: controls are made visible (⟨U+202E⟩) before counting.
            let shown = visibleControls(bar.label)
            let label = shown.count > 30 ? String(shown.prefix(29)) + "…" : shown
            out +=
                "<text class=\"chart-label\" x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\">"
                + HTMLEscaping.escape(label) + "</text>"
            out +=
                "<rect class=\"seg-track\" x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(barWidth)\" height=\"\(rowHeight - 8)\"/>"
            let total = scaleToTotal ? bar.segments.map(\.0).reduce(0, +) : 1
            var x = Double(labelWidth)
            for (length, style) in bar.segments where length > 0 && total > 0 {
                let w = max(1, length / total * Double(barWidth))
                out +=
                    "<rect class=\"\(style)\" x=\"\(format(x))\" y=\"\(y + 3)\" width=\"\(format(w))\" height=\"\(rowHeight - 8)\"/>"
                x += w
            }
            out +=
                "<text class=\"chart-value\" x=\"\(labelWidth + barWidth + 8)\" y=\"\(y + 17)\">"
                + HTMLEscaping.escape(bar.value) + "</text>"
        }
        return out + "</svg>"
    }

    /// Bidi and control characters as `⟨U+202E⟩`, as HTMLEscaping shows them.
    package static func visibleControls(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let bidi =
                (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
                || [0x200E, 0x200F, 0x061C].contains(scalar.value)
            if bidi || scalar.value < 0x20 || scalar.value == 0x7F {
                out += String(format: "⟨U+%04X⟩", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Two decimals at most, the same on every machine.
    package static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
    }
}
