// The words and numbers on a timeline: the experiment as typed, durations
// and ticks, a program's name made safe, a failed exec in the legend.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine
import ForklabWords

extension TimelinePictures {
    @Suite struct Labels {
        @Test("the header names the experiment as it was typed")
        func titles() {
            #expect(Experiment.spawn(SpawnPlan(program: "ls", count: 1, numbered: false, arguments: [])).command == "spawn ls")
            #expect(Experiment.spawn(SpawnPlan(program: "echo", count: 2, numbered: false, arguments: ["a", "b"])).command
                == "spawn echo 2 -- a b")
            #expect(Experiment.threads(ThreadsPlan(threads: 5, count: 5, locked: false, joined: false)).command
                == "threads 5 count 5 nolock nojoin")
            #expect(Experiment.produce(ProducePlan(producers: 4, consumers: 2, messages: 8, capacity: 3)).command
                == "produce 4 consume 2 messages 8 capacity 3")
            #expect(Experiment.threads(ThreadsPlan(threads: 3, count: 3, locked: true, joined: true, sleep: 50_000_000)).command
                == "threads 3 count 3 sleep 0.05")
            #expect(Experiment.threads(ThreadsPlan(threads: 5, count: 5, locked: false, joined: false, sleep: 1_000_000_000))
                .command == "threads 5 count 5 sleep 1 nolock nojoin")
            #expect(Experiment.produce(ProducePlan(producers: 4, consumers: 2, messages: 4, capacity: nil, sleep: 2_500_000_000))
                .command == "produce 4 consume 2 sleep 2.5")
            #expect(Experiment.forkExit(count: 2).command == "forkexit 2")
        }

        @Test("durations read with three digits and ticks exactly")
        func timeFormats() {
            #expect(formatDuration(840, micro: "µs") == "840 ns")
            #expect(formatDuration(1_244_900, micro: "µs") == "1.24 ms")
            #expect(formatDuration(999_700, micro: "us") == "1.00 ms")
            #expect(formatDuration(910_200_000, micro: "µs") == "910 ms")
            #expect(formatTick(1_500_000, micro: "µs") == "1.5 ms")
            #expect(formatTick(250_000, micro: "us") == "250 us")
            #expect(formatTick(2_000_000_000, micro: "µs") == "2 s")
        }

        @Test("a program's name is shown without its control characters, and in ASCII without anything else")
        func programNamesCannotReachTheTerminal() {
            let program = "evil\u{1b}[2J\tnamé"
            let spawn = record(.spawn(SpawnPlan(program: program, count: 1, numbered: false, arguments: [])),
                               parent: 7000, duration: 100, [
                at(10, 7000, .trace(.spawned(child: 7001))),
                at(20, 7001, .exec),
                at(90, 7000, .trace(.reaped(child: 7001, status: .exited(0)))),
            ])
            let unicode = Timeline(record: spawn, width: 120, unicode: true).render()
            #expect(!unicode.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
            #expect(unicode.contains("timeline of spawn evil?[2J?namé") && unicode.contains("the child becomes evil?[2J?namé"))
            let ascii = Timeline(record: spawn, width: 120, unicode: false).render()
            #expect(ascii.utf8.allSatisfy { $0 == 0x0a || (0x20...0x7e).contains($0) })
            #expect(ascii.contains("timeline of spawn evil?[2J?nam?"))
        }

        @Test("a byte of a program's name that is not UTF-8 is drawn as U+FFFD, in ASCII as ?")
        func programNameBytesThatAreNotUTF8() {
            let program = "a" + String(rawBytes: [0xff]) + "b"
            let spawn = record(.spawn(SpawnPlan(program: program, count: 1, numbered: false, arguments: [])),
                               parent: 7000, duration: 100, [
                at(10, 7000, .trace(.spawned(child: 7001))),
                at(20, 7001, .exec),
                at(90, 7000, .trace(.reaped(child: 7001, status: .exited(0)))),
            ])
            #expect(Timeline(record: spawn, width: 120, unicode: true).render().contains("timeline of spawn a\u{fffd}b"))
            #expect(Timeline(record: spawn, width: 120, unicode: false).render().contains("timeline of spawn a?b"))
        }

        @Test("a child whose exec failed is drawn alive, not running the program, up to its exit 127")
        func failedExec() {
            let spawn = record(.spawn(SpawnPlan(program: "nosuch", count: 1, numbered: false, arguments: [])),
                               parent: 7000, duration: 100, [
                at(10, 7000, .trace(.spawned(child: 7001))),
                at(20, 7001, .exec),
                at(60, 7001, .exit(code: 127)),
                at(90, 7000, .trace(.reaped(child: 7001, status: .exited(127)))),
            ])
            let picture = Timeline(record: spawn, width: 80, unicode: true).render()
            let lane = picture.split(separator: "\n").first { $0.hasPrefix("child 7001") }
            #expect(lane?.contains("E") == true && lane?.contains("X") == true && lane?.hasSuffix("exit 127") == true)
            #expect(lane?.contains("═") == false)
            #expect(picture.contains("E execvp: the child tries to become nosuch") && !picture.contains("running nosuch"))
        }
    }
}
