extension CommandSpec {
    static let timeline: CommandSpec = CommandSpec(
        name: "timeline",
        aliases: [],
        usage: "timeline [width W] [ascii|unicode]",
        summary: "draw the last experiment as lanes over time",
        book: nil,
        details: """
            Draws the last experiment: a lane per process or thread, time left to right.
            Each lane is a row ("child PID", "thread 3", "consumer 1") that runs from the
            moment the process was forked or the thread started to the moment it was
            reaped or ended. Marks on a lane show what it did and when: a line printed,
            an exec, an exit, a message put on the queue or taken off it. The axis under the
            lanes gives the time since the command started, and the legend says what
            each mark means; when there were more marks than forklab keeps, it says
            how many were dropped.

            The drawing is as wide as the terminal (80 columns when stdout is not a
            terminal); "width W" sets it, W is 40…1000. "ascii" draws with plain ASCII
            characters, "unicode" with box-drawing ones; by default the locale
            chooses. It shows at a glance what the trace lines only list: which
            processes and threads ran at once, and in what order.
            """,
        keywords: ["width", "ascii", "unicode"],
        parse: { spec, arguments throws(ParseError) in
            let charsets = TimelineCharset.allCases.map(\.rawValue)
            let found = try spec.options(
                arguments, numbers: [NumberOption(keyword: "width", name: "W", range: Limits.timelineWidth)],
                flags: charsets, oneOf: [charsets])
            let charset = charsets.first(where: found.flags.contains).flatMap(TimelineCharset.init(rawValue:))
            return .timeline(width: found.numbers["width"], charset: charset)
        })
}
