extension Summary {
    /// The summary's text, without the leading `# `.
    public var text: String {
        switch self {
        case let .fork(children, reaped, elapsed, buffered, zombies):
            return "fork: \(count(children, "child", "children")) forked, \(reaped) reaped, \(children - reaped) left"
                + zombiesText(zombies) + lostText(buffered) + cost(elapsed, children, zombies > 0 ? "fork" : "fork+wait")
        case let .forkExit(children, reaped, exitCodes, parentExitStat, elapsed, buffered, zombies):
            var text = children == reaped
                ? "forkexit: \(count(children, "child", "children")) reaped"
                : "forkexit: \(count(children, "child", "children")) forked, \(reaped) reaped, \(children - reaped) left"
                    + zombiesText(zombies)
            let codes = exitCodes.keys.sorted()
            // A child a signal killed has no exit code: it is counted apart.
            let killed = reaped - exitCodes.values.reduce(0, +)
            if codes == [1] && killed == 0 {
                text += children == 1 ? ", it exited 1" : ", each exited 1"
                text += "; the parent's exitstat is still \(parentExitStat): each child changed only its own copy"
            } else if reaped > 0 {
                var parts = codes.map { "\(exitCodes[$0]!) exited \($0)" }
                if killed > 0 { parts.append("\(killed) killed by a signal") }
                text += " (" + parts.joined(separator: ", ") + "); the parent's exitstat is \(parentExitStat)"
            }
            return text + lostText(buffered) + cost(elapsed, children, zombies > 0 ? "fork" : "fork+wait")
        case let .spawn(children, reaped, outcomes, elapsed, zombies):
            var parts: [String] = []
            if outcomes.exitedZero > 0 { parts.append("\(outcomes.exitedZero) exited 0") }
            if outcomes.exitedNonZero > 0 { parts.append("\(outcomes.exitedNonZero) exited non-zero") }
            if outcomes.killed > 0 { parts.append("\(outcomes.killed) killed by a signal") }
            if outcomes.couldNotRun > 0 { parts.append("\(outcomes.couldNotRun) could not run") }
            var text = "spawn: \(count(children, "child", "children")) started, \(reaped) reaped, \(children - reaped) left"
                + zombiesText(zombies)
            if !parts.isEmpty { text += " (" + parts.joined(separator: ", ") + ")" }
            if outcomes.leftRunning > 0 {
                text += outcomes.leftRunning == 1
                    ? "; 1 process left running by a child was ended"
                    : "; \(outcomes.leftRunning) processes left running by children were ended"
            }
            return text + cost(elapsed, children, zombies > 0 ? "fork+exec" : "fork+exec+wait")
        case let .threads(started, wanted, lines, expectedLines, elapsed, startup, running):
            let threads = started == wanted
                ? "\(count(started, "thread", "threads")) started and joined"
                : "\(started) of \(wanted) threads started, \(started) joined"
            let written = lines == expectedLines
                ? count(lines, "line", "lines") : "\(lines) of \(expectedLines) lines"
            guard startup > 0, running > 0, started > 0 else {
                return "threads: \(threads), \(written) written" + cost(elapsed, lines, "line")
            }
            // As lmbench does: each primitive's cost apart, not one blend.
            return "threads: \(threads), \(written) written" + cost(startup, started, "thread start")
                + cost(running, lines, "line").replacingFirst("; ", with: ", ")
        case let .produce(outcome):
            var text = "produce: \(outcome.produced) produced, \(outcome.consumed) consumed, \(outcome.lost) lost"
            if outcome.unprinted > 0 { text += ", \(outcome.unprinted) taken but not printed" }
            if outcome.queue.left > 0 { text += ", \(outcome.queue.left) left in the queue" }
            text += "; \(count(outcome.producers, "producer", "producers")) and "
                + "\(count(outcome.consumers, "consumer", "consumers")) joined"
            text += "; the queue held at most \(outcome.queue.peak)"
            if let capacity = outcome.capacity {
                text += " of \(capacity), producers waited \(count(outcome.queue.producerWaits, "time", "times"))"
            }
            let threads = outcome.producers + outcome.consumers
            guard outcome.startup > 0, outcome.running > 0, threads > 0 else {
                return text + rate(outcome.consumed, outcome.elapsed, "msgs")
            }
            // As lmbench does: each primitive's cost apart, not one blend.
            return text + cost(outcome.startup, threads, "thread start")
                + rate(outcome.consumed, outcome.running, "msgs").replacingFirst("; ", with: ", ")
        case let .threadsExited(outcome):
            let program = outcome.program
            var text = "threads: \(count(program.threads, "thread", "threads")) started"
            if program.threads < outcome.wanted { text = "threads: \(program.threads) of \(outcome.wanted) threads started" }
            text += ", \(outcome.printed) of \(outcome.expected) lines printed"
            if outcome.neverPrinted > 0 { text += ", \(outcome.neverPrinted) never printed" }
            return text + "; " + programText(program)
        case let .tree(outcome):
            return outcome.text
        case let .deadlock(outcome):
            return outcome.text
        case let .brokenQueue(outcome):
            return outcome.text
        case let .produceExited(outcome):
            var text = "produce: \(outcome.produced) of \(outcome.expected) messages produced, \(outcome.consumed) consumed"
            if outcome.inHand > 0 { text += ", \(outcome.inHand) taken but not printed" }
            if outcome.queued > 0 { text += ", \(outcome.queued) left in the queue" }
            if outcome.neverProduced > 0 { text += ", \(outcome.neverProduced) never produced" }
            return text + "; " + programText(outcome.program)
        case let .race(threads, increments, runs):
            var text = "race: \(count(threads, "thread", "threads")) × \(count(increments, "increment", "increments"))"
            if runs.isEmpty { return text + "; no run completed" }
            for run in runs {
                let share = run.expected > 0 ? Double(run.lost) * 100 / Double(run.expected) : 0
                text += run.locked ? (runs.count > 1 ? "; with it " : "; with the mutex ") : "; without the mutex "
                if run.expected < threads * increments {
                    text += "stopped after \(run.expected) of \(threads * increments), "
                }
                text += run.lost == 0 ? "none lost" : "\(run.lost) lost (\(oneDecimal(share))%)"
                text += cost(run.elapsed, run.expected, "increment").replacingFirst("; ", with: ", ")
            }
            return text
        }
    }
}

/// How a program of its own ended: `the program (pid 812) exited after 6 s
/// without joining its threads, 2 of them still running`.
private func programText(_ program: ProgramExit) -> String {
    let running = program.stillRunning == 0
        ? "none of them still running"
        : "\(program.stillRunning) of them still running"
    guard program.exited else {
        return "the program (pid \(program.pid)) was ended before its main thread's exit, "
            + "with \(count(program.stillRunning, "thread", "threads")) still running"
    }
    return "the program (pid \(program.pid)) exited after \(decimalSeconds(program.after)) s without joining its threads, "
        + running
}

/// What `fork N buffered` and `forkexit N buffered` say of their
/// children's lines: `; 3 child lines lost in buffers that _exit threw away
/// (stdout is not a terminal, so block-buffered, 4096 bytes)`.
private func lostText(_ buffered: BufferedLines?) -> String {
    guard let buffered else { return "" }
    let how = buffered.buffering.lineBuffered
        ? "stdout is a terminal, so line-buffered"
        : "stdout is not a terminal, so block-buffered, \(buffered.buffering.size) bytes"
    switch buffered.lost {
    case 0 where buffered.buffering.lineBuffered:
        return "; no child line lost: stdout is a terminal, so each child's buffer was flushed at its newline, before _exit"
    case 0: return "; no child line lost (\(how))"
    case 1: return "; 1 child line lost in a buffer that _exit threw away (\(how))"
    default: return "; \(buffered.lost) child lines lost in buffers that _exit threw away (\(how))"
    }
}

/// `12.3`: one decimal, rounded.
func oneDecimal(_ value: Double) -> String {
    guard value.isFinite else { return "\(value)" }
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
}

/// `; 1.9 M msgs/s`: how many a second, with k or M.
private func rate(_ done: Int, _ elapsed: UInt64, _ unit: String) -> String {
    guard done > 0, elapsed > 0 else { return "" }
    let perSecond = Double(done) * 1e9 / Double(elapsed)
    if perSecond >= 1e6 { return "; \(oneDecimal(perSecond / 1e6)) M \(unit)/s" }
    if perSecond >= 1e3 { return "; \(oneDecimal(perSecond / 1e3)) k \(unit)/s" }
    return "; \(Int(perSecond.rounded())) \(unit)/s"
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard hasPrefix(target) else { return self }
        return replacement + dropFirst(target.count)
    }
}

func count(_ n: Int, _ one: String, _ many: String) -> String {
    "\(n) \(n == 1 ? one : many)"
}

/// `; 312 µs per fork+wait`, with a decimal only below 100 µs; below
/// 1 µs in nanoseconds: `; 8.4 ns per increment`.
func cost(_ elapsed: UInt64, _ operations: Int, _ name: String) -> String {
    guard operations > 0 else { return "" }
    let nanoseconds = Double(elapsed) / Double(operations)
    if nanoseconds < 999.5 {
        let shown = nanoseconds < 99.95 ? oneDecimal(nanoseconds) : "\(Int(nanoseconds.rounded()))"
        return "; \(shown) ns per \(name)"
    }
    let tenths = Int((nanoseconds / 100).rounded())
    let micros = tenths >= 1000 ? "\(Int((nanoseconds / 1000).rounded()))" : "\(tenths / 10).\(tenths % 10)"
    return "; \(micros) µs per \(name)"
}
