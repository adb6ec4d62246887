// feeds/sim_market.hpp — the built-in simulated memecoin market.
//
// Seeded and deterministic: the same SimFeedConfig produces the same event
// sequence, byte for byte, on any machine (own PRNG, integer reserves). New
// pools launch as a Poisson process on constant-product pools; each token
// follows one of the life stories seen in memecoin markets:
//   pump_and_dump  rises 1.3-5x in minutes, then dumps below launch;
//   slow_bleed     a small pop, then a long decay;
//   rug_pull       rises, then the creator dumps and liquidity is gone;
//   honeypot       only buys succeed (sells are blocked), usually flagged
//                  by a freeze authority; price only goes up;
//   runner         rare, climbs 10-50x over hours with pullbacks.
// Safety fields (authorities, LP burned, top-10 share) correlate with the
// story but do not give it away, so filters help without being perfect.
// Safety facts also change after the launch, as on the chain, with a
// POOL_SAFETY: a creator who kept part of the LP burns the rest (most
// pump_and_dump and slow_bleed pools that launched with some unburned), a
// mint authority kept at launch is revoked (pump_and_dump, slow_bleed), and
// before a rug pull the holders concentrate (the creator's wallets buy
// back in). These come from a second PRNG (same seed), so the rest of the
// sequence is the same as without them.
// Every pool opens with a burst of buying from other snipers that fades
// within a minute. Per pool, every update interval (jittered) a market participant trades
// toward the story's price path plus noise: a TRADE and a POOL_UPDATE.
//
// Bonding curves (cfg.curve_share of the tokens, honeypots excepted, drawn
// from a third PRNG so the rest of the sequence is unchanged): the token
// launches as a pump.fun curve (dex PUMP_FUN, 1 % fee, no authorities, its
// reserves the curve's virtual ones: 30 SOL against 1.073e9 tokens, of
// which 793.1e6 can be bought). Trades move it like a pool, never below
// its virtual SOL. A buy that takes the last tokens completes it: a
// CURVE_COMPLETE, no trade on it after, and 2-10 s later its coin's
// PumpSwap-style pool (dex PUMP_SWAP, 0.25 % fee, LP burned) arrives as a
// NEW_POOL with the same mint, 206.9e6 tokens and the SOL the curve took
// (about the same price), and the story goes on there. Only stories that
// climb ~15x (runners) get that far, as on pump.fun.
#pragma once

#include "config/config.hpp"
#include "core/rng.hpp"
#include "feeds/feed.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <queue>
#include <unordered_map>
#include <vector>

namespace sniper {

class SimMarket final : public Feed {
  public:
    enum class Regime : uint8_t { PumpAndDump = 0, SlowBleed, RugPull, Honeypot, Runner, Count };
    static const char* regime_name(Regime r);

    explicit SimMarket(const SimFeedConfig& cfg);

    bool next(EventBuf& out) override;
    const char* name() const override { return "sim"; }
    bool sell_blocked(const Pubkey& mint) const override;
    void on_own_swap(const Pubkey& pool, uint32_t side, uint64_t in_amount,
                     uint64_t out_amount) override;

    // Simulated start of time (ns since the Unix epoch).
    static constexpr int64_t kEpochNs = 1'767'225'600LL * 1'000'000'000LL; // 2026-01-01
    uint64_t pools_launched() const { return tokens_.size(); }
    std::array<uint64_t, static_cast<size_t>(Regime::Count)> regime_counts() const;

  private:
    struct Token {
        Pubkey pool{}, mint{}, creator{};
        Regime regime = Regime::PumpAndDump;
        int64_t launch_ns = 0;
        int64_t end_ns = 0;
        int64_t rug_ns = 0; // rug_pull only
        uint64_t base = 0;  // token atoms in the pool
        uint64_t quote = 0; // lamports in the pool
        double launch_price = 0;
        double peak_mult = 1, t_peak_min = 1, t_dump_min = 1, floor_mult = 1, vol = 0.03;
        double noise = 0;
        double burst = 0; // log price jump from launch snipers, fading
        bool alive = true;
        bool blocked = false;
        // The pool's safety facts now, and the one change still to come
        // (at safety_ns; 0: none), sent as a POOL_SAFETY.
        uint32_t flags = 0, lp_burned_bps = 0, top10_bps = 0;
        int64_t safety_ns = 0;
        uint32_t next_flags = 0, next_lp_burned_bps = 0, next_top10_bps = 0;
        uint32_t dex = SNP_DEX_SIM; // of its pool now
        bool curve = false;         // on its bonding curve (not completed)
        int64_t migrate_ns = 0;     // its curve completed: its pool comes then (0: not pending)
    };
    struct Due {
        int64_t t_ns;
        uint64_t order; // tie-break for determinism
        uint32_t token; // UINT32_MAX = next launch
        bool operator>(const Due& o) const {
            return t_ns != o.t_ns ? t_ns > o.t_ns : order > o.order;
        }
    };

    void launch(int64_t now_ns);
    void tick(uint32_t idx, int64_t now_ns);
    double target_log_mult(const Token& t, double age_min) const;
    void emit_update(const Token& t, int64_t now_ns);
    void emit_safety(Token& t, int64_t now_ns);
    void plan_safety_change(Token& t, double life_min);
    void emit_trade(const Token& t, const Pubkey& trader, uint32_t side, uint64_t base_atoms,
                    uint64_t quote_lamports, int64_t now_ns);
    void emit_new_pool(const Token& t, int64_t now_ns);
    // A participant's buy of `in` lamports on curve `t` that takes its last
    // tokens: the trade, its update, the CURVE_COMPLETE; the pool follows.
    void complete_curve(Token& t, uint32_t idx, int64_t now_ns);
    void migrate(Token& t, uint32_t idx, int64_t now_ns);
    void stamp(EventBuf& ev, int64_t now_ns) const;
    Pubkey random_key();
    void schedule(int64_t t_ns, uint32_t token);

    SimFeedConfig cfg_;
    Rng rng_;
    Rng safety_rng_; // the post-launch safety changes only (a stream of its own)
    Rng curve_rng_;  // which tokens launch on a curve, and when their pools come (a stream of its own)
    std::vector<Token> tokens_;
    std::unordered_map<Pubkey, uint32_t, PubkeyHash> by_mint_;
    std::unordered_map<Pubkey, uint32_t, PubkeyHash> by_pool_;
    std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;
    std::deque<EventBuf> out_;
    uint64_t order_ = 0;
    double regime_cdf_[static_cast<size_t>(Regime::Count)] = {};
    int64_t end_ns_ = 0; // 0 = never
};

} // namespace sniper
