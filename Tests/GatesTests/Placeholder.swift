import Testing
@testable import Gates

