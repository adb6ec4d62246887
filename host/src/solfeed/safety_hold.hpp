// solfeed/safety_hold.hpp — token-safety facts for new pools: a NEW_POOL
// whose safety fields are unknown (SNP_POOL_*_UNKNOWN) is held, with every
// later event of its pool, while the source fetches the facts off the
// connection threads; it is released, facts applied, when they are all in
// or at its deadline (then with what is known, the rest still flagged
// unknown at their worst values). Nothing reaches a strategy before its
// NEW_POOL, and a pool's events keep their order.
//
// Facts: the mint account (mint and freeze authority, supply, decimals:
// SPL Token and Token-2022 layouts) for pools whose authorities are
// unknown; the largest holders (getTokenLargestAccounts) for pools whose
// holders are unknown, the top 10 summed without the pool's own token
// account (a curve's or PumpSwap pool's associated token account, a
// Raydium pool's token vault). An AMM pool's share needs its mint's
// supply (its event carries only the reserve). For AMM pools (PumpSwap,
// Raydium AMM v4) the LP burned share: the pool account's own count of LP
// outstanding against its LP mint's supply (chain::lp_burned_bps); LP
// locked in a third-party locker is not burned and is not counted as such.
//
// Pure logic: the caller (SolanaWsSource) does the I/O and the locking.
#pragma once

#include "feeds/feed.hpp"

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace sniper::solfeed {

struct MintFacts {
    bool mint_authority = true, freeze_authority = true;
    uint64_t supply = 0;
    uint8_t decimals = 0;
    bool token_2022 = false; // owned by Token-2022 (else SPL Token)
};

class SafetyHold {
  public:
    explicit SafetyHold(int64_t timeout_ns) : timeout_ns_(timeout_ns) {}

    enum class Verdict {
        Pass,    // deliver now
        Held,    // kept behind its pool's NEW_POOL
        Started, // a NEW_POOL now held: fetch what `wants_*` say
    };
    Verdict offer(const EventBuf& ev, int64_t now_mono_ns);
    // After Started: which facts to fetch for `pool`.
    bool wants_mint(const Pubkey& pool) const;
    bool wants_holders(const Pubkey& pool) const;
    bool wants_lp(const Pubkey& pool) const;

    // Answers (nullopt: the fetch failed). `top10_atoms`: the ten largest
    // holders' sum, the pool's own account excluded.
    void on_mint(const Pubkey& pool, const std::optional<MintFacts>& m);
    void on_holders(const Pubkey& pool, const std::optional<uint64_t>& top10_atoms);
    // The LP share burned, in bps (chain::lp_burned_bps).
    void on_lp(const Pubkey& pool, const std::optional<uint32_t>& burned_bps);

    // Moves the events of pools whose facts are all in, or whose deadline
    // has passed, into `out` (NEW_POOL first, then in arrival order).
    void take_ready(int64_t now_mono_ns, std::vector<EventBuf>& out);
    size_t held() const { return pools_.size(); }
    // `pool`'s NEW_POOL is held here (waiting for its facts).
    bool holds(const Pubkey& pool) const { return pools_.count(pool) != 0; }

  private:
    struct Pending {
        std::vector<EventBuf> events; // [0] is the NEW_POOL
        int64_t deadline = 0;
        bool want_mint = false, want_holders = false, want_lp = false;
        bool mint_done = false, holders_done = false, lp_done = false;
        std::optional<MintFacts> mint;
        std::optional<uint64_t> top10;
        std::optional<uint32_t> lp_bps;
    };
    static void apply(Pending& p);

    int64_t timeout_ns_;
    std::unordered_map<Pubkey, Pending, PubkeyHash> pools_;
};

// The event's pool (NEW_POOL, POOL_UPDATE, TRADE).
const Pubkey& event_pool(const EventBuf& ev);

} // namespace sniper::solfeed
