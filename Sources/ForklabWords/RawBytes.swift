/// Bytes that are not UTF-8, carried through forklab's Strings without loss.
///
/// A word is bytes to the kernel: a file name or a program argument may hold
/// any byte but NUL, UTF-8 or not. forklab reads words into Strings, so a
/// byte that is not part of valid UTF-8 becomes one scalar of its own,
/// U+10FC00 + the byte (U+10FC80…U+10FCFF, in the private-use plane 16:
/// only bytes 0x80…0xFF can be invalid), and turns back into that byte
/// where a word becomes a C string. A genuine U+10FC80…U+10FCFF in the input
/// (four valid bytes, F4 8F B2 80…F4 8F B3 BF) is carried the same way, byte
/// by byte, so decoding is one-to-one: `String(rawBytes: b).rawBytes == b`
/// for every `b`. Everything else valid is decoded as UTF-8 always is.
extension String {
    /// Decodes `bytes` as UTF-8, each byte that is not part of valid UTF-8
    /// (and each byte of a genuine U+10FC80…U+10FCFF) as its own scalar.
    public init(rawBytes bytes: some Collection<UInt8>) {
        // Into the non-generic decoder: a generic one is not specialized
        // across modules, and ran a script 15 times slower.
        self = bytes.withContiguousStorageIfAvailable { String(rawBytes: UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes { String(rawBytes: $0) }
    }

    /// Decodes `bytes` as `init(rawBytes:)` does.
    public init(rawBytes raw: UnsafeRawBufferPointer) {
        let bytes = raw.bindMemory(to: UInt8.self)
        // Most lines are ASCII: eight bytes at a time up to the first that
        // is not (a byte at a time, through `contains`, cost 15 instructions
        // a byte here).
        var first = 0
        while first + 8 <= raw.count,
              raw.loadUnaligned(fromByteOffset: first, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            first += 8
        }
        while first < bytes.count && bytes[first] < 0x80 { first += 1 }
        if first == bytes.count {
            self.init(decoding: bytes, as: UTF8.self)
            return
        }
        // Valid UTF-8 without an F4 (no carrier) is taken as it is.
        var carrierLead = false
        for index in first..<bytes.count where bytes[index] == 0xf4 {
            carrierLead = true
            break
        }
        if !carrierLead, let valid = String(validating: bytes, as: UTF8.self) {
            self = valid
            return
        }
        // The rest, as UTF-8 with every carried byte's scalar in its place.
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count + 16)
        utf8.append(contentsOf: bytes[..<first])
        var parser = Unicode.UTF8.ForwardParser()
        var input = bytes[first...].makeIterator()
        var done = first
        while true {
            let carried: Int
            switch parser.parseScalar(from: &input) {
            case let .valid(encoded):
                // F4 8F B2/B3 xx: a genuine U+10FC80…U+10FCFF, carried too.
                guard encoded.count == 4 && bytes[done] == 0xf4 && bytes[done + 1] == 0x8f
                        && (bytes[done + 2] == 0xb2 || bytes[done + 2] == 0xb3) else {
                    utf8.append(contentsOf: bytes[done..<done + encoded.count])
                    done += encoded.count
                    continue
                }
                carried = 4
            case let .error(length):
                carried = length
            case .emptyInput:
                self.init(decoding: utf8, as: UTF8.self)
                return
            }
            for byte in bytes[done..<done + carried] {
                // U+10FC00 + byte in UTF-8 (byte is 0x80…0xFF).
                utf8.append(contentsOf: [0xf4, 0x8f, 0xb0 | byte >> 6, 0x80 | byte & 0x3f])
            }
            done += carried
        }
    }

    /// The bytes this string stands for: its UTF-8, with each scalar
    /// U+10FC80…U+10FCFF turned back into the byte it carries. The inverse of
    /// `init(rawBytes:)`.
    public var rawBytes: [UInt8] {
        // The carried scalars are F4 8F B2/B3 xx in UTF-8: without an F4
        // there is nothing to turn back.
        guard utf8.contains(0xf4) else { return Array(utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            if let byte = scalar.rawByte {
                bytes.append(byte)
            } else {
                bytes.append(contentsOf: UTF8.encode(scalar)!)
            }
        }
        return bytes
    }

    /// Calls `body` with the bytes this string stands for (`rawBytes`) as a
    /// NUL-terminated C string, valid for the call.
    public func withRawCString<R>(_ body: (UnsafePointer<CChar>) -> R) -> R {
        guard utf8.contains(0xf4) else { return withCString(body) }
        let bytes = rawBytes.map { CChar(bitPattern: $0) } + [0]
        return bytes.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

extension Unicode.Scalar {
    /// The scalar that carries `byte` (0x80…0xFF), a byte that is not UTF-8.
    init(rawByte byte: UInt8) {
        self = Unicode.Scalar(0x10fc00 + UInt32(byte))!
    }

    /// The byte this scalar carries, when it is one of U+10FC80…U+10FCFF;
    /// nil for every other scalar.
    public var rawByte: UInt8? {
        (0x10fc80...0x10fcff).contains(value) ? UInt8(truncatingIfNeeded: value) : nil
    }
}
