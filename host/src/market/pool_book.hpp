// market/pool_book.hpp — the latest known state of every pool, built from
// NEW_POOL, POOL_UPDATE, POOL_SAFETY and CURVE_COMPLETE events. The paper
// executor fills against it, the risk gate prices against it and positions
// are marked with it.
#pragma once

#include "core/types.hpp"

#include <cstdint>
#include <cstring>
#include <unordered_map>

namespace sniper {

struct PoolState {
    Pubkey pool{};
    Pubkey mint{};
    uint64_t base_reserve_atoms = 0;
    uint64_t quote_reserve_lamports = 0;
    uint32_t fee_bps = 0;
    // Safety facts: the NEW_POOL's, then the latest POOL_SAFETY's.
    uint32_t flags = 0;            // SNP_POOL_* (mint / freeze authority present)
    uint32_t lp_burned_bps = 0;    // share of LP burned, 0..10000
    uint32_t top10_holder_bps = 0; // share held by the top-10 holders
    uint8_t decimals = 0;          // of the token (base) mint
    int64_t updated_ns = 0;
    bool stale = false; // a source lost data for it (outage, stall); cleared by its next event
    bool complete = false; // a bonding curve that takes no more trades (CURVE_COMPLETE): for good
    bool adopted = false;  // known from updates only (see PoolBook::adopt): its NEW_POOL not seen this run
    bool facts_known = false; // fee_bps and decimals are the pool's, not assumed
};

// The fee assumed for an adopted pool: no less than any venue the feeds
// decode charges (pump.fun's curve 1 %, PumpSwap and Raydium 0.25-0.3 %).
inline constexpr uint32_t kAdoptedPoolFeeBps = 100;

class PoolBook {
  public:
    void on_new_pool(const snp_ev_new_pool& e) {
        PoolState& p = pools_[e.pool];
        p.pool = e.pool;
        p.mint = e.base_mint;
        p.base_reserve_atoms = e.base_reserve_atoms;
        p.quote_reserve_lamports = e.quote_reserve_lamports;
        p.fee_bps = e.fee_bps;
        p.flags = e.flags;
        p.lp_burned_bps = e.lp_burned_bps;
        p.top10_holder_bps = e.top10_holder_bps;
        p.decimals = e.base_decimals;
        p.updated_ns = e.h.source_ns;
        p.stale = false;
        p.adopted = false;
        p.facts_known = true;
    }
    void on_pool_update(const snp_ev_pool_update& e) {
        auto it = pools_.find(e.pool);
        if (it == pools_.end()) {
            return; // feeds refuse updates for unknown pools
        }
        it->second.base_reserve_atoms = e.base_reserve_atoms;
        it->second.quote_reserve_lamports = e.quote_reserve_lamports;
        it->second.updated_ns = e.h.source_ns;
        it->second.stale = false;
    }
    // A pool whose NEW_POOL this run never saw, named by a source's update
    // or curve completion: one a position from before a restart holds (the
    // source learned it again). Its safety facts are unknown, at their
    // worst values; its reserves unknown until the event itself is applied.
    // Its fee and its token's decimals are the position's journaled ones
    // (fee_bps / decimals, -1 when unknown: a row from an older journal);
    // facts_known only when both are, and an unknown fee is assumed
    // (kAdoptedPoolFeeBps).
    void adopt(const Pubkey& pool, const Pubkey& mint, int32_t fee_bps = -1, int32_t decimals = -1) {
        PoolState& p = pools_[pool];
        p.pool = pool;
        p.mint = mint;
        p.fee_bps = fee_bps >= 0 && fee_bps <= 10000 ? static_cast<uint32_t>(fee_bps) : kAdoptedPoolFeeBps;
        p.facts_known = decimals >= 0 && decimals <= 18 && fee_bps >= 0 && fee_bps <= 10000;
        p.decimals = p.facts_known ? static_cast<uint8_t>(decimals) : 0;
        p.flags = SNP_POOL_MINT_AUTHORITY_PRESENT | SNP_POOL_FREEZE_AUTHORITY_PRESENT | SNP_POOL_AUTHORITIES_UNKNOWN |
                  SNP_POOL_HOLDERS_UNKNOWN | SNP_POOL_LP_UNKNOWN | SNP_POOL_TOKEN_PROGRAM_UNKNOWN;
        p.lp_burned_bps = 0;
        p.top10_holder_bps = 10000;
        p.adopted = true;
    }
    // The safety facts as a source measured them again (reserves and
    // staleness are the price's business, untouched).
    void on_pool_safety(const snp_ev_pool_safety& e) {
        auto it = pools_.find(e.pool);
        if (it == pools_.end() || !(it->second.mint == e.base_mint)) {
            return; // feeds send it only for pools whose NEW_POOL they sent
        }
        it->second.flags = e.flags;
        it->second.lp_burned_bps = e.lp_burned_bps;
        it->second.top10_holder_bps = e.top10_holder_bps;
    }
    // A bonding curve completed: no entry on it again (its coin trades on
    // the AMM pool its migration makes, a pool of its own).
    void on_curve_complete(const snp_ev_curve_complete& e) {
        auto it = pools_.find(e.pool);
        if (it == pools_.end() || !(it->second.mint == e.base_mint)) {
            return; // feeds send it only for pools whose NEW_POOL they sent
        }
        it->second.complete = true;
    }
    // A source lost data for `pool`: its reserves may be out of date until
    // the next NEW_POOL / POOL_UPDATE. False when the pool is unknown.
    bool mark_stale(const Pubkey& pool) {
        auto it = pools_.find(pool);
        if (it == pools_.end()) {
            return false;
        }
        it->second.stale = true;
        return true;
    }
    PoolState* find(const Pubkey& pool) {
        auto it = pools_.find(pool);
        return it == pools_.end() ? nullptr : &it->second;
    }
    const PoolState* find(const Pubkey& pool) const {
        auto it = pools_.find(pool);
        return it == pools_.end() ? nullptr : &it->second;
    }
    // The deepest pool (most lamports) for a token: where a route that
    // finds its own pool (intent route JUPITER with no pool) trades in paper.
    // Ties go to the lower pool key so the choice is deterministic.
    const PoolState* best_for_mint(const Pubkey& mint) const {
        const PoolState* best = nullptr;
        for (const auto& [key, p] : pools_) {
            if (!(p.mint == mint)) {
                continue;
            }
            if (best == nullptr || p.quote_reserve_lamports > best->quote_reserve_lamports ||
                (p.quote_reserve_lamports == best->quote_reserve_lamports &&
                 std::memcmp(p.pool.bytes, best->pool.bytes, sizeof p.pool.bytes) < 0)) {
                best = &p;
            }
        }
        return best;
    }
    size_t size() const { return pools_.size(); }

  private:
    std::unordered_map<Pubkey, PoolState, PubkeyHash> pools_;
};

} // namespace sniper
