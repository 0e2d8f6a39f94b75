import Contract
import GraphQLAnalysis

/// Every mutation root field must declare its cost with `@budget` in the
/// API's schema; the operation's estimate (exact micro-dollars, summed over
/// root fields, multiplied by `perItem` list lengths) is kept for the
/// four-eyes, rate and ledger steps. Queries pass untouched.
public struct BudgetDeclarationStep: AdmissionStep {
    public let name = "declare"
    let catalog: BudgetCatalog

    public init(catalog: BudgetCatalog) {
        self.catalog = catalog
    }

    public func admit(_ context: inout RequestContext) async -> StepOutcome {
        guard let operation = context.operation, operation.kind == .mutation else { return .continue }
        do throws(AnalysisError) {
            context.estimate = try catalog.estimate(operation)
            return .continue
        } catch {
            return .reject(Rejection(analysisError: error))
        }
    }
}
