import Foundation
import Testing

/// Thread experiments at the machine's limits: an unbounded queue out of
/// memory, and a limit on threads.
extension EndToEnd.ThreadExperiments {
    @Suite struct Limits {
        @Test("an unbounded queue that runs out of memory stops produce with an error, not a crash")
        func queueOutOfMemory() throws {
            // 80 MB of address space: the queue of 8-byte messages fills it
            // long before 100 million are put.
            let home = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: home) }
            let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
            let errors = makePipe()
            let pid = spawnProcess("/usr/bin/prlimit", ["--as=80000000", forklabPath, "-c",
                                   "produce 10 consume 1 messages 10000000; race 1 count 1"],
                                   environment: testEnvironment(home: home),
                                   stdin: -1, stdout: null, stderr: errors.write)
            close(null)
            close(errors.write)
            let ending = reap(pid, within: 120)
            let stderr = readToEnd(errors.read)
            #expect(ending == Ending(exitCode: 1))
            #expect(try /forklab: line 1: produce: no memory left for the queue with \d+ messages in it; bound it with capacity K\n/.wholeMatch(in: stderr) != nil, "\(stderr)")
        }

        @Test("under a thread limit, race and produce stop, join what they started and say how far they got")
        func threadLimit() throws {
            // Threads that wait make the limit bind for sure: race's wait at
            // their gate until all are started, consumers on the empty queue.
            let result = try runUnderTaskLimit(["-c", "race 100 count 1; produce 50 consume 50; race 1 count 1"], room: 6)
            #expect(result.status == 1)
            let errors = result.stderrLines
            try #require(errors.count == 2)
            let race = (0..<100).first { errors[0] == "forklab: line 1: race: " + threadFailedPartWay(made: $0, of: 100) }
            #expect(race != nil, "\(errors[0])")
            #expect(result.stdoutLines.contains("# race: 100 threads × 1 increment; no run completed"))
            let produce = try #require((0..<100).first { errors[1] == "forklab: line 1: produce: " + threadFailedPartWay(made: $0, of: 100) })
            #expect(result.stdoutLines.contains { $0.hasPrefix("# produce: 0 produced, 0 consumed, 0 lost; 0 producers and \(produce) consumers joined") })
            // The script went on: race ran with its one thread.
            #expect(result.traceLines.contains("race lock: expected 1 got 1 lost 0"))
        }
    }
}
