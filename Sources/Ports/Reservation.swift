import Foundation

/// What a mutation asks the ledger to hold.
public struct ReservationRequest: Sendable, Equatable {
    public var tenant: String
    public var estimateMicros: Int64
    public var estimateTokens: Int64
    public var operationName: String?
    public var documentHash: String
    /// `X-Request-Id`.
    public var correlationID: String
    /// `Idempotency-Key`, when the client sent one.
    public var idempotencyKey: String?
    public var user: String?
    /// The canary arm the request was routed to (`stable`, `canary`), kept on the ledger row;
    /// nil when no cutover routed it.
    public var arm: String?

    public init(
        tenant: String, estimateMicros: Int64, estimateTokens: Int64, operationName: String?, documentHash: String,
        correlationID: String, idempotencyKey: String? = nil, user: String? = nil, arm: String? = nil
    ) {
        self.arm = arm
        self.tenant = tenant
        self.estimateMicros = estimateMicros
        self.estimateTokens = estimateTokens
        self.operationName = operationName
        self.documentHash = documentHash
        self.correlationID = correlationID
        self.idempotencyKey = idempotencyKey
        self.user = user
    }
}

/// A held reservation: what settlement and release need.
public struct Reservation: Sendable, Equatable {
    public let tenant: String
    public let id: UUID
    public let estimateMicros: Int64
    public let estimateTokens: Int64
    /// The override multiplier in force when it was reserved, in thousandths (2× = 2000).
    public let multiplierMillis: Int64
    /// Whether the request carried an `Idempotency-Key`: only then is its response kept
    /// (for replays), which keeps the settlement of every other mutation small.
    public var keepsResponse: Bool = false

    public init(
        tenant: String, id: UUID, estimateMicros: Int64, estimateTokens: Int64, multiplierMillis: Int64, keepsResponse: Bool = false
    ) {
        self.tenant = tenant
        self.id = id
        self.estimateMicros = estimateMicros
        self.estimateTokens = estimateTokens
        self.multiplierMillis = multiplierMillis
        self.keepsResponse = keepsResponse
    }
}

/// Which limit refused a reservation.
public enum BudgetWindow: String, Sendable, Equatable {
    case daily, monthly
}

/// The ledger's answer to a reservation.
public enum ReservationOutcome: Sendable, Equatable {
    case reserved(Reservation)
    /// spent + reserved + estimate would pass `limitMicros` (the limit × override multiplier).
    case exceeded(window: BudgetWindow, limitMicros: Int64, spentMicros: Int64, reservedMicros: Int64)
    /// The tenant has no budget row: it may spend nothing.
    case unknownTenant
    /// The idempotency key was seen with this document: the first attempt's status and,
    /// once it finished, its response.
    case duplicate(ledgerID: UUID, status: String, response: StoredResponse?)
    /// The idempotency key was seen with a different document.
    case conflict(ledgerID: UUID)
}

/// The first response to an idempotent mutation, replayed to its retries.
public struct StoredResponse: Sendable, Equatable {
    public let status: Int
    public let body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// What the upstream reported a mutation cost (`extensions.cost`), and the inverse
/// mutation it offers (`extensions.compensation`, stored for `safemut compensate`).
public struct Settlement: Sendable, Equatable {
    /// Nil: settle at the estimate.
    public var actualMicros: Int64?
    public var actualTokens: Int64?
    public var response: StoredResponse?
    /// JSON text of `extensions.compensation`.
    public var compensationJSON: String?

    public init(actualMicros: Int64? = nil, actualTokens: Int64? = nil, response: StoredResponse? = nil, compensationJSON: String? = nil) {
        self.actualMicros = actualMicros
        self.actualTokens = actualTokens
        self.response = response
        self.compensationJSON = compensationJSON
    }
}

/// How a reservation ends.
public enum Finish: Sendable, Equatable {
    case settle(Settlement)
    case release
}
