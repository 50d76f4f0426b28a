/// A wait, a hold or a catch that forklab writes from the record after it
/// reaped a program of its own (`deadlock`, `produce … broken`): see
/// docs/json.md, "Waits and holds". Its thread cannot write it: a
/// deadlocked thread never comes back from its wait, and the SIGKILL that
/// ends its program ends everything it would write after.
struct WaitReport: Hashable, Sendable {
    enum What: Hashable, Sendable {
        /// A wait or hold of thread `number` of `role`.
        case stretch(WaitStretch, role: ThreadRole, number: Int32)
        case emptyWakeup(consumer: Int32)
        case caught(StuckProgram, threads: Int32)
    }

    /// When it began (a wait, a hold) or happened, since the command started.
    var time: UInt64
    /// The program's pid, and the thread's tid (forklab's own for a catch).
    var program: Int32
    var tid: Int32
    var what: What
}

extension JSONLines {
    /// `{"v":1,"event":"lock_wait","pid":F,"tid":F,"t":…,"program":P,"thread_tid":T,"thread":0,"mutex":1,"ns":…}`:
    /// written by forklab (`pid` and `tid` are its own), `t` when it began,
    /// `ns` how long it lasted, or `"ended":false` for one its thread never
    /// came back from.
    func emit(wait report: WaitReport, pid: Int32) throws(OutputError) {
        let name: String
        var fields = ",\"program\":\(report.program)"
        switch report.what {
        case let .stretch(stretch, role, number):
            fields += ",\"thread_tid\":\(report.tid)"
            switch stretch.kind {
            case let .lock(mutex):
                name = "lock_wait"
                fields += ",\"thread\":\(number),\"mutex\":\(mutex)"
            case let .hold(mutex):
                name = "lock_hold"
                fields += ",\"thread\":\(number),\"mutex\":\(mutex)"
            case let .condition(condition, full):
                name = "cond_wait"
                fields += ",\"role\":\"\(role == .producer ? "producer" : "consumer")\",\"thread\":\(number)"
                    + ",\"condition\":\"\(condition.name)\",\"full\":\(full)"
            }
            fields += stretch.ended ? ",\"ns\":\(stretch.end - stretch.start)" : ",\"ended\":false"
            if let queued = stretch.queued { fields += ",\"queued\":\(queued)" }
        case let .emptyWakeup(consumer):
            name = "empty_wakeup"
            fields += ",\"thread_tid\":\(report.tid),\"consumer\":\(consumer)"
        case let .caught(stuck, threads):
            name = "caught"
            fields += ",\"what\":\"\(stuck.name)\",\"threads\":\(threads)"
        }
        try console.write("{\"v\":\(Self.version),\"event\":\"\(name)\",\"pid\":\(pid),\"tid\":\(pid),\"t\":\(report.time)"
                          + fields + "}\n")
    }
}
