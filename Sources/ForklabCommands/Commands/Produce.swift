extension CommandSpec {
    /// `produce` and `consume` are two names of one command: whichever
    /// starts it is its first keyword, with its number optional.
    static let produce: CommandSpec = CommandSpec(
        name: "produce",
        aliases: ["consume"],
        usage: "produce P consume C [messages M] [capacity K] [sleep S] [exit after T | broken if|onecv [timeout T]]",
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
            "broken if [timeout T]" and "broken onecv [timeout T]" write the queue wrong,
            in a program of its own that forklab watches, as deadlock's: with "if",
            consumers wait with
            if (empty) wait, not while, and the first that wakes to an empty queue prints
              consumer 1 woke up and the queue was empty: an if, not a while
            (the summary counts them all; every message is still consumed once); with
            "onecv", one condition variable and signal serve both "not empty" and "not
            full", and every thread can end up waiting. When nothing moves for T ("timeout
            T", 1 by default, 0.1 to 60) and every thread waits, forklab prints who waits
            on what and
              stuck: every thread is waiting, and no one is left to signal
            then kills the program with SIGKILL and reaps it. "broken" and "exit after"
            are two endings: choose one.
            P and C are 1…1000, M is 1…10000000, K is 1…1000000, and P × M is at most
            100000000.
            """,
        keywords: ["produce", "consume", "messages", "capacity", "sleep", "exit", "after", "broken", "timeout"],
        parse: { spec, arguments throws(ParseError) in
            let producers = NumberOption(keyword: "produce", name: "P", range: Limits.workers)
            let consumers = NumberOption(keyword: "consume", name: "C", range: Limits.workers)
            let messages = NumberOption(keyword: "messages", name: "M", range: Limits.messages)
            let capacity = NumberOption(keyword: "capacity", name: "K", range: Limits.capacity)
            let all = [producers, consumers, messages, capacity]
            // The name typed is the first keyword; a number right after it is its number.
            let first = spec.name == consumers.keyword ? consumers : producers
            var rest = arguments
            let broken = try spec.brokenQueue(taking: &rest)
            var firstNumber: Int?
            if let word = rest.first, !spec.keywords.contains(word.text) {
                firstNumber = try spec.number(word, name: first.name, in: first.range)
                rest = rest.dropFirst()
            }
            var found = try spec.options(
                rest, numbers: all,
                seconds: [SecondsOption(keyword: "sleep", name: "S"), .exitAfter,
                          SecondsOption(keyword: "timeout", name: "T", range: .deadlockTimeout)],
                given: [first.keyword])
            let exitAfter = found.nanoseconds[SecondsOption.exitAfter.keyword]
            let timeout = found.nanoseconds["timeout"]
            if broken != nil && exitAfter != nil {
                throw ParseError(.givenTogether(command: spec.name, first: "broken", second: "exit after", usage: spec.usage))
            }
            if broken == nil && timeout != nil {
                throw ParseError(.requires(
                    command: spec.name, word: "timeout", requirement: "'broken if' or 'broken onecv', the queues that can get stuck",
                    usage: spec.usage))
            }
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
                exitAfter: exitAfter, broken: broken, timeout: timeout ?? 1_000_000_000)
        })

    /// Takes `broken if` or `broken onecv` out of `words`, wherever it is:
    /// its flaw, or nil when `broken` is not there.
    private func brokenQueue(taking words: inout ArraySlice<Word>) throws(ParseError) -> BrokenQueue? {
        guard let at = words.firstIndex(where: { $0.text == "broken" }) else { return nil }
        let allowed = BrokenQueue.allCases.map(\.rawValue)
        let after = words.index(after: at)
        guard after < words.endIndex, !keywords.contains(words[after].text) else {
            throw ParseError(.missingWord(command: name, what: "'if' or 'onecv' after 'broken'", usage: usage))
        }
        guard let broken = BrokenQueue(rawValue: words[after].text) else {
            throw ParseError(.unknownChoice(
                command: name, what: "broken queue", allowed: allowed, got: words[after].text,
                suggestion: closest(to: words[after].text, among: allowed)))
        }
        words = words[..<at] + words[words.index(after: after)...]
        if words.contains(where: { $0.text == "broken" }) { throw ParseError(.givenTwice(command: name, word: "broken")) }
        return broken
    }
}
