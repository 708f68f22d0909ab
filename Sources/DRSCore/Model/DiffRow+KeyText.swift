import DRSJSON
import DRSWire
import Foundation

extension DiffRow {
    /// A key as one cell: a single value as it is; several joined by ", ", or a JSON array when a
    /// value itself holds a comma or a quote, so a composite key is never ambiguous.
    package static func keyText(_ values: [String]) -> String {
        if values.count == 1 { return values[0] }
        // Over bytes: String.contains(String) goes through Foundation and cost a sixth of ingest.
        if values.contains(where: { $0.utf8.contains(UInt8(ascii: ",")) || $0.utf8.contains(UInt8(ascii: "\"")) }) {
            return "[" + values.map { JSONWriter.quote($0) }.joined(separator: ",") + "]"
        }
        return values.joined(separator: ", ")
    }
}
