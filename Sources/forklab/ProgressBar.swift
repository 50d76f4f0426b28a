import ForklabEngine

/// `bench`'s progress on a terminal, drawn over one line and wiped before
/// the result comes; nothing until a measurement has run `after`
/// nanoseconds, so that a short one shows no flicker.
///
///     fork+exit+wait [##########----------]  51%
final class ProgressBar: BenchProgress {
    private let console: Console
    private let after: UInt64
    private let width: () -> Int?
    private var name = ""
    private var started: UInt64 = 0
    private var drawn = false

    init(console: Console, after: UInt64, width: @escaping () -> Int?) {
        self.console = console
        self.after = after
        self.width = width
    }

    func update(_ name: String, done: Int, of total: Int) {
        let now = System.now()
        if name != self.name {
            self.name = name
            started = now
        }
        guard now &- started >= after, total > 0 else { return }
        let share = min(done, total) * 100 / total
        // The name, the bar, the share; the bar takes what the terminal leaves.
        let room = (width() ?? 80) - name.count - 8
        let cells = min(max(room, 0), 40)
        let full = cells * min(done, total) / total
        var line = "\r" + name
        if cells >= 10 {
            line += " [" + String(repeating: "#", count: full) + String(repeating: "-", count: cells - full) + "]"
        }
        line += " " + String(repeating: " ", count: share < 10 ? 2 : share < 100 ? 1 : 0) + "\(share)%\u{1b}[K"
        try? console.write(line)
        drawn = true
    }

    func end() {
        name = ""
        guard drawn else { return }
        drawn = false
        try? console.write("\r\u{1b}[K")
    }
}
