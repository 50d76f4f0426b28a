import Testing
@testable import ForklabCommands

/// `tree ACTIONS [local] [steps]` and `tree random N [seed S] [forks P]`:
/// the whole list checked before anything runs, each error naming the action.
@Suite("Parser: tree")
struct ParserTreeTests {
    static let usage = "tree ACTIONS [local] [steps]"

    @Test func aListIsReadIntoForksAndExits() throws {
        #expect(try command("tree a+b,b+c,b-") == .tree(
            .list([.fork(parent: "a", child: "b"), .fork(parent: "b", child: "c"), .exit("b")]), local: false, steps: false))
    }

    @Test func localAndStepsMayFollowInAnyOrder() throws {
        let list = TreeSource.list([.fork(parent: "a", child: "b")])
        #expect(try command("tree a+b local") == .tree(list, local: true, steps: false))
        #expect(try command("tree a+b steps local") == .tree(list, local: true, steps: true))
        #expect(message("tree a+b local local") == "tree: 'local' given twice")
        #expect(message("tree a+b now") == "tree: unexpected 'now' (usage: \(Self.usage))")
    }

    @Test func namesAreOneToEightLettersOrDigits() throws {
        #expect(try command("tree a+B2,B2+abcdefgh") == .tree(
            .list([.fork(parent: "a", child: "B2"), .fork(parent: "B2", child: "abcdefgh")]), local: false, steps: false))
        let malformed = "not X+Y (X forks Y) or X- (X exits); names are 1…8 letters or digits"
        #expect(message("tree a+abcdefghi") == "tree: action 1 'a+abcdefghi': \(malformed)")
        #expect(message("tree a+b,b*c") == "tree: action 2 'b*c': \(malformed)")
        #expect(message("tree a+b+c") == "tree: action 1 'a+b+c': \(malformed)")
        #expect(message("tree a+b,,b-") == "tree: action 2 '': \(malformed)")
        #expect(message("tree a+é") == "tree: action 1 'a+é': \(malformed)")
    }

    @Test func aProcessThatDoesNotExistYetIsRefused() {
        #expect(message("tree a+b,c+d,b+c") == "tree: action 2 'c+d': there is no process c yet (action 3 forks it)")
        #expect(message("tree x-") == "tree: action 1 'x-': there is no process x; a is the root, and X+x would fork it")
    }

    @Test func aProcessThatExitedIsRefused() {
        #expect(message("tree a+b,b-,b+c") == "tree: action 3 'b+c': b has exited already (action 2 'b-')")
        #expect(message("tree a+b,b-,b-") == "tree: action 3 'b-': b has exited already (action 2 'b-')")
    }

    @Test func aNameUsedTwiceIsRefused() {
        #expect(message("tree a+b,a+b") == "tree: action 2 'a+b': the name b is taken (action 1 'a+b'); give the new process a name of its own")
        #expect(message("tree a+b,b-,a+b") == "tree: action 3 'a+b': the name b is taken (action 1 'a+b'); give the new process a name of its own")
        #expect(message("tree a+a") == "tree: action 1 'a+a': the name a is the root's; give the new process a name of its own")
    }

    @Test func theRootCannotExit() {
        #expect(message("tree a+b,a-") == "tree: action 2 'a-': the root a cannot exit: it adopts the orphans and outlives the tree")
    }

    @Test func atMostAHundredProcessesAreAliveAtOnce() throws {
        let hundred = (1...99).map { "a+p\($0)" }.joined(separator: ",")
        guard case let .tree(.list(actions), _, _) = try command("tree \(hundred)") else {
            Issue.record("not a tree list")
            return
        }
        #expect(actions.count == 99)
        #expect(message("tree \(hundred),a+q") == "tree: action 100 'a+q': 101 processes would be alive at once; at most 100, the root included")
        // One exit makes room for one more.
        #expect(message("tree \(hundred),p1-,a+q") == nil)
    }

    @Test func aListHasAtMostAThousandActions() {
        let long = (1...1001).map { "a+p\($0)" }.joined(separator: ",")
        #expect(message("tree \(long)") == "tree: 1001 actions; a list has at most 1000")
    }

    @Test func withoutActionsItIsRefused() {
        #expect(message("tree") == "tree: missing ACTIONS (usage: \(Self.usage))")
        #expect(message("tree local") == "tree: missing ACTIONS before 'local' (usage: \(Self.usage))")
    }

    @Test func randomTakesNSeedForksAndTheFlags() throws {
        #expect(try command("tree random 8") == .tree(.random(count: 8, seed: nil, forkPercent: 70), local: false, steps: false))
        #expect(try command("tree random 8 seed 42 forks 50 local steps")
            == .tree(.random(count: 8, seed: 42, forkPercent: 50), local: true, steps: true))
        #expect(message("tree random") == "tree: missing N after 'random' (usage: \(Self.usage))")
        #expect(message("tree random 0") == "tree: N must be 1…1000, got 0")
        #expect(message("tree random 1001") == "tree: N must be 1…1000, got 1001")
        #expect(message("tree random 5 forks 101") == "tree: P must be 0…100, got 101")
    }

    @Test func theSameSeedGivesTheSameListAndItPassesTheChecks() throws {
        let first = TreeActions.random(count: 200, seed: 99, forkPercent: 70)
        #expect(first == TreeActions.random(count: 200, seed: 99, forkPercent: 70))
        #expect(first != TreeActions.random(count: 200, seed: 100, forkPercent: 70))
        #expect(first.count == 200)
        // Typed back, it is accepted as it is.
        #expect(try command("tree " + TreeActions.text(first)) == .tree(.list(first), local: false, steps: false))
        // Even all forks stays within 100 alive.
        let forks = TreeActions.random(count: 1000, seed: 1, forkPercent: 100)
        #expect(try command("tree " + TreeActions.text(forks)) == .tree(.list(forks), local: false, steps: false))
    }

    @Test func theGeneratorStillMakesTheListTheEngineTestsUse() {
        // ForklabEngineTests' TreeTests.swift runs this list: tree random 60 seed 7 forks 60.
        #expect(TreeActions.text(TreeActions.random(count: 60, seed: 7, forkPercent: 60)).hasPrefix("a+b,b+c,c-,b-,a+d,d-,a+e,e-"))
    }

    @Test func newNamesGoOnAsSpreadsheetColumns() {
        #expect(TreeActions.name(0) == "a")
        #expect(TreeActions.name(25) == "z")
        #expect(TreeActions.name(26) == "aa")
        #expect(TreeActions.name(99) == "cv")
    }
}
