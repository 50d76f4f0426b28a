import Glibc
import CForklabSystem

/// Fills a `LineTemplate`'s placeholders with a thread's numbers, in a
/// buffer of the thread's own: nothing is allocated per line. Used by one
/// thread only.
final class LineRenderer {
    private let template: UnsafeMutableBufferPointer<UInt8>
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private let started: UInt64

    init(_ line: LineTemplate, started: UInt64) {
        template = .allocate(capacity: line.bytes.count)
        _ = template.initialize(from: line.bytes)
        // Each placeholder becomes at most 20 digits and a sign.
        buffer = .allocate(capacity: line.bytes.count * 21)
        self.started = started
    }

    deinit {
        template.deallocate()
        buffer.deallocate()
    }

    /// Writes the line with `thread`, `index` and `producer` in their places.
    /// - Returns: what `console.write` returns: false means stop.
    @inline(__always)
    func write(to console: ThreadConsole, thread: Int = 0, index: Int = 0, producer: Int = 0) -> Bool {
        // The buffer belongs to self, which is alive for this call.
        console.write(render(thread: thread, index: index, producer: producer))
    }

    /// Writes the line from the main thread (see `writeFromMainThread`).
    func writeFromMainThread(to console: ThreadConsole) -> Bool {
        console.writeFromMainThread(render(thread: 0, index: 0, producer: 0))
    }

    @inline(__always)
    private func render(thread: Int, index: Int, producer: Int) -> UnsafeRawBufferPointer {
        var used = 0
        for byte in template {
            switch byte {
            case LineTemplate.thread: used = put(thread, at: used)
            case LineTemplate.index: used = put(index, at: used)
            case LineTemplate.producer: used = put(producer, at: used)
            case LineTemplate.pid: used = put(Int(getpid()), at: used)
            case LineTemplate.elapsed: used = put(Int(truncatingIfNeeded: fl_monotonic_ns() &- started), at: used)
            default:
                buffer[used] = byte
                used += 1
            }
        }
        return UnsafeRawBufferPointer(start: buffer.baseAddress, count: used)
    }

    /// Writes `value` in decimal at `offset`; returns the offset after it.
    @inline(__always)
    private func put(_ value: Int, at offset: Int) -> Int {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch on the stack
        return withUnsafeMutableBytes(of: &digits) { scratch in
            var magnitude = value.magnitude
            var first = scratch.count
            repeat {
                first -= 1
                scratch[first] = UInt8(truncatingIfNeeded: 0x30 &+ magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            var at = offset
            if value < 0 {
                buffer[at] = 0x2d
                at += 1
            }
            for index in first..<scratch.count {
                buffer[at] = scratch[index]
                at += 1
            }
            return at
        }
    }
}
