// Value kinds of the `admin.*` section.

extension ValueCodec where Value == [String] {
    /// A YAML list (or comma-separated text) of browser origins, `http(s)://host[:port]`,
    /// kept lowercased. What a browser never sends as `Origin` fails at load: a path or a
    /// trailing slash would match nothing, and `*` or `null` would read as "any page".
    static var originList: Self {
        Self(
            expected: "a list of origins such as http://localhost:3000 (scheme://host[:port], no path)",
            parse: { text in
                let origins = text.split(separator: ",", omittingEmptySubsequences: false)
                    .map { withoutSurroundingSpaces($0.lowercased()) }
                guard origins.allSatisfy(isOrigin) else { return nil }
                return origins
            },
            render: { $0.joined(separator: ",") }
        )
    }
}

/// `http://` or `https://`, then a non-empty host[:port] without path, query, user info or spaces.
private func isOrigin(_ text: String) -> Bool {
    guard let scheme = ["http://", "https://"].first(where: text.hasPrefix) else { return false }
    let authority = text.dropFirst(scheme.count)
    return !authority.isEmpty && !authority.contains { "/?#@ \t".contains($0) }
}

private func withoutSurroundingSpaces(_ text: String) -> String {
    var text = Substring(text)
    while text.first == " " { text.removeFirst() }
    while text.last == " " { text.removeLast() }
    return String(text)
}
