// The console threads share: when a locked console writes what it was
// handed, what it records, and what it drops when output fails. The test
// thread plays the worker threads; a SOCK_SEQPACKET socket shows each
// write(2) as a record of its own.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CForklabSystem
import CTestSupport
import Testing
@testable import ForklabEngine

/// The next record waiting on `fd`, or nil when none is there now (the
/// call does not wait).
private func waitingRecord(_ fd: Int32) -> String? {
    var buffer = [UInt8](repeating: 0, count: 1 << 17)
    while true {
        let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        if n < 0 && errno == EINTR { continue }
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
    }
}

/// A connected SOCK_SEQPACKET pair: (read, write).
private func seqpacketPair() throws -> (read: Int32, write: Int32) {
    var fds: [Int32] = [-1, -1]
    try #require(socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0)
    return (fds[0], fds[1])
}

/// Hands `text` and a newline to the console as a worker thread would,
/// with the event of a `[0] => index` line.
@discardableResult
private func hand(_ console: ThreadConsole, _ text: String, index: Int32 = 0, mainThread: Bool = false) -> Bool {
    let event = fl_event(time: UInt64(index), pid: 1, tid: 2, kind: UInt16(FL_EVENT_THREAD_PRINTED.rawValue),
                         role: ThreadRole.counting.rawValue, a: 0, b: index, c: 0)
    let bytes = Array((text + "\n").utf8)
    return bytes.withUnsafeBytes {
        mainThread ? console.writeFromMainThread($0, event: event) : console.write($0, event: event)
    }
}

/// The `[t] => i` lines the log holds.
private func printed(_ log: EventLog) -> [Happening] {
    log.read().events.map(\.what).filter { if case .threadPrinted = $0 { true } else { false } }
}

@Suite(.serialized) struct ThreadConsoles {
    @Test("gathering: nothing is written until the command ends; then the lines, whole and in the order handed over, in one write")
    func gathersUntilFinish() throws {
        prepareLab()
        let (read, write) = try seqpacketPair()
        defer { close(read); close(write) }
        let console = ThreadConsole(fd: write, locked: true, gathers: true, crew: Crew(), log: nil)
        #expect(console.gathers)
        #expect(hand(console, "[0] => 0") && hand(console, "[1] => 0") && hand(console, "[0] => 1"))
        #expect(waitingRecord(read) == nil)
        console.finish()
        #expect(waitingRecord(read) == "[0] => 0\n[1] => 0\n[0] => 1\n")
        #expect(waitingRecord(read) == nil)
        #expect(console.outputError == nil && console.unwrittenLines == 0)
    }

    @Test("gathering: the buffer is written when the next line would not fit 64 KiB, and that line starts the next write")
    func writesWhenTheNextLineWouldNotFit() throws {
        prepareLab()
        let (read, write) = try seqpacketPair()
        defer { close(read); close(write) }
        let console = ThreadConsole(fd: write, locked: true, gathers: true, crew: Crew(), log: nil)
        // 4095 lines of 16 bytes fill 65520 bytes; a 17th byte-line would not fit.
        let line = "0123456789abcde"  // 15 bytes and the newline
        for _ in 0..<4095 { hand(console, line) }
        #expect(waitingRecord(read) == nil)
        hand(console, "0123456789abcdefg")  // 18 bytes: 65538 > 65536
        #expect(waitingRecord(read) == String(repeating: line + "\n", count: 4095))
        #expect(waitingRecord(read) == nil)
        console.finish()
        #expect(waitingRecord(read) == "0123456789abcdefg\n")
    }

    @Test("gathering: past 8192 lines the buffer is written though bytes remain, so every line's event has a place")
    func writesWhenTheLinesAreManyAndShort() throws {
        prepareLab()
        let (read, write) = try seqpacketPair()
        defer { close(read); close(write) }
        let log = try #require(EventLog(lives: 16, marks: 10_000))
        let console = ThreadConsole(fd: write, locked: true, gathers: true, crew: Crew(), log: log)
        for index in 0..<8192 { hand(console, "", index: Int32(index)) }
        #expect(waitingRecord(read) == nil)
        hand(console, "", index: 8192)
        #expect(waitingRecord(read) == String(repeating: "\n", count: 8192))
        console.finish()
        #expect(waitingRecord(read) == "\n")
        #expect(printed(log).count == 8193)
    }

    @Test("not gathering (a terminal): each line is out before write returns, so it shows before the thread's next one")
    func eachLineAtATerminal() throws {
        prepareLab()
        let (read, write) = try seqpacketPair()
        defer { close(read); close(write) }
        let console = ThreadConsole(fd: write, locked: true, gathers: false, crew: Crew(), log: nil)
        #expect(!console.gathers)
        for index in 0..<3 {
            #expect(hand(console, "[0] => \(index)"))
            #expect(waitingRecord(read) == "[0] => \(index)\n")
        }
        console.finish()
        #expect(waitingRecord(read) == nil)
    }

    @Test("the Lab gathers a locked console's lines except at a terminal, and never an unlocked one's")
    func gathersExceptAtATerminal() throws {
        prepareLab()
        var master: Int32 = -1, slave: Int32 = -1
        try #require(ts_open_pty(&master, &slave) == 0)
        defer { close(master); close(slave) }
        let pipe = TestPipe()
        let lab = Lab(sink: Recorder(fd: pipe.writeFD), childInput: .null, programDirectory: nil)
        #expect(lab.threadConsole(fd: pipe.writeFD, locked: true, crew: Crew()).gathers)
        #expect(!lab.threadConsole(fd: slave, locked: true, crew: Crew()).gathers)
        #expect(!lab.threadConsole(fd: pipe.writeFD, locked: false, crew: Crew()).gathers)
    }

    @Test("a gathered line is recorded once the write that carried it went out, with the time it was handed over")
    func recordedOnceWritten() throws {
        prepareLab()
        let (read, write) = try seqpacketPair()
        defer { close(read); close(write) }
        let log = try #require(EventLog(lives: 16, marks: 16))
        let console = ThreadConsole(fd: write, locked: true, gathers: true, crew: Crew(), log: log)
        hand(console, "[0] => 0", index: 0)
        hand(console, "[0] => 1", index: 1)
        #expect(printed(log).isEmpty)
        console.finish()
        #expect(waitingRecord(read) == "[0] => 0\n[0] => 1\n")
        let events = log.read().events
        #expect(events.map(\.what) == [.threadPrinted(thread: 0, index: 0), .threadPrinted(thread: 0, index: 1)])
        #expect(events.map(\.time) == [0, 1])
        #expect(events.allSatisfy { $0.pid == 1 && $0.tid == 2 })
    }

    @Test("when the write fails, what was gathered is dropped: counted as unwritten, never recorded, and the thread is told to stop")
    func failedWriteDrops() throws {
        prepareLab()
        let pipe = TestPipe()
        pipe.closeReadEnd()
        let log = try #require(EventLog(lives: 16, marks: 16))
        let crew = Crew()
        let console = ThreadConsole(fd: pipe.writeFD, locked: true, gathers: true, crew: crew, log: log)
        #expect(hand(console, "[0] => 0") && hand(console, "[0] => 1") && hand(console, "[0] => 2"))
        console.finish()
        #expect(console.outputError == .closed)
        #expect(console.unwrittenLines == 3)
        #expect(printed(log).isEmpty)
        #expect(crew.stopRequested)
        #expect(!hand(console, "[0] => 3"))
    }

    @Test("after a stop a thread's line is refused, and what was gathered before it still goes out")
    func stopKeepsWhatWasGathered() throws {
        prepareLab()
        let (read, write) = try seqpacketPair()
        defer { close(read); close(write) }
        let crew = Crew()
        let console = ThreadConsole(fd: write, locked: true, gathers: true, crew: crew, log: nil)
        #expect(hand(console, "[0] => 0"))
        crew.requestStop()
        System.awaitWakeUp(timeoutMilliseconds: 0)  // the wake-up a stop sends, which this test does not need
        #expect(!hand(console, "[0] => 1"))
        console.finish()
        #expect(waitingRecord(read) == "[0] => 0\n")
        #expect(console.unwrittenLines == 0)
    }
}

/// Sends SIGINT to this process, as a Ctrl-C reaches forklab, and waits
/// until its handler has counted it as a stop request. Not raise(3): tests
/// run on threads that block SIGINT, where it would stay pending.
private func pressControlC() {
    let before = fl_interrupts()
    kill(getpid(), SIGINT)
    for _ in 0..<10_000 where fl_interrupts() == before { usleep(1000) }
}

/// A pipe filled until a write would block, so that it has no room.
private func fullPipe() throws -> TestPipe {
    let pipe = TestPipe()
    let flags = fcntl(pipe.writeFD, F_GETFL)
    _ = fcntl(pipe.writeFD, F_SETFL, flags | O_NONBLOCK)
    let page = [UInt8](repeating: 0x2e, count: 4096)
    while page.withUnsafeBytes({ Glibc.write(pipe.writeFD, $0.baseAddress, $0.count) }) > 0 {}
    try #require(errno == EAGAIN)
    _ = fcntl(pipe.writeFD, F_SETFL, flags)
    return pipe
}

@Suite(.serialized) struct ThreadConsoleStops {
    @Test("after a Ctrl-C, what was gathered still goes out whole while the output takes it")
    func controlCKeepsWhatWasGathered() throws {
        prepareLab()
        defer { Interruption.clear() }
        let (read, write) = try seqpacketPair()
        defer { close(read); close(write) }
        let console = ThreadConsole(fd: write, locked: true, gathers: true, crew: Crew(), log: nil)
        #expect(hand(console, "[0] => 0") && hand(console, "[1] => 0"))
        pressControlC()
        try #require(Interruption.requested)
        #expect(!hand(console, "[0] => 1"))
        console.finish()
        #expect(waitingRecord(read) == "[0] => 0\n[1] => 0\n")
        #expect(console.unwrittenLines == 0 && console.outputError == nil)
    }

    @Test("after a Ctrl-C, output with no room is given up on: the gathered lines are counted unwritten, not recorded")
    func controlCGivesUpOnAFullPipe() throws {
        prepareLab()
        defer { Interruption.clear() }
        let pipe = try fullPipe()
        let log = try #require(EventLog(lives: 16, marks: 16))
        let console = ThreadConsole(fd: pipe.writeFD, locked: true, gathers: true, crew: Crew(), log: log)
        #expect(hand(console, "[0] => 0") && hand(console, "[0] => 1"))
        pressControlC()
        pressControlC()  // a second Ctrl-C: no grace
        try #require(fl_stop_requests() == 2)
        console.finish()
        #expect(console.unwrittenLines == 2)
        #expect(console.outputError == nil)
        #expect(printed(log).isEmpty)
        pipe.closeReadEnd()
    }
}
