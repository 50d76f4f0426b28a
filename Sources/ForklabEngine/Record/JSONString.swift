import ForklabWords

extension String {
    /// The string as a JSON string literal, quotes included: `"`, `\` and
    /// control characters escaped, a byte that is not UTF-8 (a word's, see
    /// ForklabWords) as U+FFFD, which JSON's Unicode cannot hold otherwise,
    /// everything else (UTF-8) as it is.
    public var jsonQuoted: String {
        var out = "\""
        out.reserveCapacity(utf8.count + 2)
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20 || c.value == 0x7f:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            case let c where c.rawByte != nil:
                out += "\u{fffd}"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
