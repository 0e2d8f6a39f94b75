import Contract
import Foundation
import Identity
import Logging
import Testing
@testable import Config
@testable import Gateway

@Suite("chaos admin")
struct ChaosAdminTests {
    static func call(_ method: String, _ path: String, body: String) -> AdminCall {
        AdminCall(
            method: method, path: path, parameters: [:], query: [:], body: Array(body.utf8), headers: [],
            identity: Identity(subject: "sec-1", tenant: "ops", roles: ["security_admin"], source: .headers), requestID: "r-1")
    }

    static let abort = #"{"target":"upstream","kind":"abort","ttl_minutes":5,"reason":"drill"}"#

    @Test("environment production refuses every fault unless chaos.allow_in_production")
    func production() async throws {
        var config = SafemutConfig(cpuCount: 1)
        config.environment = "production"
        let refused = ChaosSetup(config)
        let post = try #require(refused.endpoints(audit: nil, logger: Logger(label: "test")).first { $0.method == "POST" })
        let answer = await post.handle(Self.call("POST", "/admin/chaos/faults", body: Self.abort))
        #expect(answer.status == 403 && String(decoding: answer.body, as: UTF8.self).contains("chaos.allow_in_production"))
        #expect(refused.book.isEmpty)
        config.chaos.allowInProduction = true
        let allowed = ChaosSetup(config)
        let created = await try #require(allowed.endpoints(audit: nil, logger: Logger(label: "test")).first { $0.method == "POST" }).handle(Self.call("POST", "/admin/chaos/faults", body: Self.abort))
        #expect(created.status == 201)
        #expect(!allowed.book.isEmpty)
        #expect(allowed.summary() != nil)
    }

    @Test("a Postgres fault without database.url is refused naming the key")
    func unconfiguredTarget() async throws {
        let setup = ChaosSetup(SafemutConfig(cpuCount: 1))
        let post = try #require(setup.endpoints(audit: nil, logger: Logger(label: "test")).first { $0.method == "POST" })
        let answer = await post.handle(Self.call("POST", "/admin/chaos/faults", body: #"{"target":"postgres","kind":"delay","delay_ms":10,"ttl_minutes":5,"reason":"x"}"#))
        #expect(answer.status == 400 && String(decoding: answer.body, as: UTF8.self).contains("database.url is not set"))
    }
}
