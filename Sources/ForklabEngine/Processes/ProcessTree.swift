import Glibc
import CForklabSystem

/// A process and every process below it, as /proc showed them: what `ps`
/// lists.
public struct ProcessTree: Hashable, Sendable {
    public var pid: Int32
    public var parent: Int32
    /// The kernel's state letter: R running, S sleeping, Z a zombie (ended,
    /// not yet reaped), …
    public var state: Character
    /// The name the kernel keeps for it (/proc/PID/comm).
    public var command: String
    /// Its children, by pid.
    public var children: [ProcessTree]

    public init(pid: Int32, parent: Int32, state: Character, command: String, children: [ProcessTree] = []) {
        self.pid = pid
        self.parent = parent
        self.state = state
        self.command = command
        self.children = children
    }

    /// forklab (or `root`) and everything below it; nil when /proc cannot
    /// be read. A process that ends while this reads is left out.
    public static func read(root: Int32 = getpid()) -> ProcessTree? {
        var stat = fl_process_stat()
        guard fl_process_stat(root, &stat) == 0 else { return nil }
        let state = Character(Unicode.Scalar(UInt8(bitPattern: stat.state)))
        var tree = ProcessTree(pid: root, parent: stat.parent, state: state, command: command(of: root) ?? "?")
        // A zombie has no children: the kernel gave them away when it ended.
        guard state != "Z", let children = Family.children(of: root) else { return tree }
        tree.children = children.sorted().compactMap { read(root: $0) }
        return tree
    }

    /// /proc/PID/comm without its newline; nil when it cannot be read.
    private static func command(of pid: Int32) -> String? {
        guard let fd = try? System.open("/proc/\(pid)/comm", O_RDONLY) else { return nil }
        defer { System.close(fd) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = bytes.withUnsafeMutableBytes { buffer in
            (try? System.read(fd, into: buffer.baseAddress!, count: buffer.count)) ?? 0
        }
        var name = bytes[..<count]
        if name.last == UInt8(ascii: "\n") { name = name.dropLast() }
        return String(decoding: name, as: UTF8.self)
    }
}
