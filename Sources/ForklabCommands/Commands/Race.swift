extension CommandSpec {
    static let race: CommandSpec = CommandSpec(
        name: "race",
        aliases: [],
        usage: "race N [count C]",
        summary: "threads lose updates to a counter, then don't",
        book: "not in the book: the lost update the mutex prevents",
        details: """
            N threads each add one to a shared counter C times (C is 100000 by
            default), first with no mutex, then with one, and forklab prints
              race nolock: expected X got Y lost Z
              race lock: expected X got X lost 0
            where X is N × C. Without the mutex each addition is a separate load and
            store (relaxed atomics, so the program is well defined, only wrong): a
            thread that loads between another's load and store writes over that
            update, and it is lost. With the mutex around them none is.

            It shows the lost update that the book's _thread Mutex program guards
            against, counted instead of seen in torn lines. How many are lost varies
            from run to run and grows with N and C; on a busy machine, where the
            threads seldom run at the same instant, a run may lose none.
            N is 1…10000, C is 1…1000000.
            """,
        keywords: ["count"],
        parse: { spec, arguments throws(ParseError) in
            let found = try spec.options(
                arguments, numbers: [NumberOption(keyword: "count", name: "C", range: Limits.count)],
                free: ("N", Limits.processes))
            guard let threads = found.free else {
                throw ParseError(.missingWord(command: spec.name, what: "N", usage: spec.usage))
            }
            return .race(threads: threads, count: found.numbers["count"] ?? 100_000)
        })
}
