/// A weekly freeze window in UTC (seed 003: "Tuesday 20:00–23:00Z"), written
/// `Tue 20:00-23:00`; an end at or before the start runs past midnight into the next day.
/// Inside one, a cutover does not start and is not promoted unless two approvers override
/// the freeze; rollbacks are always allowed.
public struct FreezeWindow: Sendable, Equatable, CustomStringConvertible {
    /// 0 = Sunday … 6 = Saturday.
    public var weekday: Int
    public var startMinute: Int
    public var endMinute: Int

    static let days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    public init?(parsing text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let day = Self.days.firstIndex(of: parts[0].prefix(3).lowercased()),
              parts[0].count == 3 || Self.fullNames[day] == parts[0].lowercased() else { return nil }
        let range = parts[1].split(separator: "-", omittingEmptySubsequences: false)
        guard range.count == 2, let start = Self.minute(range[0]), let end = Self.minute(range[1]), start != end else { return nil }
        weekday = day
        startMinute = start
        endMinute = end
    }

    static let fullNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    static func minute(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...24).contains(hour), (0..<60).contains(minute), hour < 24 || minute == 0 else { return nil }
        return hour * 60 + minute
    }

    /// Whether `epochSeconds` (UTC) falls inside this window.
    public func contains(epochSeconds: Int64) -> Bool {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : -((-epochSeconds + 86_399) / 86_400)
        let weekdayNow = Int(((days + 4) % 7 + 7) % 7)  // 1970-01-01 was a Thursday
        let minuteNow = Int((epochSeconds - days * 86_400) / 60)
        if endMinute > startMinute {
            return weekdayNow == weekday && minuteNow >= startMinute && minuteNow < endMinute
        }
        // Past midnight: the start day's evening and the next day's morning.
        return (weekdayNow == weekday && minuteNow >= startMinute) || (weekdayNow == (weekday + 1) % 7 && minuteNow < endMinute)
    }

    /// When the occurrence containing `epochSeconds` ends; nil outside the window.
    public func end(containing epochSeconds: Int64) -> Int64? {
        guard contains(epochSeconds: epochSeconds) else { return nil }
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : -((-epochSeconds + 86_399) / 86_400)
        let minuteNow = Int((epochSeconds - days * 86_400) / 60)
        // A same-day window ends later today; one past midnight, today or tomorrow morning.
        let left = endMinute > startMinute ? endMinute - minuteNow : (endMinute - minuteNow + 1_440) % 1_440
        return (epochSeconds / 60) * 60 + Int64(left) * 60
    }

    public var description: String {
        func clock(_ minute: Int) -> String {
            let h = minute / 60, m = minute % 60
            return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
        }
        return "\(Self.days[weekday].prefix(1).uppercased() + Self.days[weekday].dropFirst()) \(clock(startMinute))-\(clock(endMinute))Z"
    }
}

/// Two approvers' override of the freeze, until an instant (the end of the window it was
/// given in, at most).
public struct FreezeOverride: Sendable, Equatable {
    public var approvers: [String]
    public var untilSeconds: Int64

    public init(approvers: [String], untilSeconds: Int64) {
        self.approvers = approvers
        self.untilSeconds = untilSeconds
    }

    /// In force: two distinct people, and not yet expired.
    public func active(atSeconds now: Int64) -> Bool {
        Set(approvers).count >= 2 && now < untilSeconds
    }
}
