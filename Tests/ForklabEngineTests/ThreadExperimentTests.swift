// Lab runs of threads, produce and race with a recording sink; the threads
// write their lines into a file that the test reads back.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine
import CTestSupport

/// A file the experiment's threads write to, read back whole.
final class OutputFile {
    let folder = TempDir()
    let fd: Int32
    let path: String

    init() {
        path = folder.path + "/out"
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0, "open failed: \(errno)")
    }

    deinit {
        close(fd)
        unlink(path)
    }

    var text: String { readSmallFile(path) ?? "" }

    var lines: [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// `[t] => i` as numbers, or nil for any other line.
func counted(_ line: String) -> (thread: Int, index: Int)? {
    guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { return nil }
    let rest = line[close...]
    guard rest.hasPrefix("] => "), let thread = Int(line[line.index(after: line.startIndex)..<close]),
          let index = Int(rest.dropFirst(5)) else { return nil }
    return (thread, index)
}

/// Checks that `lines` are whole `[t] => i` lines in which each of
/// `threads` threads counted from 0 to `count` - 1, in order, with no gap.
func expectEachThreadCountedInOrder(_ lines: some Sequence<String>, threads: Int, count: Int,
                                    sourceLocation: SourceLocation = #_sourceLocation) {
    var next = [Int](repeating: 0, count: threads)
    for line in lines {
        guard let (thread, index) = counted(line) else {
            Issue.record("not a whole line: \(line.debugDescription)", sourceLocation: sourceLocation)
            continue
        }
        #expect(index == next[thread], sourceLocation: sourceLocation)
        next[thread] += 1
    }
    #expect(next == [Int](repeating: count, count: threads), sourceLocation: sourceLocation)
}

/// `consumer C got => [producer id=P, count=K]` as numbers, or nil.
func consumed(_ line: String) -> (consumer: Int, producer: Int, count: Int)? {
    let words = line.split(separator: " ")
    guard words.count == 7, words[0] == "consumer", words[2] == "got", words[3] == "=>",
          words[4] == "[producer", words[5].hasPrefix("id="), words[5].hasSuffix(","),
          words[6].hasPrefix("count="), words[6].hasSuffix("]"),
          let consumer = Int(words[1]), let producer = Int(words[5].dropFirst(3).dropLast()),
          let count = Int(words[6].dropFirst(6).dropLast()) else { return nil }
    return (consumer, producer, count)
}

@Suite(.serialized) struct ThreadExperiments {
    @Test("threads 10 count 100: 1000 whole lines, each thread's counts in order, the main line last")
    func threadsLockedJoined() {
        prepareLab()
        let out = OutputFile()
        let sink = Recorder(fd: out.fd)
        #expect(runLab(.threads(ThreadsPlan(threads: 10, count: 100, locked: true, joined: true)), sink: sink) == nil)
        let lines = out.lines
        #expect(lines.count == 1001)
        #expect(lines.last == "Main thread exiting...")
        expectEachThreadCountedInOrder(lines.dropLast(), threads: 10, count: 100)
        let (elapsed, startup, running) = summaryTimes(sink)
        #expect(sink.summaries == [.threads(started: 10, wanted: 10, lines: 1000, expectedLines: 1000,
                                            elapsed: elapsed, startup: startup, running: running)])
        // Creating the threads and running them are measured apart, both within the whole.
        #expect(startup > 0 && running > 0 && startup + running <= elapsed)
    }

    @Test("locked, 8 threads writing 5000 lines each never tear a line")
    func lockedNeverTears() {
        prepareLab()
        let out = OutputFile()
        #expect(runLab(.threads(ThreadsPlan(threads: 8, count: 5000, locked: true, joined: true)),
                       sink: Recorder(fd: out.fd)) == nil)
        let lines = out.lines
        #expect(lines.count == 40_001)
        let whole = lines.dropLast().compactMap(counted)
        #expect(whole.count == 40_000)
        #expect(Set(whole.map { "\($0.thread) \($0.index)" }).count == 40_000)
    }

    @Test("nojoin: the main line is written once, right after the threads start, before any thread line")
    func nojoinMainFirst() {
        prepareLab()
        let out = OutputFile()
        #expect(runLab(.threads(ThreadsPlan(threads: 10, count: 100, locked: true, joined: false)),
                       sink: Recorder(fd: out.fd)) == nil)
        let lines = out.lines
        #expect(lines.count == 1001)
        #expect(lines.first == "Main thread exiting...")
        #expect(lines.filter { $0 == "Main thread exiting..." }.count == 1)
    }

    @Test("nolock: every line's text and newline arrive as two writes; pieces may merge but none is lost")
    func nolockPieces() {
        prepareLab()
        let out = OutputFile()
        #expect(runLab(.threads(ThreadsPlan(threads: 5, count: 200, locked: false, joined: false)),
                       sink: Recorder(fd: out.fd)) == nil)
        let text = out.text
        #expect(text.filter { $0 == "\n" }.count == 1001)
        // Without the newlines, the texts follow one another: split them at each "[" and "M".
        var pieces: [String] = []
        for character in text where character != "\n" {
            if character == "[" || character == "M" { pieces.append("") }
            pieces[pieces.count - 1].append(character)
        }
        var expected = (0..<5).flatMap { thread in (0..<200).map { "[\(thread)] => \($0)" } }
        expected.append("Main thread exiting...")
        #expect(pieces.sorted() == expected.sorted())
    }

    @Test("nolock writes a line as Python's print does, text then newline; locked, not at a terminal, the lines gathered in one write at the end",
          arguments: [false, true])
    func writeShapes(locked: Bool) throws {
        prepareLab()
        let socket = try RecordSocket()
        let error = runLab(.threads(ThreadsPlan(threads: 3, count: 10, locked: locked, joined: true)),
                           sink: Recorder(fd: socket.writeFD))
        let records = socket.finish()
        #expect(error == nil)
        var lines = (0..<3).flatMap { thread in (0..<10).map { "[\(thread)] => \($0)" } }
        lines.append("Main thread exiting...")
        if locked {
            // 31 short lines fit the buffer: one write, when the command ends.
            try #require(records.count == 1)
            let written = records[0].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(written.last == "")
            #expect(written.dropLast().last == "Main thread exiting...")
            #expect(written.dropLast().sorted() == lines.sorted())
        } else {
            #expect(records.filter { $0 == "\n" }.count == 31)
            #expect(records.filter { $0 != "\n" }.sorted() == lines.sorted())
        }
    }

    @Test("locked, 8 threads × 5000 lines: whole lines in writes of at most 64 KiB, made when the next line would not fit, then at the end")
    func gatheredWritesFollowTheRule() throws {
        prepareLab()
        let socket = try RecordSocket()
        let error = runLab(.threads(ThreadsPlan(threads: 8, count: 5000, locked: true, joined: true)),
                           sink: Recorder(fd: socket.writeFD))
        let records = socket.finish()
        #expect(error == nil)
        try #require(records.count > 1)
        // Threads write the full buffer; the main thread writes the rest at
        // the end, at most a page (4 KiB) at a time.
        let firstFromMain = records.firstIndex { $0.utf8.count <= 4096 } ?? records.count
        #expect(firstFromMain > 0)
        var lines: [String] = []
        for (number, record) in records.enumerated() {
            #expect(record.hasSuffix("\n"), "write \(number) ends mid-line")
            if number < firstFromMain {
                #expect(record.utf8.count <= 65536)
                // It was written because the next line would not fit.
                let following = records[number + 1].prefix { $0 != "\n" }.utf8.count + 1
                #expect(record.utf8.count + following > 65536, "write \(number) of \(record.utf8.count) bytes came early")
            } else {
                #expect(record.utf8.count <= 4096, "write \(number) of \(record.utf8.count) bytes after the end began")
            }
            lines += record.split(separator: "\n").map(String.init)
        }
        #expect(lines.count == 40_001)
        #expect(lines.last == "Main thread exiting...")
        expectEachThreadCountedInOrder(lines.dropLast(), threads: 8, count: 5000)
    }

    @Test("produce: every message consumed exactly once, then the main line", arguments: [
        ProducePlan(producers: 1, consumers: 1, messages: 50, capacity: nil),
        ProducePlan(producers: 1, consumers: 1, messages: 50, capacity: 2),
        ProducePlan(producers: 4, consumers: 2, messages: 4, capacity: nil),
        ProducePlan(producers: 2, consumers: 8, messages: 500, capacity: nil),
        ProducePlan(producers: 4, consumers: 2, messages: 500, capacity: 1),
        ProducePlan(producers: 2, consumers: 8, messages: 500, capacity: 7),
    ])
    func produceExactlyOnce(plan: ProducePlan) throws {
        prepareLab()
        let out = OutputFile()
        let sink = Recorder(fd: out.fd)
        #expect(runLab(.produce(plan), sink: sink) == nil)
        let lines = out.lines
        #expect(lines.last == "Main thread exit")
        var seen: [String: Int] = [:]
        for line in lines.dropLast() {
            guard let (consumer, producer, count) = consumed(line) else {
                Issue.record("unexpected line \(line.debugDescription)")
                continue
            }
            #expect((0..<plan.consumers).contains(consumer))
            seen["\(producer) \(count)", default: 0] += 1
        }
        let expected = (0..<plan.producers).flatMap { p in (0..<plan.messages).map { "\(p) \($0)" } }
        #expect(seen == Dictionary(uniqueKeysWithValues: expected.map { ($0, 1) }))
        let outcome = try #require(produceOutcome(sink))
        #expect(outcome.produced == plan.producers * plan.messages)
        #expect(outcome.consumed == outcome.produced)
        #expect(outcome.lost == 0 && outcome.unprinted == 0 && outcome.queue.left == 0)
        #expect(outcome.producers == plan.producers && outcome.consumers == plan.consumers)
        if let capacity = plan.capacity { #expect(outcome.queue.peak <= capacity) }
    }

    @Test("produce 4 consume 2 messages 250000: a million messages, each consumed once, by counts")
    func produceMillion() throws {
        prepareLab()
        let out = OutputFile()
        let sink = Recorder(fd: out.fd)
        let plan = ProducePlan(producers: 4, consumers: 2, messages: 250_000, capacity: nil)
        #expect(runLab(.produce(plan), sink: sink) == nil)
        // 40 MB of lines: scanned as bytes, since String work on them in a
        // debug build takes longer than the experiment.
        let tally = tallyConsumed(path: out.path, producers: 4, messages: 250_000)
        #expect(tally.malformed == 0)
        #expect(tally.lines == 1_000_001)
        #expect(tally.last == "Main thread exit")
        #expect(tally.seen.allSatisfy { $0.allSatisfy { $0 == 1 } })
        let outcome = try #require(produceOutcome(sink))
        #expect(outcome.produced == 1_000_000 && outcome.consumed == 1_000_000 && outcome.lost == 0)
    }

    @Test("race: the locked total is exact; the unlocked one is never above it")
    func raceTotals() throws {
        prepareLab()
        let sink = Recorder()
        #expect(runLab(.race(threads: 4, count: 200_000), sink: sink) == nil)
        let raced = sink.events.compactMap { event -> (Bool, Int, Int)? in
            if case let .raced(locked, expected, got) = event { return (locked, expected, got) }
            return nil
        }
        try #require(raced.count == 2)
        #expect(raced[0].0 == false && raced[0].1 == 800_000 && raced[0].2 <= 800_000 && raced[0].2 > 0)
        #expect(raced[1].0 == true && raced[1].1 == 800_000 && raced[1].2 == 800_000)
        guard case let .race(threads, count, runs) = sink.summaries.last else {
            Issue.record("no race summary")
            return
        }
        #expect(threads == 4 && count == 200_000 && runs.map(\.locked) == [false, true])
    }

    @Test("a write that fails (EPIPE) stops the experiment as output closed, with no summary")
    func closedOutputStops() {
        prepareLab()
        let pipe = TestPipe()
        pipe.closeReadEnd()
        let sink = Recorder(fd: pipe.writeFD)
        let error = runLab(.threads(ThreadsPlan(threads: 4, count: 100_000, locked: true, joined: true)), sink: sink)
        #expect(error == .output(.closed))
        #expect(sink.summaries.isEmpty)
    }
}

/// How often each (P, K) of `consumer C got => [producer id=P, count=K]`
/// lines in a file was seen, how many lines there were, how many did not
/// have that form (the last aside), and the last line.
private func tallyConsumed(path: String, producers: Int, messages: Int)
    -> (seen: [[UInt8]], lines: Int, malformed: Int, last: String) {
    var flat = [UInt8](repeating: 0, count: producers * messages)
    var lines = 0, malformed = 0
    var last = [CChar](repeating: 0, count: 256)
    let result = ts_tally_consumed(path, Int32(producers), Int32(messages), &flat, &lines, &malformed, &last, last.count)
    if result != 0 { return ([], 0, 1, "") }
    let seen = (0..<producers).map { Array(flat[$0 * messages..<($0 + 1) * messages]) }
    return (seen, lines, malformed, String(decoding: last.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
}

/// A SOCK_SEQPACKET socket pair, which keeps every write(2) a record of its
/// own, so that a test sees how lines were written, not just the bytes; a
/// thread reads the records as they come.
final class RecordSocket {
    let writeFD: Int32
    private let readFD: Int32
    private let records = Records()
    private var group: ThreadGroup

    init() throws {
        var fds: [Int32] = [-1, -1]
        try #require(socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0)
        (readFD, writeFD) = (fds[0], fds[1])
        let reader = Crew()
        group = ThreadGroup(crew: reader)
        try group.start(ClosureThread(crew: reader) { [readFD, records] in
            var buffer = [UInt8](repeating: 0, count: 1 << 17)
            while true {
                let n = recv(readFD, &buffer, buffer.count, 0)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                records.list.append(String(decoding: buffer[0..<n], as: UTF8.self))
            }
        })
    }

    /// Closes the writing end and returns every record, in order.
    func finish() -> [String] {
        close(writeFD)
        group.joinAll()
        close(readFD)
        return records.list
    }
}

/// Records a reader thread received (tests only).
final class Records: @unchecked Sendable {
    // @unchecked: appended to by the reader thread, read after it is joined.
    var list: [String] = []
}

/// The times a summary recorded (their values are not checked: they are measurements).
private func summaryTimes(_ sink: Recorder) -> (elapsed: UInt64, startup: UInt64, running: UInt64) {
    if case let .threads(_, _, _, _, elapsed, startup, running) = sink.summaries.last { return (elapsed, startup, running) }
    return (0, 0, 0)
}

private func produceOutcome(_ sink: Recorder) -> ProduceOutcome? {
    if case let .produce(outcome) = sink.summaries.last { return outcome }
    return nil
}
