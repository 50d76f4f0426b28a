// Tests that fork real processes: WaitStatus against real statuses, and Lab
// runs of fork, forkexit and spawn with a recording sink. One serialized
// suite, so that no two of them fork at once (and no script this suite
// writes is ever open for writing in a child of another test: ETXTBSY).
// Its parts, one file each, are suites nested in it: .serialized holds for
// them all (KernelWaitStatusTests, ForkTests, ChildLineTemplateTests,
// ForkExitTests, SpawnTests, SpawnLookupTests, SpawnInheritanceTests,
// LabOutputTests, InterruptTests).
import Testing

@Suite(.serialized) struct RealProcesses {}
