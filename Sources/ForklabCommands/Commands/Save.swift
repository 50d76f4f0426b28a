extension CommandSpec {
    /// FILE is the first word, whatever it is but `force`: a file of that
    /// name is `./force`, so that `save force` cannot silently mean one.
    static let save: CommandSpec = CommandSpec(
        name: "save",
        aliases: [],
        usage: "save FILE.json [force]",
        summary: "write the last experiment as a Perfetto trace",
        book: nil,
        details: """
            Writes the last experiment to FILE in the Chrome Trace Event Format (JSON):
            each process and thread gets a track, and what it did is marked on it, in
            time. To look at it, open https://ui.perfetto.dev and choose "Open trace
            file" (or drop the file on the page); chrome://tracing opens it as well.

            A FILE ending in .html (or .htm) is a page instead, one file that opens
            offline in any browser: the timeline's lanes and marks drawn in SVG, the
            command and its summary as the title; hover a mark for its event, the wheel
            or + and - zoom the time axis, dragging pans.

            save never overwrites a file without "force": if FILE exists it says so and
            writes nothing, and "force" after FILE replaces it. FILE is one word; quote
            a name with blanks in it: save 'first run.json'. A file named force is
            given as "save ./force".
            """,
        keywords: ["force"],
        parse: { spec, arguments throws(ParseError) in
            guard let file = arguments.first, !file.text.isEmpty else {
                throw ParseError(.missingWord(command: spec.name, what: "FILE", usage: spec.usage))
            }
            if file.text == "force" {
                if let path = arguments.dropFirst().first, !path.text.isEmpty, path.text != "force" {
                    throw ParseError(.forceBeforeFile(path: path.text))
                }
                throw ParseError(.missingWord(command: spec.name, what: "FILE", usage: spec.usage))
            }
            var rest = arguments.dropFirst()
            let force = rest.first?.text == "force"
            if force { rest = rest.dropFirst() }
            if force, rest.first?.text == "force" {
                throw ParseError(.givenTwice(command: spec.name, word: "force"))
            }
            try spec.expectEnd(rest)
            if file.text.utf8.contains(0) { throw ParseError(.nulByteInPath(command: spec.name)) }
            return .save(path: file.text, force: force)
        })
}
