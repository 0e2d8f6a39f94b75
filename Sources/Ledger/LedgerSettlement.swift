import Admission

/// One reservation's end, as the gateway reports it: settle at the reported cost when the
/// upstream answered, release when it never did, settle at the estimate when the client
/// left first (the mutation may have run; the ledger never under-counts money).
struct LedgerSettlement: ResponseSettlement {
    let ledger: Ledger
    let reservation: Reservation

    func upstreamAnswered(status: Int, body: [UInt8]?) {
        ledger.finish(reservation, .settle(CostReport.settlement(status: status, body: body)))
    }

    func upstreamFailed(beforeResponse: Bool) {
        ledger.finish(reservation, beforeResponse ? .release : .settle(Settlement()))
    }

    func clientGone() {
        ledger.finish(reservation, .settle(Settlement()))
    }
}
