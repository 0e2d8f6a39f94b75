/// Durations on the drill's command line (`30s`, `5m`, `1h`, `250ms`), in whole milliseconds:
/// the report carries integers only, and a target of "5m" is exactly 300000 ms.
public enum DrillDuration {
    /// `text` → milliseconds; throws `DrillError` (`bad_argument`) naming the flag for
    /// anything that is not a positive whole number followed by `ms`, `s`, `m` or `h`.
    public static func milliseconds(parsing text: String, flag: String) throws(DrillError) -> Int64 {
        let units: [(suffix: String, scale: Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        // `ms` first: "250ms" also ends in "s".
        for unit in units where text.hasSuffix(unit.suffix) {
            let digits = text.dropLast(unit.suffix.count)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int64(digits), value <= Int64.max / unit.scale
            else { break }
            return value * unit.scale
        }
        throw DrillError(
            step: "arguments", code: .badArgument,
            message: "\(flag): expected a duration such as 30s, 5m or 1h (units ms, s, m, h), got \"\(text)\"")
    }
}
