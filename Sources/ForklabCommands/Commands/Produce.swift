extension CommandSpec {
    /// `produce` and `consume` are two names of one command: whichever
    /// starts it is its first keyword, with its number optional.
    static let produce: CommandSpec = CommandSpec(
        name: "produce",
        aliases: ["consume"],
        usage: "produce P consume C [messages M] [capacity K] [sleep S] [exit after T]",
        summary: "producer and consumer threads share a queue",
        book: "Python Producer Consumer with Queue",
        details: """
            P producer threads (4 by default) each put M messages (4 by default),
              [producer id=I, count=J]
            for producer I's message J, on one FIFO queue guarded by a pthread mutex
            and two condition variables. C consumer threads (2 by default) take them
            off and print
              consumer ID got => DATA
            Once every message is consumed and every thread has ended, the main thread
            prints
              Main thread exit
            "consume" may start the command as well, and the pairs come in any order:
            "consume 2 produce 4" is the book's program, and so is plain "produce";
            "produce 8" is 8 producers and 2 consumers. "capacity K" bounds the queue,
            so that producers block while it is full; without it the queue grows.
            "sleep S" paces them as the book's time.sleep calls do: producer I sleeps
            I × S seconds before each put (the book's time.sleep(idnum) with S = 1;
            producers are numbered from 0, as the book's, so producer 0 never waits),
            and each consumer sleeps S/10 before each get (the book's 0.1). S is a
            decimal number of seconds, more than 0 and at most 60. Ctrl-C ends the
            sleeps at once.
            "exit after T" is the book's ending: the main thread sleeps T seconds (0 to
            600), prints its line and exits, and the threads end with it, whatever is
            still queued or never produced; it runs as a program of its own, and the
            summary says where every message was. "produce 4 consume 2 sleep 1 exit
            after 13" is the book's program as published.

            Without it, consumers stop because the work is done, not after a fixed
            sleep, so every message is consumed exactly once: the summary counts those
            produced, consumed and lost, and lost is always 0. It shows how a queue
            hands work from one set of threads to another without losing any.
            P and C are 1…1000, M is 1…10000000, K is 1…1000000, and P × M is at most
            100000000.
            """,
        keywords: ["produce", "consume", "messages", "capacity", "sleep", "exit", "after"],
        parse: { spec, arguments throws(ParseError) in
            let producers = NumberOption(keyword: "produce", name: "P", range: Limits.workers)
            let consumers = NumberOption(keyword: "consume", name: "C", range: Limits.workers)
            let messages = NumberOption(keyword: "messages", name: "M", range: Limits.messages)
            let capacity = NumberOption(keyword: "capacity", name: "K", range: Limits.capacity)
            let all = [producers, consumers, messages, capacity]
            // The name typed is the first keyword; a number right after it is its number.
            let first = spec.name == consumers.keyword ? consumers : producers
            var rest = arguments
            var firstNumber: Int?
            if let word = rest.first, !spec.keywords.contains(word.text) {
                firstNumber = try spec.number(word, name: first.name, in: first.range)
                rest = rest.dropFirst()
            }
            var found = try spec.options(
                rest, numbers: all, seconds: [SecondsOption(keyword: "sleep", name: "S"), .exitAfter],
                given: [first.keyword])
            found.numbers[first.keyword] = firstNumber
            let p = found.numbers[producers.keyword] ?? 4
            let m = found.numbers[messages.keyword] ?? 4
            guard p * m <= Limits.totalMessages else {
                throw ParseError(.tooManyMessages(
                    command: spec.name, producers: p, messages: m, limit: Limits.totalMessages))
            }
            return .produce(
                producers: p, consumers: found.numbers[consumers.keyword] ?? 2, messages: m,
                capacity: found.numbers[capacity.keyword], sleep: found.nanoseconds["sleep"] ?? 0,
                exitAfter: found.nanoseconds[SecondsOption.exitAfter.keyword])
        })
}
