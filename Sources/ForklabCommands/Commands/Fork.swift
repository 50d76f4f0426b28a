extension CommandSpec {
    static let fork: CommandSpec = CommandSpec(
        name: "fork",
        aliases: [],
        usage: "fork [N] [buffered] [noreap]",
        summary: "fork N children; each says hello and exits",
        book: "Python Basic Forking",
        details: """
            Runs the book's loop N times (default 1): fork(2), then the parent prints
              Hello from parent PARENTPID CHILDPID
            and the child prints
              Hello from child CHILDPID
            and leaves with _exit(0). forklab reaps every child before the next prompt,
            which the book never does.

            It shows that fork returns twice, once in each process, and that the two run
            at once: which line comes first is up to the kernel's scheduler. N is 1…10000.

            With buffered, each child prints as the book's Python child does: into a
            buffer of its own (as print and C's stdio do), then _exit, which throws away
            what is still in it. At a terminal the buffer is line-buffered, written at the
            newline, and every line shows; into a pipe or a file it is block-buffered
            (4096 bytes here), written only when full, and every child's line is lost:
            try `fork 3 buffered` at the prompt, then `forklab -c 'fork 3 buffered' | cat`.
            The summary counts the lost lines; timeline marks them x.

            With noreap, the parent does not wait, as the book's does not: each child,
            once it has ended, stays a zombie (an entry in the process table holding its
            exit status) until its parent waits for it. forklab waits for the children to
            end without reaping them, and holds them: "ps" shows them (state Z), "reap"
            waits for them and prints "Parent got PID STATUS CODE" for each. q, the end
            of a script and Ctrl-C at the prompt reap them too. At most 1000 are held.
            """,
        keywords: ["buffered", "noreap"],
        parse: { spec, arguments throws(ParseError) in
            let (count, buffered, noreap) = try spec.countAndFlags(arguments)
            return .fork(count: count, buffered: buffered, noreap: noreap)
        })
}
