/// Escaping and length rules for text stored in cells (Excel's `_xHHHH_` convention).
extension Worksheet {
    /// Excel's maximum number of characters (UTF-16 code units) in one cell.
    public static let maxCellCharacters = 32_767

    /// Returns `s` with every character XML 1.0 cannot hold written as Excel's `_xHHHH_` escape.
    ///
    /// Escaped: U+0000–U+001F except TAB, LF and CR (e.g. U+0001 becomes `_x0001_`), U+FFFE and U+FFFF.
    /// Text that already looks like an escape (`_x` + 4 hex digits + an underscore or an escaped character)
    /// has its leading underscore escaped as `_x005F_`, so `_x0041_` becomes `_x005F_x0041_` and a reader
    /// that decodes Excel escapes (Excel, LibreOffice) gets the original text back exactly.
    /// CR is left alone here; libxlsxwriter 1.1.4 itself writes CR (and U+0001–U+001F) as `_x000D_`
    /// when it stores the cell, which decodes back to CR.
    public static func xmlSafe(_ s: String) -> String {
        // Fast path over UTF-8 (most cells): no "_", no C0 control, no U+FFFE/U+FFFF (EF BF BE/BF).
        var clean = true
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in s.utf8 {
            if byte == 0x5F || (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D)
                || (previous == (0xEF, 0xBF) && (byte == 0xBE || byte == 0xBF))
            {
                clean = false
                break
            }
            previous = (previous.1, byte)
        }
        if clean { return s }
        let scalars = Array(s.unicodeScalars)
        var needsWork = false
        for c in scalars where c == "_" || mustEscape(c) {
            needsWork = true
            break
        }
        guard needsWork else { return s }

        var out = String.UnicodeScalarView()
        out.reserveCapacity(scalars.count + 16)
        for i in scalars.indices {
            let c = scalars[i]
            if mustEscape(c) {
                out.append(contentsOf: escape(c.value).unicodeScalars)
            } else if c == "_" && looksLikeEscape(scalars, at: i) {
                out.append(contentsOf: "_x005F_".unicodeScalars)
            } else {
                out.append(c)
            }
        }
        return String(out)
    }

    /// True when `xmlSafe` leaves this UTF-8 text as it is and it fits Excel's cell limit, so it can be
    /// handed to libxlsxwriter unchanged (`writeStoredUTF8`). Decided over bytes, with the same rule as
    /// `xmlSafe`: no character XML cannot hold, and no `_` that would read as an `_xHHHH_` escape.
    public static func storedAsIs(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        // UTF-16 units never exceed UTF-8 bytes, so a short text is within the limit.
        guard utf8.count <= maxCellCharacters else { return false }
        // Most cells hold none of the three bytes that can need work.
        if !utf8.contains(where: { $0 < 0x20 || $0 == 0x5F || $0 == 0xEF }) { return true }
        let n = utf8.count
        var i = 0
        while i < n {
            let byte = utf8[i]
            if byte < 0x20 {
                if byte != 0x09 && byte != 0x0A && byte != 0x0D { return false }
            } else if byte == 0xEF, i + 2 < n, utf8[i + 1] == 0xBF, utf8[i + 2] == 0xBE || utf8[i + 2] == 0xBF {
                return false
            } else if byte == 0x5F, i + 6 < n, utf8[i + 1] == 0x78 || utf8[i + 1] == 0x58 {
                var hex = true
                for k in (i + 2)...(i + 5) where !isHexDigit(utf8[k]) { hex = false }
                if hex {
                    let next = utf8[i + 6]
                    // The next character is `_`, CR, a control, or U+FFFE/U+FFFF.
                    if next == 0x5F || next == 0x0D || (next < 0x20 && next != 0x09 && next != 0x0A) { return false }
                    if next == 0xEF, i + 8 < n, utf8[i + 7] == 0xBF, utf8[i + 8] == 0xBE || utf8[i + 8] == 0xBF {
                        return false
                    }
                }
            }
            i += 1
        }
        return true
    }

    private static func isHexDigit(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
    }

    /// True for scalars XML 1.0 cannot carry and `xmlSafe` escapes.
    static func mustEscape(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0xFFFE || v == 0xFFFF
    }

    /// `_xHHHH_` for a code point.
    private static func escape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "_x" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "_"
    }

    /// True if the `_` at `i` would be read as the start of an `_xHHHH_` escape once stored.
    ///
    /// After the 4 hex digits the decoder sees `_` if the source has `_` there, or if the next scalar
    /// will itself be escaped (by `xmlSafe`, or CR by libxlsxwriter), as every escape starts with `_`.
    private static func looksLikeEscape(_ a: [Unicode.Scalar], at i: Int) -> Bool {
        guard i + 6 < a.count, a[i + 1] == "x" || a[i + 1] == "X" else { return false }
        for k in (i + 2)...(i + 5) where !a[k].properties.isASCIIHexDigit {
            return false
        }
        let next = a[i + 6]
        return next == "_" || next == "\r" || mustEscape(next)
    }

    /// The length Excel's limit is checked against: UTF-16 code units of `xmlSafe(s)`.
    ///
    /// This is at least the number of characters Excel shows, and equals `s.utf16.count`
    /// for text without control characters or `_xHHHH_`-like sequences.
    public static func storedLength(_ s: String) -> Int {
        xmlSafe(s).utf16.count
    }

    /// Returns the longest prefix of `text` followed by `marker` whose stored length fits `limit`.
    ///
    /// Returns `text` unchanged if it already fits. The cut is made between grapheme clusters
    /// (falling back to Unicode scalars if the first cluster alone is too long), so a surrogate pair
    /// is never split. Throws `.invalidArgument` if the marker alone does not fit.
    public static func truncated(_ text: String, marker: String, limit: Int = maxCellCharacters) throws -> String {
        if storedLength(text) <= limit { return text }
        guard storedLength(marker) <= limit else {
            throw XLSXError.invalid(
                "Worksheet.truncated",
                "The truncation marker is longer than \(limit) characters; use a shorter marker.")
        }
        // A fitting prefix has at most `limit` UTF-16 units, so only boundaries up to there matter.
        var characterEnds: [String.Index] = [text.startIndex]
        var units = 0
        for i in text.indices {
            units += text[i].utf16.count
            if units > limit { break }
            characterEnds.append(text.index(after: i))
        }
        if let best = longestFitting(text, ends: characterEnds, marker: marker, limit: limit), best > text.startIndex {
            return String(text[..<best]) + marker
        }
        var scalarEnds: [String.Index] = [text.startIndex]
        units = 0
        var idx = text.unicodeScalars.startIndex
        while idx < text.unicodeScalars.endIndex {
            units += text.unicodeScalars[idx].utf16.count
            if units > limit { break }
            idx = text.unicodeScalars.index(after: idx)
            scalarEnds.append(idx)
        }
        let best = longestFitting(text, ends: scalarEnds, marker: marker, limit: limit) ?? text.startIndex
        return String(text.unicodeScalars[..<best]) + marker
    }

    /// Binary search for the largest end index whose prefix plus marker fits (start always fits).
    private static func longestFitting(_ text: String, ends: [String.Index], marker: String, limit: Int) -> String
        .Index?
    {
        func fits(_ k: Int) -> Bool {
            storedLength(String(text.unicodeScalars[..<ends[k]]) + marker) <= limit
        }
        guard !ends.isEmpty, fits(0) else { return nil }
        var low = 0  // fits
        var high = ends.count - 1  // candidate
        if fits(high) { return ends[high] }
        while high - low > 1 {  // invariant: fits(low), !fits(high)
            let mid = low + (high - low) / 2
            if fits(mid) { low = mid } else { high = mid }
        }
        return ends[low]
    }
}
