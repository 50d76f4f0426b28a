extension CommandSpec {
    static let ps: CommandSpec = CommandSpec(
        name: "ps",
        aliases: [],
        usage: "ps",
        summary: "list forklab and the processes below it",
        book: nil,
        details: """
            Lists forklab and every process below it, read from /proc, as a small tree:
              PID    PPID   STATE  COMMAND
            STATE is the kernel's: R running, S sleeping, Z a zombie (ended, not yet
            reaped: "<defunct>"), …; COMMAND the process's name. At a clean prompt it
            shows forklab alone; after "fork 3 noreap" its three zombies too.
            """,
        keywords: [],
        parse: { spec, arguments throws(ParseError) in
            try spec.expectEnd(arguments)
            return .ps
        })

    static let reap: CommandSpec = CommandSpec(
        name: "reap",
        aliases: [],
        usage: "reap",
        summary: "wait for the zombies noreap left",
        book: nil,
        details: """
            Waits for every zombie that "fork N noreap", "forkexit N noreap" or "spawn …
            noreap" left, in the order they were forked, and prints the book's line for
            each:
              Parent got CHILDPID STATUS CODE
            Each wait takes the zombie's entry out of the process table; "ps" then shows
            forklab alone. With none held it prints "reap: no zombies held". q, the end
            of a script and Ctrl-C at the prompt reap them too, without a line.
            """,
        keywords: [],
        parse: { spec, arguments throws(ParseError) in
            try spec.expectEnd(arguments)
            return .reap
        })
}
