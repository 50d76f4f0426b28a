/// Integers written in decimal, as ASCII digits, into memory the caller
/// owns: no allocation and no String, so that a line costs a few stores.
/// The one writer for both the parent's lines (`ParentOnlyBuffer`'s
/// `append(decimal:)`, which `BookText` uses) and the threads' lines
/// (`LineRenderer`). A forked child formats its numbers in C
/// (`CForklabSystem/fork.c`): between fork and `_exit` it runs no Swift.
enum DecimalWriter {
    /// The most bytes a number takes: a minus sign and 19 digits
    /// (`Int64.min`).
    static let maximumLength = 20

    /// Writes `value` at `out`, with a minus sign when negative, as Swift's
    /// `"\(value)"` writes it; returns the place after it. `out` must have
    /// room for `maximumLength` bytes.
    ///
    /// Two digits at a time, from a table: each division is a multiply
    /// whose result the next one waits for, so halving them pays.
    @inline(__always)
    static func write(_ value: Int64, at out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        // Thread, consumer and producer numbers are mostly one digit.
        if UInt64(bitPattern: value) < 10 {
            out.pointee = 0x30 &+ UInt8(truncatingIfNeeded: value)
            return out + 1
        }
        var out = out
        if value < 0 {
            out.pointee = 0x2d
            out += 1
        }
        var magnitude = value.magnitude
        let digits = digitCount(magnitude)
        let digitPairs = digitPairs.utf8Start
        var at = out + digits
        while magnitude >= 100 {
            let pair = Int(truncatingIfNeeded: magnitude % 100) &* 2
            magnitude /= 100
            at -= 2
            at[0] = digitPairs[pair]
            at[1] = digitPairs[pair &+ 1]
        }
        if magnitude >= 10 {
            let pair = Int(truncatingIfNeeded: magnitude) &* 2
            at[-2] = digitPairs[pair]
            at[-1] = digitPairs[pair &+ 1]
        } else {
            at[-1] = 0x30 &+ UInt8(truncatingIfNeeded: magnitude)
        }
        return out + digits
    }

    /// How many decimal digits `value` has.
    @inline(__always)
    static func digitCount(_ value: UInt64) -> Int {
        var digits = 1
        var rest = value
        while rest >= 10_000 {
            rest /= 10_000
            digits &+= 4
        }
        if rest >= 1000 { return digits &+ 3 }
        if rest >= 100 { return digits &+ 2 }
        if rest >= 10 { return digits &+ 1 }
        return digits
    }
}

/// "00", "01", … "99": the two digits of each number below 100, in the
/// binary's constant data (no initialisation, nothing shared to guard).
private let digitPairs: StaticString =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
