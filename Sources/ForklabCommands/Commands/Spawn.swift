extension CommandSpec {
    static let spawn: CommandSpec = CommandSpec(
        name: "spawn",
        aliases: [],
        usage: "spawn PROGRAM [N] [noreap] [-- ARG…]",
        summary: "fork N children that each exec PROGRAM",
        book: "Use Python to Launch Another Program",
        details: """
            The book's launcher: N times (default 1), fork(2), then execvp(3) in the
            child. The parent prints
              Child is CHILDPID
            for each, and once all run, reaps them in the order they end:
              Parent got CHILDPID STATUS CODE
            with "(killed by SIGNAL)" for a child a signal ended. With N given, child i
            runs "PROGRAM i", as the book passes its counter; with "-- ARG…" every child
            runs "PROGRAM ARG…", with each argument that is exactly {} replaced by its
            number: "spawn python3 3 -- child.py {}" is the book's "python child.py i".
            Enter on an empty line repeats it with the numbers going on (1 2, then
            3 4), as the book's counter grows; typing it again starts at 1.
            A PROGRAM without a / is looked up in PATH, then in forklab's scripts/
            folder: "spawn child.sh 3" runs the book's child, "spawn child.py 3" its
            Python child.

            It shows that exec replaces the child's program but keeps its pid, and how a
            parent learns how a child ended. A program that cannot run is reported by
            forklab, and its child exits 127 (not found) or 126, as in a shell.
            N is 1…10000.

            With noreap, the parent does not wait, as the book's launcher never does:
            forklab waits for the children to end without reaping them, and each stays a
            zombie. "ps" shows them (state Z), "reap" ends them (see help fork).
            """,
        keywords: ["noreap", "--"],
        parse: { spec, arguments throws(ParseError) in
            guard let program = arguments.first else {
                throw ParseError(.missingWord(command: "spawn", what: "PROGRAM", usage: spec.usage))
            }
            if program.text == "{}" { throw ParseError(.numberAsProgram) }
            var rest = arguments.dropFirst()
            var count: Int?
            if let word = rest.first, word.text != "--", word.text != "noreap" {
                if word.text == "buffered" { throw ParseError(.bufferedOnSpawn(program: program.text)) }
                guard looksNumeric(word.text) else {
                    throw ParseError(.spawnArgumentWithoutSeparator(program: program.text, word: word.text))
                }
                count = try spec.number(word, name: "N", in: Limits.processes)
                rest = rest.dropFirst()
            }
            var noreap = false
            if let word = rest.first, word.text == "noreap" {
                noreap = true
                rest = rest.dropFirst()
            }
            var programArguments: [String]?
            if let word = rest.first {
                guard word.text == "--" else {
                    if word.text == "noreap" { throw ParseError(.givenTwice(command: "spawn", word: "noreap")) }
                    if word.text == "buffered" { throw ParseError(.bufferedOnSpawn(program: program.text)) }
                    throw ParseError(.unexpectedWord(command: "spawn", word: word.text, usage: spec.usage))
                }
                programArguments = rest.dropFirst().map(\.text)
            }
            if program.text.isEmpty {
                throw ParseError(.missingWord(command: "spawn", what: "PROGRAM", usage: spec.usage))
            }
            if ([program.text] + (programArguments ?? [])).contains(where: { $0.utf8.contains(0) }) {
                throw ParseError(.nulByte(command: "spawn"))
            }
            return .spawn(program: program.text, count: count, arguments: programArguments, noreap: noreap)
        })
}
