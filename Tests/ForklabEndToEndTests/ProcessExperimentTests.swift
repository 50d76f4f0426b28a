import Foundation
import Testing

extension EndToEnd {
    @Suite struct ProcessExperiments {
        /// How stdout reaches the test.
        enum Sink: CaseIterable { case pipe, file }

        @Test("fork: every parent and child line appears once, with matching pids", arguments: Sink.allCases)
        func forkLinesOnce(sink: Sink) {
            let result = forklab("fork 3", RunOptions(stdoutToFile: sink == .file))
            #expect(result.status == 0)
            #expect(result.stderr == "")
            let lines = result.traceLines.compactMap(TraceLine.init)
            #expect(lines.count == result.traceLines.count)
            let parents = lines.filter { $0.kind == .parentHello }
            let children = lines.filter { $0.kind == .childHello }
            #expect(parents.count == 3)
            #expect(parents.allSatisfy { $0.numbers.count == 2 && $0.numbers[0] == Int(result.pid) })
            #expect(Set(parents.map { $0.numbers[1] }).count == 3)
            #expect(children.allSatisfy { $0.numbers.count == 1 && $0.note.isEmpty })
            #expect(multiset(children.map { $0.numbers[0] }) == multiset(parents.map { $0.numbers[1] }))
            #expect(result.stdoutLines.last?.hasPrefix("# fork: 3 children forked, 3 reaped, 0 left; ") == true)
            #expect(result.stdoutLines.last?.hasSuffix(" µs per fork+wait") == true)
        }

        @Test("fork 300: 600 lines, each exactly once, through a pipe and a file", arguments: Sink.allCases)
        func manyForksOnce(sink: Sink) {
            let result = forklab("fork 300", RunOptions(stdoutToFile: sink == .file))
            #expect(result.status == 0)
            let lines = result.traceLines
            #expect(lines.count == 600)
            #expect(Set(lines).count == 600)
            let children = Set(lines.compactMap(TraceLine.init).filter { $0.kind == .childHello }.map { $0.numbers[0] })
            let parents = Set(lines.compactMap(TraceLine.init).filter { $0.kind == .parentHello }.map { $0.numbers[1] })
            #expect(children == parents)
            #expect(children.count == 300)
        }

        @Test("forkexit: every child prints 1 and exits 1; the parent's counter stays 0", arguments: Sink.allCases)
        func forkExitAlwaysOne(sink: Sink) {
            let result = forklab("forkexit 4", RunOptions(stdoutToFile: sink == .file))
            #expect(result.status == 0)
            let lines = result.traceLines.compactMap(TraceLine.init)
            #expect(lines.count == 8)
            // The parent waits for each child, so each child's line comes first.
            for pair in stride(from: 0, to: lines.count, by: 2) {
                let child = lines[pair], parent = lines[pair + 1]
                #expect(child.kind == .childHello && child.numbers.count == 2 && child.numbers[1] == 1)
                #expect(parent.kind == .parentGot && parent.numbers == [child.numbers[0], 256, 1] && parent.note.isEmpty)
            }
            #expect(result.stdoutLines.last?.hasPrefix(
                "# forkexit: 4 children reaped, each exited 1; the parent's exitstat is still 0: each child changed only its own copy; ") == true)
        }

        @Test("spawn child.sh 3: the book's child gets its number and pids match", arguments: Sink.allCases)
        func spawnBookChild(sink: Sink) {
            let result = forklab("spawn child.sh 3", RunOptions(stdoutToFile: sink == .file))
            #expect(result.status == 0)
            #expect(result.stderr == "")
            let lines = result.traceLines.compactMap(TraceLine.init)
            #expect(lines.count == 9)
            let started = lines.filter { $0.kind == .childIs }.map { $0.numbers[0] }
            #expect(started.count == 3)
            let hellos = lines.filter { $0.kind == .childHello }
            #expect(Set(hellos.map { $0.numbers }) == Set(started.enumerated().map { [$0.element, $0.offset + 1] }))
            let reaped = lines.filter { $0.kind == .parentGot }
            #expect(Set(reaped.map { $0.numbers }) == Set(started.map { [$0, 0, 0] }))
            #expect(result.stdoutLines.last?.hasPrefix("# spawn: 3 children started, 3 reaped, 0 left (3 exited 0); ") == true)
        }

        @Test("spawn without N runs the program once with no argument")
        func spawnWithoutCount() {
            let result = forklab("spawn child.sh")
            let hello = result.traceLines.compactMap(TraceLine.init).filter { $0.kind == .childHello }
            #expect(hello.count == 1 && hello[0].numbers.count == 1 && hello[0].note.isEmpty)
        }

        @Test("spawn -- ARG… gives every child the same arguments, quoted words intact")
        func spawnArguments() {
            let result = forklab("spawn echo 2 -- 'two words' x")
            #expect(result.status == 0)
            #expect(result.traceLines.filter { $0 == "two words x" }.count == 2)
        }

        @Test("spawn -- ARG… puts each child's number in place of every argument that is exactly {}")
        func spawnNumberPlaceholder() {
            let result = forklab("spawn echo 3 -- child {} a{} {}")
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(result.traceLines.filter { !$0.hasPrefix("Child is ") && !$0.hasPrefix("Parent got ") }.sorted()
                == ["child 1 a{} 1", "child 2 a{} 2", "child 3 a{} 3"])
        }

        @Test("in a script an empty line repeats nothing, and each spawn numbers its children from 1")
        func spawnInScriptStartsAtOne() {
            let result = runForklab([], RunOptions(stdin: Array("spawn echo 2 -- n {}\n\nspawn echo 2 -- n {}\n".utf8)))
            #expect(result.status == 0)
            #expect(result.stderr == "")
            #expect(result.traceLines.filter { $0.hasPrefix("n ") }.sorted() == ["n 1", "n 1", "n 2", "n 2"])
        }

        @Test("spawn child.py 3: the book's Python child is found in the programs folder and gets its number")
        func spawnBookPythonChild() {
            // Needed, as by the twin tests: a missing python3 is a failure, not a skip.
            #expect(pythonAvailable, "python3 is needed on PATH for scripts/child.py")
            let result = forklab("spawn child.py 3")
            #expect(result.status == 0)
            #expect(result.stderr == "")
            let lines = result.traceLines.compactMap(TraceLine.init)
            #expect(lines.count == 9)
            let started = lines.filter { $0.kind == .childIs }.map { $0.numbers[0] }
            let hellos = lines.filter { $0.kind == .childHello }
            #expect(Set(hellos.map { $0.numbers }) == Set(started.enumerated().map { [$0.element, $0.offset + 1] }))
            #expect(result.stdoutLines.last?.hasPrefix("# spawn: 3 children started, 3 reaped, 0 left (3 exited 0); ") == true)
        }

        @Test("spawn of a missing program: reported by the parent, child status 127, command fails")
        func spawnMissing() {
            let result = forklab("spawn nosuch-program-forklab 3")
            #expect(result.status == 1)
            #expect(result.stderrLines == ["forklab: line 1: cannot run 'nosuch-program-forklab': No such file or directory"])
            let lines = result.traceLines.compactMap(TraceLine.init)
            #expect(lines.map(\.kind) == [.childIs, .parentGot])
            #expect(lines[1].numbers == [lines[0].numbers[0], 32512, 127])
            #expect(result.stdoutLines.last?.hasPrefix("# spawn: 1 child started, 1 reaped, 0 left (1 could not run); ") == true)
        }

        @Test("under a low descriptor limit, spawn names itself and the call that failed")
        func spawnOutOfDescriptors() {
            // 0, 1, 2 and the self-pipe leave one number free under 6: no room for a pipe.
            let script = forklab("spawn true", RunOptions(descriptorLimit: 6))
            #expect(script.status == 1)
            #expect(script.stderrLines == ["forklab: line 1: spawn: pipe2 failed: Too many open files"])
            // From a piped stdin, children get /dev/null, which comes first.
            let piped = runForklab([], RunOptions(stdin: Array("spawn true\n".utf8), descriptorLimit: 5))
            #expect(piped.status == 1)
            #expect(piped.stderrLines == ["forklab: line 1: spawn: open /dev/null failed: Too many open files"])
        }

        @Test("spawn of a file that is not executable: exit code 126, Permission denied")
        func spawnNotExecutable() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("plain.txt")
            try "echo hi\n".write(to: file, atomically: true, encoding: .utf8)
            let result = forklab("spawn \(file.path)")
            #expect(result.status == 1)
            #expect(result.stderrLines == ["forklab: line 1: cannot run '\(shownInMessage(file.path))': Permission denied"])
            let got = result.traceLines.compactMap(TraceLine.init).filter { $0.kind == .parentGot }
            #expect(got.map { Array($0.numbers.dropFirst()) } == [[32256, 126]])
        }

        @Test("a program that really exits 127 is a result, not a failure to run")
        func spawnRealExit127() {
            let result = forklab("spawn sh -- -c 'exit 127'")
            #expect(result.status == 0)
            #expect(result.stderr == "")
            let got = result.traceLines.compactMap(TraceLine.init).filter { $0.kind == .parentGot }
            #expect(got.map { Array($0.numbers.dropFirst()) } == [[32512, 127]])
            #expect(result.stdoutLines.last?.hasPrefix("# spawn: 1 child started, 1 reaped, 0 left (1 exited non-zero); ") == true)
        }

        @Test("a child killed by a signal is named: (killed by SIGKILL)")
        func spawnKilled() {
            let result = forklab("spawn sh -- -c 'kill -9 $$'")
            #expect(result.status == 0)
            let got = result.traceLines.compactMap(TraceLine.init).filter { $0.kind == .parentGot }
            #expect(got.count == 1)
            #expect(Array(got[0].numbers.dropFirst()) == [9, 0])
            #expect(got[0].note == "(killed by SIGKILL)")
        }

        @Test("spawn runs all children at once and reaps each as it ends, last started first reaped")
        func spawnReapsInEndOrder() throws {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let sleeper = folder.appendingPathComponent("sleeper")
            // Child i sleeps 0.6 × (3 − i) s: the last one started ends first.
            try "#!/bin/sh\nexec sleep $(( (3 - $1) * 6 / 10 )).$(( (3 - $1) * 6 % 10 ))\n"
                .write(to: sleeper, atomically: true, encoding: .utf8)
            chmod(sleeper.path, 0o755)
            let result = forklab("spawn \(sleeper.path) 3")
            #expect(result.status == 0)
            let lines = result.traceLines.compactMap(TraceLine.init)
            #expect(lines.map(\.kind) == [.childIs, .childIs, .childIs, .parentGot, .parentGot, .parentGot])
            let started = lines.prefix(3).map { $0.numbers[0] }
            let reaped = lines.suffix(3).map { $0.numbers[0] }
            #expect(reaped == started.reversed())
        }
    }
}

/// Whether python3 is on the PATH forklab gets in these tests
/// (`testEnvironment`): scripts/child.py needs it, as the twin and fault
/// tests do; forklab itself does not.
let pythonAvailable: Bool = (testEnvironment(home: URL(fileURLWithPath: "/"))["PATH"] ?? "")
    .split(separator: ":").contains { access("\($0)/python3", X_OK) == 0 }
