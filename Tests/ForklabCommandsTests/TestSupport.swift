@testable import ForklabCommands

/// The texts of the words of each command on `line`.
func words(_ line: String) throws(ParseError) -> [[String]] {
    try Tokenizer.split(line).map { $0.map(\.text) }
}

/// The message of the quoting error that spoils `line`, nil when it splits.
func tokenizerMessage(_ line: String) -> String? {
    do {
        _ = try Tokenizer.split(line)
        return nil
    } catch {
        return error.description
    }
}

struct NotOneCommand: Error {
    var count: Int
}

/// The one command on `line`, or the error that refuses it.
func command(_ line: String) throws -> Command {
    let results = try Parser.parse(line: line)
    guard results.count == 1 else { throw NotOneCommand(count: results.count) }
    return try results[0].get()
}

/// The message forklab prints (after `forklab: `) for `line`; nil when it parses.
func message(_ line: String) -> String? {
    do {
        _ = try command(line)
        return nil
    } catch let error as ParseError {
        return error.description
    } catch {
        return "not a ParseError: \(error)"
    }
}

/// The kind of the error that refuses `line`; nil when it parses.
func errorKind(_ line: String) -> ParseError.Kind? {
    do {
        _ = try command(line)
        return nil
    } catch let error as ParseError {
        return error.kind
    } catch {
        return nil
    }
}

/// A completer over a fixed set of program names and paths, as a test's
/// file system; `programPrefixes` and `pathPrefixes` record what each
/// closure was asked about.
final class FakeFileSystem {
    var programs: [String]
    var paths: [String]
    var programPrefixes: [String] = []
    var pathPrefixes: [String] = []

    init(programs: [String] = [], paths: [String] = []) {
        self.programs = programs
        self.paths = paths
    }

    var completer: Completer {
        Completer(
            programs: { prefix in
                self.programPrefixes.append(prefix)
                return self.programs.filter { $0.hasPrefix(prefix) }
            },
            paths: { prefix in
                self.pathPrefixes.append(prefix)
                return self.paths.filter { $0.hasPrefix(prefix) }
            })
    }
}

/// A small deterministic random number generator (xorshift64*), so that the
/// fuzz tests run the same lines every time.
struct Xorshift: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}
