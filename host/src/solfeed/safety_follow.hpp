// solfeed/safety_follow.hpp — a new pool's safety facts, followed after its
// NEW_POOL, for the facts that still change once the pool exists:
//   - an AMM pool's LP burned share. A creator often burns the LP tokens
//     seconds or minutes after making the pool, so the share a NEW_POOL
//     carries (measured at creation, solfeed/safety_hold) is usually 0: the
//     burn a sniper waits for comes later. Followed for PumpSwap and
//     Raydium AMM v4 pools whose share was measured below 100 %, through
//     their LP mint (a burn, a deposit and a withdrawal all change its
//     supply).
//   - the token's mint and freeze authorities, often revoked after the
//     pool is made. Followed when the NEW_POOL measured one present,
//     through the token's mint account.
// For `window` after the NEW_POOL the source subscribes to those accounts
// (accountSubscribe). Each notification, and each (re)subscription (what
// happened while no subscription stood), reads what the pool follows in
// one getMultipleAccounts (pool account and LP mint, so the program's LP
// count and the supply are of one slot; the token's mint). A changed fact
// becomes one POOL_SAFETY with the pool's facts as now known. A pool
// leaves the set when nothing it follows can still improve (100 %
// burned, no authority left) or its window ends. The notification's own
// bytes are only a trigger: what is sent comes from the RPC answer,
// validated as at creation (owner, layout, the pair of mints, the LP mint,
// the token's decimals).
//
// Pure logic: the caller (SolanaWsSource) does the I/O and the locking.
#pragma once

#include "feeds/feed.hpp"

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace sniper::solfeed {

class SafetyFollow {
  public:
    SafetyFollow(int64_t window_ns, size_t capacity) : window_ns_(window_ns), capacity_(capacity) {}

    // A NEW_POOL went out (`lp_mint` read from its pool account, zero when
    // not read). True when it is now followed: window on, room left (a full
    // set is counted), and an AMM pool whose LP share was measured below
    // 10000 with its LP mint known, or a token with a measured authority
    // still present.
    bool start(const snp_ev_new_pool& np, const Pubkey& lp_mint, int64_t now_mono_ns);

    // What to read for one pool: [pool, lp_mint] when `lp`, then [token]
    // when `auth`, in that order.
    struct Check {
        Pubkey pool{}, token{}, lp_mint{};
        uint32_t dex = 0;
        uint8_t decimals = 0; // the token's, as its NEW_POOL said
        bool lp = false, auth = false;
    };
    // The token's authorities as a read found them.
    struct Authorities {
        bool mint = true, freeze = true;
    };

    // Reads of one pool are at least this far apart: a node that repeats
    // notifications cannot turn them into a stream of RPC calls.
    static constexpr int64_t kMinIntervalNs = 250'000'000;

    // A followed account changed, or was (re)subscribed: a Check for each
    // pool following it that has no read in flight and whose last read went
    // out at least kMinIntervalNs ago; for the others one more read is
    // noted, sent after the answer in flight or by due() (a change may have
    // come after the last read). Nothing when no pool follows `account`.
    void trigger(const Pubkey& account, int64_t now_mono_ns, std::vector<Check>& out);
    bool follows(const Pubkey& account) const { return by_account_.count(account) != 0; }
    // The noted reads whose interval has passed (called on the source's tick).
    void due(int64_t now_mono_ns, std::vector<Check>& out);

    // The answer to a Check, as of `slot`: the LP share and the
    // authorities (nullopt: not asked, the read failed or did not
    // validate: what was known stands). Fills `event` (a POOL_SAFETY) when
    // a fact changed; returns a Check to send at once when another trigger
    // came in meanwhile and the interval allows.
    std::optional<Check> on_answer(const Pubkey& pool, std::optional<uint32_t> burned_bps,
                                   std::optional<Authorities> auth, uint64_t slot,
                                   int64_t now_mono_ns, std::optional<EventBuf>& event);

    // Ends the pools past their window or with nothing left to follow.
    // True when the set of accounts changed (the subscriptions follow).
    bool expire(int64_t now_mono_ns);
    // The accounts followed, to subscribe to.
    void accounts(std::vector<Pubkey>& out) const;

    // The facts as last sent for `pool` (nullptr when not followed).
    const snp_ev_pool_safety* last(const Pubkey& pool) const {
        const auto it = pools_.find(pool);
        return it == pools_.end() ? nullptr : &it->second.last.pool_safety;
    }
    size_t size() const { return pools_.size(); }
    uint64_t updates() const { return updates_; } // POOL_SAFETY events made
    uint64_t refused() const { return refused_; } // pools not followed: the set was full

  private:
    struct Entry {
        EventBuf last; // a POOL_SAFETY: the facts as last sent (NEW_POOL's, then each update)
        Pubkey lp_mint{};
        uint8_t decimals = 0;
        bool follow_lp = false, follow_auth = false;
        int64_t until = 0;
        uint64_t slot = 0;   // of the last answer taken
        int64_t next_at = 0; // no read before (mono ns)
        bool in_flight = false, again = false;
    };
    bool lp_open(const Entry& e) const;
    bool auth_open(const Entry& e) const;
    Check check_of(const Entry& e) const;
    std::optional<Check> send(Entry& e, int64_t now_mono_ns);
    void unlink(const Pubkey& account, const Pubkey& pool);

    int64_t window_ns_;
    size_t capacity_;
    std::unordered_map<Pubkey, Entry, PubkeyHash> pools_;
    // Followed account -> the pools following it (a token can have several pools).
    std::unordered_map<Pubkey, std::vector<Pubkey>, PubkeyHash> by_account_;
    uint64_t updates_ = 0, refused_ = 0;
};

} // namespace sniper::solfeed
