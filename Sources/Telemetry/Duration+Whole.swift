// Whole units of a Duration, for the settings, metrics and SQL intervals that take integers.
extension Duration {
    /// Whole milliseconds (truncated), for settings the runtime keeps as Int.
    public var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1_000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    /// Whole microseconds (truncated), for latencies and wait totals in JSON and metrics.
    public var wholeMicroseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}

extension Duration {
    /// Whole nanoseconds (saturating), for histograms.
    public var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled &+ attoseconds / 1_000_000_000
    }
}
