/// `chaos.*` (issue 18, SPEC §13): the limits of injected faults.
public struct ChaosConfig: Sendable, Equatable {
    /// `chaos.allow_in_production`: faults are refused when `environment` is `production` unless true.
    public var allowInProduction = false
    /// `chaos.max_delay_ms`: the longest delay a fault may inject.
    public var maxDelayMillis = 10_000
    /// `chaos.max_ttl_minutes`: the longest a fault may last (every fault expires by itself).
    public var maxTTLMinutes = 60

    public init() {}
}

/// `report.*` (SPEC §15): where `safemut report daily --mail-to` sends the report.
public struct ReportConfig: Sendable, Equatable {
    /// `report.smtp.host`: the SMTP relay; unset, `--mail-to` is refused naming the key.
    public var smtpHost: String?
    /// `report.smtp.port`.
    public var smtpPort = 25
    /// `report.smtp.from`: the sender address.
    public var smtpFrom = "safemut@localhost"
    /// `report.smtp.starttls`: upgrade to TLS before AUTH and MAIL. TLS comes with issue 23:
    /// true is refused at start rather than sending in the clear by surprise.
    public var smtpStartTLS = false
    /// `report.smtp.user`, with the password read from `report.smtp.password_file`.
    public var smtpUser: String?
    public var smtpPasswordFile: String?

    public init() {}
}
