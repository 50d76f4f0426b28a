import Foundation
import Testing

// scripts/install: an installed forklab finds its programs folder beside its
// binary and runs from anywhere; --uninstall takes back what the install put;
// a PREFIX that cannot be written to is one error line.

extension EndToEnd {
    @Suite struct Install {
        /// Runs `scripts/install ARGUMENTS`, installing the forklab under test
        /// (`--binary`) rather than building one: the suite has built it.
        private func install(_ arguments: [String], user: (uid: uid_t, gid: gid_t)? = nil,
                             home: URL) -> RunResult {
            var options = RunOptions()
            options.binary = "/bin/bash"
            options.user = user
            options.environment = testEnvironment(home: home)
            options.deadline = 60
            var script = projectRoot.appendingPathComponent("scripts/install").path
            if user != nil {
                // Another user may not reach the clone: a copy in `home`,
                // whose checks of PREFIX come before it needs the clone.
                let copy = home.appendingPathComponent("install").path
                try? FileManager.default.removeItem(atPath: copy)
                try? FileManager.default.copyItem(atPath: script, toPath: copy)
                chmod(copy, 0o755)
                script = copy
            }
            return runForklab([script, "--binary", forklabPath] + arguments, options)
        }

        /// Every path under `folder`, relative to it, sorted.
        private func contents(_ folder: URL) -> [String] {
            let enumerator = FileManager.default.enumerator(atPath: folder.path)
            return (enumerator?.allObjects as? [String] ?? []).sorted()
        }

        @Test func installedForklabSpawnsChildShFromAnotherFolderWithoutTheClone() throws {
            let root = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: root) }
            let prefix = root.appendingPathComponent("prefix")
            let elsewhere = root.appendingPathComponent("elsewhere")
            try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)

            let installed = install([prefix.path], home: root)
            #expect(installed.ending == Ending(exitCode: 0), "\(installed.stderr)")
            #expect(installed.stdoutLines.filter { $0.hasPrefix("installed ") } == [
                "bin/forklab", "share/forklab/child.sh", "share/forklab/child.py",
                "share/forklab/examples/book.lab", "share/man/man1/forklab.1",
            ].map { "installed \(prefix.path)/\($0)" })
            #expect(installed.stdoutLines.last == "  export PATH=\"\(prefix.path)/bin:$PATH\"")

            // From another folder, with neither the clone nor FORKLAB_SCRIPTS
            // in sight: the programs folder is the one beside the binary.
            var options = RunOptions()
            var environment = testEnvironment(home: root)
            environment["FORKLAB_SCRIPTS"] = nil
            environment["PATH"] = "/usr/bin:/bin"
            options.environment = environment
            options.binary = "/bin/sh"
            let run = runForklab(["-c", "cd \"$1\" && exec \"$2\" -c 'spawn child.sh 2'", "sh", elsewhere.path,
                                  prefix.appendingPathComponent("bin/forklab").path], options)
            #expect(run.ending == Ending(exitCode: 0), "\(run.stderr)")
            #expect(run.stderr == "")
            let children = run.traceLines.filter { $0.hasPrefix("Child is ") }.map { String($0.dropFirst(9)) }
            #expect(children.count == 2)
            let hellos = run.traceLines.filter { $0.hasPrefix("Hello from child ") }
            #expect(Set(hellos) == Set(children.enumerated().map { "Hello from child \($1) \($0 + 1)" }))
            #expect(run.traceLines.filter { $0.hasPrefix("Parent got ") }.count == 2)
        }

        @Test func installAgainReplacesAndUninstallRemovesExactlyWhatItInstalled() throws {
            let root = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: root) }
            let prefix = root.appendingPathComponent("prefix")
            // Someone else's program in PREFIX/bin stays, and so does bin.
            let other = prefix.appendingPathComponent("bin/other")
            try FileManager.default.createDirectory(at: other.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: other.path, contents: Data("#!/bin/sh\n".utf8))
            // A folder that was there, empty, stays: the install did not make it.
            try FileManager.default.createDirectory(at: prefix.appendingPathComponent("share/man/man1"),
                                                    withIntermediateDirectories: true)

            #expect(install([prefix.path], home: root).ending == Ending(exitCode: 0))
            let again = install([prefix.path], home: root)
            #expect(again.ending == Ending(exitCode: 0), "\(again.stderr)")
            #expect(contents(prefix) == [
                "bin", "bin/forklab", "bin/other", "share", "share/forklab", "share/forklab/.created-folders",
                "share/forklab/child.py", "share/forklab/child.sh", "share/forklab/examples",
                "share/forklab/examples/book.lab", "share/man", "share/man/man1", "share/man/man1/forklab.1",
            ])

            let removed = install(["--uninstall", prefix.path], home: root)
            #expect(removed.ending == Ending(exitCode: 0), "\(removed.stderr)")
            #expect(contents(prefix) == ["bin", "bin/other", "share", "share/man", "share/man/man1"])
            #expect(removed.stdoutLines.contains("removed \(prefix.path)/bin/forklab"))

            // Nothing left to uninstall is said so, and fails.
            let twice = install(["--uninstall", prefix.path], home: root)
            #expect(twice.ending == Ending(exitCode: 1))
            #expect(twice.stderrLines == [
                "forklab: nothing to uninstall under \(prefix.path) (no bin/forklab, no share/forklab)",
            ])
        }

        @Test func installIntoAPrefixThatCannotBeWrittenIsOneErrorLine() throws {
            let root = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: root) }
            // A file where a folder should be: no one can create PREFIX.
            let file = root.appendingPathComponent("file")
            _ = FileManager.default.createFile(atPath: file.path, contents: Data())
            let underFile = install([file.path + "/prefix"], home: root)
            #expect(underFile.ending == Ending(exitCode: 1))
            #expect(underFile.stdout == "")
            #expect(underFile.stderrLines == [
                "forklab: cannot install into \(file.path)/prefix: cannot create \(file.path)/prefix (Not a directory); choose a PREFIX you can write to, such as ~/.local",
            ])

            // A folder of root's, 0755, for a user who is not root.
            let locked = root.appendingPathComponent("locked")
            try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
            chmod(root.path, 0o755)
            chmod(locked.path, 0o755)
            guard geteuid() == 0 else { return }
            let denied = install([locked.path], user: (65534, 65534), home: root)
            #expect(denied.ending == Ending(exitCode: 1))
            #expect(denied.stderrLines == [
                "forklab: cannot install into \(locked.path): cannot create \(locked.path)/bin (Permission denied); choose a PREFIX you can write to, such as ~/.local",
            ])
            #expect(contents(locked) == [])

            // PREFIX is the user's, but share is root's: the folders made
            // before the refusal (bin) are taken back.
            let partly = root.appendingPathComponent("partly")
            try FileManager.default.createDirectory(at: partly.appendingPathComponent("share"),
                                                    withIntermediateDirectories: true)
            chmod(partly.appendingPathComponent("share").path, 0o755)
            chown(partly.path, 65534, 65534)
            let half = install([partly.path], user: (65534, 65534), home: root)
            #expect(half.ending == Ending(exitCode: 1))
            #expect(half.stderrLines == [
                "forklab: cannot install into \(partly.path): cannot create \(partly.path)/share/man (Permission denied); choose a PREFIX you can write to, such as ~/.local",
            ])
            #expect(contents(partly) == ["share"])
        }
    }
}
