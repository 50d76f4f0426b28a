// The waits and holds of hand-made records in the saved trace, and the
// objects `--json` writes for them from the record: slices named after the
// mutex or condition, one a thread never came back from ending at its
// cut-off with `"ended":false`, the catch an instant on forklab's track.
import CForklabSystem
import Foundation
import Testing
@testable import ForklabEngine

private struct WaitTrace {
    var events: [[String: Any]]

    init(_ record: ExperimentRecord) throws {
        let object = try JSONSerialization.jsonObject(with: Data(ChromeTrace.json(for: record).utf8))
        events = try #require((object as? [String: Any])?["traceEvents"] as? [[String: Any]])
    }

    /// Each wait and hold slice, empty wake-up and catch on the tracks of `tids`, as
    /// `name@tid ts+dur args`, in the order they were written.
    func waits(tids: Set<Int>) -> [String] {
        events.compactMap { event in
            guard let name = event["name"] as? String, let tid = event["tid"] as? Int, tids.contains(tid),
                  let phase = event["ph"] as? String, phase != "M",
                  name.hasPrefix("waits") || name.hasPrefix("holds") || name == "caught" || name == "empty_wakeup"
            else { return nil }
            let args = (event["args"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            let time = "\(event["ts"]!)" + (phase == "X" ? "+\(event["dur"]!)" : "")
            return "\(name)@\(tid) \(time) " + args.joined(separator: ",")
        }
    }
}

@Suite struct WaitViews {
    @Test("save after a deadlock: each thread's hold of its mutex and its wait for the next one's are slices to its cut-off, ended false; the catch an instant on forklab's track")
    func savedDeadlockHasWaitAndHoldSlices() throws {
        let trace = try WaitTrace(TimelinePictures.deadlockRing)
        #expect(trace.waits(tids: [8000, 8002, 8003]) == [
            "waits for m0@8002 101+1 mutex=0,ns=1000",
            "holds m0@8002 102+238 ended=0,mutex=0,ns=238000",
            "waits for m1@8003 105+1 mutex=1,ns=1000",
            "holds m1@8003 106+234 ended=0,mutex=1,ns=234000",
            "waits for m0@8003 130+210 ended=0,mutex=0,ns=210000",
            "waits for m1@8002 131+209 ended=0,mutex=1,ns=209000",
            "caught@8000 300 threads=2,what=deadlock",
        ])
        // The thread's own slice ends where its waits do: at the reap that cut it off.
        let life = try #require(trace.events.first { $0["name"] as? String == "thread 0 (cut off)" })
        #expect("\(life["ts"]!)+\(life["dur"]!)" == "100+240")
    }

    @Test("save after a stuck queue: condition waits are slices named by condition and why, with the messages queued on waking; the empty wake-up and the catch are instants")
    func savedStuckQueueHasConditionSlices() throws {
        let trace = try WaitTrace(TimelinePictures.stuckQueue)
        #expect(trace.waits(tids: [9000, 9002, 9003]) == [
            "waits on cond (queue empty)@9002 105+55 condition=cond,full=0,ns=55000,queued=1",
            "waits on cond (queue empty)@9002 170+30 condition=cond,full=0,ns=30000,queued=0",
            "waits on cond (queue full)@9003 190+170 condition=cond,ended=0,full=1,ns=170000",
            "empty_wakeup@9002 201 consumer=0",
            "waits on cond (queue empty)@9002 210+150 condition=cond,ended=0,full=0,ns=150000",
            "caught@9000 330 threads=2,what=stuck_queue",
        ])
    }

    @Test("a thread's waits and holds pair each lock wait with its hold, each hold with its release, each condition wait with its waking; one never closed runs to the thread's end")
    func stretchesPairTheNotes() {
        func at(_ time: UInt64, _ what: Happening) -> Occurrence { Occurrence(time: time, pid: 1, tid: 2, what: what) }
        let stretches = WaitStretch.stretches(of: [
            at(10, .lockWait(thread: 0, mutex: 0)), at(20, .lockHeld(thread: 0, mutex: 0)),
            at(30, .lockWait(thread: 0, mutex: 1)), at(40, .lockHeld(thread: 0, mutex: 1)),
            at(50, .lockReleased(thread: 0, mutex: 1)), at(60, .lockReleased(thread: 0, mutex: 0)),
            at(70, .conditionWait(number: 0, role: .consumer, condition: .notEmpty, full: false)),
            at(80, .conditionWoke(number: 0, role: .consumer, condition: .notEmpty, queued: 3)),
            at(90, .conditionWait(number: 0, role: .consumer, condition: .notEmpty, full: false)),
        ], end: 200)
        #expect(stretches == [
            WaitStretch(kind: .lock(mutex: 0), start: 10, end: 20, ended: true),
            WaitStretch(kind: .hold(mutex: 0), start: 20, end: 60, ended: true),
            WaitStretch(kind: .lock(mutex: 1), start: 30, end: 40, ended: true),
            WaitStretch(kind: .hold(mutex: 1), start: 40, end: 50, ended: true),
            WaitStretch(kind: .condition(.notEmpty, full: false), start: 70, end: 80, ended: true, queued: 3),
            WaitStretch(kind: .condition(.notEmpty, full: false), start: 90, end: 200, ended: false),
        ])
    }

    @Test("--json: forklab writes, from the record, one object a wait and hold of the program's threads, each empty wake-up and its catch, in the order they began, with ns or ended false")
    func jsonObjectsFromTheRecord() throws {
        prepareLab()
        let pipe = TestPipe()
        let lab = Lab(sink: JSONLines(console: Console(fd: pipe.writeFD)), childInput: .null, programDirectory: nil)
        lab.beginCommand()
        let log = try #require(lab.log)
        log.reset()
        let program: Int32 = 9001, me = getpid()
        // Notes of the program's consumer (tid 9002) and producer (9003), and of another process.
        log.add(FL_EVENT_COND_WAIT, time: 105, pid: program, tid: 9002, role: .consumer, 0, 2, 0)
        log.add(FL_EVENT_COND_WAIT, time: 190, pid: program, tid: 9003, role: .producer, 0, 1, 1)
        log.add(FL_EVENT_COND_WOKE, time: 160, pid: program, tid: 9002, role: .consumer, 0, 2, 1)
        log.add(FL_EVENT_EMPTY_WAKEUP, time: 201, pid: program, tid: 9002, role: .consumer, 0)
        log.add(FL_EVENT_COND_WAIT, time: 210, pid: program, tid: 9002, role: .consumer, 0, 0, 0)
        log.add(FL_EVENT_LOCK_WAIT, time: 50, pid: 4444, tid: 4445, role: .counting, 0, 1)
        log.add(FL_EVENT_CAUGHT, time: 330, pid: me, tid: me, 1, 2)
        lab.emitWaits(of: program)
        let (lines, complete) = pipe.drainLines()
        #expect(complete)
        let head = "{\"v\":1,\"event\":"
        let by = "\"pid\":\(me),\"tid\":\(me)"
        #expect(lines == [
            head + "\"cond_wait\",\(by),\"t\":105,\"program\":9001,\"thread_tid\":9002,\"role\":\"consumer\",\"thread\":0,\"condition\":\"cond\",\"full\":false,\"ns\":55,\"queued\":1}",
            head + "\"cond_wait\",\(by),\"t\":190,\"program\":9001,\"thread_tid\":9003,\"role\":\"producer\",\"thread\":0,\"condition\":\"not_full\",\"full\":true,\"ended\":false}",
            head + "\"empty_wakeup\",\(by),\"t\":201,\"program\":9001,\"thread_tid\":9002,\"consumer\":0}",
            head + "\"cond_wait\",\(by),\"t\":210,\"program\":9001,\"thread_tid\":9002,\"role\":\"consumer\",\"thread\":0,\"condition\":\"not_empty\",\"full\":false,\"ended\":false}",
            head + "\"caught\",\(by),\"t\":330,\"program\":9001,\"what\":\"stuck_queue\",\"threads\":2}",
        ])
        for line in lines { #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(line)") }
        log.reset()
    }
}
