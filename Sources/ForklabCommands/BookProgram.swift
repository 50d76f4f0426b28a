/// A program of the posts on Mark Lutz's *Programming Python*, with the
/// forklab command that runs it as the book publishes it, its pacing
/// (`time.sleep`) and its ending (`os._exit`, the main thread's last sleep)
/// included. `book` lists them; `book NAME` runs one.
public struct BookProgram: Hashable, Sendable {
    /// What `book NAME` takes: short, and unique enough to complete.
    public let name: String
    /// The program, as the posts call it: `_thread Basic`.
    public let title: String
    /// The command that runs it, written as `Experiment.command` writes it
    /// back (the timeline's title), so that both read the same.
    public let command: String
}

extension BookProgram {
    /// The seven programs, in the book's order. The one place they are
    /// listed: `book`, `help book` and completion read them from here.
    public static let all: [BookProgram] = [
        // One child per Enter, as the book's loop forks once per input();
        // buffered: the child print()s and leaves by os._exit(0).
        BookProgram(name: "fork", title: "Basic Forking", command: "fork 1 buffered"),
        // The same loop; the child print()s, then os._exit(exitstat).
        BookProgram(name: "forkexit", title: "Fork Exit Status", command: "forkexit 1 buffered"),
        // One child per Enter running the book's child.py with the counter,
        // 1 first; Enter numbers on, as spawned_children grows.
        BookProgram(name: "launch", title: "Launch Another Program", command: "spawn child.py 1"),
        // thread-count.py: 5 threads count to 5, sleeping 1 s before each
        // print, no lock; the main thread sleeps 6 s and ends the program.
        BookProgram(name: "thread", title: "_thread Basic", command: "threads 5 count 5 sleep 1 nolock exit after 6"),
        // The same with the stdout mutex acquired around each print.
        BookProgram(name: "mutex", title: "_thread Mutex", command: "threads 5 count 5 sleep 1 exit after 6"),
        // thread-classes.py: 10 threads count to 100 under a Lock, no sleep;
        // the main thread joins them all, then prints.
        BookProgram(name: "threading", title: "threading Thread", command: "threads 10 count 100"),
        // queuetest.py: 4 producers put 4 messages each, producer i sleeping
        // i s before each put, 2 consumers sleeping 0.1 s before each get;
        // the main thread sleeps ((4-1)*4)+1 = 13 s and ends the program.
        BookProgram(name: "queue", title: "Producer/Consumer", command: "produce 4 consume 2 sleep 1 exit after 13"),
    ]

    /// The names, in the order of `all`.
    public static var names: [String] { all.map(\.name) }

    public static func named(_ name: String) -> BookProgram? {
        all.first { $0.name == name }
    }

    /// The line `book NAME` prints before it runs the command.
    public var announcement: String { "book: \(title): \(command)\n" }

    /// The command it runs, parsed as if typed.
    /// - Throws: what the parser says of it (never, for the programs of
    ///   `all`: a test parses each).
    public func parsed() throws(ParseError) -> Command {
        try Parser.parse(words: Tokenizer.split(command).first ?? [])
    }

    /// The table `book` prints: a row a program, name, title and command in
    /// columns as wide as their longest entry, under a heading; at most 80
    /// columns (a test keeps it so).
    public static var table: String {
        let heading = BookProgram(name: "NAME", title: "PROGRAM", command: "COMMAND")
        let nameWidth = ((all + [heading]).map(\.name.count).max() ?? 0) + 2
        let titleWidth = ((all + [heading]).map(\.title.count).max() ?? 0) + 2
        return ([heading] + all).map { program in
            pad(program.name, nameWidth) + pad(program.title, titleWidth) + program.command + "\n"
        }.joined()
    }

    /// What `book` prints: the table, then how to run a program.
    public static var listing: String {
        table + """
            "book NAME" prints the command and runs it, as if typed; Enter repeats it.

            """
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
