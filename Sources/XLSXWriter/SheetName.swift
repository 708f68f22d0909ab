internal import CXlsxWriter

/// Excel's worksheet-name rules, checked in Swift before libxlsxwriter sees the name.
extension Workbook {
    /// Maximum worksheet name length in UTF-16 code units (Excel's limit; libxlsxwriter counts code points).
    public static let maxSheetNameLength = 31

    /// Characters Excel forbids in sheet names.
    static let forbiddenSheetNameCharacters: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]

    /// Throws `.invalidSheetName` unless `name` is a legal Excel sheet name (uniqueness not checked).
    public static func validateSheetName(_ name: String) throws {
        try validateSheetName(name, existing: [])
    }

    /// Throws `.invalidSheetName` unless `name` is legal and differs case-insensitively from every name in `existing`.
    public static func validateSheetName(_ name: String, existing: some Sequence<String>) throws {
        if let problem = sheetNameProblem(name, existing: existing) {
            throw sheetNameError(name, problem)
        }
    }

    /// The first rule `name` breaks, or nil if it is acceptable.
    static func sheetNameProblem(_ name: String, existing: some Sequence<String>) -> XLSXError.SheetNameProblem? {
        if name.isEmpty { return .empty }
        if name.utf16.count > maxSheetNameLength { return .tooLong(length: name.utf16.count) }
        for ch in name where isIllegalInSheetName(ch) {
            return .illegalCharacter(ch)
        }
        if name.hasPrefix("'") || name.hasSuffix("'") { return .apostropheAtStartOrEnd }
        let folded = foldSheetName(name)
        if folded == "history" { return .reserved }
        for other in existing where foldSheetName(other) == folded {
            return .duplicate(existing: other)
        }
        return nil
    }

    /// Case-folding used for the duplicate check (Excel compares names case-insensitively).
    static func foldSheetName(_ name: String) -> String {
        name.lowercased()
    }

    /// True for forbidden punctuation and for characters XML cannot carry in the workbook file.
    static func isIllegalInSheetName(_ ch: Character) -> Bool {
        if forbiddenSheetNameCharacters.contains(ch) { return true }
        return ch.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0xFFFE || $0.value == 0xFFFF }
    }

    /// Builds the error for a rejected sheet name, with the matching libxlsxwriter code.
    static func sheetNameError(_ name: String, _ problem: XLSXError.SheetNameProblem) -> XLSXError {
        let shown = name.count > 40 ? String(name.prefix(40)) + "…" : name
        let hint = "Workbook.sanitizedSheetName can make a legal, unique name."
        switch problem {
        case .empty:
            return XLSXError(
                .invalidSheetName(name: name, problem: problem), operation: "workbook_add_worksheet",
                lxwError: LXW_ERROR_PARAMETER_VALIDATION,
                message: "The sheet name is empty; give every sheet a non-empty name (\(hint))")
        case .tooLong(let length):
            return XLSXError(
                .invalidSheetName(name: name, problem: problem), operation: "workbook_add_worksheet",
                lxwError: LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED,
                message:
                    "Sheet name '\(shown)' is \(length) characters long; use at most \(maxSheetNameLength) (\(hint))")
        case .illegalCharacter(let ch):
            let code = ch.unicodeScalars.first.map { String($0.value, radix: 16, uppercase: true) } ?? "?"
            return XLSXError(
                .invalidSheetName(name: name, problem: problem), operation: "workbook_add_worksheet",
                lxwError: LXW_ERROR_INVALID_SHEETNAME_CHARACTER,
                message:
                    "Sheet name '\(shown)' contains U+\(code), but names may not contain [ ] : * ? / \\ or control characters; remove it (\(hint))"
            )
        case .apostropheAtStartOrEnd:
            return XLSXError(
                .invalidSheetName(name: name, problem: problem), operation: "workbook_add_worksheet",
                lxwError: LXW_ERROR_SHEETNAME_START_END_APOSTROPHE,
                message: "Sheet name '\(shown)' starts or ends with an apostrophe; remove it (\(hint))")
        case .duplicate(let existing):
            return XLSXError(
                .invalidSheetName(name: name, problem: problem), operation: "workbook_add_worksheet",
                lxwError: LXW_ERROR_SHEETNAME_ALREADY_USED,
                message:
                    "Sheet name '\(shown)' is already used as '\(existing)' (names are case-insensitive); choose another (\(hint))"
            )
        case .reserved:
            return XLSXError(
                .invalidSheetName(name: name, problem: problem), operation: "workbook_add_worksheet",
                lxwError: LXW_ERROR_PARAMETER_VALIDATION,
                message: "Sheet name '\(shown)' is reserved by Excel; choose another (\(hint))")
        }
    }

    /// Turns any string into a legal sheet name that is unique (case-insensitively) among `existing`.
    ///
    /// Forbidden characters become `_`, leading/trailing apostrophes are dropped, the name is cut to
    /// 31 UTF-16 units on a character boundary, an empty result becomes "Sheet", and clashes
    /// (including the reserved "History") get a suffix " (2)", " (3)", ...
    public static func sanitizedSheetName(_ proposed: String, existing: Set<String>) -> String {
        var cleaned = String(proposed.map { isIllegalInSheetName($0) ? "_" : $0 })
        cleaned = trimApostrophes(cleaned)
        cleaned = trimApostrophes(prefix(cleaned, utf16Units: maxSheetNameLength))
        if cleaned.isEmpty { cleaned = "Sheet" }

        let folded = Set(existing.map(foldSheetName))
        func available(_ candidate: String) -> Bool {
            let f = foldSheetName(candidate)
            return f != "history" && !folded.contains(f)
        }
        if available(cleaned) { return cleaned }
        var n = 2
        while true {
            let suffix = " (\(n))"
            var base = trimApostrophes(prefix(cleaned, utf16Units: maxSheetNameLength - suffix.utf16.count))
            if base.isEmpty { base = "Sheet" }
            let candidate = base + suffix
            if available(candidate) { return candidate }
            n += 1
        }
    }

    /// Longest prefix of `s` (whole characters) with at most `units` UTF-16 code units.
    static func prefix(_ s: String, utf16Units units: Int) -> String {
        var count = 0
        var end = s.startIndex
        for i in s.indices {
            count += s[i].utf16.count
            if count > units { break }
            end = s.index(after: i)
        }
        return String(s[..<end])
    }

    /// `s` without leading or trailing apostrophes.
    static func trimApostrophes(_ s: String) -> String {
        var sub = Substring(s)
        while sub.first == "'" { sub = sub.dropFirst() }
        while sub.last == "'" { sub = sub.dropLast() }
        return String(sub)
    }
}
