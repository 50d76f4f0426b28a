import Foundation
import Testing

/// What thread experiments leave in forklab: one thread, no children, and
/// no stacks, arenas or queue pages mapped.
extension EndToEnd.ThreadExperiments {
    @Suite struct Leftovers {
        @Test("after every thread command forklab is back to one thread, and fork still works")
        func oneThreadAfterEach() {
            let live = LiveForklab(pipes: [])
            for (command, summary) in [
                ("threads 8 count 200", "# threads: 8 threads started and joined"),
                ("threads 8 count 200 nolock nojoin", "# threads: 8 threads started and joined"),
                ("produce 8 consume 8 messages 100 capacity 3", "# produce: 800 produced, 800 consumed, 0 lost"),
                ("race 8 count 10000", "# race: 8 threads"),
                ("fork 3", "# fork: 3 children forked, 3 reaped, 0 left"),
            ] {
                live.send(command + "\n")
                live.expect(summary)
                #expect(settledThreadCount(of: live.pid) == 1, "after \(command)")
                #expect(children(of: live.pid).isEmpty, "after \(command)")
            }
            live.closeInput()
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }

        @Test("thread experiments leave no thread stacks, malloc arenas or queue pages mapped")
        func nothingLeftMapped() {
            // Every mapping left behind makes each later fork dearer. Thread
            // stacks and malloc arenas come with inaccessible (---p) guard
            // mappings, which must not appear even the first time; and once
            // each command has run (the runtime may keep a small allocation
            // from its first use), running it again must leave exactly the
            // same anonymous mappings: no queue segment, no stack.
            let live = LiveForklab(pipes: [])
            func anonymous() -> [String] {
                ((try? String(contentsOfFile: "/proc/\(live.pid)/maps", encoding: .utf8)) ?? "")
                    .split(separator: "\n").map(String.init)
                    .filter { $0.split(separator: " ", omittingEmptySubsequences: true).count == 5 }
            }
            let commands = [
                ("threads 50 count 100", "# threads: 50 threads started and joined"),
                ("produce 4 consume 2 messages 100000 capacity 200000", "# produce: 400000 produced"),
                ("race 4 count 10000", "# race: 4 threads"),
            ]
            live.send("fork 1\n")
            live.expect("# fork: 1 child forked")
            let guards = anonymous().filter { $0.contains(" ---p ") }
            for (command, summary) in commands {
                live.send(command + "\n")
                live.expect(summary, within: 60)
                #expect(anonymous().filter { $0.contains(" ---p ") } == guards, "after \(command)")
            }
            let warm = anonymous()
            for (command, summary) in commands {
                live.send(command + "\n")
                live.expect(summary, within: 60)
                let now = anonymous()
                #expect(now == warm, "after \(command) again: \(Set(now).symmetricDifference(warm).sorted())")
            }
            live.closeInput()
            #expect(live.waitForExit() == Ending(exitCode: 0))
        }
    }
}
