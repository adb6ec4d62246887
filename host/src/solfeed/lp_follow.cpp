#include "solfeed/lp_follow.hpp"

namespace sniper::solfeed {

bool LpFollow::start(const snp_ev_new_pool& np, const Pubkey& lp_mint, int64_t now_mono_ns) {
    const bool amm = np.dex == SNP_DEX_PUMP_SWAP || np.dex == SNP_DEX_RAYDIUM_AMM_V4;
    if (window_ns_ <= 0 || !amm || (np.flags & SNP_POOL_LP_UNKNOWN) != 0 ||
        np.lp_burned_bps >= 10000 || is_zero(lp_mint) || pools_.count(np.pool) != 0 ||
        by_mint_.count(lp_mint) != 0) {
        return false;
    }
    if (pools_.size() >= capacity_) {
        ++refused_;
        return false;
    }
    Entry e;
    init_event(e.last, SNP_EVENT_POOL_SAFETY);
    snp_ev_pool_safety& s = e.last.pool_safety;
    s.pool = np.pool;
    s.base_mint = np.base_mint;
    s.dex = np.dex;
    s.flags = np.flags;
    s.lp_burned_bps = np.lp_burned_bps;
    s.top10_holder_bps = np.top10_holder_bps;
    s.h.slot = np.h.slot;
    e.slot = np.h.slot;
    e.lp_mint = lp_mint;
    e.until = now_mono_ns + window_ns_;
    pools_.emplace(np.pool, e);
    by_mint_.emplace(lp_mint, np.pool);
    return true;
}

LpFollow::Check LpFollow::check_of(const Entry& e) const {
    Check c;
    c.pool = e.last.pool_safety.pool;
    c.lp_mint = e.lp_mint;
    c.token = e.last.pool_safety.base_mint;
    c.dex = e.last.pool_safety.dex;
    return c;
}

std::optional<LpFollow::Check> LpFollow::send(Entry& e, int64_t now_mono_ns) {
    if (e.in_flight || now_mono_ns < e.next_at) {
        e.again = true; // after the answer, or once the interval has passed (due())
        return std::nullopt;
    }
    e.again = false;
    e.in_flight = true;
    e.next_at = now_mono_ns + kMinIntervalNs;
    return check_of(e);
}

std::optional<LpFollow::Check> LpFollow::trigger(const Pubkey& lp_mint, int64_t now_mono_ns) {
    const auto m = by_mint_.find(lp_mint);
    if (m == by_mint_.end()) {
        return std::nullopt;
    }
    return send(pools_.at(m->second), now_mono_ns);
}

void LpFollow::due(int64_t now_mono_ns, std::vector<Check>& out) {
    for (auto& [pool, e] : pools_) {
        if (e.again) {
            if (const std::optional<Check> c = send(e, now_mono_ns)) {
                out.push_back(*c);
            }
        }
    }
}

std::optional<LpFollow::Check> LpFollow::on_answer(const Pubkey& pool,
                                                   std::optional<uint32_t> burned_bps,
                                                   uint64_t slot, int64_t now_mono_ns,
                                                   std::optional<EventBuf>& event) {
    event.reset();
    const auto it = pools_.find(pool);
    if (it == pools_.end()) {
        return std::nullopt; // ended while the answer was out
    }
    Entry& e = it->second;
    e.in_flight = false;
    // An answer from before the last one taken (another node, behind) says
    // nothing newer.
    if (burned_bps && *burned_bps <= 10000 && slot >= e.slot) {
        e.slot = slot;
        snp_ev_pool_safety& s = e.last.pool_safety;
        if (*burned_bps != s.lp_burned_bps) {
            s.lp_burned_bps = *burned_bps;
            s.h.slot = slot;
            event = e.last;
            ++updates_;
        }
    }
    if (e.again) {
        return send(e, now_mono_ns);
    }
    return std::nullopt;
}

bool LpFollow::expire(int64_t now_mono_ns) {
    bool changed = false;
    for (auto it = pools_.begin(); it != pools_.end();) {
        const Entry& e = it->second;
        if (now_mono_ns < e.until && e.last.pool_safety.lp_burned_bps < 10000) {
            ++it;
            continue;
        }
        by_mint_.erase(e.lp_mint);
        it = pools_.erase(it);
        changed = true;
    }
    return changed;
}

void LpFollow::mints(std::vector<Pubkey>& out) const {
    for (const auto& [pool, e] : pools_) {
        out.push_back(e.lp_mint);
    }
}

} // namespace sniper::solfeed
