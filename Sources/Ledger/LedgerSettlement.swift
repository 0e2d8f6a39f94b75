import Admission

/// One reservation's end, as the gateway reports it: settle at the reported cost when the
/// upstream answered, release when it never did, settle at the estimate when the client
/// left first (the mutation may have run; the ledger never under-counts money).
struct LedgerSettlement: ResponseSettlement {
    let ledger: Ledger
    let reservation: Reservation

    func upstreamAnswered(status: Int, body: [UInt8]?) {
        var settlement = CostReport.settlement(status: status, body: body)
        if !reservation.keepsResponse { settlement.response = nil }
        ledger.finish(reservation, .settle(settlement))
    }

    func upstreamFailed(beforeResponse: Bool) {
        ledger.finish(reservation, beforeResponse ? .release : .settle(Settlement()))
    }

    func clientGone() {
        ledger.finish(reservation, .settle(Settlement()))
    }
}
