// The one decimal writer the parent's lines and the threads' lines share:
// it must write every Int64 as Swift's "\(value)" does.
import Testing
@testable import ForklabEngine

/// Every number of digits, each side of each power of ten, both signs,
/// and the extremes.
private let samples: [Int64] = {
    var values: [Int64] = [0, Int64.min, Int64.min + 1, Int64.max]
    var power: Int64 = 1
    for _ in 0...18 {
        values += [power - 1, power, power + 1, -(power - 1), -power, -(power + 1)]
        if power <= Int64.max / 10 { power *= 10 }
    }
    return values + [42, 4_294_967_295, 2_147_483_648, -2_147_483_649, 123_456_789_012]
}()

@Suite struct DecimalWriting {
    @Test("DecimalWriter writes every sample as Swift's string interpolation does, within maximumLength bytes")
    func writesAsInterpolation() {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: DecimalWriter.maximumLength)
        defer { buffer.deallocate() }
        for value in samples {
            let end = DecimalWriter.write(value, at: buffer)
            #expect(end - buffer <= DecimalWriter.maximumLength)
            #expect(String(decoding: UnsafeBufferPointer(start: buffer, count: end - buffer), as: UTF8.self) == "\(value)")
        }
    }

    @Test("a parent-only buffer appends the same digits, after what it held")
    func parentOnlyBufferAppendsDigits() {
        let line = ParentOnlyBuffer<UInt8>(minimumCapacity: 64)
        for value in samples {
            line.removeAll()
            line.append("n=")
            line.append(decimal: value)
            #expect(line.array == Array("n=\(value)".utf8))
        }
    }
}
