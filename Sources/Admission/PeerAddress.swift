/// Whether a peer address (as the server formats it) is loopback: 127.0.0.0/8 or ::1.
/// Decided from the socket, never from a header.
public enum PeerAddress {
    public static func isLoopback(_ peer: String) -> Bool {
        peer.hasPrefix("127.") || peer == "::1" || peer.hasPrefix("::ffff:127.")
    }
}
