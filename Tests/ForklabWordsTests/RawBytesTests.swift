import Testing
import ForklabWords

@Suite("raw bytes: a word's bytes through a String, without loss")
struct RawBytesTests {
    @Test(arguments: ["", "fork 3", "spawn 'a b' -- \"c\"", "日本 ü 🙂 \u{a0}\u{fffd}\u{10ffff}", "\u{10fc7f}\u{10fd00}"])
    func validUTF8DecodesAsUTF8Always(text: String) {
        #expect(String(rawBytes: Array(text.utf8)) == text)
        #expect(String(rawBytes: Array(text.utf8)).unicodeScalars.elementsEqual(text.unicodeScalars))
        #expect(text.rawBytes == Array(text.utf8))
    }

    @Test func eachByteThatIsNotUTF8BecomesAScalarOfItsOwn() {
        let decoded = String(rawBytes: [0x61, 0xff, 0x62, 0x80, 0xc3])
        #expect(decoded.unicodeScalars.map(\.value) == [0x61, 0x10fcff, 0x62, 0x10fc80, 0x10fcc3])
        #expect(decoded.unicodeScalars.map(\.rawByte) == [nil, 0xff, nil, 0x80, 0xc3])
    }

    @Test func aTruncatedSequenceKeepsEachOfItsBytes() {
        // é is C3 A9; 🙂 is F0 9F 99 82: cut short, then followed by ASCII.
        #expect(String(rawBytes: [0xc3, 0x41]).unicodeScalars.map(\.value) == [0x10fcc3, 0x41])
        #expect(String(rawBytes: [0xf0, 0x9f, 0x99, 0x41]).unicodeScalars.map(\.value)
            == [0x10fcf0, 0x10fc9f, 0x10fc99, 0x41])
    }

    @Test func aGenuineCarrierScalarInTheInputIsCarriedByteByByte() {
        // U+10FCFF, valid UTF-8 F4 8F B3 BF, is not the byte FF.
        let genuine: [UInt8] = [0xf4, 0x8f, 0xb3, 0xbf]
        let decoded = String(rawBytes: genuine)
        #expect(decoded.unicodeScalars.map(\.value) == [0x10fcf4, 0x10fc8f, 0x10fcb3, 0x10fcbf])
        #expect(decoded.rawBytes == genuine)
        #expect(decoded != String(rawBytes: [0xff]))
    }

    @Test func everyOneAndTwoByteInputComesBackUnchanged() {
        for first in 0...255 {
            #expect(String(rawBytes: [UInt8(first)]).rawBytes == [UInt8(first)])
            for second in 0...255 {
                let bytes = [UInt8(first), UInt8(second)]
                if String(rawBytes: bytes).rawBytes != bytes { Issue.record("\(bytes) changed") }
            }
        }
    }

    @Test func longerInputsAroundTheEdgesOfUTF8ComeBackUnchanged() {
        // Overlong forms, surrogates, past U+10FFFF, the carriers' neighbours.
        let pieces: [[UInt8]] = [
            [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8],
            [0xf4, 0x8f, 0xb2, 0x80], [0xf4, 0x8f, 0xb1, 0xbf], [0xf4, 0x8f, 0xb4, 0x80], [0xef, 0xbb, 0xbf],
            [0x41], [0xe6, 0x97, 0xa5], [0x80], [0xbf],
        ]
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let bytes = a + b + c
                    if String(rawBytes: bytes).rawBytes != bytes { Issue.record("\(bytes) changed") }
                }
            }
        }
    }

    @Test func aByteThatIsNotUTF8IsFoundAfterAnyRunOfASCII() {
        // ASCII is skipped eight bytes at a time: every offset and tail length.
        for offset in 0..<20 {
            for tail in [0, 1, 7, 8, 9] {
                for odd: [UInt8] in [[0xff], [0xc3, 0xa9], [0xf4, 0x8f, 0xb3, 0xbf]] {
                    let bytes = [UInt8](repeating: 0x61, count: offset) + odd + [UInt8](repeating: 0x62, count: tail)
                    let decoded = String(rawBytes: bytes)
                    if decoded.rawBytes != bytes { Issue.record("\(bytes) changed") }
                    let scalars = Array(decoded.unicodeScalars)
                    if odd == [0xc3, 0xa9] {
                        #expect(scalars[offset] == "é")
                    } else {
                        #expect(scalars[offset].rawByte == odd[0])
                    }
                    #expect(scalars.count == offset + (odd.count == 2 ? 1 : odd.count) + tail)
                }
            }
        }
    }

    @Test func withRawCStringGivesTheBytesAndANul() {
        let word = String(rawBytes: [0x78, 0xff, 0xf4, 0x8f, 0xb3, 0xbf])
        let seen = word.withRawCString { pointer in
            (0..<7).map { UInt8(bitPattern: pointer[$0]) }
        }
        #expect(seen == [0x78, 0xff, 0xf4, 0x8f, 0xb3, 0xbf, 0])
        #expect("plain".withRawCString { String(cString: $0) } == "plain")
    }

    @Test func messagesShowEachByteThatIsNotUTF8AsAHexEscape() {
        #expect(display(String(rawBytes: [0x61, 0xff, 0x62])) == "a\\xffb")
        #expect(display(String(rawBytes: [0xf4, 0x8f, 0xb3, 0xbf])) == "\\xf4\\x8f\\xb3\\xbf")
        // Each counts as one character of the forty.
        #expect(display(String(rawBytes: [UInt8](repeating: 0xfe, count: 41)))
            == String(repeating: "\\xfe", count: 40) + "…")
    }
}
