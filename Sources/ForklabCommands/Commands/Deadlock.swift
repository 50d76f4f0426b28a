extension CommandSpec {
    static let deadlock: CommandSpec = CommandSpec(
        name: "deadlock",
        aliases: [],
        usage: "deadlock N [ordered] [timeout T]",
        summary: "N threads lock N mutexes in a ring, and deadlock",
        book: "not in the book: the deadlock that locks taken in two orders can make",
        details: """
            Runs as a program of its own (forklab execs itself) with N threads and N
            mutexes in a ring. Thread i locks m<i>, waits at a barrier until every
            thread holds one, then locks m<i+1> (m0 for the last), prints
              [i] has m<i> and m<i+1>
            and unlocks both. Each thread notes in the shared record when it waits
            for a mutex and when it holds one. forklab watches the record: when no
            thread has made progress for T seconds (1 by default, 0.1 to 60) and the
            kernel shows every thread asleep (/proc/PID/task/TID/stat), it prints
            who holds what and waits for what,
              [0] holds m0, waits for m1
            and
              deadlock: a cycle of N threads, each waiting for the next
            then kills the program with SIGKILL, the only way to end threads stuck
            in pthread_mutex_lock, reaps it, and prints the summary. A caught
            deadlock is the experiment's outcome, not a failure.
            "ordered" has every thread take the lower-numbered of its two mutexes
            first, and no barrier: no cycle can form, every thread finishes, and the
            summary says so. N is 2…100. Ctrl-C ends a run at once.
            """,
        keywords: ["ordered", "timeout"],
        parse: { spec, arguments throws(ParseError) in
            let found = try spec.options(
                arguments, numbers: [],
                seconds: [SecondsOption(keyword: "timeout", name: "T", range: .deadlockTimeout)],
                flags: ["ordered"], free: ("N", Limits.deadlockThreads))
            guard let count = found.free else {
                throw ParseError(.missingWord(command: spec.name, what: "N", usage: spec.usage))
            }
            return .deadlock(
                threads: count, ordered: found.flags.contains("ordered"),
                timeout: found.nanoseconds["timeout"] ?? 1_000_000_000)
        })
}
