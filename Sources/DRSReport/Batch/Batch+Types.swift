import DRSCompare
import DRSCore
import DRSIngest
import DRSOutput
import Foundation

/// One job to convert in a batch: an archive folder, or a folder's loose response files.
public struct BatchUnit: Sendable, Equatable {
    /// Path relative to the batch root ("." for the root itself).
    public var relative: String
    /// Inputs to render (an archive folder, or files).
    public var inputs: [String]
}

/// What happened to one unit.
public enum BatchOutcome: Sendable, Equatable {
    /// Rendered now.
    case rendered(Evidence)
    /// Its inputs and options are unchanged since the last run; kept as it was.
    case skipped(Evidence)
    /// It could not be rendered; `previous` is the evidence of an older render still in place.
    case failed(reason: String, previous: Evidence?)
}

/// Progress of a batch, reported as each unit finishes.
public struct BatchEvent: Sendable {
    /// Units finished so far.
    public var done: Int
    /// Units in all.
    public var total: Int
    /// The unit.
    public var unit: BatchUnit
    /// What happened.
    public var outcome: BatchOutcome
}

/// Options of a batch.
public struct BatchOptions: Sendable {
    /// Ingest options (clock, observed-at, language, window).
    public var ingest: IngestOptions
    /// Render options (formats, time zone, evidence metadata).
    public var render: RenderOptions
    /// Units rendered at once.
    public var jobs: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Render even unchanged inputs.
    public var force = false
    /// Render only this share of the inputs (`--shard K/N`); `mergeIndex` joins the shares.
    public var shard: Shard?
    /// How failure reasons spell options: by meaning unless a front end passes its own names
    /// (the CLI: its flags, so index.md says "--out").
    public var optionNames: @Sendable (OptionName) -> String = { $0.meaning }

    /// Batch options from the ingest and render options every unit uses.
    public init(ingest: IngestOptions, render: RenderOptions) {
        self.ingest = ingest
        self.render = render
    }
}

/// The result of a batch.
public struct BatchResult: Sendable {
    /// Every unit with its outcome, in discovery order.
    public var units: [(BatchUnit, BatchOutcome)]
    /// Index and evidence files written at the top of the output folder.
    public var indexFiles: [String]

    /// Units that failed.
    public var failures: [(BatchUnit, String)] {
        units.compactMap { unit, outcome in
            if case .failed(let reason, _) = outcome { return (unit, reason) }
            return nil
        }
    }
}
