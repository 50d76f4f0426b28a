import Testing

/// Every end-to-end test forks; they run one at a time.
@Suite(.serialized)
struct EndToEnd {}
