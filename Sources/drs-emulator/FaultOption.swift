import ArgumentParser
import DRSEmulator

/// `--fault KIND[:rate=R][:nth=N][:delay=S]`: parsed by `FaultSpec.parse` when the argument is
/// read; a wrong spec is kept and reported by `validate()` with the parser's own message, which
/// says which part is wrong.
struct FaultOption: ExpressibleByArgument, Sendable {
    /// The spec, or the parser's message.
    let parsed: Result<FaultSpec, FaultSpecError>

    init(argument: String) {
        do {
            parsed = .success(try FaultSpec.parse(argument))
        } catch {
            parsed = .failure(FaultSpecError(message: "\(error)"))
        }
    }

    /// The spec; throws the parser's message.
    func spec() throws -> FaultSpec { try parsed.get() }
}

/// Why a `--fault` spec was refused, in the parser's words.
struct FaultSpecError: Error, CustomStringConvertible, Sendable {
    let message: String
    var description: String { message }
}
