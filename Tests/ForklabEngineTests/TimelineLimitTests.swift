// What every timeline keeps: its width, printable ASCII, at most 24 lanes,
// a note for dropped lines, a lane per race run, zombies, an empty record.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import ForklabEngine

extension TimelinePictures {
    @Suite struct Limits {
        private static func lines(_ record: ExperimentRecord, _ width: Int, _ unicode: Bool) -> [Substring] {
            let text = Timeline(record: record, width: width, unicode: unicode).render()
            #expect(text.hasSuffix("\n"))
            return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        }

        @Test("no line is wider than the terminal, from 40 to 1000 columns",
              arguments: [40, 41, 57, 80, 99, 120, 200, 1000])
        func fitsTheWidth(width: Int) {
            for record in allRecords {
                for unicode in [true, false] {
                    for line in Self.lines(record, width, unicode) {
                        #expect(line.count <= width, "\(record.experiment.command) at \(width): \(line)")
                    }
                }
            }
        }

        @Test("ASCII pictures use only printable ASCII", arguments: [40, 80, 120, 1000])
        func asciiIsPlain(width: Int) {
            for record in allRecords {
                let text = Timeline(record: record, width: width, unicode: false).render()
                #expect(text.utf8.allSatisfy { $0 == 0x0a || (0x20...0x7e).contains($0) }, "\(record.experiment.command)")
            }
        }

        @Test("a width out of range is taken as 40 or 1000")
        func widthIsClamped() {
            #expect(Timeline(record: threads3, width: 10, unicode: true).render()
                == Timeline(record: threads3, width: 40, unicode: true).render())
            #expect(Timeline(record: threads3, width: 5000, unicode: false).render()
                == Timeline(record: threads3, width: 1000, unicode: false).render())
        }

        @Test("when the record dropped lines, the timeline says how many it shows")
        func droppedMarksAreAnnounced() {
            let lines = Self.lines(droppedLines, 120, true)
            #expect(lines[1] == "Only the first 6 of 10000000 lines, puts and gets were recorded: the rest are not drawn.")
            #expect(!Self.lines(threads3, 120, true).contains { $0.hasPrefix("Only the first") })
        }

        @Test("past 24 lanes the first ones by start time are drawn and the rest are counted")
        func lanesAreCapped() {
            let lines = Self.lines(threads40, 80, true)
            let lanes = lines.filter { $0.hasPrefix("main thread") || $0.hasPrefix("thread ") }
            #expect(lanes.count == 24)
            #expect(lanes.first?.hasPrefix("main thread") == true)
            #expect(lanes.last?.hasPrefix("thread 22 ") == true)
            #expect(lines.contains("… and 17 more lanes not shown"))
            #expect(Self.lines(threads40, 80, false).contains("... and 17 more lanes not shown"))
        }

        @Test("race draws each run's threads on their own lanes, even when a thread id comes back")
        func raceRunsAreSeparateLanes() {
            let labels = Self.lines(race2, 80, false).compactMap { line -> String? in
                line.hasPrefix("racer") || line.hasPrefix("main") ? String(line.prefix(15)) : nil
            }
            #expect(labels == ["main thread    ", "racer 0        ", "racer 1        ", "racer 0 (mutex)", "racer 1 (mutex)"])
        }

        @Test("a forkexit child is a zombie between its _exit and its reap")
        func zombieBetweenExitAndReap() {
            let lines = Self.lines(forkExit2, 80, false)
            #expect(lines.contains("child 5001      F--------*-X...........R                                  exit 1"))
            #expect(lines.contains("... zombie: ended, not yet reaped   R reaped by the parent (waitpid)"))
        }

        @Test("an empty record still draws its axis and lane")
        func emptyRecord() {
            #expect(Timeline(record: empty, width: 40, unicode: false).render() == """
                timeline of fork 1 (0 ns)

                parent 1 -
                         +-----------------------------+
                         0                          1 ns

                --- alive

                """)
        }
    }
}
