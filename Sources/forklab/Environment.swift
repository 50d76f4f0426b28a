import Glibc

/// What forklab learns from its surroundings: environment variables, the
/// file system, the terminal. No Foundation (it would make forks dearer).
enum Environment {
    static func variable(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// `$FORKLAB_HISTORY`, else `~/.forklab_history`; nil when neither
    /// can be known, or FORKLAB_HISTORY is empty or `/dev/null`, which turn
    /// history off (as HISTFILE does for shells).
    static var historyPath: String? {
        if let path = variable("FORKLAB_HISTORY") { return path.isEmpty || path == "/dev/null" ? nil : path }
        var home = variable("HOME")
        if home == nil || home!.isEmpty, let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir {
            home = String(cString: dir)
        }
        guard let home, !home.isEmpty else { return nil }
        return home + "/.forklab_history"
    }

    /// The folder `spawn` tries after PATH: `$FORKLAB_SCRIPTS`; else, for
    /// an installed forklab (`scripts/install`), `../share/forklab` beside
    /// the executable when it holds `child.sh`; else the `scripts/` of the
    /// checkout this binary was built in (found by walking up from the
    /// executable to a folder holding `scripts/child.sh`).
    static var programDirectory: String? {
        if let path = variable("FORKLAB_SCRIPTS"), !path.isEmpty { return path }
        guard let resolved = realpath("/proc/self/exe", nil) else { return nil }
        var path = String(cString: resolved)
        free(resolved)
        if let slash = path.lastIndex(of: "/") {
            let installed = String(path[..<slash]) + "/../share/forklab"
            if access(installed + "/child.sh", F_OK) == 0, let folder = realpath(installed, nil) {
                defer { free(folder) }
                return String(cString: folder)
            }
        }
        for _ in 0..<6 {
            guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return nil }
            path = String(path[..<slash])
            if access(path + "/scripts/child.sh", F_OK) == 0 { return path + "/scripts" }
        }
        return nil
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// How long a `bench` measurement runs before its progress bar shows,
    /// in nanoseconds: FORKLAB_PROGRESS_AFTER_MS, or one second.
    static var progressDelay: UInt64 {
        guard let text = variable("FORKLAB_PROGRESS_AFTER_MS"), let milliseconds = UInt64(text),
              milliseconds <= 3_600_000 else { return 1_000_000_000 }
        return milliseconds * 1_000_000
    }

    /// Whether to colour what goes to `fd`: only a terminal, and never when
    /// `NO_COLOR` is set to anything but the empty string (no-color.org) or
    /// the terminal is `dumb`.
    static func usesColor(_ fd: Int32) -> Bool {
        guard isTerminal(fd), variable("TERM") != "dumb" else { return false }
        return (variable("NO_COLOR") ?? "").isEmpty
    }

    /// Sets LC_CTYPE from the environment (LC_ALL, LC_CTYPE or LANG), once.
    /// Only what needs it calls this (libedit, which reads multibyte
    /// characters by it, and the timeline's choice of characters): a script
    /// that draws nothing starts without reading the locale's files.
    static func useLocale() {
        _ = localeSet
    }

    private static let localeSet: Bool = setlocale(LC_CTYPE, "") != nil

    /// Whether the locale can show Unicode: its character set is UTF-8
    /// (LC_ALL, LC_CTYPE or LANG, read by setlocale), and the terminal is
    /// not `dumb`.
    static var showsUnicode: Bool {
        useLocale()
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        guard name == "UTF-8" || name == "UTF8" else { return false }
        return variable("TERM") != "dumb"
    }

    /// The terminal's width in columns when `fd` is a terminal, else nil.
    static func terminalWidth(_ fd: Int32) -> Int? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Names in `directory` that start with `prefix`, with `/` after folders.
    static func entries(in directory: String, prefix: String, executablesOnly: Bool = false) -> [String] {
        guard let dir = opendir(directory.isEmpty ? "." : directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix(prefix), name != ".", name != "..",
                  prefix.hasPrefix(".") || !name.hasPrefix(".") else { continue }
            let full = (directory.isEmpty ? "" : directory.hasSuffix("/") ? directory : directory + "/") + name
            var info = stat()
            let isDirectory = stat(full, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            if executablesOnly {
                if !isDirectory && access(full, X_OK) == 0 { names.append(name) }
            } else {
                names.append(isDirectory ? name + "/" : name)
            }
        }
        return names
    }

    /// Program names for `spawn` completion: PATH, then the scripts folder.
    static func programs(prefix: String, programDirectory: String?) -> [String] {
        let path = variable("PATH") ?? "/usr/local/bin:/usr/bin:/bin"
        var folders = path.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if let programDirectory { folders.append(programDirectory) }
        return folders.flatMap { entries(in: $0, prefix: prefix, executablesOnly: true) }
    }

    /// Paths for completion: the folder part of `prefix` listed, kept in front.
    static func paths(prefix: String) -> [String] {
        guard let slash = prefix.lastIndex(of: "/") else { return entries(in: "", prefix: prefix) }
        let folder = String(prefix[...slash])
        let leaf = String(prefix[prefix.index(after: slash)...])
        return entries(in: folder, prefix: leaf).map { folder + $0 }
    }
}

/// The terminal's settings as forklab found them, put back after each
/// command so that a program that left the terminal raw (or was killed
/// while it had it raw) does not spoil the prompt.
struct TerminalModes {
    private var saved = termios()
    private let valid: Bool
    /// The file status flags of 0, 1 and 2 (O_NONBLOCK among them), or -1.
    private let flags: [Int32]

    init() {
        valid = tcgetattr(0, &saved) == 0
        flags = (0...2).map { fcntl($0, F_GETFL) }
    }

    /// Whether forklab's process group has the terminal now. Only then may
    /// `restore()` take it back after a command: a forklab sent to the
    /// background (Ctrl-Z, bg) must leave the terminal to the shell.
    var inForeground: Bool { valid && tcgetpgrp(0) == getpgrp() }

    /// Takes the terminal back: forklab's process group in the foreground
    /// (a program may have taken it and died) and the modes it found. Call
    /// only when forklab had the terminal when the command began.
    func restore() {
        guard valid else { return }
        // From the background these calls would stop forklab with SIGTTOU.
        var ttou = sigset_t()
        var before = sigset_t()
        sigemptyset(&ttou)
        sigaddset(&ttou, SIGTTOU)
        sigprocmask(SIG_BLOCK, &ttou, &before)
        defer { sigprocmask(SIG_SETMASK, &before, nil) }
        let foreground = tcgetpgrp(0)
        if foreground != getpgrp() {
            // A live group holds the terminal: the shell, after Ctrl-Z and bg.
            // Leave it alone. A group that is gone (a program that took the
            // terminal and died) leaves it to nobody: take it back.
            if foreground > 0 && kill(-foreground, 0) == 0 { return }
            _ = tcsetpgrp(0, getpgrp())
        }
        var modes = saved
        _ = tcsetattr(0, TCSADRAIN, &modes)
        // A program may have left the terminal non-blocking (it is one
        // open file shared by all): the line editor's and the shell's reads
        // would fail with EAGAIN. Put O_NONBLOCK back as it was, as shells do.
        for (fd, found) in flags.enumerated() where found >= 0 && isatty(Int32(fd)) == 1 {
            let now = fcntl(Int32(fd), F_GETFL)
            if now >= 0 && (now ^ found) & O_NONBLOCK != 0 {
                _ = fcntl(Int32(fd), F_SETFL, (now & ~O_NONBLOCK) | (found & O_NONBLOCK))
            }
        }
    }
}
