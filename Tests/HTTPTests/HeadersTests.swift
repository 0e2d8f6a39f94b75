import HTTP
import Testing

@Suite("HTTPHeaders")
struct HeadersTests {
    @Test("Lookup ignores case and returns the first value")
    func lookup() {
        let headers = HTTPHeaders([("Content-Type", "a"), ("content-type", "b"), ("X", "c")])
        #expect(headers["CONTENT-TYPE"] == "a")
        #expect(headers.values(for: "Content-type") == ["a", "b"])
        #expect(headers.contains("x"))
        #expect(!headers.contains("y"))
        #expect(headers["y"] == nil)
        #expect(headers.count == 3)
    }

    @Test("add, replaceOrAdd and remove keep order and original case")
    func mutation() {
        var headers = HTTPHeaders()
        headers.add(name: "A", value: "1")
        headers.add(name: "X-Tag", value: "1")
        headers.add(name: "B", value: "2")
        headers.add(name: "x-tag", value: "2")
        headers.replaceOrAdd(name: "X-TAG", value: "3")
        #expect(Array(headers).map { "\($0.name)=\($0.value)" } == ["A=1", "X-Tag=3", "B=2"])
        headers.replaceOrAdd(name: "C", value: "4")
        #expect(headers["c"] == "4")
        headers.remove(name: "a")
        #expect(Array(headers).map(\.name) == ["X-Tag", "B", "C"])
    }

    @Test("tokens splits, trims, lowercases and drops empties")
    func tokens() {
        let headers = HTTPHeaders([("Connection", " Keep-Alive ,, Upgrade"), ("connection", "CLOSE\t")])
        #expect(headers.tokens(for: "connection") == ["keep-alive", "upgrade", "close"])
        #expect(headers.hasToken("upgrade", for: "Connection"))
        #expect(!headers.hasToken("keep", for: "Connection"))
        #expect(headers.tokens(for: "missing").isEmpty)
    }

    @Test("Equality compares names and values in order")
    func equality() {
        #expect(HTTPHeaders([("A", "1"), ("B", "2")]) == HTTPHeaders([("A", "1"), ("B", "2")]))
        #expect(HTTPHeaders([("A", "1"), ("B", "2")]) != HTTPHeaders([("B", "2"), ("A", "1")]))
    }

    @Test("contentLength and isChunked read the validated framing fields")
    func framingAccessors() {
        #expect(HTTPHeaders([("content-length", " 42 ")]).contentLength == 42)
        #expect(HTTPHeaders([("Content-Length", "4"), ("Content-Length", "4")]).contentLength == nil)
        #expect(HTTPHeaders([("Content-Length", "-4")]).contentLength == nil)
        #expect(HTTPHeaders().contentLength == nil)
        #expect(HTTPHeaders([("Transfer-Encoding", "Chunked")]).isChunked)
        #expect(!HTTPHeaders([("Transfer-Encoding", "gzip, chunked")]).isChunked)
        #expect(!HTTPHeaders().isChunked)
    }

    @Test("Dictionary literal keeps the written order")
    func dictionaryLiteral() {
        let headers: HTTPHeaders = ["Content-Type": "application/json", "Content-Length": "2"]
        #expect(Array(headers).map(\.name) == ["Content-Type", "Content-Length"])
        #expect(headers.contentLength == 2)
    }
}
