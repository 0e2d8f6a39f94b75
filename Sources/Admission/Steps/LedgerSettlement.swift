import Ports

/// The ledger step's post phase for one reservation: settle at the reported cost when the
/// upstream answered; release when the request provably never reached the upstream (a later
/// step refused it, or the upstream refused the connection); settle at the estimate when it
/// may have (a reset or timeout after the request went out, the client leaving first): the
/// mutation may have run, and the ledger never under-counts.
struct LedgerSettlement: StepCompletion {
    let ledger: any ReservationStore
    let reservation: Reservation

    var needsResponseBody: Bool { true }

    func refused() async {
        ledger.finish(reservation, .release)
    }

    func finished(_ ending: ForwardEnding) {
        switch ending {
        case .answered(let status, let body, _):
            var settlement = CostReport.settlement(status: status, body: body)
            if !reservation.keepsResponse { settlement.response = nil }
            ledger.finish(reservation, .settle(settlement))
        case .failed(let reachedUpstream):
            ledger.finish(reservation, reachedUpstream ? .settle(Settlement()) : .release)
        case .clientGone:
            ledger.finish(reservation, .settle(Settlement()))
        }
    }
}
