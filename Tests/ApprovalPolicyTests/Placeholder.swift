import Testing

// Until the policy suites merge.
@Test func approvalpolicyTargetBuilds() { #expect(Bool(true)) }
