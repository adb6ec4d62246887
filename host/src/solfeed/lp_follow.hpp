// solfeed/lp_follow.hpp — an AMM pool's LP burned share, followed after its
// NEW_POOL. A creator often burns the pool's LP tokens seconds or minutes
// after making the pool, so the share a NEW_POOL carries (measured at
// creation, solfeed/safety_hold) is usually 0: the burn that a sniper waits
// for comes later. For `window` after a PumpSwap or Raydium AMM v4 pool's
// NEW_POOL whose share was measured below 100 %, the source subscribes to
// the pool's LP mint (accountSubscribe: a burn, a deposit and a withdrawal
// all change its supply). Each notification, and each (re)subscription
// (what happened while no subscription stood), asks for the pool account
// and the LP mint in one getMultipleAccounts, so the program's LP count and
// the supply are read at the same slot; a changed share becomes one
// POOL_SAFETY event with the pool's facts as now known. A pool leaves the
// set when its share reaches 100 % or its window ends. The notification's
// own bytes are only a trigger: what is sent comes from the RPC answer,
// validated as at creation (owner, layout, the pair of mints, the LP mint).
//
// Pure logic: the caller (SolanaWsSource) does the I/O and the locking.
#pragma once

#include "feeds/feed.hpp"

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace sniper::solfeed {

class LpFollow {
  public:
    LpFollow(int64_t window_ns, size_t capacity) : window_ns_(window_ns), capacity_(capacity) {}

    // A NEW_POOL went out whose LP share was measured (`lp_mint` read from
    // its pool account). True when it is now followed: an AMM pool, share
    // known and below 10000, window on, room left (a full set is counted).
    bool start(const snp_ev_new_pool& np, const Pubkey& lp_mint, int64_t now_mono_ns);

    // What to ask the node for: the pool, its LP mint, which program's layout.
    struct Check {
        Pubkey pool{}, lp_mint{}, token{};
        uint32_t dex = 0;
    };
    // Reads of one pool are at least this far apart: a node that repeats
    // notifications cannot turn them into a stream of RPC calls.
    static constexpr int64_t kMinIntervalNs = 250'000'000;

    // The followed LP mint `account` changed, or was (re)subscribed: a
    // Check when none is in flight for its pool and the last went out at
    // least kMinIntervalNs ago; else one more read is noted, sent after the
    // answer in flight or by due() (a change may have come after the last
    // read). nullopt also when `account` is no followed LP mint.
    std::optional<Check> trigger(const Pubkey& lp_mint, int64_t now_mono_ns);
    // The noted reads whose interval has passed (called on the source's tick).
    void due(int64_t now_mono_ns, std::vector<Check>& out);
    bool is_lp_mint(const Pubkey& account) const { return by_mint_.count(account) != 0; }

    // The answer to a Check: the share (nullopt: the read failed or did
    // not validate: the last share stands) as of `slot`. Fills `event`
    // (a POOL_SAFETY) when the share changed; returns a Check to send at
    // once when another trigger came in meanwhile and the interval allows.
    std::optional<Check> on_answer(const Pubkey& pool, std::optional<uint32_t> burned_bps,
                                   uint64_t slot, int64_t now_mono_ns,
                                   std::optional<EventBuf>& event);

    // Ends the pools past their window or at 100 %. True when the set of
    // LP mints changed (the subscriptions follow).
    bool expire(int64_t now_mono_ns);
    // The LP mints followed, to subscribe to.
    void mints(std::vector<Pubkey>& out) const;

    // The share as last sent for `pool` (0 when not followed).
    uint32_t last_bps(const Pubkey& pool) const {
        const auto it = pools_.find(pool);
        return it == pools_.end() ? 0 : it->second.last.pool_safety.lp_burned_bps;
    }
    size_t size() const { return pools_.size(); }
    uint64_t updates() const { return updates_; } // POOL_SAFETY events made
    uint64_t refused() const { return refused_; } // pools not followed: the set was full

  private:
    struct Entry {
        EventBuf last; // a POOL_SAFETY: the facts as last sent (NEW_POOL's, then each update)
        Pubkey lp_mint{};
        int64_t until = 0;
        uint64_t slot = 0;   // of the last answer taken
        int64_t next_at = 0; // no read before (mono ns)
        bool in_flight = false, again = false;
    };
    Check check_of(const Entry& e) const;
    std::optional<Check> send(Entry& e, int64_t now_mono_ns);

    int64_t window_ns_;
    size_t capacity_;
    std::unordered_map<Pubkey, Entry, PubkeyHash> pools_;
    std::unordered_map<Pubkey, Pubkey, PubkeyHash> by_mint_; // LP mint -> pool
    uint64_t updates_ = 0, refused_ = 0;
};

} // namespace sniper::solfeed
