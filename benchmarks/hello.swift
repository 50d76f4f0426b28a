// Startup baseline for forklab: a Swift program built as forklab is
// (swiftc -O -static-stdlib), printing one line.
print("hello")
