extension CommandSpec {
    static let help: CommandSpec = CommandSpec(
        name: "help",
        aliases: [],
        usage: "help [COMMAND]",
        summary: "list the commands, or explain one",
        book: nil,
        details: """
            "help" lists the commands; "help COMMAND" gives its usage, the book program
            it reproduces and what it teaches.
            """,
        keywords: [],
        parse: { spec, arguments throws(ParseError) in
            guard let topic = arguments.first else { return .help(topic: nil) }
            try spec.expectEnd(arguments.dropFirst())
            guard Catalog.spec(named: topic.text) != nil else {
                throw ParseError(.unknownHelpTopic(topic.text, suggestion: Catalog.suggestion(for: topic.text)))
            }
            return .help(topic: topic.text)
        })

    static let set: CommandSpec = CommandSpec(
        name: "set",
        aliases: [],
        usage: "set repeat on|off | set format book|json",
        summary: "change a setting of this session",
        book: nil,
        details: """
            "set repeat off" stops an empty line at the prompt from repeating the last
            experiment ("set repeat on" brings it back). "set format book" writes traces as
            the book's programs print them; "set format json" as one JSON object a line.
            """,
        keywords: ["repeat", "format", "on", "off", "book", "json"],
        parse: { spec, arguments throws(ParseError) in
            guard let setting = arguments.first else {
                throw ParseError(.missingWord(command: "set", what: "a setting", usage: spec.usage))
            }
            let value = arguments.dropFirst().first
            try spec.expectEnd(arguments.dropFirst(2))
            switch setting.text {
            case "repeat":
                switch value?.text {
                case "on": return .set(.repeatOnEmptyLine(true))
                case "off": return .set(.repeatOnEmptyLine(false))
                default: throw ParseError(.badSettingValue(setting: "repeat", allowed: ["on", "off"], got: value?.text))
                }
            case "format":
                guard let text = value?.text, let format = TraceFormat(rawValue: text) else {
                    throw ParseError(.badSettingValue(setting: "format", allowed: ["book", "json"], got: value?.text))
                }
                return .set(.format(format))
            default:
                throw ParseError(.unknownSetting(setting.text))
            }
        })

    static let quit: CommandSpec = CommandSpec(
        name: "q",
        aliases: ["quit", "exit"],
        usage: "q",
        summary: "quit (also quit, exit, or Ctrl-D)",
        book: nil,
        details: """
            Ends forklab, as the book's loops end when input() returns 'q'. End of input
            (Ctrl-D at the prompt, the end of a script) does the same.
            """,
        keywords: [],
        parse: { spec, arguments throws(ParseError) in
            try spec.expectEnd(arguments)
            return .quit
        })
}
