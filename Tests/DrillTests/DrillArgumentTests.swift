import Drill
import Kit
import Testing

@Suite("The drill's flags and probe file")
struct DrillArgumentTests {
    @Test("durations", arguments: [("250ms", 250), ("30s", 30_000), ("5m", 300_000), ("60m", 3_600_000), ("1h", 3_600_000)] as [(String, Int64)])
    func durations(text: String, milliseconds: Int64) throws {
        #expect(try DrillDuration.milliseconds(parsing: text, flag: "--rpo-target") == milliseconds)
    }

    @Test("a bad duration is bad_argument naming the flag", arguments: ["", "5", "m", "-5m", "1.5h", "5 m", "5d", "99999999999999999999h"])
    func badDurations(text: String) {
        #expect {
            try DrillDuration.milliseconds(parsing: text, flag: "--rto-target")
        } throws: { error in
            guard let error = error as? DrillError else { return false }
            return error.code == .badArgument && error.message.contains("--rto-target")
        }
    }

    @Test("a probe file: path, headers in order, body")
    func probe() throws {
        let text = #"{"path":"/graphql","headers":{"X-Tenant":"demo","X-User-Id":"drill"},"body":{"query":"mutation { SafeNoop }"}}"#
        let probe = try ProbeRequest(json: Array(text.utf8), source: "p.json")
        #expect(probe.path == "/graphql")
        #expect(probe.headers.map(\.0) == ["X-Tenant", "X-User-Id"])
        #expect(probe.body["query"]?.stringValue == "mutation { SafeNoop }")
    }

    @Test("bad probe files are bad_argument naming what is wrong", arguments: [
        ("not json", "not JSON"), (#"[1]"#, "expected an object"), (#"{"body":{}}"#, "\"path\""),
        (#"{"path":"graphql","body":{}}"#, "\"path\""), (#"{"path":"/g","headers":{"A":1},"body":{}}"#, "header \"A\""),
        (#"{"path":"/g","headers":{"A":"x\r\nB: y"},"body":{}}"#, "line break"), (#"{"path":"/g","body":"q"}"#, "\"body\""),
    ])
    func badProbes(text: String, mentions: String) {
        #expect {
            try ProbeRequest(json: Array(text.utf8), source: "p.json")
        } throws: { error in
            guard let error = error as? DrillError else { return false }
            return error.code == .badArgument && error.message.contains(mentions) && error.message.contains("p.json")
        }
    }
}
