/// Money in the gateway: integer micro-dollars (`Int64`), never `Double`.
/// In SQL it is `numeric(20,6)`; in JSON, an exact decimal number with six decimals.
public enum MicroDollars {
    /// `25_000_000` → `"25.000000"`; negative amounts keep their sign.
    public static func text(_ micros: Int64) -> String {
        DecimalText.format(millionths: micros)
    }

    /// The JSON number for an amount (exact text, not a binary float).
    public static func json(_ micros: Int64) -> JSONValue {
        .number(text(micros))
    }

    /// A JSON number or numeric string (`50`, `"50.5"`, `2.0e1`) as micro-dollars, exactly;
    /// nil for anything else, a fraction of a micro-dollar, or out of range.
    public static func parse(_ value: JSONValue) -> Int64? {
        switch value {
        case .number(let text), .string(let text):
            if case .success(let micros) = DecimalText.millionths(text) { return micros }
            return nil
        default:
            return nil
        }
    }
}
