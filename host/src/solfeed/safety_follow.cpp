#include "solfeed/safety_follow.hpp"

#include <algorithm>

namespace sniper::solfeed {

namespace {

constexpr uint32_t kAuthorityBits =
    SNP_POOL_MINT_AUTHORITY_PRESENT | SNP_POOL_FREEZE_AUTHORITY_PRESENT;

} // namespace

bool SafetyFollow::lp_open(const Entry& e) const {
    return e.follow_lp && e.last.pool_safety.lp_burned_bps < 10000;
}

bool SafetyFollow::auth_open(const Entry& e) const {
    return e.follow_auth && (e.last.pool_safety.flags & kAuthorityBits) != 0;
}

bool SafetyFollow::start(const snp_ev_new_pool& np, const Pubkey& lp_mint, int64_t now_mono_ns) {
    if (window_ns_ <= 0 || pools_.count(np.pool) != 0) {
        return false;
    }
    const bool amm = np.dex == SNP_DEX_PUMP_SWAP || np.dex == SNP_DEX_RAYDIUM_AMM_V4;
    Entry e;
    e.follow_lp = amm && (np.flags & SNP_POOL_LP_UNKNOWN) == 0 && np.lp_burned_bps < 10000 &&
                  !is_zero(lp_mint);
    e.follow_auth =
        (np.flags & SNP_POOL_AUTHORITIES_UNKNOWN) == 0 && (np.flags & kAuthorityBits) != 0;
    if (!e.follow_lp && !e.follow_auth) {
        return false;
    }
    if (pools_.size() >= capacity_) {
        ++refused_;
        return false;
    }
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
    e.lp_mint = e.follow_lp ? lp_mint : Pubkey{};
    e.decimals = np.base_decimals;
    e.until = now_mono_ns + window_ns_;
    if (e.follow_lp) {
        by_account_[lp_mint].push_back(np.pool);
    }
    if (e.follow_auth) {
        by_account_[np.base_mint].push_back(np.pool);
    }
    pools_.emplace(np.pool, e);
    return true;
}

SafetyFollow::Check SafetyFollow::check_of(const Entry& e) const {
    Check c;
    c.pool = e.last.pool_safety.pool;
    c.token = e.last.pool_safety.base_mint;
    c.lp_mint = e.lp_mint;
    c.dex = e.last.pool_safety.dex;
    c.decimals = e.decimals;
    c.lp = lp_open(e);
    c.auth = auth_open(e);
    return c;
}

std::optional<SafetyFollow::Check> SafetyFollow::send(Entry& e, int64_t now_mono_ns) {
    if (e.in_flight || now_mono_ns < e.next_at) {
        e.again = true; // after the answer, or once the interval has passed (due())
        return std::nullopt;
    }
    e.again = false;
    e.in_flight = true;
    e.next_at = now_mono_ns + kMinIntervalNs;
    return check_of(e);
}

void SafetyFollow::trigger(const Pubkey& account, int64_t now_mono_ns, std::vector<Check>& out) {
    const auto a = by_account_.find(account);
    if (a == by_account_.end()) {
        return;
    }
    for (const Pubkey& pool : a->second) {
        if (const std::optional<Check> c = send(pools_.at(pool), now_mono_ns)) {
            out.push_back(*c);
        }
    }
}

void SafetyFollow::due(int64_t now_mono_ns, std::vector<Check>& out) {
    for (auto& [pool, e] : pools_) {
        if (e.again) {
            if (const std::optional<Check> c = send(e, now_mono_ns)) {
                out.push_back(*c);
            }
        }
    }
}

std::optional<SafetyFollow::Check> SafetyFollow::on_answer(const Pubkey& pool,
                                                           std::optional<uint32_t> burned_bps,
                                                           std::optional<Authorities> auth,
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
    if (slot >= e.slot) {
        snp_ev_pool_safety& s = e.last.pool_safety;
        bool changed = false;
        if (burned_bps && *burned_bps <= 10000 && e.follow_lp && *burned_bps != s.lp_burned_bps) {
            s.lp_burned_bps = *burned_bps;
            changed = true;
        }
        if (auth && e.follow_auth) {
            const uint32_t flags = (s.flags & ~kAuthorityBits) |
                                   (auth->mint ? SNP_POOL_MINT_AUTHORITY_PRESENT : 0u) |
                                   (auth->freeze ? SNP_POOL_FREEZE_AUTHORITY_PRESENT : 0u);
            changed = changed || flags != s.flags;
            s.flags = flags;
        }
        if (burned_bps || auth) {
            e.slot = slot;
        }
        if (changed) {
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

void SafetyFollow::unlink(const Pubkey& account, const Pubkey& pool) {
    const auto a = by_account_.find(account);
    if (a == by_account_.end()) {
        return;
    }
    a->second.erase(std::remove(a->second.begin(), a->second.end(), pool), a->second.end());
    if (a->second.empty()) {
        by_account_.erase(a);
    }
}

bool SafetyFollow::expire(int64_t now_mono_ns) {
    bool changed = false;
    for (auto it = pools_.begin(); it != pools_.end();) {
        Entry& e = it->second;
        const bool ended = now_mono_ns >= e.until;
        // A fact that cannot improve any more (100 % burned, no authority
        // left) lets its account go, read or not by the other.
        if (e.follow_lp && (ended || !lp_open(e))) {
            unlink(e.lp_mint, it->first);
            e.follow_lp = false;
            changed = true;
        }
        if (e.follow_auth && (ended || !auth_open(e))) {
            unlink(e.last.pool_safety.base_mint, it->first);
            e.follow_auth = false;
            changed = true;
        }
        if (!e.follow_lp && !e.follow_auth) {
            it = pools_.erase(it);
        } else {
            ++it;
        }
    }
    return changed;
}

void SafetyFollow::accounts(std::vector<Pubkey>& out) const {
    for (const auto& [account, pools] : by_account_) {
        out.push_back(account);
    }
}

} // namespace sniper::solfeed
