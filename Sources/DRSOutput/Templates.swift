import DRSCore
import DRSIngest
import Foundation
import Mustache

/// Finds templates: `--templates DIR` first, then the copies of templates/ built into the binary.
package struct TemplateStore {
    package let overrideDirectory: URL?

    package func text(named name: String) throws(DRSReportError) -> String {
        if let overrideDirectory {
            let url = overrideDirectory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) {
                guard let data = FileManager.default.contents(atPath: url.path),
                    let text = String(data: data, encoding: .utf8)
                else {
                    throw .badTemplate(name: url.path, reason: "cannot be read as UTF-8")
                }
                return text
            }
        }
        guard let encoded = EmbeddedTemplates.base64[name], let data = Data(base64Encoded: encoded),
            let text = String(data: data, encoding: .utf8)
        else {
            throw .badTemplate(name: name, reason: "is not built into this binary")
        }
        return text
    }

    /// Renders `name` (with the partials of the same folder available as `{{> name}}`).
    package func render(_ name: String, _ model: [String: Any]) throws(DRSReportError) -> String {
        MarkdownEscaping.registerContentType()
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: try text(named: name))
        } catch let error as DRSReportError {
            throw error
        } catch {
            throw .badTemplate(name: name, reason: "does not parse (\(error))")
        }
        return template.render(model)
    }

    /// Names of the built-in templates.
    package static var builtIn: [String] { EmbeddedTemplates.base64.keys.sorted() }

    /// Memberwise, for the modules that build it (Swift's implicit one is internal).
    package init(overrideDirectory: URL?) {
        self.overrideDirectory = overrideDirectory
    }
}

/// Markdown escaping for GitHub-flavoured Markdown. Templates opt in with
/// `{{% CONTENT_TYPE: MARKDOWN}}`; then every `{{value}}` is escaped for use in a paragraph or a
/// table cell: `\ ` * _ [ ] | ~` are backslash-escaped everywhere, `- + # =` at the start of a
/// value, and `:` after ASCII letters (no `javascript:` link or autolink can form); the dot of
/// `www.` is escaped and `@` is followed by an invisible word joiner (U+2060), so no `www.` name or
/// e-mail address becomes a link (checked against cmark-gfm in Tests/python); `<`, `>` and `&`
/// become entities so no HTML reaches the page; line breaks become `<br>`; control and
/// bidirectional controls are shown as `⟨U+202E⟩` (GitHub would decode an entity back into the control).
package enum MarkdownEscaping {
    private static let once: Void = {
        MustacheContentTypes.register(MarkdownContentType(), named: "MARKDOWN")
        MustacheContentTypes.register(SafeHTMLContentType(), named: "SAFEHTML")
    }()

    package static func registerContentType() {
        _ = once
    }

    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        var previousWasCR = false
        var letters = 0
        var first = true
        // The last three scalars, lowercased, to spot `www.`.
        var recent: (UInt32, UInt32, UInt32) = (0, 0, 0)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "." where recent == (0x77, 0x77, 0x77):
                // `www.` would become an extended autolink; an escaped dot does not.
                out += "\\."
            case "@":
                // GitHub links `name@host` whatever is escaped; an invisible word joiner after `@` stops it.
                out += "@&#x2060;"
            case "\\", "`", "*", "_", "[", "]", "|", "~":
                out += "\\"
                out.unicodeScalars.append(scalar)
            case "-" where first, "+" where first, "#" where first, "=" where first:
                // Only at the start of a value can these begin a list, heading or setext underline.
                out += "\\"
                out.unicodeScalars.append(scalar)
            case ":" where letters > 0:
                // Breaks `javascript:` and `http:` so no autolink or link scheme forms.
                out += "\\:"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\r": out += "<br>"
            case "\n": if !previousWasCR { out += "<br>" }
            case "\t": out += " "
            case "\u{202A}"..."\u{202E}", "\u{2066}"..."\u{2069}", "\u{200E}", "\u{200F}", "\u{061C}":
                // Bidirectional controls would reorder the rendered ticket text, and GitHub decodes a
                // numeric entity back into the control: show them as text instead, as the HTML does.
                out += String(format: "⟨U+%04X⟩", scalar.value)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "⟨U+%04X⟩", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            previousWasCR = scalar == "\r"
            let lower = scalar.value >= 0x41 && scalar.value <= 0x5A ? scalar.value + 0x20 : scalar.value
            recent = (recent.1, recent.2, lower)
            letters = scalar.properties.isAlphabetic && scalar.isASCII ? letters + 1 : 0
            first = false
        }
        return out
    }

    /// Code for a fenced block: kept as it is, except bidirectional controls and C0 controls other
    /// than tab and line breaks, which are shown as `⟨U+202E⟩` so the block reads as the bytes are.
    package static func visibleControls(_ code: String) -> String {
        guard code.unicodeScalars.contains(where: { isHidden($0) }) else { return code }
        var out = ""
        for scalar in code.unicodeScalars {
            if isHidden(scalar) {
                out += String(format: "⟨U+%04X⟩", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C, 0x7F: return true
        case 0x09, 0x0A, 0x0D: return false
        default: return scalar.value < 0x20
        }
    }

    /// A backtick fence longer than any backtick run in `code`, so the code cannot close it.
    package static func fence(for code: String) -> String {
        var longest = 0
        var run = 0
        for character in code {
            if character == "`" {
                run += 1
                longest = max(longest, run)
            } else {
                run = 0
            }
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }
}

package struct MarkdownContentType: MustacheContentType {
    package func escapeText(_ text: String) -> String {
        MarkdownEscaping.escape(text)
    }
}

/// HTML escaping for `{{% CONTENT_TYPE: SAFEHTML}}`: `< > & " '` become entities, and
/// bidirectional controls (U+202A–U+202E, U+2066–U+2069) and other invisible control characters
/// are shown as `⟨U+202E⟩`, so data cannot reorder what a reader sees ("invoice‮txt.exe").
package enum HTMLEscaping {
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{202A}"..."\u{202E}", "\u{2066}"..."\u{2069}", "\u{200E}", "\u{200F}", "\u{061C}":
                out += String(format: "⟨U+%04X⟩", scalar.value)
            default:
                if (scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r") || scalar.value == 0x7F {
                    out += String(format: "⟨U+%04X⟩", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

package struct SafeHTMLContentType: MustacheContentType {
    package func escapeText(_ text: String) -> String {
        HTMLEscaping.escape(text)
    }
}
