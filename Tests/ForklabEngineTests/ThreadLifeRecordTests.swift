// What a thread records of its own life when the sink has no line for its
// start and end (the book's text): the events alone, with the thread's own
// id, its number and its times, as when a line is written for them.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CForklabSystem
import Testing
@testable import ForklabEngine

@Suite(.serialized) struct ThreadLifeRecords {
    @Test("in the book's text each thread records its start, its lines and its end with its own tid, its number, in time order")
    func bookTextThreadsRecordTheirLives() throws {
        prepareLab()
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(null) }
        let lab = Lab(sink: Recorder(fd: null), childInput: .null, programDirectory: nil)
        try lab.run(.threads(ThreadsPlan(threads: 4, count: 3, locked: true, joined: true)))
        let record = try #require(try lab.lastRecord())
        let mainThread = fl_thread_id()
        for number in Int32(0)..<4 {
            let own = record.events.filter {
                switch $0.what {
                case let .threadStarted(.counting, started): started == number
                case let .threadEnded(.counting, ended): ended == number
                case let .threadPrinted(thread, _): thread == number
                default: false
                }
            }
            #expect(own.count == 5, "thread \(number)")
            guard let first = own.first, let last = own.last else { continue }
            #expect(first.what == .threadStarted(.counting, number: number))
            #expect(last.what == .threadEnded(.counting, number: number))
            #expect(own.allSatisfy { $0.pid == getpid() && $0.tid == first.tid })
            #expect(first.tid != mainThread && first.tid > 0)
            #expect(first.time > 0 && first.time <= own[1].time && own[3].time <= last.time)
        }
        let tids = Set(record.events.compactMap { if case .threadStarted = $0.what { $0.tid } else { nil } })
        #expect(tids.count == 4)
    }
}
