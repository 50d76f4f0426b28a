extension CommandSpec {
    static let threads: CommandSpec = CommandSpec(
        name: "threads",
        aliases: [],
        usage: "threads N [count C] [sleep S] [nolock] [nojoin | exit after T]",
        summary: "N threads count aloud, with or without a mutex",
        book: "_thread Basic, _thread Mutex, Python Threading",
        details: """
            Starts N threads with pthread_create(3). Thread t (counted from 0) prints
              [t] => i
            for i from 0 to C-1 (C is 5 by default), then the main thread prints
              Main thread exiting...
            By default one mutex, shared by the whole process, guards the console, so
            every line arrives whole. "nolock" drops it and writes each line as Python's
            print does, the text and then the newline in two writes, so lines can tear
            and run together: what the book's mutex post warns about. The threads wait
            at a start gate until all are created, so that they really run at once.
            "nojoin" has the main thread print its line as soon as the threads are
            started, before it opens the gate, so its line comes first, as in the
            _thread programs (whose threads wait for Python's interpreter lock);
            forklab still joins every thread with pthread_join(3) before the next
            prompt, so nothing prints over it.
            "sleep S" paces them as the book's time.sleep(1) does: each thread sleeps
            S seconds before each of its lines, keeping time from the moment the gate
            opens, so line i of every thread comes S × (i+1) seconds in. S is a
            decimal number of seconds, more than 0 and at most 60 (sleep 1, sleep
            0.05). Ctrl-C ends the sleeps at once.
            "exit after T" is the _thread programs' ending: the main thread does not
            join; it sleeps T seconds (0 to 600), prints its line, and exits, and every
            thread still running ends with it. The experiment runs as a program of its
            own (forklab execs itself), so the exit is real; the summary counts the
            lines never printed. "nojoin" and "exit after" are two endings: choose one.

            "threads 5 count 5 sleep 1 nolock exit after 6" is _thread Basic as the
            book publishes it, "threads 5 count 5 sleep 1 exit after 6" is _thread
            Mutex, and "threads 10 count 100" is the threading.Thread program. It shows
            that threads share one process and its output, that the order of their
            lines is the scheduler's, and that a main thread that exits too early
            takes its threads with it. N is 1…10000, C is 1…1000000.
            """,
        keywords: ["count", "sleep", "nolock", "nojoin", "exit", "after"],
        parse: { spec, arguments throws(ParseError) in
            let found = try spec.options(
                arguments, numbers: [NumberOption(keyword: "count", name: "C", range: Limits.count)],
                seconds: [SecondsOption(keyword: "sleep", name: "S"), .exitAfter], flags: ["nolock", "nojoin"],
                free: ("N", Limits.processes))
            guard let count = found.free else {
                throw ParseError(.missingWord(command: spec.name, what: "N", usage: spec.usage))
            }
            let exitAfter = found.nanoseconds[SecondsOption.exitAfter.keyword]
            if found.flags.contains("nojoin") && exitAfter != nil {
                throw ParseError(.givenTogether(command: spec.name, first: "nojoin", second: "exit after", usage: spec.usage))
            }
            return .threads(
                count: count, lines: found.numbers["count"] ?? 5,
                locked: !found.flags.contains("nolock"), joined: !found.flags.contains("nojoin"),
                sleep: found.nanoseconds["sleep"] ?? 0, exitAfter: exitAfter)
        })
}
