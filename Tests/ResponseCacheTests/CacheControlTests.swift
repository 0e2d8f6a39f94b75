import Testing
@testable import ResponseCache

@Suite struct CacheControlTests {
    @Test func readsMaxAgeAndSharedMaxAge() {
        let parsed = CacheControl.parse("max-age=30, s-maxage=120")
        #expect(parsed.maxAge == 30)
        #expect(parsed.sharedMaxAge == 120)
        #expect(!parsed.forbidsStoring)
    }

    @Test func directiveNamesAreCaseInsensitive() {
        let parsed = CacheControl.parse("MAX-AGE=30, S-MaxAge=5, No-Store, PRIVATE, No-Cache")
        #expect(parsed.maxAge == 30)
        #expect(parsed.sharedMaxAge == 5)
        #expect(parsed.noStore && parsed.isPrivate && parsed.noCache)
    }

    @Test func acceptsQuotedValues() {
        #expect(CacheControl.parse(#"max-age="45""#).maxAge == 45)
        #expect(CacheControl.parse(#"s-maxage = "7" , public"#).sharedMaxAge == 7)
    }

    @Test func commaInsideAQuotedValueDoesNotStartADirective() {
        let parsed = CacheControl.parse(#"no-cache="Set-Cookie, max-age=1", public"#)
        #expect(parsed.noCache)
        #expect(parsed.maxAge == nil)
        #expect(!parsed.hasInvalidFreshness)
    }

    @Test func qualifiedPrivateStillForbidsStoring() {
        let parsed = CacheControl.parse(#"private="Set-Cookie", max-age=60"#)
        #expect(parsed.isPrivate)
        #expect(parsed.forbidsStoring)
        #expect(parsed.effectiveTTL(fieldTTLSeconds: 60) == nil)
    }

    @Test(arguments: ["max-age=abc", "max-age=-1", "max-age=", "max-age", "max-age=1.5", "max-age=12x", #"max-age="""#, "s-maxage=ten"])
    func invalidFreshnessIsTreatedAsStale(_ header: String) {
        let parsed = CacheControl.parse(header)
        #expect(parsed.maxAge == nil)
        #expect(parsed.sharedMaxAge == nil)
        #expect(parsed.hasInvalidFreshness)
        #expect(parsed.effectiveTTL(fieldTTLSeconds: 60) == nil)
    }

    @Test func hugeDeltaSecondsSaturateInsteadOfOverflowing() {
        let parsed = CacheControl.parse("max-age=99999999999999999999999999999")
        #expect(parsed.maxAge == 2_147_483_648)
        #expect(parsed.effectiveTTL(fieldTTLSeconds: 300) == 300)
    }

    @Test func repeatedDirectiveKeepsTheSmallest() {
        #expect(CacheControl.parse("max-age=50, max-age=20, max-age=90").maxAge == 20)
    }

    @Test func severalHeaderLinesReadAsOneList() {
        let parsed = CacheControl.parse(["max-age=40", "s-maxage=10", "no-store"])
        #expect(parsed.maxAge == 40)
        #expect(parsed.sharedMaxAge == 10)
        #expect(parsed.noStore)
    }

    @Test func unknownDirectivesAndJunkAreSkipped() {
        let parsed = CacheControl.parse(" , public,, must-revalidate, ext=\"a,b\", max-age=15 trailing, ")
        #expect(parsed.maxAge == 15)
        #expect(!parsed.forbidsStoring)
        #expect(CacheControl.parse("").effectiveTTL(fieldTTLSeconds: 9) == 9)
    }

    @Test func maxAgeLowersTheFieldTTL() {
        #expect(CacheControl.parse("max-age=10").effectiveTTL(fieldTTLSeconds: 60) == 10)
    }

    @Test func upstreamCannotRaiseTheFieldTTL() {
        #expect(CacheControl.parse("max-age=600").effectiveTTL(fieldTTLSeconds: 60) == 60)
    }

    @Test func sharedMaxAgeWinsOverMaxAgeForASharedCache() {
        #expect(CacheControl.parse("max-age=5, s-maxage=30").effectiveTTL(fieldTTLSeconds: 60) == 30)
        #expect(CacheControl.parse("max-age=50, s-maxage=3").effectiveTTL(fieldTTLSeconds: 60) == 3)
    }

    @Test(arguments: ["no-store", "no-cache", "private", "public, NO-STORE"])
    func refusingDirectivesForbidStoring(_ header: String) {
        #expect(CacheControl.parse(header).effectiveTTL(fieldTTLSeconds: 60) == nil)
    }

    @Test func maxAgeZeroLeavesNoFreshness() {
        #expect(CacheControl.parse("max-age=0").effectiveTTL(fieldTTLSeconds: 60) == 0)
    }
}
