// swift-tools-version:6.0
import PackageDescription

// The architecture, one way: the `forklab` executable wires together the
// command language, the engine and the line editor; those three never import
// one another. The language and the engine share one leaf, ForklabWords: how
// a word's bytes are carried and shown. See docs/design.md.

// Every Swift target, tests included: a file sees the members (extensions)
// of only the modules it imports itself, not those its imports bring along.
// scripts/check-imports holds each target's imports to the dependencies
// declared here.
let swiftSettings: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility")]

let package = Package(
    name: "forklab",
    products: [
        .executable(name: "forklab", targets: ["forklab"]),
    ],
    dependencies: [
        // `bench`'s percentiles (HdrHistogram, as wrk and many load tools use).
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", exact: "0.2.0"),
    ],
    targets: [
        // libedit itself, found through pkg-config; the provider gives a new
        // user the install hint when libedit-dev is missing.
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // Fixed-signature C wrappers over libedit's variadic el_set/history,
        // and the history file, encoded with libbsd's strvis/strunvis as
        // libedit encodes it (libedit-dev depends on libbsd-dev).
        .target(name: "CLineEditor", dependencies: ["CLibEdit"], linkerSettings: [.linkedLibrary("bsd")]),
        // The engine's C, kept small: what a forked child runs before exec
        // or _exit (fork.c: async-signal-safe calls only), the signal
        // handlers and their self-pipe (signals.c), the event log shared
        // with children (log.c), /proc scanning and the subreaper
        // (processes.c), bench's timed loops (bench.c), and small system-call
        // helpers (util.c: pipe2, gettid, close_range, clock_gettime,
        // fstatfs, mallopt). Wait statuses are decoded in Swift
        // (ForklabEngine/Processes/WaitStatus.swift).
        .target(name: "CForklabSystem"),
        // A word's bytes in a String, without loss, and how a message shows
        // a word. Pure Swift; used by the language, the engine and main.
        .target(name: "ForklabWords", swiftSettings: swiftSettings),
        // The experiments, trace events and renderers. No Foundation.
        .target(
            name: "ForklabEngine",
            dependencies: [
                "CForklabSystem", "ForklabWords", .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Tokens, commands, the parser and its errors. Pure Swift.
        .target(name: "ForklabCommands", dependencies: ["ForklabWords"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "forklab",
            dependencies: ["ForklabCommands", "ForklabEngine", "ForklabWords", "CLineEditor"],
            swiftSettings: swiftSettings,
            // The release build is one static executable: no shared library
            // to load at start-up, and 13 mappings instead of 65 for every
            // fork to copy, which halves the cost of a fork (docs/performance.md,
            // "One static executable").
            // libedit's own dependencies then have to be named.
            linkerSettings: [
                .unsafeFlags(["-static-executable"], .when(configuration: .release)),
                .linkedLibrary("tinfo", .when(configuration: .release)),
                .linkedLibrary("bsd", .when(configuration: .release)),
                .linkedLibrary("md", .when(configuration: .release)),
            ]
        ),

        .testTarget(name: "ForklabWordsTests", dependencies: ["ForklabWords"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ForklabCommandsTests", dependencies: ["ForklabCommands", "ForklabWords"], swiftSettings: swiftSettings
        ),
        // The engine's tests also reach its C shim (the event log's records,
        // the signal counts).
        .testTarget(
            name: "ForklabEngineTests",
            dependencies: ["ForklabEngine", "ForklabWords", "CForklabSystem", "CTestSupport"],
            swiftSettings: swiftSettings
        ),
        // Pseudo-terminal spawning for the end-to-end tests.
        .target(name: "CTestSupport", path: "Tests/CTestSupport"),
        .testTarget(
            name: "ForklabEndToEndTests",
            dependencies: ["CTestSupport", "forklab", "ForklabWords"],
            swiftSettings: swiftSettings
        ),
    ]
)
