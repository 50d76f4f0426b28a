import Testing
@testable import ForklabEngine

/// The note that some marks were dropped names what the marks were.
@Suite("Dropped marks: what they are called")
struct MarksNameTests {
    private func name(_ experiment: Experiment) -> String {
        ExperimentRecord(experiment: experiment, parent: 1, duration: 0, events: [], keptMarks: 0, droppedMarks: 1)
            .marksName
    }

    @Test func eachExperimentNamesTheMarksItsThreadsRecord() {
        #expect(name(.threads(ThreadsPlan(threads: 2, count: 2, locked: true, joined: true))) == "lines, puts and gets")
        #expect(name(.threads(ThreadsPlan(threads: 2, count: 2, locked: true, joined: true, sleep: 1)))
            == "lines, puts, gets and sleeps")
        #expect(name(.produce(ProducePlan(producers: 1, consumers: 1, messages: 1, capacity: nil, sleep: 1)))
            == "lines, puts, gets and sleeps")
        #expect(name(.produce(ProducePlan(producers: 1, consumers: 3, messages: 1, capacity: 1, flaw: .ifWait)))
            == "lines, puts, gets and waits")
        #expect(name(.produce(ProducePlan(producers: 1, consumers: 3, messages: 1, capacity: 1, sleep: 1, flaw: .oneCondition)))
            == "lines, puts, gets, sleeps and waits")
        #expect(name(.deadlock(DeadlockPlan(threads: 2, ordered: false, timeout: 1))) == "lines, lock waits and holds")
    }
}
