// Ctrl-C and the Lab: an interrupt before the run starts nothing; during
// spawn it is passed on, and SIGKILL follows after the grace or a second Ctrl-C.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

extension RealProcesses {
    @Suite struct Interrupts {
        @Test("An interrupt before the run starts nothing")
        func interruptedBeforeStart() throws {
            prepareLab()
            defer { Interruption.clear() }
            // Process-directed, as kill(1) sends it: the test runner's worker
            // threads block SIGINT, so a thread-directed raise() would stay pending.
            kill(getpid(), SIGINT)
            let deadline = System.now() + 2_000_000_000
            while !Interruption.requested && System.now() < deadline { usleep(1000) }
            try #require(Interruption.requested)
            let sink = Recorder()
            #expect(runLab(.fork(count: 3), sink: sink) == .interrupted)
            #expect(sink.forked.isEmpty)
            if case let .fork(children, reaped, _, _, _)? = sink.summaries.first {
                #expect(children == 0 && reaped == 0)
            } else {
                Issue.record("no fork summary")
            }
            Interruption.clear()
            #expect(!Interruption.requested)
        }

        @Test("Ctrl-C sent by kill(1) during spawn is passed on to the children")
        func interruptForwarded() throws {
            prepareLab()
            defer { Interruption.clear() }
            let sink = Recorder()
            let plan = SpawnPlan(program: "/bin/sh", count: 1, numbered: false,
                                 arguments: ["-c", "kill -INT $PPID; exec sleep 20"])
            #expect(runLab(.spawn(plan), sink: sink) == .interrupted)
            // SIGINT, not the SIGKILL that ends the grace period: it was passed on.
            let reaped = try #require(sink.reaped.first)
            #expect(reaped.status.terminatingSignal == SIGINT)
            expectNoneLeft(sink.allPIDs)
        }

        @Test("A child that ignores SIGINT gets SIGKILL after the grace period")
        func interruptEscalatesAfterGrace() throws {
            prepareLab()
            defer { Interruption.clear() }
            let sink = Recorder()
            let plan = SpawnPlan(program: "/bin/sh", count: 1, numbered: false,
                                 arguments: ["-c", "trap '' INT; kill -INT $PPID; exec sleep 20"])
            #expect(runLab(.spawn(plan), sink: sink) == .interrupted)
            let reaped = try #require(sink.reaped.first)
            #expect(reaped.status.terminatingSignal == SIGKILL)
            expectNoneLeft(sink.allPIDs)
        }

        @Test("A second Ctrl-C kills the children at once")
        func secondInterruptKills() throws {
            prepareLab()
            defer { Interruption.clear() }
            let sink = Recorder()
            let plan = SpawnPlan(program: "/bin/sh", count: 1, numbered: false,
                                 arguments: ["-c", "trap '' INT; kill -INT $PPID; sleep 0.2; kill -INT $PPID; exec sleep 20"])
            // A grace longer than the child's sleep: only the second Ctrl-C can
            // bring the SIGKILL; without it sleep would end by itself, status 0.
            #expect(runLab(.spawn(plan), sink: sink, killGrace: 3_600_000_000_000) == .interrupted)
            let reaped = try #require(sink.reaped.first)
            #expect(reaped.status.terminatingSignal == SIGKILL)
            expectNoneLeft(sink.allPIDs)
        }
    }
}
