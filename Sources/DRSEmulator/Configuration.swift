import Foundation

/// What the emulator serves.
public enum EmulatorDataset: Sendable, Equatable {
    /// Replay an archive (format v1) from this folder.
    case archive(path: String)
    /// A deterministic generated MySQL→MySQL job of this shape (seeded by `EmulatorConfiguration.seed`).
    case generated(GeneratedShape)
}

/// Which credentials the emulator accepts; with neither set, every request is accepted.
public struct EmulatorAuth: Sendable, Equatable {
    /// The accepted `X-Auth-Token` value.
    public var token: String?
    /// Accepted AK → SK pairs for `SDK-HMAC-SHA256` signatures.
    public var accessKeys: [String: String]

    /// Creates an auth setting; pass a token, an AK/SK pair, both, or nothing (no auth).
    public init(token: String? = nil, accessKey: String? = nil, secretKey: String? = nil) {
        self.token = token
        if let accessKey, let secretKey { accessKeys = [accessKey: secretKey] } else { accessKeys = [:] }
    }

    /// No auth: every request is accepted.
    public static let none = EmulatorAuth()

    /// Whether any credential is required.
    public var isRequired: Bool { token != nil || !accessKeys.isEmpty }
}

/// One injected fault.
public struct FaultSpec: Sendable, Equatable, CustomStringConvertible {
    /// The kind of fault.
    public enum Kind: String, Sendable, CaseIterable {
        /// HTTP 429 APIGW.0308 with Retry-After.
        case throttle = "429"
        /// HTTP 500 DRS.M00004.
        case serverError = "500"
        /// Sleep `delay` seconds, then answer normally.
        case slow
        /// Send the status and the full Content-Length but only half the body, then close.
        case truncate
        /// Close the connection without a response.
        case drop
    }

    /// The kind.
    public var kind: Kind
    /// Probability per request, 0–1.
    public var rate: Double
    /// Fire on exactly this request (1-based, counting every request).
    public var nth: Int?
    /// Seconds: Retry-After for 429, sleep for `slow`, a wait before acting for the others.
    public var delay: Double?

    /// Creates a fault; without `rate` and `nth` it fires on every request.
    public init(kind: Kind, rate: Double? = nil, nth: Int? = nil, delay: Double? = nil) {
        self.kind = kind
        self.rate = rate ?? (nth == nil ? 1 : 0)
        self.nth = nth
        self.delay = delay
    }

    /// Parses `KIND[:rate=R][:nth=N][:delay=S]`.
    public static func parse(_ text: String) throws -> FaultSpec {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let kind = Kind(rawValue: parts[0].lowercased()) else {
            throw EmulatorError("--fault \(text): unknown kind \"\(parts[0])\"; use 429, 500, slow, truncate or drop")
        }
        var rate: Double?
        var nth: Int?
        var delay: Double?
        for option in parts.dropFirst() {
            let pair = option.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw EmulatorError("--fault \(text): \"\(option)\" is not name=value") }
            switch pair[0] {
            case "rate":
                guard let value = Double(pair[1]), (0...1).contains(value) else {
                    throw EmulatorError("--fault \(text): rate must be a number from 0 to 1")
                }
                rate = value
            case "nth":
                guard let value = Int(pair[1]), value >= 1 else {
                    throw EmulatorError("--fault \(text): nth must be an integer ≥ 1")
                }
                nth = value
            case "delay":
                guard let value = Double(pair[1]), value >= 0, value.isFinite else {
                    throw EmulatorError("--fault \(text): delay must be seconds ≥ 0")
                }
                delay = value
            default:
                throw EmulatorError("--fault \(text): unknown option \"\(pair[0])\"; use rate, nth or delay")
            }
        }
        return FaultSpec(kind: kind, rate: rate, nth: nth, delay: delay)
    }

    /// `KIND:rate=R[:nth=N][:delay=S]`.
    public var description: String {
        var text = "\(kind.rawValue):rate=\(rate)"
        if let nth { text += ":nth=\(nth)" }
        if let delay { text += ":delay=\(delay)" }
        return text
    }
}

/// Everything the emulator needs to start.
public struct EmulatorConfiguration: Sendable {
    /// What to serve.
    public var dataset: EmulatorDataset
    /// Accepted credentials.
    public var auth: EmulatorAuth
    /// Injected faults, checked in order for every authenticated request.
    public var faults: [FaultSpec]
    /// Seconds a created comparison task stays RUNNING.
    public var taskDuration: TimeInterval
    /// Address to bind.
    public var host: String
    /// Port to bind; 0 picks a free port.
    public var port: Int
    /// Seed of the generated dataset, the fault RNG and new task ids.
    public var seed: UInt64

    /// Creates a configuration; defaults bind 127.0.0.1 on a free port with no auth and no faults.
    public init(
        dataset: EmulatorDataset, auth: EmulatorAuth = .none, faults: [FaultSpec] = [], taskDuration: TimeInterval = 3,
        host: String = "127.0.0.1", port: Int = 0, seed: UInt64 = 0
    ) {
        self.dataset = dataset
        self.auth = auth
        self.faults = faults
        self.taskDuration = taskDuration
        self.host = host
        self.port = port
        self.seed = seed
    }
}
