/// Ceilings that protect the machine (SPEC §2, Limits).
public enum Limits {
    /// `N` of fork, forkexit, spawn, threads and race.
    public static let processes: ClosedRange<Int> = 1...10_000
}
