import Config
import Testing

@Suite("canary.* cutover keys")
struct CutoverConfigTests {
    @Test("bad stages, holds, ratios and percents are typed errors naming the key", arguments: [
        ("canary:\n  stages: [5, 5, 100]\n", "canary.stages"),
        ("canary:\n  stages: [50, 25, 100]\n", "canary.stages"),
        ("canary:\n  stages: [5, 25, 50]\n", "canary.stages"),
        ("canary:\n  stages: [0, 100]\n", "canary.stages"),
        ("canary:\n  stages: [five]\n", "canary.stages"),
        ("canary:\n  hold: 20 minutes\n", "canary.hold"),
        ("canary:\n  hold: 9d\n", "canary.hold"),
        ("canary:\n  hold: 1200\n", "canary.hold"),
        ("canary:\n  rules:\n    latency_vs_stable:\n      ratio: 0.9\n", "canary.rules.latency_vs_stable.ratio"),
        ("canary:\n  rules:\n    latency_vs_stable:\n      ratio: 1.2345\n", "canary.rules.latency_vs_stable.ratio"),
        ("canary:\n  rules:\n    error_ratio:\n      percent: 101\n", "canary.rules.error_ratio.percent"),
        ("canary:\n  rules:\n    error_ratio:\n      window: soon\n", "canary.rules.error_ratio.window"),
        ("canary:\n  upstream:\n    url: ftp://x\n", "canary.upstream.url"),
        ("canary:\n  min_samples: 0\n", "canary.min_samples"),
    ])
    func badValues(yaml: String, key: String) {
        guard case .invalidValue(let named, _, _, _) = configError(yaml) else {
            Issue.record("no invalidValue for \(yaml)")
            return
        }
        #expect(named == key)
    }

    @Test("CANARY_ENABLE=false is the kill switch from the environment; CANARY_UPSTREAM_URL sets the canary arm")
    func environment() throws {
        let config = try parse("", environment: ["CANARY_ENABLE": "false", "CANARY_UPSTREAM_URL": "http://127.0.0.1:4002"])
        #expect(!config.cutover.enable)
        #expect(config.cutover.upstreamURL?.port == 4002)
    }

    @Test("the defaults are the seeds': 5/25/50/100, 20 m holds, 2 % errors for 5 m, 1.2× p95 for 10 m, 200 samples")
    func defaults() throws {
        let config = try parse("", environment: [:])
        #expect(config.cutover.stages == [5, 25, 50, 100])
        #expect(config.cutover.hold == .seconds(1_200))
        #expect(config.cutover.rules.errorRatioPPM == 20_000)
        #expect(config.cutover.rules.errorRatio.sustain == .seconds(300))
        #expect(config.cutover.rules.latencyVsStablePerMille == 1_200)
        #expect(config.cutover.minSamples == 200)
        #expect(config.cutover.enable)
        #expect(config.cutover.upstreamURL == nil)
    }
}
