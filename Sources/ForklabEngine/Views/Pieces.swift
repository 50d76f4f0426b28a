/// A view that renders itself as a sequence of strings.
protocol PieceRenderer {
    func render<Failure: Error>(_ out: (String) throws(Failure) -> Void) throws(Failure)
}

/// What `renderer` renders, handed to `output` as bytes in pieces of about
/// `pieceBytes`, in order, without ever holding them all: how `save` writes a
/// Chrome trace or a page of any size. Stops at the first error `output` throws.
func writeInPieces<Failure: Error>(
    _ renderer: some PieceRenderer, pieceBytes: Int, to output: (UnsafeRawBufferPointer) throws(Failure) -> Void
) throws(Failure) {
    var buffer: [UInt8] = []
    buffer.reserveCapacity(pieceBytes + 4096)
    func flush() throws(Failure) {
        var failure: Failure?
        buffer.withUnsafeBytes { bytes in
            do throws(Failure) { try output(bytes) } catch { failure = error }
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw failure }
    }
    try renderer.render { (text) throws(Failure) in
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= pieceBytes { try flush() }
    }
    if !buffer.isEmpty { try flush() }
}
