// feeds/feed.hpp — what every market-data source gives the engine.
//
// A feed produces validated, normalized events (the ABI structs). The
// engine stamps seq and recv_ns; the feed sets type, size, version,
// source_ns and slot. A feed never hands over an event it could not
// validate: bad input is logged with what was expected and found, counted
// in rejected_inputs(), and skipped.
//
// Two kinds. A pull feed (sim, replay) is read inline by the event path
// with next(), in source-time order, and its source time is the host clock:
// runs are deterministic. A push feed (live sources, see source.hpp) runs
// its sources on their own threads; they push events into the engine's
// inbox through an EventSink, and the host clock is the wall clock.
#pragma once

#include "core/types.hpp"
#include "market/venue_truth.hpp"

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace sniper {

// Storage for any event the host dispatches.
union EventBuf {
    snp_event_header h;
    snp_ev_new_pool new_pool;
    snp_ev_pool_update pool_update;
    snp_ev_trade trade;
    snp_ev_order_update order_update;
    snp_ev_timer timer;
    snp_ev_tool_result tool_result;
    snp_ev_pool_safety pool_safety;
    snp_ev_curve_complete curve_complete;
    EventBuf() { std::memset(static_cast<void*>(this), 0, sizeof *this); }
};

// Initializes the header of `ev` for `type` with the struct's size.
void init_event(EventBuf& ev, uint16_t type);

// A second opinion on a token's price from a price endpoint ([feeds.price]):
// SOL per whole token (10^decimals atoms). A check value, never a price an
// order is made at: validated finite and positive by the source.
struct ReferencePrice {
    Pubkey mint{};
    double sol_per_token = 0;
};

// Where push sources deliver (the engine's inbox). Any thread.
class EventSink {
  public:
    virtual ~EventSink() = default;
    virtual void push_market_event(const EventBuf& ev) = 0;
    // A source has ended for good (its thread returned); the sink wakes
    // the event path so it can notice that every source is done.
    virtual void source_ended() = 0;
    // A source lost data for these pools (an outage, a stall, a gap): the
    // event path marks them stale, so the risk gate refuses entries on them
    // until an event brings fresh reserves. `why` is for the log.
    virtual void pools_stale(std::vector<Pubkey> pools, std::string why) {
        (void)pools;
        (void)why;
    }
    // A price endpoint's prices for held mints: the event path compares
    // them with the pools' and marks a pool that strays too far stale.
    virtual void reference_prices(std::vector<ReferencePrice> prices) { (void)prices; }
};

// What a live source tells `sniperctl status` (see PushSource::status).
struct SourceStatus {
    struct Endpoint {
        std::string url; // without its query (keys live there)
        bool connected = false;
        uint64_t connects = 0, messages = 0;
        uint64_t rate_limited = 0;     // upgrades refused with HTTP 429
        uint64_t requests_delayed = 0; // ticks on which requests waited for the per-connection budget
        std::string last_error; // why the last connection ended
    };
    std::string name;
    std::string state; // "up" | "degraded" (some endpoints down) | "down" | "stalled" | "idle" (nothing to ask)
    uint64_t messages = 0, events = 0, duplicates = 0, rejected = 0, skipped = 0;
    uint64_t outages = 0, stale_marks = 0;
    uint64_t slot_gaps = 0; // jumps in the notifications' slots that marked pools stale
    // Held coins whose migration pool the source found itself (its
    // creation not seen) and sent as a NEW_POOL; held completed curves it
    // is looking for one for now.
    uint64_t migrations_found = 0, migrations_waiting = 0;
    uint64_t safety_followed = 0, safety_updates = 0; // pools whose safety facts are followed now; POOL_SAFETY sent
    uint64_t raydium_followed = 0; // new Raydium pools whose vaults are followed now (their prices)
    int64_t last_event_age_ms = -1; // -1: none yet
    std::map<std::string, uint64_t> rejected_by_reason;
    std::vector<Endpoint> endpoints;
};

// A feed is also the venue truth of the market it describes (sim: its own
// tokens; replay: the recorded honeypot flags; live: nothing to tell).
class Feed : public VenueTruth {
  public:
    virtual ~Feed() = default;
    // Pull feeds: fills `out` with the next event. Returns false when the
    // feed has ended (simulated duration reached, end of file). Push feeds
    // return false at once; the engine never calls it for them.
    virtual bool next(EventBuf& out) = 0;
    // Push feeds: true, and start() begins pushing into `sink` from the
    // feed's own threads; stop() joins them (no push after it returns);
    // ended() is true once every source has ended.
    virtual bool pushes() const { return false; }
    virtual void start(EventSink& sink) { (void)sink; }
    virtual void stop() {}
    virtual bool ended() const { return false; }
    virtual const char* name() const = 0;
    // Inputs refused by validation so far.
    virtual uint64_t rejected_inputs() const { return 0; }
    // Push feeds: each live source's state (any thread).
    virtual std::vector<SourceStatus> sources() const { return {}; }
    // Push feeds: the pools the host holds positions in (sorted, the whole
    // set each time it changes). A source that can follow accounts
    // subscribes to them, so protection sees their prices without trades.
    virtual void watch_pools(std::vector<Pubkey> pools) { (void)pools; }
    // Push feeds: the mints of those pools (sorted, the whole set each time
    // it changes), for sources that price tokens rather than pools.
    virtual void watch_mints(std::vector<Pubkey> mints) { (void)mints; }
};

} // namespace sniper
