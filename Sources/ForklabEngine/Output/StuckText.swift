extension StuckEvent {
    /// `producer 0 waits on cond: the queue was full`, or
    /// `stuck: every thread is waiting, and no one is left to signal`.
    public var text: String {
        switch self {
        case let .waiting(role, number, condition, full):
            "\(role.laneName(Int32(number))) waits on \(condition): the queue was \(full ? "full" : "empty")"
        case .stuck: "stuck: every thread is waiting, and no one is left to signal"
        }
    }

    /// The `event` name in JSON.
    var jsonName: String {
        switch self {
        case .waiting: "stuck_wait"
        case .stuck: "stuck"
        }
    }

    /// The fields beyond the common ones, values as JSON.
    var jsonFields: [(String, String)] {
        switch self {
        case let .waiting(role, number, condition, full):
            [("role", role == .producer ? "\"producer\"" : "\"consumer\""), ("thread", "\(number)"),
             ("condition", condition.jsonQuoted), ("because", full ? "\"full\"" : "\"empty\"")]
        case let .stuck(threads): [("threads", "\(threads)")]
        }
    }
}

extension BrokenQueueOutcome {
    /// What happened, and what the correct queue does differently:
    /// `produce broken if: 1 producer, 3 consumers, 4 of 4 messages consumed;
    /// 2 empty wake-ups …`.
    var text: String {
        var text = "produce broken \(flaw.rawValue): \(count(producers, "producer", "producers")), "
            + "\(count(consumers, "consumer", "consumers")), "
        if let caughtAfter, stuck > 0 {
            text += "stuck after \(consumed) of \(expected) messages consumed, \(produced - consumed) queued:"
                + " \(stuck) threads waiting, caught after \(oneDecimal(Double(caughtAfter) / 1e9)) s,"
                + " program \(program) killed"
        } else {
            text += "\(consumed) of \(expected) messages consumed"
        }
        switch flaw {
        case .ifWait:
            if emptyWakeups == 0 {
                text += "; no consumer woke to an empty queue this time (each message is another chance:"
                    + " more messages make it likelier)"
            } else {
                text += "; \(count(emptyWakeups, "empty wake-up", "empty wake-ups")): a consumer woke and the queue"
                    + " was empty"
            }
            text += "; the correct queue waits in a while loop, so a consumer woken to an empty queue waits again"
        case .oneCondition:
            if stuck == 0 { text += ", not stuck this time" }
            text += "; the correct queue has two condition variables, so a take wakes a producer and a put a"
                + " consumer, never one of their own"
        }
        return text
    }

    var jsonFields: [(String, String)] {
        var fields = [("broken", flaw.rawValue.jsonQuoted), ("producers", "\(producers)"),
                      ("consumers", "\(consumers)"), ("expected", "\(expected)"), ("produced", "\(produced)"),
                      ("consumed", "\(consumed)"), ("empty_wakeups", "\(emptyWakeups)"), ("stuck", "\(stuck)"),
                      ("program", "\(program)")]
        if let caughtAfter { fields.append(("caught_ns", "\(caughtAfter)")) }
        return fields
    }
}
