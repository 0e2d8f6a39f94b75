import Testing
@testable import Downshift
import GraphQLAnalysis
