extension CommandSpec {
    static let forkExit: CommandSpec = CommandSpec(
        name: "forkexit",
        aliases: [],
        usage: "forkexit [N] [buffered] [noreap]",
        summary: "children change a counter and exit with it",
        book: "Python Fork() Exit Status",
        details: """
            Runs the book's loop N times (default 1). Each child adds one to its copy of
            the counter exitstat, prints
              Hello from child CHILDPID EXITSTAT
            and calls _exit(EXITSTAT); the parent waits for it with waitpid(2) and prints
              Parent got CHILDPID STATUS CODE
            where STATUS is the raw wait status and CODE is STATUS >> 8.

            Every child prints 1 and exits 1, however many run: fork gives each child its
            own copy of the parent's memory, so no child sees another's change, and the
            parent's exitstat stays 0. N is 1…10000.

            With buffered, each child prints into a buffer of its own, as the book's
            Python child does, and _exit throws away what is still in it: every line
            shows at a terminal (line-buffered), none through a pipe or into a file
            (block-buffered). The exit codes are the same; the summary counts the lost
            lines (see help fork).

            With noreap, the parent does not wait: no "Parent got" line comes, and the
            children stay zombies until "reap", which prints those lines (see help fork).
            """,
        keywords: ["buffered", "noreap"],
        parse: { spec, arguments throws(ParseError) in
            let (count, buffered, noreap) = try spec.countAndFlags(arguments)
            return .forkExit(count: count, buffered: buffered, noreap: noreap)
        })
}
