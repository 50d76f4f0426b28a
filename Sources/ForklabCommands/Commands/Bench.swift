extension CommandSpec {
    static let bench: CommandSpec = CommandSpec(
        name: "bench",
        aliases: [],
        usage: "bench PRIMITIVE [N]",
        summary: "time one primitive N times, as lmbench does",
        book: nil,
        details: """
            Times N operations of one primitive, each on its own after a warm-up of a
            tenth more, and prints their mean, min, p50 and p99 in the manner of lmbench:
              fork+exit+wait: 312.4 µs  (min 280.1, p50 312.4, p99 520.7; 2000 runs)
            PRIMITIVE is one of
              fork         fork, the child calls _exit(0), waitpid          N 2000
              spawn        fork, the child execs /bin/true, waitpid         N 500
              vfork        vfork, the child execs /bin/true, waitpid        N 1000
              posix_spawn  posix_spawn of /bin/true, waitpid                N 1000
              thread       pthread_create of a thread that returns, join    N 10000
              mutex        lock and unlock, alone, then with 2 threads      N 1000000
              queue        a message through forklab's queue, 1 producer
                           thread and 1 consumer                            N 1000000
              pipe         one byte to another process and back, through
                           two pipes, as perf bench sched pipe does         N 20000
              all          each of these in turn
            and N (1…1000000) replaces the default on the right. mutex and queue time
            batches of 100 operations, since reading the clock costs about as much as
            one of them; their percentiles are of those batches' means.

            It answers what the experiments cost at the level of the kernel: a fork
            next to a thread, next to a queue hand-off. On a terminal a progress bar
            shows while a measurement runs longer than a second; Ctrl-C stops it.
            """,
        keywords: BenchTarget.allCases.map(\.rawValue),
        isMeasurement: true,
        parse: { spec, arguments throws(ParseError) in
            let names = BenchTarget.allCases.map(\.rawValue)
            guard let first = arguments.first else {
                throw ParseError(.missingWord(
                    command: spec.name, what: "PRIMITIVE, one of \(names.joined(separator: ", "))", usage: spec.usage))
            }
            guard let target = BenchTarget(rawValue: first.text) else {
                throw ParseError(.unknownChoice(
                    command: spec.name, what: "primitive", allowed: names, got: first.text,
                    suggestion: closest(to: first.text, among: names)))
            }
            let rest = arguments.dropFirst()
            guard let count = rest.first else { return .bench(target, runs: nil) }
            let runs = try spec.number(count, name: "N", in: Limits.benchRuns)
            try spec.expectEnd(rest.dropFirst())
            return .bench(target, runs: runs)
        })
}
