import Foundation
import Kit
import Telemetry

/// Small constructors so admin replies (here and in the modules that add admin endpoints)
/// read like the JSON they produce.
extension JSONValue {
    public static func int<T: BinaryInteger>(_ value: T) -> JSONValue { .number(String(value)) }
    public static func optional(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
    public static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
    public static func time(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        return .string(RFC3339.format(epochMilliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down))))
    }
    public static func members(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(pairs.map { JSONMember($0.key, $0.value) })
    }
}
