import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Request context that keeps the connection, so a `drop` fault can close it without answering.
struct EmulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Thrown to make Hummingbird close a connection (truncate / drop faults).
struct ConnectionAbort: Error {}

/// Hands every request to the engine and turns its action into HTTP.
struct EmulatorResponder: HTTPResponder {
    typealias Context = EmulatorRequestContext
    let engine: Engine

    /// Largest request body accepted.
    static let maxBody = 16 * 1024 * 1024

    func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.maxBody)
        } catch {
            let reply = engine.bodyTooLarge()
            var headers = Self.fields(reply.headers)
            headers[.connection] = "close"
            return Response(
                status: .init(code: reply.status), headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
        }
        var headers: [(String, String)] = request.headers.map { ($0.name.rawName, $0.value) }
        // HTTP/1 Host arrives as the :authority pseudo header; the signature covers it as `host`.
        if let authority = request.head.authority, !headers.contains(where: { $0.0.lowercased() == "host" }) {
            headers.append(("host", authority))
        }
        let emuRequest = EmuRequest(
            method: request.method.rawValue, path: request.uri.path, rawQuery: request.uri.query, headers: headers,
            body: Data(buffer.readableBytesView))
        switch await engine.handle(emuRequest) {
        case .reply(let reply):
            return Response(
                status: .init(code: reply.status), headers: Self.fields(reply.headers),
                body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
        case .truncate(let reply):
            // Status, headers and the full Content-Length go out, then half the body; throwing from the body
            // writer makes Hummingbird close the connection, so the client sees a short body.
            let half = ByteBuffer(bytes: reply.body.prefix(reply.body.count / 2))
            return Response(
                status: .init(code: reply.status), headers: Self.fields(reply.headers),
                body: ResponseBody(contentLength: reply.body.count) { writer in
                    try await writer.write(half)
                    try await Task.sleep(nanoseconds: 100_000_000)  // let the half leave before the close
                    throw ConnectionAbort()
                })
        case .drop:
            // Close the socket before anything is written; the error response Hummingbird then tries to write fails.
            try? await context.channel.close()
            throw ConnectionAbort()
        }
    }

    static func fields(_ pairs: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return fields
    }
}

/// A DRS emulator listening on a local port.
public final class RunningEmulator: Sendable {
    /// The port it listens on.
    public let port: Int
    /// The address it is bound to.
    public let host: String
    /// The dataset it serves.
    public let dataset: LoadedDataset
    private let engine: Engine
    private let group: ServiceGroup
    private let task: Task<Void, Never>

    /// `http://HOST:PORT` (127.0.0.1 when bound to all addresses).
    public var baseURL: String { "http://\(host == "0.0.0.0" || host.isEmpty ? "127.0.0.1" : host):\(port)" }
    /// The project id of the served job.
    public var projectId: String { dataset.projectId }
    /// The served job id.
    public var jobId: String { dataset.jobId }
    /// Requests received so far (all of them, including refused ones).
    public var requestCount: Int { engine.requestCount }

    private init(
        port: Int, host: String, dataset: LoadedDataset, engine: Engine, group: ServiceGroup, task: Task<Void, Never>
    ) {
        self.port = port
        self.host = host
        self.dataset = dataset
        self.engine = engine
        self.group = group
        self.task = task
    }

    /// Loads the dataset, binds, and returns once the server is listening.
    public static func start(_ config: EmulatorConfiguration) async throws -> RunningEmulator {
        let dataset = try LoadedDataset.load(config.dataset, seed: config.seed)
        return try await start(config, dataset: dataset)
    }

    /// Starts serving an already loaded dataset.
    public static func start(_ config: EmulatorConfiguration, dataset: LoadedDataset) async throws -> RunningEmulator {
        let engine = Engine(dataset: dataset, config: config)
        var logger = Logger(label: "drs-emulator")
        logger.logLevel =
            ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        let (events, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = Application(
            responder: EmulatorResponder(engine: engine),
            configuration: ApplicationConfiguration(
                address: .hostname(config.host, port: config.port), serverName: nil),
            onServerRunning: { channel in continuation.yield(.success(channel.localAddress?.port ?? config.port)) },
            logger: logger)
        // Our own group (no signal handling) so `stop()` can shut the server down gracefully.
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            do {
                try await group.run()
            } catch {
                continuation.yield(.failure(error))
            }
            continuation.finish()
        }
        for await event in events {
            switch event {
            case .success(let port):
                return RunningEmulator(
                    port: port, host: config.host, dataset: dataset, engine: engine, group: group, task: task)
            case .failure(let error):
                throw EmulatorError("cannot listen on \(config.host):\(config.port): \(error)")
            }
        }
        throw EmulatorError("the server stopped before it was listening on \(config.host):\(config.port)")
    }

    /// Stops the server and waits until it has shut down (gracefully; cancelled after 5 s).
    public func stop() async {
        await group.triggerGracefulShutdown()
        let task = self.task
        let watchdog = Task {
            try? await Task.sleep(nanoseconds: 5_000_000_000)
            if !Task.isCancelled { task.cancel() }
        }
        await task.value
        watchdog.cancel()
    }
}
