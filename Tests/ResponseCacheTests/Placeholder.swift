import Testing
@testable import ResponseCache
