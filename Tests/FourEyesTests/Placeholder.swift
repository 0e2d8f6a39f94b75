import Testing

// Placeholder so the target builds; the suites land with the module.
@Test func foureyesTargetBuilds() { #expect(Bool(true)) }
