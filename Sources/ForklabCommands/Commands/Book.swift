extension CommandSpec {
    static let book: CommandSpec = CommandSpec(
        name: "book",
        aliases: [],
        usage: "book [NAME]",
        summary: "list the book's seven programs, or run one",
        book: nil,
        details: """
            Lists the seven programs of the posts, each with the forklab command that
            runs it as the book publishes it: its time.sleep pacing, its os._exit, and
            the main thread's closing sleep included:
            """ + "\n\n" + BookProgram.table + """

            "book NAME" prints
              book: TITLE: COMMAND
            and runs COMMAND exactly as if it had been typed: the same output, the same
            record for timeline and save. At the prompt Enter then repeats COMMAND, and
            after "book launch" numbers the children on (2, 3, …), as the book's loop
            does. The paced programs take 6 to 13 seconds; Ctrl-C stops them. In JSON
            mode the "book:" line goes to stderr, so that stdout holds only JSON.
            """,
        keywords: BookProgram.names,
        parse: { spec, arguments throws(ParseError) in
            guard let word = arguments.first else { return .book(nil) }
            guard let program = BookProgram.named(word.text) else {
                throw ParseError(.unknownChoice(
                    command: spec.name, what: "program", allowed: BookProgram.names, got: word.text,
                    suggestion: closest(to: word.text, among: BookProgram.names)))
            }
            try spec.expectEnd(arguments.dropFirst())
            return .book(program)
        })
}
