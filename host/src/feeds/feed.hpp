// feeds/feed.hpp — what every market-data source gives the engine.
//
// A feed produces validated, normalized events (the ABI structs) in source
// time order. The engine stamps seq and recv_ns; the feed sets type, size,
// version, source_ns and slot. A feed never hands over an event it could
// not validate: bad input is logged with what was expected and found,
// counted in rejected_inputs(), and skipped.
#pragma once

#include "core/types.hpp"

#include <cstdint>
#include <cstring>

namespace sniper {

// Storage for any event the host dispatches.
union EventBuf {
    snp_event_header h;
    snp_ev_new_pool new_pool;
    snp_ev_pool_update pool_update;
    snp_ev_trade trade;
    snp_ev_order_update order_update;
    snp_ev_timer timer;
    EventBuf() { std::memset(static_cast<void*>(this), 0, sizeof *this); }
};

// Initializes the header of `ev` for `type` with the struct's size.
void init_event(EventBuf& ev, uint16_t type);

class Feed {
  public:
    virtual ~Feed() = default;
    // Fills `out` with the next event. Returns false when the feed has
    // ended (simulated duration reached, end of file).
    virtual bool next(EventBuf& out) = 0;
    virtual const char* name() const = 0;
    // Ground truth the paper executor needs and a real chain would reveal
    // only on a failed sell: is selling this token blocked (honeypot)?
    virtual bool sell_blocked(const Pubkey& mint) const = 0;
    // Our own paper fill, so a simulated market can move its reserves the
    // way the chain would. Feeds that replay history ignore it.
    virtual void on_own_swap(const Pubkey& pool, uint32_t side, uint64_t in_amount,
                             uint64_t out_amount) {
        (void)pool;
        (void)side;
        (void)in_amount;
        (void)out_amount;
    }
    // Inputs refused by validation so far.
    virtual uint64_t rejected_inputs() const { return 0; }
};

} // namespace sniper
