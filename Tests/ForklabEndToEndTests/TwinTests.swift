import Foundation
import Testing

/// scripts/bench compares forklab with C twins (benchmarks/c) and the book's
/// programs re-created in Python (benchmarks/python). The comparison is fair
/// only if they do the same work: these tests run each at a tiny size and
/// check that its stdout is forklab's, line for line as multisets, with what
/// legitimately differs masked (pids, which consumer took a message, measured
/// figures, race's losses). Nothing here depends on timing.
extension EndToEnd {
    @Suite struct Twins {
        enum Twin: String, CaseIterable, CustomStringConvertible {
            case c = "C twin"
            case python = "Python program"
            var description: String { rawValue }
        }

        @Test("fork: the C twin and the Python program print forklab's lines", arguments: Twin.allCases)
        func fork(twin: Twin) {
            let (ours, theirs) = compare("fork 3", twin)
            for result in [ours, theirs] { expectMatchingPids(result, children: 3) }
        }

        @Test("forkexit: the C twin and the Python program print forklab's lines, each child before its reap",
              arguments: Twin.allCases)
        func forkExit(twin: Twin) {
            let (ours, theirs) = compare("forkexit 3", twin)
            for result in [ours, theirs] {
                let lines = result.traceLines.compactMap(TraceLine.init)
                #expect(lines.map(\.kind) == [TraceLine.Kind](
                    repeating: .childHello, count: 3).flatMap { [$0, .parentGot] })
                for pair in stride(from: 0, to: lines.count - 1, by: 2) {
                    #expect(lines[pair + 1].numbers == [lines[pair].numbers[0], 256, 1])
                }
            }
        }

        @Test("spawn /bin/true: the C twin and the Python program print forklab's lines", arguments: Twin.allCases)
        func spawnTrue(twin: Twin) {
            let (ours, theirs) = compare("spawn /bin/true 2", twin)
            for result in [ours, theirs] { expectMatchingPids(result, children: 2) }
        }

        @Test("spawn child.sh N: the twins' children get their numbers as forklab's do", arguments: Twin.allCases)
        func spawnNumbered(twin: Twin) {
            let program = projectRoot.appendingPathComponent("scripts/child.sh").path
            let (ours, theirs) = compare("spawn \(program) 3", twin)
            for result in [ours, theirs] {
                let hellos = result.traceLines.compactMap(TraceLine.init).filter { $0.kind == .childHello }
                #expect(Set(hellos.map { $0.numbers.dropFirst() }) == [[1], [2], [3]])
                expectMatchingPids(result, children: 3)
            }
        }

        @Test("spawn of a missing program: the twins report it as forklab does and fail", arguments: Twin.allCases)
        func spawnMissing(twin: Twin) {
            let (ours, theirs) = compare("spawn no-such-program-here", twin, status: 1)
            #expect(ours.stderr.hasSuffix("cannot run 'no-such-program-here': No such file or directory\n"))
            #expect(theirs.stderr.hasSuffix("cannot run 'no-such-program-here': No such file or directory\n"))
        }

        @Test("threads: the C twin and the Python program print forklab's lines, each thread in order, main last",
              arguments: Twin.allCases)
        func threads(twin: Twin) {
            let (ours, theirs) = compare("threads 3 count 4", twin)
            for result in [ours, theirs] { expectThreadOrder(result, threads: 3, count: 4, mainFirst: false) }
        }

        @Test("threads nojoin: the twins print the main line first, as forklab does", arguments: Twin.allCases)
        func threadsNoJoin(twin: Twin) {
            let (ours, theirs) = compare("threads 3 count 4 nojoin", twin)
            for result in [ours, theirs] { expectThreadOrder(result, threads: 3, count: 4, mainFirst: true) }
        }

        @Test("produce: the C twin and the Python program consume every message once, as forklab does",
              arguments: Twin.allCases)
        func produce(twin: Twin) {
            let (ours, theirs) = compare("produce 2 consume 2 messages 5", twin)
            for result in [ours, theirs] {
                #expect(result.traceLines.last == "Main thread exit")
                #expect(result.traceLines.dropLast().allSatisfy {
                    $0.hasPrefix("consumer 0 got => ") || $0.hasPrefix("consumer 1 got => ")
                })
            }
        }

        @Test("produce with a capacity: the twins bound the queue as forklab does", arguments: Twin.allCases)
        func produceBounded(twin: Twin) {
            let (ours, theirs) = compare("produce 3 consume 1 messages 4 capacity 2", twin)
            for result in [ours, theirs] {
                #expect(result.stdoutLines.last?.contains(" of 2, producers waited ") == true)
            }
        }

        @Test("race: the C twin and the Python program print forklab's lines, the mutex losing nothing",
              arguments: Twin.allCases)
        func race(twin: Twin) {
            let (ours, theirs) = compare("race 2 count 1000", twin)
            for result in [ours, theirs] {
                #expect(result.traceLines.last == "race lock: expected 2000 got 2000 lost 0")
            }
        }

        // MARK: - Running the three

        /// Runs `command` through forklab and through `twin`, expects the
        /// exit `status` of both and the same stdout once masked; returns both.
        func compare(_ command: String, _ twin: Twin, status: Int32 = 0,
                     sourceLocation: SourceLocation = #_sourceLocation) -> (RunResult, RunResult) {
            let ours = forklab(command)
            let theirs = run(twin, command)
            #expect(ours.status == status, "forklab: \(ours.ending) \(ours.stderr)", sourceLocation: sourceLocation)
            #expect(theirs.status == status, "\(twin): \(theirs.ending) \(theirs.stderr)", sourceLocation: sourceLocation)
            if status == 0 {
                #expect(ours.stderr == "", sourceLocation: sourceLocation)
                #expect(theirs.stderr == "", sourceLocation: sourceLocation)
            }
            #expect(!ours.stdoutLines.isEmpty, sourceLocation: sourceLocation)
            let expected = multiset(ours.stdoutLines.map(masked))
            let got = multiset(theirs.stdoutLines.map(masked))
            #expect(got == expected, """
                \(twin) printed other lines than forklab for '\(command)'
                forklab:
                \(ours.stdout)
                \(twin):
                \(theirs.stdout)
                """, sourceLocation: sourceLocation)
            return (ours, theirs)
        }

        /// The twin's stdout for forklab's `command`: the C twin built from
        /// benchmarks/c with `cc`, or the Python program with `python3`, both
        /// given the command's words after its name.
        func run(_ twin: Twin, _ command: String) -> RunResult {
            let words = command.split(separator: " ").map(String.init)
            let (name, arguments) = (words[0], Array(words.dropFirst()))
            let benchmarks = projectRoot.appendingPathComponent("benchmarks")
            switch twin {
            case .python:
                let script = benchmarks.appendingPathComponent("python/\(name).py").path
                let result = runForklab(["python3", script] + arguments, RunOptions(binary: "/usr/bin/env"))
                if result.status == 127 {
                    Issue.record("python3 is needed on PATH for the Python programs: \(result.stderr)")
                }
                return result
            case .c:
                let folder = temporaryFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let binary = folder.appendingPathComponent(name).path
                let source = benchmarks.appendingPathComponent("c/\(name).c").path
                // Not skipped when cc is missing: the twins are part of the suite.
                let build = runForklab(["cc", "-std=c11", "-O2", "-pthread", "-Wall", "-Wextra", "-Werror",
                                        "-o", binary, source], RunOptions(binary: "/usr/bin/env"))
                guard build.status == 0 else {
                    Issue.record(build.status == 127
                        ? "a C compiler ('cc' on PATH) is needed to build the C twins: \(build.stderr)"
                        : "the C twin \(source) did not build:\n\(build.stderr)")
                    return build
                }
                return runForklab(arguments, RunOptions(binary: binary))
            }
        }

        // MARK: - What may differ

        /// The line with what differs from run to run replaced by a mark:
        /// pids, which consumer took a message, measured figures, the queue's
        /// high mark and how often producers found it full, and the updates
        /// race lost without the mutex.
        func masked(_ line: String) -> String {
            if let trace = TraceLine(line) {
                let pidCount = trace.kind == .parentHello ? 2 : 1
                let rest = trace.numbers.dropFirst(pidCount).map(String.init)
                let prefix = line.prefix { !$0.isNumber }
                return ([String(prefix) + Array(repeating: "PID", count: pidCount).joined(separator: " ")] + rest
                        + (trace.note.isEmpty ? [] : [trace.note])).joined(separator: " ")
            }
            var line = line
            line.replace(#/^consumer \d+ got => /#, with: "consumer C got => ")
            line.replace(/^race nolock: expected (\d+) got \d+ lost \d+$/) { "race nolock: expected \($0.1) got G lost L" }
            guard line.hasPrefix("# ") else { return line }
            line.replace(#/([;,]) \d+(\.\d)? (µs|ns) per /#) { "\($0.1) T per " }
            line.replace(/([;,]) \d+(\.\d)? (k |M )?msgs\/s/) { "\($0.1) R msgs/s" }
            line.replace(/the queue held at most \d+/, with: "the queue held at most Q")
            line.replace(/producers waited \d+ times?/, with: "producers waited W times")
            line.replace(/without the mutex (none lost|\d+ lost \(\d+\.\d%\))/, with: "without the mutex L")
            return line
        }

        /// Each child's pid appears in its parent's line and nowhere else.
        func expectMatchingPids(_ result: RunResult, children: Int, sourceLocation: SourceLocation = #_sourceLocation) {
            let lines = result.traceLines.compactMap(TraceLine.init)
            let forked = lines.filter { $0.kind == .parentHello }.map { $0.numbers[1] }
                + lines.filter { $0.kind == .childIs }.map { $0.numbers[0] }
            #expect(Set(forked).count == children, sourceLocation: sourceLocation)
            for kind in [TraceLine.Kind.childHello, .parentGot] {
                let seen = lines.filter { $0.kind == kind }.map { $0.numbers[0] }
                if !seen.isEmpty { #expect(Set(seen) == Set(forked), sourceLocation: sourceLocation) }
            }
        }

        /// Each thread's lines in order; the main line last, or first with nojoin.
        func expectThreadOrder(_ result: RunResult, threads: Int, count: Int, mainFirst: Bool,
                               sourceLocation: SourceLocation = #_sourceLocation) {
            var lines = result.traceLines
            let main = mainFirst ? lines.removeFirst() : lines.removeLast()
            #expect(main == "Main thread exiting...", sourceLocation: sourceLocation)
            for thread in 0..<threads {
                let own = lines.filter { $0.hasPrefix("[\(thread)] => ") }
                #expect(own == (0..<count).map { "[\(thread)] => \($0)" }, sourceLocation: sourceLocation)
            }
        }
    }
}
