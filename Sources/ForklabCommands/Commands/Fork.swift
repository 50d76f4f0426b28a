extension CommandSpec {
    static let fork: CommandSpec = CommandSpec(
        name: "fork",
        aliases: [],
        usage: "fork [N]",
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
            """,
        keywords: [],
        parse: { spec, arguments throws(ParseError) in
            .fork(count: try spec.optionalCount(arguments))
        })
}
