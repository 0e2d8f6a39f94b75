import Cutover
import Testing

@Suite("Canary split: sticky, monotone, accurate")
struct SplitTests {
    static let tenants = (0..<10_000).map { "tenant-\($0)" }

    @Test("over 10,000 tenants the canary share at each stage is within ±1 point of the weight")
    func accuracy() {
        for percent in [1, 5, 25, 50, 75, 100] {
            let split = CanarySplit(percent: percent)
            let canary = Self.tenants.filter { split.arm(tenant: $0) == .canary }.count
            #expect(abs(canary - percent * 100) <= 100, "\(percent) %: \(canary) of 10,000 on the canary")
            // Read by bench/cutover.sh.
            print("split \(percent) %: \(canary) of 10,000 tenants on the canary (\(canary - percent * 100) from the weight)")
        }
    }

    @Test("a tenant on the canary at 5 % stays there at 25, 50 and 100 %; weight 0 takes everyone off")
    func monotone() {
        var previous: Set<String> = []
        for percent in [5, 25, 50, 100] {
            let split = CanarySplit(percent: percent)
            let now = Set(Self.tenants.filter { split.arm(tenant: $0) == .canary })
            #expect(previous.isSubset(of: now), "a tenant left the canary going to \(percent) %")
            previous = now
        }
        #expect(Self.tenants.allSatisfy { CanarySplit.off.arm(tenant: $0) == .stable })
    }

    @Test("the bucket is the same every time and in every process: fixed values")
    func stableBucket() {
        #expect(CanaryBucket.of("acme") == CanaryBucket.of("acme"))
        let buckets = Self.tenants.prefix(100).map(CanaryBucket.of)
        #expect(buckets.allSatisfy { (0..<10_000).contains($0) })
        #expect(Set(buckets).count > 95, "a hash, not a constant")
    }

    @Test("include goes first at any weight above 0, exclude never, no tenant is stable")
    func includeExclude() {
        let outsider = Self.tenants.first { CanaryBucket.of($0) >= 100 }!
        let insider = Self.tenants.first { CanaryBucket.of($0) < 100 }!
        let split = CanarySplit(percent: 1, include: [outsider], exclude: [insider])
        #expect(split.arm(tenant: outsider) == .canary)
        #expect(split.arm(tenant: insider) == .stable)
        #expect(split.arm(tenant: nil) == .stable)
        #expect(CanarySplit(weightBasisPoints: 0, include: [outsider]).arm(tenant: outsider) == .stable)
    }

    @Test("X-Canary forces an arm only for allowed roles; bad values and repeats are typed refusals")
    func forcing() {
        let allowed: Set<String> = ["sre", "admin"]
        #expect(CanaryForcing.read([], roles: [], allowedRoles: allowed) == .success(nil))
        #expect(CanaryForcing.read(["canary"], roles: ["sre"], allowedRoles: allowed) == .success(.canary))
        #expect(CanaryForcing.read(["Stable"], roles: ["admin"], allowedRoles: allowed) == .success(.stable))
        #expect(CanaryForcing.read(["canary"], roles: ["analyst"], allowedRoles: allowed) == .failure(.notAllowed))
        #expect(CanaryForcing.read(["both"], roles: ["sre"], allowedRoles: allowed) == .failure(.badValue("both")))
        #expect(CanaryForcing.read(["canary", "stable"], roles: ["sre"], allowedRoles: allowed) == .failure(.repeated))
        let split = CanarySplit(percent: 5)
        let stableTenant = Self.tenants.first { CanaryBucket.of($0) >= 500 }!
        #expect(split.arm(tenant: stableTenant, forced: .canary) == .canary)
        #expect(CanarySplit.off.arm(tenant: stableTenant, forced: .canary) == .stable, "the kill switch beats forcing")
    }
}

@Suite("Cutover plan: stages and holds")
struct PlanTests {
    func plan(_ stages: [Int], hold: Int64 = 60) -> Result<CutoverPlan, CutoverPlan.Problem> {
        CutoverPlan(stages: stages, holdSeconds: hold, autoPromote: false, autoRollback: true).validated()
    }

    @Test("5,25,50,100 is valid; not increasing, ending below 100, out of range, empty or a bad hold are refused by name")
    func validation() {
        #expect((try? plan([5, 25, 50, 100]).get()) != nil)
        #expect(plan([5, 5, 100]) == .failure(.notIncreasing(5, 5)))
        #expect(plan([50, 25, 100]) == .failure(.notIncreasing(50, 25)))
        #expect(plan([5, 25, 50]) == .failure(.endsBelow100(50)))
        #expect(plan([0, 100]) == .failure(.outOfRange(0)))
        #expect(plan([5, 101]) == .failure(.outOfRange(101)))
        #expect(plan([]) == .failure(.empty))
        #expect(plan([100], hold: 0) == .failure(.badHold(0)))
        let signOff = CutoverPlan(stages: [50, 100], holdSeconds: 1, autoPromote: false, autoRollback: false, signOffs: [3: ["sre"]])
        #expect(signOff.validated() == .failure(.signOffForMissingStage(3)))
    }

    @Test("the CLI's --stages text parses, or is nil")
    func parsing() {
        #expect(CutoverPlan.stages(parsing: "5,25,50,100") == [5, 25, 50, 100])
        #expect(CutoverPlan.stages(parsing: "5, 25 ,100") == [5, 25, 100])
        #expect(CutoverPlan.stages(parsing: "5,,100") == nil)
        #expect(CutoverPlan.stages(parsing: "five") == nil)
    }
}
