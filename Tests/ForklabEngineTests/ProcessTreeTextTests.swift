import Glibc
import Testing
@testable import ForklabEngine

@Suite("ps: the process tree as text")
struct ProcessTreeTextTests {
    /// forklab with a running child that has a zombie child of its own, then two zombies.
    let tree = ProcessTree(pid: 4100, parent: 99, state: "R", command: "forklab", children: [
        ProcessTree(pid: 4101, parent: 4100, state: "S", command: "sh", children: [
            ProcessTree(pid: 4105, parent: 4101, state: "Z", command: "sleep"),
        ]),
        ProcessTree(pid: 4102, parent: 4100, state: "Z", command: "forklab"),
        ProcessTree(pid: 12345, parent: 4100, state: "Z", command: "true"),
    ])

    @Test func eachProcessIsARowUnderItsParentWithBoxBranches() {
        #expect(tree.render(unicode: true) == """
            PID    PPID  STATE  COMMAND
            4100   99    R      forklab
            4101   4100  S      ├── sh
            4105   4101  Z      │   └── sleep <defunct>
            4102   4100  Z      ├── forklab <defunct>
            12345  4100  Z      └── true <defunct>

            """)
    }

    @Test func asciiBranchesWhereTheTimelineDrawsASCII() {
        #expect(tree.render(unicode: false) == """
            PID    PPID  STATE  COMMAND
            4100   99    R      forklab
            4101   4100  S      |-- sh
            4105   4101  Z      |   `-- sleep <defunct>
            4102   4100  Z      |-- forklab <defunct>
            12345  4100  Z      `-- true <defunct>

            """)
    }

    @Test func forklabAloneIsTheHeaderAndOneRow() {
        let alone = ProcessTree(pid: 7, parent: 1, state: "S", command: "forklab")
        #expect(alone.render(unicode: true) == "PID  PPID  STATE  COMMAND\n7    1     S      forklab\n")
    }

    @Test func aLastChildsChildrenHangBelowItWithoutABar() {
        let chain = ProcessTree(pid: 10, parent: 1, state: "S", command: "a", children: [
            ProcessTree(pid: 11, parent: 10, state: "S", command: "b", children: [
                ProcessTree(pid: 12, parent: 11, state: "S", command: "c"),
            ]),
        ])
        #expect(chain.render(unicode: false) == """
            PID  PPID  STATE  COMMAND
            10   1     S      a
            11   10    S      `-- b
            12   11    S          `-- c

            """)
    }

    @Test func readingFromProcFindsThisProcessAsItsRoot() throws {
        let me = try #require(ProcessTree.read())
        #expect(me.pid == getpid())
        #expect(me.parent == getppid())
        #expect(!me.command.isEmpty)
    }
}
