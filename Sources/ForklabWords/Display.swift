/// A word as a message shows it: cut to 40 characters (Unicode scalars),
/// with `…` after a cut, and control characters (C0, DEL, C1) and bytes
/// that are not UTF-8 (see `String.init(rawBytes:)`) shown as `\xNN`, so
/// that any input gives one short line that cannot move the cursor or
/// change the terminal's colours. Every message that quotes what a user
/// typed (a command's word, a program, a file name) shows it through this.
public func display(_ word: String) -> String {
    var shown = ""
    var count = 0
    for scalar in word.unicodeScalars {
        if count == 40 {
            shown += "…"
            break
        }
        count += 1
        if let byte = scalar.rawByte {
            shown += "\\x" + hex(byte)
            continue
        }
        switch scalar.value {
        case 0x00..<0x20, 0x7f, 0x80..<0xa0:
            shown += "\\x" + hex(UInt8(scalar.value))
        default:
            shown.unicodeScalars.append(scalar)
        }
    }
    return shown
}

private func hex(_ value: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(value >> 4)], digits[Int(value & 0xf)]])
}
