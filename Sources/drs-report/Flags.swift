import DRSReport

/// The CLI's spelling of every option the library names by meaning (`OptionName`): error messages
/// and batch failure reasons printed or written by the CLI say `--out`, not "the output folder".
enum Flags {
    @Sendable static func flag(_ option: OptionName) -> String {
        switch option {
        case .output: return "--out"
        case .templates: return "--templates"
        case .retries: return "--retries"
        case .timeout: return "--timeout"
        case .jobId: return "--job-id"
        case .projectId: return "--project-id"
        case .endpoint: return "--endpoint"
        case .region: return "--region"
        case .allowDifferentJobs: return "--allow-different-jobs"
        case .waitTimeout: return "--wait-timeout"
        case .compareTaskId: return "--compare-task-id"
        case .mask: return "--mask"
        case .maskKeyFile: return "--mask-key-file"
        case .signKey: return "--sign-key"
        case .publicKey: return "--public-key"
        case .format: return "--format"
        case .meta: return "--meta"
        case .tokenFile: return "--token-file"
        case .shard: return "--shard"
        case .pageSize: return "--page-size"
        case .now: return "--now"
        }
    }
}
