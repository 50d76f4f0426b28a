import CForklabSystem

extension Lab {
    /// `--json`: after the program `program` was reaped, forklab writes
    /// one object for each wait and hold its threads noted in the record,
    /// each empty wake-up, and its own catch, in the order they began
    /// (docs/json.md, "Waits and holds"). Other formats write nothing. The
    /// record is shared memory, so the notes of a program SIGKILL ended
    /// are all there; a wait its thread never came back from has no end.
    func emitWaits(of program: Int32) {
        guard let json = sink as? JSONLines, !outputStopped, let log else { return }
        var reports: [WaitReport] = []
        for (tid, events) in log.waitNotes(of: program) {
            // Who the thread is: the ring's threads note lock waits, the queue's condition waits.
            var role = ThreadRole.counting, number: Int32 = 0
            for event in events {
                switch event.what {
                case let .lockWait(thread, _): (role, number) = (.counting, thread)
                case let .conditionWait(thread, threadRole, _, _): (role, number) = (threadRole, thread)
                case let .emptyWakeup(consumer):
                    (role, number) = (.consumer, consumer)
                    reports.append(WaitReport(time: event.time, program: program, tid: tid,
                                              what: .emptyWakeup(consumer: consumer)))
                default: break
                }
            }
            for stretch in WaitStretch.stretches(of: events, end: nil) {
                reports.append(WaitReport(time: stretch.start, program: program, tid: tid,
                                          what: .stretch(stretch, role: role, number: number)))
            }
        }
        for caught in log.catches() {
            guard case let .caught(stuck, threads) = caught.what else { continue }
            reports.append(WaitReport(time: caught.time, program: program, tid: caught.tid,
                                      what: .caught(stuck, threads: threads)))
        }
        reports.sort { ($0.time, $0.tid) < ($1.time, $1.tid) }
        for report in reports {
            do {
                try json.emit(wait: report, pid: pid)
            } catch {
                // As `emit` does: the command stops, and so does its output.
                outputStopped = true
                if error != .interrupted {
                    stop = LabError(error)
                } else if stop == nil {
                    checkStop()
                }
                return
            }
        }
    }
}

extension EventLog {
    /// The waits, holds and empty wake-ups that program `pid`'s threads
    /// noted, by thread, each thread's in its own order (the order of its
    /// slots in the marks region), threads by tid.
    func waitNotes(of pid: Int32) -> [(tid: Int32, events: [Occurrence])] {
        var byThread: [Int32: [Occurrence]] = [:]
        var slot = fl_event()
        for index in 0..<UInt64(counts.marks) where fl_log_event(raw, FL_LOG_MARKS, index, &slot) != 0 {
            guard slot.pid == pid, let what = Happening(wait: slot) else { continue }
            byThread[slot.tid, default: []].append(Occurrence(time: slot.time, pid: slot.pid, tid: slot.tid, what: what))
        }
        return byThread.keys.sorted().map { ($0, byThread[$0]!) }
    }

    /// forklab's catches of a stuck program (in the lives region).
    func catches() -> [Occurrence] {
        var found: [Occurrence] = []
        var slot = fl_event()
        for index in 0..<UInt64(counts.lives) where fl_log_event(raw, FL_LOG_LIVES, index, &slot) != 0 {
            guard slot.kind == UInt16(FL_EVENT_CAUGHT.rawValue), let what = Happening(wait: slot) else { continue }
            found.append(Occurrence(time: slot.time, pid: slot.pid, tid: slot.tid, what: what))
        }
        return found
    }
}
