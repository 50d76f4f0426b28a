extension DeadlockEvent {
    /// `[0] holds m0, waits for m1`, or
    /// `deadlock: a cycle of 2 threads, each waiting for the next`.
    public var text: String {
        switch self {
        case let .waiting(thread, holds, waitsFor): "[\(thread)] holds m\(holds), waits for m\(waitsFor)"
        case let .cycle(threads): "deadlock: a cycle of \(threads) threads, each waiting for the next"
        }
    }

    /// The `event` name in JSON.
    var jsonName: String {
        switch self {
        case .waiting: "deadlock_wait"
        case .cycle: "deadlock_cycle"
        }
    }

    /// The fields beyond the common ones, values as JSON.
    var jsonFields: [(String, String)] {
        switch self {
        case let .waiting(thread, holds, waitsFor):
            [("thread", "\(thread)"), ("holds", "\(holds)"), ("waits_for", "\(waitsFor)")]
        case let .cycle(threads): [("threads", "\(threads)")]
        }
    }
}

extension DeadlockOutcome {
    /// `deadlock: 2 threads, 0 finished; a cycle of 2 caught after 1.0 s, program 4100 killed`,
    /// or `deadlock ordered: 2 threads, 2 finished; no cycle can form: every thread takes the lower-numbered mutex first`.
    var text: String {
        var text = "deadlock\(ordered ? " ordered" : ""): \(threads) threads, \(finished) finished; "
        if let detectedAfter, cycle > 0 {
            text += "a cycle of \(cycle) caught after \(oneDecimal(Double(detectedAfter) / 1e9)) s, program \(program) killed"
        } else if ordered {
            text += "no cycle can form: every thread takes the lower-numbered mutex first"
        } else {
            text += "no cycle caught"
        }
        return text
    }

    var jsonFields: [(String, String)] {
        var fields = [("threads", "\(threads)"), ("ordered", ordered ? "true" : "false"), ("finished", "\(finished)"),
                      ("cycle", "\(cycle)"), ("program", "\(program)")]
        if let detectedAfter { fields.append(("detected_ns", "\(detectedAfter)")) }
        return fields
    }
}
