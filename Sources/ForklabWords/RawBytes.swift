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
        guard bytes.contains(where: { $0 >= 0x80 }) else {
            self.init(decoding: bytes, as: UTF8.self)  // ASCII: nothing to carry
            return
        }
        var scalars = String.UnicodeScalarView()
        var parser = Unicode.UTF8.ForwardParser()
        var input = bytes.makeIterator()
        var rest = bytes[...]
        while true {
            switch parser.parseScalar(from: &input) {
            case let .valid(encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                if scalar.rawByte != nil {
                    scalars.append(contentsOf: rest.prefix(encoded.count).lazy.map(Unicode.Scalar.init(rawByte:)))
                } else {
                    scalars.append(scalar)
                }
                rest = rest.dropFirst(encoded.count)
            case let .error(length):
                scalars.append(contentsOf: rest.prefix(length).lazy.map(Unicode.Scalar.init(rawByte:)))
                rest = rest.dropFirst(length)
            case .emptyInput:
                self = String(scalars)
                return
            }
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
