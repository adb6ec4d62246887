// solfeed/safety_hold.cpp — see the header.
#include "solfeed/safety_hold.hpp"

#include <algorithm>

namespace sniper::solfeed {

const Pubkey& event_pool(const EventBuf& ev) {
    return ev.h.type == SNP_EVENT_NEW_POOL      ? ev.new_pool.pool
           : ev.h.type == SNP_EVENT_POOL_UPDATE ? ev.pool_update.pool
           : ev.h.type == SNP_EVENT_POOL_SAFETY ? ev.pool_safety.pool
                                                : ev.trade.pool;
}

SafetyHold::Verdict SafetyHold::offer(const EventBuf& ev, int64_t now_mono_ns) {
    const Pubkey& pool = event_pool(ev);
    if (auto it = pools_.find(pool); it != pools_.end()) {
        if (ev.h.type != SNP_EVENT_NEW_POOL) { // a second NEW_POOL while held: the first stands
            it->second.events.push_back(ev);
        }
        return Verdict::Held;
    }
    if (timeout_ns_ <= 0 || ev.h.type != SNP_EVENT_NEW_POOL) {
        return Verdict::Pass;
    }
    const snp_ev_new_pool& np = ev.new_pool;
    Pending p;
    p.want_mint = (np.flags & SNP_POOL_AUTHORITIES_UNKNOWN) != 0;
    p.want_holders = (np.flags & SNP_POOL_HOLDERS_UNKNOWN) != 0;
    // Only AMM pools have an LP token (a pump.fun curve's liquidity is the
    // program's: its event says so).
    p.want_lp = (np.flags & SNP_POOL_LP_UNKNOWN) != 0 &&
                (np.dex == SNP_DEX_PUMP_SWAP || np.dex == SNP_DEX_RAYDIUM_AMM_V4);
    if (!p.want_mint && !p.want_holders && !p.want_lp) {
        return Verdict::Pass;
    }
    p.events.push_back(ev);
    p.deadline = now_mono_ns + timeout_ns_;
    pools_.emplace(pool, std::move(p));
    return Verdict::Started;
}

bool SafetyHold::wants_mint(const Pubkey& pool) const {
    auto it = pools_.find(pool);
    return it != pools_.end() && it->second.want_mint;
}

bool SafetyHold::wants_holders(const Pubkey& pool) const {
    auto it = pools_.find(pool);
    return it != pools_.end() && it->second.want_holders;
}

bool SafetyHold::wants_lp(const Pubkey& pool) const {
    auto it = pools_.find(pool);
    return it != pools_.end() && it->second.want_lp;
}

void SafetyHold::on_mint(const Pubkey& pool, const std::optional<MintFacts>& m) {
    if (auto it = pools_.find(pool); it != pools_.end()) {
        it->second.mint_done = true;
        it->second.mint = m;
    }
}

void SafetyHold::on_holders(const Pubkey& pool, const std::optional<uint64_t>& top10_atoms) {
    if (auto it = pools_.find(pool); it != pools_.end()) {
        it->second.holders_done = true;
        it->second.top10 = top10_atoms;
    }
}

void SafetyHold::on_lp(const Pubkey& pool, const std::optional<uint32_t>& burned_bps) {
    if (auto it = pools_.find(pool); it != pools_.end()) {
        it->second.lp_done = true;
        it->second.lp_bps = burned_bps;
    }
}

// Facts onto the held NEW_POOL. A mint whose decimals disagree with the
// event's is a different token or a wrong answer: nothing is taken from it.
// The holders' share needs the token's supply: a pump.fun CreateEvent
// carries it; an AMM pool's event carries only its reserve, so there the
// share is taken only with the mint's own supply.
void SafetyHold::apply(Pending& p) {
    snp_ev_new_pool& np = p.events[0].new_pool;
    const bool mint_read = p.mint && p.mint->decimals == np.base_decimals && p.mint->supply > 0;
    if (mint_read) {
        np.flags &= ~(SNP_POOL_MINT_AUTHORITY_PRESENT | SNP_POOL_FREEZE_AUTHORITY_PRESENT |
                      SNP_POOL_AUTHORITIES_UNKNOWN | SNP_POOL_TOKEN_2022 | SNP_POOL_TOKEN_PROGRAM_UNKNOWN);
        np.flags |= (p.mint->mint_authority ? SNP_POOL_MINT_AUTHORITY_PRESENT : 0u) |
                    (p.mint->freeze_authority ? SNP_POOL_FREEZE_AUTHORITY_PRESENT : 0u) |
                    (p.mint->token_2022 ? SNP_POOL_TOKEN_2022 : 0u);
        np.token_supply_atoms = p.mint->supply;
    }
    const bool supply_known = mint_read || np.dex == SNP_DEX_PUMP_FUN;
    if (p.top10 && supply_known && np.token_supply_atoms > 0 && *p.top10 <= np.token_supply_atoms) {
        const unsigned __int128 bps =
            (static_cast<unsigned __int128>(*p.top10) * 10000 + np.token_supply_atoms - 1) /
            np.token_supply_atoms; // rounded up: never reported as more spread out
        np.top10_holder_bps = static_cast<uint32_t>(std::min<unsigned __int128>(bps, 10000));
        np.flags &= ~SNP_POOL_HOLDERS_UNKNOWN;
    }
    if (p.lp_bps && *p.lp_bps <= 10000) {
        np.lp_burned_bps = *p.lp_bps;
        np.flags &= ~SNP_POOL_LP_UNKNOWN;
    }
}

void SafetyHold::take_ready(int64_t now_mono_ns, std::vector<EventBuf>& out) {
    for (auto it = pools_.begin(); it != pools_.end();) {
        Pending& p = it->second;
        const bool complete = (!p.want_mint || p.mint_done) && (!p.want_holders || p.holders_done) &&
                              (!p.want_lp || p.lp_done);
        if (!complete && now_mono_ns < p.deadline) {
            ++it;
            continue;
        }
        apply(p);
        out.insert(out.end(), p.events.begin(), p.events.end());
        it = pools_.erase(it);
    }
}

} // namespace sniper::solfeed
