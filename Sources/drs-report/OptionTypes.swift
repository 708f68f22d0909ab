import ArgumentParser
import DRSReport

/// `--lang`: the label and message language. Accepts `en-us`, `en`, `en_us`, `zh-cn`, `zh`,
/// `zh_cn` in any case; help and completion list the two canonical names.
enum LanguageOption: String, ExpressibleByArgument, CaseIterable, Sendable {
    case enUS = "en-us"
    case zhCN = "zh-cn"

    init?(argument: String) {
        switch argument.lowercased() {
        case "en-us", "en", "en_us": self = .enUS
        case "zh-cn", "zh", "zh_cn": self = .zhCN
        default: return nil
        }
    }

    var language: Language {
        switch self {
        case .enUS: return .enUS
        case .zhCN: return .zhCN
        }
    }
}

/// `run --compare`: the data-level comparison to create.
enum CompareOption: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Row counts per table.
    case lines
    /// Values, with the inconsistent rows.
    case contents
}

/// `run --conflict-policy`: what to do with an unfinished data-level task.
enum ConflictPolicyOption: String, ExpressibleByArgument, CaseIterable, Sendable {
    case keep
    case cancel
}

/// `--format`: a comma-separated list of formats, or `all`. The list is parsed when the argument
/// is read, by `OutputFormat.parseList`; a wrong name is kept and reported by `formats()` with the
/// project's message (which says what is valid), since a failed conversion would only get
/// ArgumentParser's generic one.
struct FormatListOption: ExpressibleByArgument, Sendable {
    /// The text as given.
    let text: String
    /// The formats, or why the text names none.
    let parsed: Result<[OutputFormat], DRSReportError>

    init(argument: String) {
        text = argument
        parsed = Result { () throws(DRSReportError) in try OutputFormat.parseList(argument) }
    }

    /// Every format.
    static let all = FormatListOption(argument: "all")

    /// The formats; throws the project's message for a wrong name.
    func formats() throws(DRSReportError) -> [OutputFormat] { try parsed.get() }

    var defaultValueDescription: String { text }

    static var allValueStrings: [String] { ["all"] + OutputFormat.allCases.map(\.rawValue) }
}
