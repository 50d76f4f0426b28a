// WaitStatus against the kernel: the statuses of real children, exited and
// killed, decode as the hand-made ones in WaitStatusTests.swift do.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

extension RealProcesses {
    @Suite struct KernelWaitStatuses {
        @Test("Real exits decode like WaitStatus.exited", arguments: [Int32(0), 1, 3, 126, 127, 255])
        func realExit(code: Int32) throws {
            let raw = try #require(forkAndReap(.exit(code)))
            let status = WaitStatus(rawValue: raw)
            #expect(status == .exited(code))
            #expect(status.exitCode == code)
            #expect(status.shiftedCode == code)
            #expect(status.terminatingSignal == nil)
            #expect(!status.coreDumped)
        }

        @Test func realExitThree() throws {
            let raw = try #require(forkAndReap(.exit(3)))
            #expect(raw == 768)
        }

        @Test func realSIGKILL() throws {
            let raw = try #require(forkAndReap(.killSelf(SIGKILL)))
            #expect(raw == 9)
            let status = WaitStatus(rawValue: raw)
            #expect(status == .killed(SIGKILL))
            #expect(status.terminatingSignal == SIGKILL)
            #expect(status.exitCode == nil)
            #expect(status.shiftedCode == 0)
            #expect(!status.coreDumped)
            #expect(status.signalNote == " (killed by SIGKILL)")
        }
    }
}
