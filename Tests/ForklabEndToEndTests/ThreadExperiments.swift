import Foundation
import Testing

/// The thread experiments run by the built binary: through pipes, files and
/// a pseudo-terminal, with /proc checked for leftover threads. Its parts,
/// one file each, are suites nested in it (ThreadsTests, ThreadWriteTests,
/// ProduceTests, RaceTests, ThreadStopTests, ThreadLeftoverTests,
/// ThreadLimitTests); the helpers they share follow.
extension EndToEnd {
    @Suite struct ThreadExperiments {
        enum Sink: CaseIterable { case pipe, file }
    }
}

/// The `[t] => i` lines in `bytes` (other lines, a main line or a summary,
/// are skipped): how many each of `threads` threads wrote, if each thread's
/// counts run from 0 with no gap, and how many lines were torn, out of
/// order or from another thread. Bytes, not Strings: a million lines must
/// be quick in a debug build.
func countedLines(_ bytes: [UInt8], threads: Int) -> (perThread: [Int], malformed: Int) {
    var next = [Int](repeating: 0, count: threads)
    var malformed = 0
    for line in bytes.split(separator: 0x0a) {
        guard line.first == 0x5b else {
            if line.contains(0x5b) { malformed += 1 }  // a piece of a counted line
            continue
        }
        guard let close = line.firstIndex(of: 0x5d), let thread = decimal(line[(line.startIndex + 1)..<close]),
              line[close...].starts(with: Array("] => ".utf8)), let index = decimal(line[(close + 5)...]),
              thread < threads, index == next[thread] else {
            malformed += 1
            continue
        }
        next[thread] += 1
    }
    return (next, malformed)
}

/// The `consumer C got => [producer id=P, count=K]` lines in `bytes`: how
/// many, how many repeated a message seen before, and how many lines that
/// are not a main line or a summary do not have that form.
func consumerLines(_ bytes: [UInt8], producers: Int, messages: Int) -> (lines: Int, repeated: Int, malformed: Int) {
    var seen = [Bool](repeating: false, count: producers * messages)
    var lines = 0, repeated = 0, malformed = 0
    let got = Array(" got => [producer id=".utf8), count = Array(", count=".utf8)
    for line in bytes.split(separator: 0x0a) {
        if line.starts(with: Array("Main thread".utf8)) || line.first == 0x23 { continue }
        guard line.starts(with: Array("consumer ".utf8)), line.last == 0x5d,
              let gotAt = firstRange(of: got, in: line), decimal(line[(line.startIndex + 9)..<gotAt.lowerBound]) != nil,
              let countAt = firstRange(of: count, in: line),
              let producer = decimal(line[gotAt.upperBound..<countAt.lowerBound]),
              let index = decimal(line[countAt.upperBound..<(line.endIndex - 1)]),
              producer < producers, index < messages else {
            malformed += 1
            continue
        }
        lines += 1
        if seen[producer * messages + index] { repeated += 1 }
        seen[producer * messages + index] = true
    }
    return (lines, repeated, malformed)
}

private func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
    guard !digits.isEmpty, digits.count < 19, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
    return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
}

private func firstRange(of needle: [UInt8], in line: ArraySlice<UInt8>) -> Range<Int>? {
    guard needle.count <= line.count else { return nil }
    for start in line.startIndex...(line.endIndex - needle.count)
    where line[start..<(start + needle.count)].elementsEqual(needle) {
        return start..<(start + needle.count)
    }
    return nil
}

/// How many write(2) calls a process made so far (`syscw` in /proc/PID/io).
func writeCalls(of pid: pid_t) -> Int? {
    guard let io = try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8),
          let line = io.split(separator: "\n").first(where: { $0.hasPrefix("syscw: ") }) else { return nil }
    return Int(line.dropFirst(7))
}

/// Reads a pipe to its end on a thread of its own, so that the writer
/// never blocks on it.
final class PipeReader: @unchecked Sendable {
    // @unchecked: `bytes` is guarded by `lock`.
    private let lock = NSCondition()
    private var bytes: [UInt8] = []
    private var ended = false
    private let thread: Thread

    init(_ fd: Int32) {
        let box = Box()
        thread = Thread { box.reader?.run(fd) }
        box.reader = self
        thread.start()
    }

    private final class Box: @unchecked Sendable { weak var reader: PipeReader? }

    private func run(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            lock.lock()
            if n > 0 { bytes += buffer[0..<n] } else { ended = true }
            lock.broadcast()
            lock.unlock()
            if n <= 0 { break }
        }
        close(fd)
    }

    /// Waits (30 s at most) until what was read satisfies `condition`.
    func wait(_ condition: ([UInt8]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        lock.lock()
        defer { lock.unlock() }
        while !condition(bytes) && !ended {
            if !lock.wait(until: deadline) { break }
        }
        return condition(bytes)
    }

    /// Waits for the pipe's end (every writer closed it) and returns all it held.
    func finish() -> [UInt8] {
        _ = wait { _ in false }
        lock.lock()
        defer { lock.unlock() }
        return bytes
    }
}
