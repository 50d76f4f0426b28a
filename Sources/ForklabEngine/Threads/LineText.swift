/// A `LineTemplate` made ready to fill in, over and over, by one thread:
/// its placeholders replaced by the thread's numbers in a buffer of its
/// own, so that nothing is allocated per line. `free()` it when done.
struct LineText {
    /// The template's text, and the template cut into pieces: a run of
    /// text, then a placeholder. Cut once, so that a line is a few copies
    /// rather than a test of every byte.
    private let template: UnsafeMutableBufferPointer<UInt8>
    private let pieces: UnsafeMutableBufferPointer<Piece>
    /// Where lines are rendered.
    private let buffer: UnsafeMutablePointer<UInt8>
    /// Whether the line shows the time, which must then be read for it.
    let showsTime: Bool

    /// `count` bytes of the template from `start`, then the placeholder
    /// `slot`.
    private struct Piece {
        var start: Int
        var count: Int
        var slot: Slot
    }

    /// A placeholder, decoded once: `LineTemplate`'s bytes are static
    /// properties, which a switch would load and compare one by one, at
    /// every piece of every line.
    private enum Slot: UInt8 {
        case none, thread, index, producer, pid, elapsed, tid, color

        init?(_ byte: UInt8) {
            switch byte {
            case LineTemplate.thread: self = .thread
            case LineTemplate.index: self = .index
            case LineTemplate.producer: self = .producer
            case LineTemplate.pid: self = .pid
            case LineTemplate.elapsed: self = .elapsed
            case LineTemplate.tid: self = .tid
            case LineTemplate.color: self = .color
            default: return nil
            }
        }
    }

    init(_ line: LineTemplate) {
        let bytes = line.bytes
        // Cut in two passes, counting first: the buffer, the template and
        // the pieces then take one allocation, and no array is built.
        var count = 0
        var start = 0
        var showsTime = false
        for (offset, byte) in bytes.enumerated() {
            guard let slot = Slot(byte) else { continue }
            count += 1
            start = offset + 1
            if slot == .elapsed { showsTime = true }
        }
        if start < bytes.count { count += 1 }
        self.showsTime = showsTime
        // Each placeholder becomes at most a number or a colour. The buffer
        // is written at every line: on cache lines of its own, first in the
        // block. It and the template have `slack` bytes more: see `copy`.
        let longest = max(DecimalWriter.maximumLength, Self.colorLength)
        let bufferBytes = (bytes.count * longest + Self.slack + 63) / 64 * 64
        let templateBytes = (bytes.count + Self.slack + 7) / 8 * 8
        let memory = UnsafeMutableRawPointer.allocate(
            byteCount: bufferBytes + templateBytes + count * MemoryLayout<Piece>.stride, alignment: 64)
        buffer = memory.bindMemory(to: UInt8.self, capacity: bufferBytes)
        template = UnsafeMutableBufferPointer(
            start: (memory + bufferBytes).bindMemory(to: UInt8.self, capacity: templateBytes), count: templateBytes)
        template.initialize(repeating: 0)
        _ = template.update(fromContentsOf: bytes)
        let cut = (memory + bufferBytes + templateBytes).bindMemory(to: Piece.self, capacity: count)
        var piece = cut
        start = 0
        for (offset, byte) in bytes.enumerated() {
            guard let slot = Slot(byte) else { continue }
            piece.initialize(to: Piece(start: start, count: offset - start, slot: slot))
            piece += 1
            start = offset + 1
        }
        if start < bytes.count { piece.initialize(to: Piece(start: start, count: bytes.count - start, slot: .none)) }
        pieces = UnsafeMutableBufferPointer(start: cut, count: count)
    }

    /// Gives the memory back (one block, which `buffer` starts).
    func free() {
        UnsafeMutableRawPointer(buffer).deallocate()
    }

    /// Whether nothing is written for the event.
    var isEmpty: Bool { pieces.isEmpty }

    /// The line with `thread`, `index`, `producer`, the process id, the
    /// elapsed nanoseconds `now` and the thread's id in their places; valid
    /// until the next call.
    /// - Parameters:
    ///   - recording: the experiment's, whose process id the line may show.
    ///   - threadID: the calling thread's id, asked for only when the line
    ///     shows it.
    @inline(__always)
    func render(_ now: UInt64, thread: Int, index: Int, producer: Int, recording: ThreadRecording,
                threadID: () -> Int32) -> UnsafeRawBufferPointer {
        let start = buffer
        var out = start
        for piece in pieces {
            if piece.count > 0 {
                Self.copy(template.baseAddress! + piece.start, to: out, count: piece.count)
                out += piece.count
            }
            switch piece.slot {
            case .none: break
            case .thread: out = DecimalWriter.write(Int64(thread), at: out)
            case .index: out = DecimalWriter.write(Int64(index), at: out)
            case .producer: out = DecimalWriter.write(Int64(producer), at: out)
            case .pid: out = DecimalWriter.write(Int64(recording.pid), at: out)
            case .elapsed: out = DecimalWriter.write(Int64(truncatingIfNeeded: now), at: out)
            case .tid: out = DecimalWriter.write(Int64(threadID()), at: out)
            case .color: out = Self.putColor(for: thread, at: out)
            }
        }
        return UnsafeRawBufferPointer(start: start, count: out - start)
    }

    /// `ESC [ N m`: one of six colours, by the thread's number.
    @inline(__always)
    private static func putColor(for thread: Int, at out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let (tens, units) = palette[thread % palette.count]
        out[0] = 0x1b
        out[1] = 0x5b
        out[2] = tens
        out[3] = units
        out[4] = 0x6d
        return out + colorLength
    }

    private static let colorLength = 5

    /// Green, yellow, blue, magenta, cyan, bright blue: not red, which is for errors.
    private static let palette: [(UInt8, UInt8)] = [(0x33, 0x32), (0x33, 0x33), (0x33, 0x34), (0x33, 0x35), (0x33, 0x36), (0x39, 0x34)]

    /// What `copy` may read and write past the bytes it copies.
    private static let slack = 16

    /// Copies `count` bytes 16 at a time: a run of a line's text takes a
    /// load and a store or two rather than a call to memmove. Reads and
    /// writes up to `slack` - 1 bytes past `count`, which both of this
    /// line's buffers have room for.
    @inline(__always)
    private static func copy(_ source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count: Int) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
        var offset = 0
        repeat {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self), toByteOffset: offset,
                          as: SIMD16<UInt8>.self)
            offset &+= 16
        } while offset < count
    }
}
