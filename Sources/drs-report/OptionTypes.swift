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
