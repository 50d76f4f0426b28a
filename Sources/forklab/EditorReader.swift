import Glibc
import CLineEditor
import ForklabCommands
import ForklabEngine
import ForklabWords

/// Lines from a person at a terminal, through libedit: the `forklab> `
/// prompt, emacs-style editing, history kept in a file, TAB completion.
final class EditorReader: LineReader {
    let interactive = true
    private(set) var lineNumber = 0
    private(set) var failure: String?
    private var editor: OpaquePointer?
    private let completer: Completer
    /// The history file in use; nil when history is kept in memory only.
    private var historyPath: String?
    private var warnedAboutHistory = false
    /// Reading a quiz answer: not kept in the history.
    private var answering = false
    private let warn: (String) -> Void

    /// Opens libedit on the terminal; nil if it cannot be set up.
    /// - Parameters:
    ///   - historyPath: the history file; one that is not a regular file
    ///     (or not a history file, or unreadable) gets a warning line and
    ///     is left alone, and the session keeps its history in memory.
    ///   - outputToStderr: echo and prompt on stderr, for `forklab > file`.
    ///   - warn: prints a warning line (history that cannot be used).
    init?(historyPath: String?, outputToStderr: Bool, completer: Completer, warn: @escaping (String) -> Void) {
        self.completer = completer
        self.warn = warn
        let context = Unmanaged.passUnretained(self).toOpaque()
        editor = fl_editor_open(
            "forklab", "forklab> ", outputToStderr ? 1 : 0, completeCallback, context,
            Interruption.wakeDescriptor, stopRequestsCallback)
        if editor == nil { return nil }
        if let historyPath {
            var type: UInt32 = 0
            // Entries are held to the longest line a script may have, so
            // that a huge one cannot make every save (and fork) dear.
            let result = fl_editor_use_history(editor, historyPath, ScriptReader.maximumLine, &type)
            if result == FL_HISTORY_ON.rawValue {
                self.historyPath = historyPath
            } else {
                warn(Self.unusable(historyPath, result: result, type: type))
            }
        }
    }

    /// Why the history file at `path` is not used, and that history is off.
    static func unusable(_ path: String, result: Int32, type: UInt32) -> String {
        let off = "history is off for this session"
        let path = display(path)
        switch result {
        case FL_HISTORY_NOT_REGULAR.rawValue:
            let kinds: [UInt32: String] = [
                S_IFIFO: "a FIFO", S_IFCHR: "a character device", S_IFBLK: "a block device",
                S_IFDIR: "a directory", S_IFSOCK: "a socket",
            ]
            return "history file '\(path)' is \(kinds[type] ?? "something else"), not a regular file; \(off)"
        case FL_HISTORY_NOT_HISTORY.rawValue:
            return "history file '\(path)' is not a history file (its first line is not _HiStOrY_V2_), so it is left alone; \(off)"
        default:
            return "cannot read history file '\(path)': \(String(cString: strerror(result))); \(off)"
        }
    }

    deinit { fl_editor_close(editor) }

    func next() -> LineEvent {
        var text: UnsafePointer<CChar>?
        var length = 0
        switch fl_editor_read(editor, &text, &length) {
        case FL_READ_LINE.rawValue:
            lineNumber += 1
            let line = String(rawBytes: UnsafeRawBufferPointer(start: text, count: length))
            if line.contains(where: { !$0.isWhitespace }) { remember(line) }
            return .line(line)
        case FL_READ_INTERRUPTED.rawValue:
            if Interruption.termination == nil { fl_editor_echo(editor, "^C\n") }
            return .interrupted
        case FL_READ_END.rawValue:
            return .end
        default:
            failure = "cannot read the terminal: \(String(cString: strerror(errno)))"
            return .end
        }
    }

    func answer() -> LineEvent {
        _ = fl_editor_set_prompt(editor, "answer> ")
        answering = true
        defer {
            answering = false
            _ = fl_editor_set_prompt(editor, "forklab> ")
        }
        return next()
    }

    private func remember(_ line: String) {
        if answering { return }  // an answer is no command to recall
        // Not kept, as the next session would not read it back.
        guard line.utf8.count <= ScriptReader.maximumLine else { return }
        var type: UInt32 = 0
        let result = line.withRawCString { fl_editor_remember(editor, $0, &type) }
        guard result != 0, let historyPath else { return }
        if result < 0 {
            // Replaced by something else since: no longer used.
            self.historyPath = nil
            warn(Self.unusable(historyPath, result: result, type: type))
        } else if !warnedAboutHistory {
            warnedAboutHistory = true
            warn("cannot save history to '\(display(historyPath))': \(String(cString: strerror(result)))")
        }
    }

    fileprivate func complete(_ editor: OpaquePointer, _ beforeCursor: String) {
        let result = completer.complete(beforeCursor)
        if !result.insertion.isEmpty {
            fl_editor_insert(editor, result.insertion)
        } else if result.candidates.count > 100 {
            fl_editor_show(editor, "\(result.candidates.count) choices; type a few more letters\n")
        } else if !result.candidates.isEmpty {
            fl_editor_show(editor, columns(result.candidates, width: Int(fl_editor_columns(editor))))
        } else {
            fl_editor_beep(editor)
        }
    }
}

/// libedit calls this on TAB; it finds its reader through the context.
private let completeCallback: fl_complete_fn = { context, editor, text, length in
    guard let context, let editor else { return }
    let reader = Unmanaged<EditorReader>.fromOpaque(context).takeUnretainedValue()
    reader.complete(editor, String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self))
}

/// libedit asks this before every wait for a key: a Ctrl-C or a request to
/// end that is pending ends the read (see `fl_editor_open`).
private let stopRequestsCallback: fl_interrupted_fn = { Interruption.stopRequests }

/// Candidates laid out in columns, as a shell lists them, within `width`.
func columns(_ items: [String], width: Int) -> String {
    let cell = (items.map(\.count).max() ?? 0) + 2
    let perRow = max(1, width / cell)
    let rows = (items.count + perRow - 1) / perRow
    var text = ""
    for row in 0..<rows {
        var line = ""
        for column in 0..<perRow {
            let index = column * rows + row
            guard index < items.count else { break }
            let item = items[index]
            line += item + String(repeating: " ", count: cell - item.count)
        }
        while line.hasSuffix(" ") { line.removeLast() }
        text += line + "\n"
    }
    return text
}
