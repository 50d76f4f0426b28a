extension CommandSpec {
    static let fork: CommandSpec = CommandSpec(
        name: "fork",
        aliases: [],
        usage: "fork [N] [buffered]",
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
            """,
        keywords: ["buffered"],
        parse: { spec, arguments throws(ParseError) in
            let (count, buffered) = try spec.countAndBuffered(arguments)
            return .fork(count: count, buffered: buffered)
        })
}
