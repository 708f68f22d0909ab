import Foundation

/// Report label languages.
public enum Language: String, Sendable, CaseIterable, Codable {
    /// English.
    case enUS = "en-us"
    /// Simplified Chinese.
    case zhCN = "zh-cn"
}

/// The one table of user-facing words, in every language. Templates get these as `l.<key>`
/// (dots become underscores), so a template never hard-codes a language.
package struct Strings: Sendable {
    /// The language looked up.
    package let language: Language

    package init(_ language: Language) {
        self.language = language
    }

    /// The label for `key`; a missing key shows itself so it is noticed, never crashes.
    package subscript(key: String) -> String {
        guard let pair = Self.table[key] else { return key }
        return language == .zhCN ? pair.1 : pair.0
    }

    /// `key` with `{0}`, `{1}`… replaced by arguments.
    package func format(_ key: String, _ arguments: CustomStringConvertible...) -> String {
        // A count of exactly one reads with the singular form (`key.one`) where the table has one.
        let singular = arguments.first.map { $0.description == "1" } == true && Self.table[key + ".one"] != nil
        var text = self[singular ? key + ".one" : key]
        for (index, argument) in arguments.enumerated() {
            text = text.replacingOccurrences(of: "{\(index)}", with: argument.description)
        }
        return text
    }

    /// "a, b and c" (en-us) or "a、b和c" (zh-cn).
    package func list(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        let separator = language == .zhCN ? "、" : ", "
        return items.dropLast().joined(separator: separator) + self["list.and"] + last
    }

    /// All keys, for templates and tests.
    package static var keys: [String] { table.keys.sorted() }

    /// Every label as templates see it: `l.<key>`, dots made underscores.
    package var templateLabels: [String: String] {
        var labels: [String: String] = [:]
        for key in Self.keys { labels[key.replacingOccurrences(of: ".", with: "_")] = self[key] }
        return labels
    }

    /// Every label: key → (English, Chinese). Keys are unique across the two parts (a test checks).
    package static let table: [String: (String, String)] = labelsA.merging(labelsB) { first, _ in first }
}
