/// An option of the tool, named by what it means. The library's messages refer to options this
/// way (as `ref`, a placeholder in the text); `DRSReportError.message(naming:)` spells each one
/// as a front end calls it (the CLI: `--out`, `--retries`…), and `message` as its meaning.
public enum OptionName: String, Sendable, CaseIterable {
    case output, templates, retries, timeout, jobId, projectId, endpoint, region, allowDifferentJobs
    case waitTimeout, compareTaskId, mask, maskKeyFile, signKey, publicKey, format, meta, tokenFile, shard, pageSize,
        now

    /// What the option means, for a message read without the CLI: a bare noun, since messages
    /// say "choose a writable <output> folder" or "raise <retries>".
    public var meaning: String {
        switch self {
        case .output: return "output"
        case .templates: return "templates"
        case .retries: return "retries"
        case .timeout: return "timeout"
        case .jobId: return "job id"
        case .projectId: return "project id"
        case .endpoint: return "endpoint"
        case .region: return "region"
        case .allowDifferentJobs: return "allow-different-jobs"
        case .waitTimeout: return "wait timeout"
        case .compareTaskId: return "comparison task id"
        case .mask: return "masking"
        case .maskKeyFile: return "masking key file"
        case .signKey: return "signing key"
        case .publicKey: return "public key"
        case .format: return "format"
        case .meta: return "report field"
        case .tokenFile: return "token file"
        case .shard: return "shard"
        case .pageSize: return "page size"
        case .now: return "report clock"
        }
    }

    /// The placeholder a library message holds where it names this option.
    public var ref: String { "⟦" + rawValue + "⟧" }

    /// `text` with every placeholder spelt by `name`.
    public static func resolve(_ text: String, _ name: (OptionName) -> String) -> String {
        guard text.contains("⟦") else { return text }
        var out = text
        for option in allCases where out.contains(option.ref) {
            out = out.replacingOccurrences(of: option.ref, with: name(option))
        }
        return out
    }
}
