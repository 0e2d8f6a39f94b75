import GraphQLAnalysis
import Kit

/// The tenants a mutation names besides the caller's (SPEC §2: "the operation touches
/// another tenant"). A tenant is named by any argument, input-object field or variable
/// whose name mentions a tenant (`tenant`, `tenantId`, `target_tenant`, `toTenant`…)
/// and holds a string or a list of strings.
///
/// Matching names rather than a schema annotation is deliberately broad: a field that
/// moves data between tenants without saying so in a name cannot be recognised by any
/// rule, and one that does say so is never missed because it was not annotated.
public enum TargetTenants {
    /// The sorted, distinct tenant ids named by the root fields' arguments (variables
    /// already substituted) and by the request's variables, minus `approvers`.
    public static func find(rootFields: [RootField], variables: JSONValue?) -> [String] {
        var found = Set<String>()
        for field in rootFields {
            for member in field.arguments {
                collect(member.key, member.value, into: &found)
            }
        }
        if let members = variables?.objectMembers {
            for member in members where member.key != VariablesHash.approversVariable {
                collect(member.key, member.value, into: &found)
            }
        }
        return found.sorted()
    }

    /// Whether `name` names a tenant: it contains "tenant" in any case.
    static func namesTenant(_ name: String) -> Bool {
        name.lowercased().contains("tenant")
    }

    private static func collect(_ name: String, _ value: JSONValue, into found: inout Set<String>) {
        let tenantNamed = namesTenant(name)
        switch value {
        case .string(let text) where tenantNamed:
            found.insert(text)
        case .array(let elements):
            for element in elements {
                if tenantNamed, case .string(let text) = element {
                    found.insert(text)
                } else {
                    collect(name, element, into: &found)
                }
            }
        case .object(let members):
            for member in members { collect(member.key, member.value, into: &found) }
        default:
            break
        }
    }
}
