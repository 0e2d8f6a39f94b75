/// The value of one series in a Prometheus text exposition (`name{labels} value`), or nil
/// when the series is absent. Counters exist at 0 from start-up, so a test that waits for
/// something to have happened compares the value, never just the series' presence.
func metricValue(_ exposition: String, _ series: String) -> Double? {
    for line in exposition.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1).split(separator: " ").first ?? "")
    }
    return nil
}
