import Ledger

/// One reservation's end, as the gateway reports it: settle at the reported cost when the
/// upstream answered; release only when the request provably never reached the upstream;
/// settle at the estimate when it may have (a reset or timeout after the request went out,
/// the client leaving first): the mutation may have run, and the ledger never under-counts.
struct LedgerSettlement: ResponseSettlement {
    let ledger: Ledger
    let reservation: Reservation

    func upstreamAnswered(status: Int, body: [UInt8]?) {
        var settlement = CostReport.settlement(status: status, body: body)
        if !reservation.keepsResponse { settlement.response = nil }
        ledger.finish(reservation, .settle(settlement))
    }

    func upstreamFailed(reachedUpstream: Bool) {
        ledger.finish(reservation, reachedUpstream ? .settle(Settlement()) : .release)
    }

    func clientGone() {
        ledger.finish(reservation, .settle(Settlement()))
    }
}
