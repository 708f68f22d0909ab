import Foundation

/// What may reach a terminal, a log or a file: no secret, and no control character a server or a
/// file could use to rewrite the screen (ANSI escapes, bells, bidi overrides).
package enum Redact {
    /// Replaces every registered secret with `[REDACTED]` and every control character with a
    /// visible `⟨U+001B⟩`; line breaks and tabs stay. The one pass everything printed goes through.
    package static func message(_ text: String) -> String {
        control(SecretRegistry.shared.redact(text), keepLineBreaks: true)
    }

    /// Control characters (C0 but tab and line breaks when kept, DEL, C1, bidi controls) as `⟨U+XXXX⟩`.
    package static func control(_ text: String, keepLineBreaks: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0, keepLineBreaks: keepLineBreaks) }) else {
            return text
        }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar, keepLineBreaks: keepLineBreaks) {
                out += String(format: "⟨U+%04X⟩", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    package static func isControl(_ scalar: Unicode.Scalar, keepLineBreaks: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return !keepLineBreaks
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        // Noncharacters that XML cannot hold either.
        case 0xFFFE, 0xFFFF: return true
        default: return false
        }
    }

    /// Removes every registered secret from bytes (a server echoing a token in a body must not put it
    /// into an archive). Returns nil when there was nothing to remove.
    package static func bytes(_ data: Data) -> Data? {
        SecretRegistry.shared.redact(data)
    }
}

/// The secret values in use in this process: credentials register themselves when loaded.
package final class SecretRegistry: @unchecked Sendable {
    /// The process's registry.
    package static let shared = SecretRegistry()
    private let lock = NSLock()
    private var secrets: [String] = []

    /// Adds secrets; values shorter than 4 characters are too common to redact safely and are skipped.
    package func register(_ values: [String]) {
        lock.withLock {
            for value in values where value.count >= 4 && !secrets.contains(value) { secrets.append(value) }
            secrets.sort { $0.count > $1.count }
        }
    }

    package func redact(_ text: String) -> String {
        let current = lock.withLock { secrets }
        var text = text
        for secret in current where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: "[REDACTED]")
        }
        return text
    }

    package func redact(_ data: Data) -> Data? {
        let current = lock.withLock { secrets }
        var bytes = [UInt8](data)
        var changed = false
        for secret in current {
            let needle = Array(secret.utf8)
            guard !needle.isEmpty, bytes.count >= needle.count else { continue }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                if index + needle.count <= bytes.count, bytes[index] == needle[0],
                    Array(bytes[index..<index + needle.count]) == needle
                {
                    out += Array("[REDACTED]".utf8)
                    index += needle.count
                    changed = true
                } else {
                    out.append(bytes[index])
                    index += 1
                }
            }
            bytes = out
        }
        return changed ? Data(bytes) : nil
    }
}

/// HTTP header values as RFC 9110 allows them: no control characters at all (CR, LF and NUL would
/// split or cut the header; the HTTP stack would then echo the whole value in its error).
package enum HeaderValue {
    package static func isValid(_ value: String) -> Bool {
        !value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
