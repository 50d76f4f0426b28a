// WaitStatus decoding, signal names and the "(killed by …)" note: pure.
// The comparison with statuses of real processes is in KernelWaitStatusTests.swift.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

@Suite struct WaitStatusDecoding {
    @Test("A normal exit decodes as WIFEXITED/WEXITSTATUS do", arguments: [
        (raw: Int32(0), code: Int32(0)),
        (raw: 256, code: 1),
        (raw: 768, code: 3),
        (raw: 32256, code: 126),
        (raw: 32512, code: 127),
        (raw: 0xff00, code: 255),
    ])
    func normalExit(raw: Int32, code: Int32) {
        let status = WaitStatus(rawValue: raw)
        #expect(status.rawValue == raw)
        #expect(status.exitCode == code)
        #expect(status.shiftedCode == code)
        #expect(status.terminatingSignal == nil)
        #expect(!status.coreDumped)
        #expect(status.signalNote == "")
    }

    @Test func signalDeathWithoutCore() {
        let status = WaitStatus(rawValue: 9)
        #expect(status.terminatingSignal == SIGKILL)
        #expect(status.exitCode == nil)
        #expect(status.shiftedCode == 0)
        #expect(!status.coreDumped)
    }

    @Test func signalDeathWithCore() {
        let status = WaitStatus(rawValue: 134)  // SIGABRT | 0x80
        #expect(status.terminatingSignal == SIGABRT)
        #expect(status.coreDumped)
        #expect(status.exitCode == nil)
        #expect(status.shiftedCode == 0)
    }

    @Test func otherSignals() {
        #expect(WaitStatus(rawValue: 15).terminatingSignal == SIGTERM)
        #expect(WaitStatus(rawValue: 2).terminatingSignal == SIGINT)
        #expect(WaitStatus(rawValue: 11 | 0x80).terminatingSignal == SIGSEGV)
        #expect(WaitStatus(rawValue: 11 | 0x80).coreDumped)
        #expect(WaitStatus(rawValue: 64).terminatingSignal == 64)  // SIGRTMAX
    }

    @Test("A stopped or continued status is neither an exit nor a death")
    func stoppedAndContinued() {
        // WIFSTOPPED: 0x7f in the low byte, the stop signal above it.
        let stopped = WaitStatus(rawValue: (SIGSTOP << 8) | 0x7f)
        #expect(stopped.exitCode == nil)
        #expect(stopped.terminatingSignal == nil)
        #expect(!stopped.coreDumped)
        #expect(stopped.signalNote == "")
        // WIFCONTINUED: 0xffff.
        let continued = WaitStatus(rawValue: 0xffff)
        #expect(continued.exitCode == nil)
        #expect(continued.terminatingSignal == nil)
        #expect(!continued.coreDumped)
    }

    @Test func exitedConstructor() {
        #expect(WaitStatus.exited(0).rawValue == 0)
        #expect(WaitStatus.exited(1).rawValue == 256)
        #expect(WaitStatus.exited(127).rawValue == 32512)
        #expect(WaitStatus.exited(255).rawValue == 0xff00)
        // Like _exit, only the low 8 bits of the code count.
        #expect(WaitStatus.exited(256).rawValue == 0)
        #expect(WaitStatus.exited(257).exitCode == 1)
        for code in Int32(0)...255 {
            let status = WaitStatus.exited(code)
            #expect(status.exitCode == code)
            #expect(status.shiftedCode == code)
            #expect(status.terminatingSignal == nil)
            #expect(!status.coreDumped)
            #expect(WaitStatus(rawValue: status.rawValue) == status)
        }
    }

    @Test func killedConstructor() {
        #expect(WaitStatus.killed(SIGKILL).rawValue == 9)
        #expect(WaitStatus.killed(SIGABRT, coreDumped: true).rawValue == 134)
        #expect(WaitStatus.killed(SIGSEGV, coreDumped: false).rawValue == 11)
        for signal in Int32(1)...64 {
            for core in [false, true] {
                let status = WaitStatus.killed(signal, coreDumped: core)
                #expect(status.terminatingSignal == signal)
                #expect(status.coreDumped == core)
                #expect(status.exitCode == nil)
                #expect(status.shiftedCode == 0)
                #expect(WaitStatus(rawValue: status.rawValue) == status)
            }
        }
    }
}

@Suite struct SignalNames {
    @Test func knownSignals() {
        #expect(signalName(SIGHUP) == "SIGHUP")
        #expect(signalName(SIGINT) == "SIGINT")
        #expect(signalName(SIGQUIT) == "SIGQUIT")
        #expect(signalName(SIGABRT) == "SIGABRT")
        #expect(signalName(9) == "SIGKILL")
        #expect(signalName(11) == "SIGSEGV")
        #expect(signalName(SIGPIPE) == "SIGPIPE")
        #expect(signalName(15) == "SIGTERM")
        #expect(signalName(SIGCHLD) == "SIGCHLD")
        #expect(signalName(SIGUSR1) == "SIGUSR1")
        #expect(signalName(SIGWINCH) == "SIGWINCH")
        #expect(signalName(SIGSYS) == "SIGSYS")
    }

    @Test func everyClassicSignalHasADistinctName() {
        let names = (Int32(1)...31).map(signalName)
        for name in names { #expect(name.hasPrefix("SIG"), "\(name)") }
        #expect(Set(names).count == 31)
    }

    @Test func unknownNumbers() {
        #expect(signalName(77) == "signal 77")
        #expect(signalName(40) == "signal 40")
        #expect(signalName(0) == "signal 0")
        #expect(signalName(-1) == "signal -1")
    }

    @Test func signalNotes() {
        #expect(WaitStatus(rawValue: 9).signalNote == " (killed by SIGKILL)")
        #expect(WaitStatus(rawValue: 134).signalNote == " (killed by SIGABRT, core dumped)")
        #expect(WaitStatus.killed(SIGSEGV, coreDumped: true).signalNote == " (killed by SIGSEGV, core dumped)")
        #expect(WaitStatus.killed(SIGTERM).signalNote == " (killed by SIGTERM)")
        #expect(WaitStatus.killed(40).signalNote == " (killed by signal 40)")
        #expect(WaitStatus.exited(0).signalNote == "")
        #expect(WaitStatus.exited(1).signalNote == "")
        #expect(WaitStatus(rawValue: 32512).signalNote == "")
    }
}
