extension CommandSpec {
    static let tree: CommandSpec = CommandSpec(
        name: "tree",
        aliases: [],
        usage: "tree ACTIONS [local] [steps]",
        summary: "real processes fork and exit; who adopts orphans",
        book: "not in the book: OSTEP's fork.py homework, with real processes",
        details: """
            ACTIONS is a comma-separated list, as OSTEP's fork.py takes: X+Y (process X
            forks a new process Y) and X- (X exits). Names are 1…8 letters or digits; a is
            the root, which forklab forks first. Each process is real: it waits for its
            orders from forklab, forks or _exits when told, reaps its children, and
            reports its pid. Each action prints one line:
              a 4100 forks b 4101
              b 4101 exits
              c 4102 is an orphan: its parent is now a 4100
            the new parent as the kernel reports it (/proc/PID/stat). At the end forklab
            draws the tree read from the kernel (steps: after every action), then every
            process exits and is reaped.

            Who adopts an orphan: Linux gives it to its nearest ancestor that is a child
            subreaper (prctl PR_SET_CHILD_SUBREAPER), else to init. By default the root a
            is the one subreaper: an exiting process's children go to a, and their own
            children stay with them. With local every process is a subreaper, so
            orphans go to the exiting process's parent (what fork.py -R draws).

              tree random N [seed S] [forks P]
            makes N random actions (P percent forks, 70 by default) and prints them
            first as a list that can be typed back; the same seed gives the same list.

            The whole list is checked before anything runs. At most 100 processes are
            alive at once (the root included), and a list has at most 1000 actions;
            N is 1…1000, P is 0…100. Ctrl-C ends the whole tree at once (it runs in a
            process group of its own).
            """,
        keywords: ["local", "steps", "random", "seed", "forks"],
        parse: { spec, arguments throws(ParseError) in
            guard let first = arguments.first else {
                throw ParseError(.missingWord(command: spec.name, what: "ACTIONS", usage: spec.usage))
            }
            let flags = ["local", "steps"]
            if first.text == "random" {
                let found = try spec.options(
                    arguments.dropFirst(),
                    numbers: [NumberOption(keyword: "seed", name: "S", range: 0...Int.max),
                              NumberOption(keyword: "forks", name: "P", range: Limits.treeForkPercent)],
                    flags: flags, free: ("N", Limits.treeActions))
                guard let count = found.free else {
                    throw ParseError(.missingWord(command: spec.name, what: "N after 'random'", usage: spec.usage))
                }
                return .tree(
                    .random(count: count, seed: found.numbers["seed"].map { UInt64($0) }, forkPercent: found.numbers["forks"] ?? 70),
                    local: found.flags.contains("local"), steps: found.flags.contains("steps"))
            }
            if flags.contains(first.text) {
                throw ParseError(.missingWord(command: spec.name, what: "ACTIONS before '\(first.text)'", usage: spec.usage))
            }
            let actions = try TreeActions.parse(first.text, command: spec.name)
            let found = try spec.options(arguments.dropFirst(), numbers: [], flags: flags)
            return .tree(.list(actions), local: found.flags.contains("local"), steps: found.flags.contains("steps"))
        })
}
