// chain/emit.cpp — normalization rules (see emit.hpp):
//  - pump.fun: the bonding curve is the pool; TradeEvent reserves are the
//    curve's after the trade (verified: the 2024 create+buy payloads show
//    virtual_sol_reserves = 30e9 + sol_amount); the oldest CreateEvent has
//    no reserves, so the curve's documented starting values are used (the
//    2026 CreateEvent carries exactly those values). Quote-paired coins
//    (quote_mint set) are skipped: the events carry lamports only.
//  - PumpSwap: event reserves are the pool's before the swap; after =
//    before -/+ amounts with the LP fee kept by the pool.
//  - Raydium v4: ray_log pool amounts are before the swap (the Go test's
//    sample satisfies the constant-product formula from them); a pool
//    whose coin is WSOL (pump.fun migrations) is reversed to token-first.
//  - Flags: pump.fun curves revoke the mint authority and never set a
//    freeze authority (the create logs show SetAuthority); for Raydium and
//    PumpSwap pools the decoder cannot know, so both flags say "present"
//    (fail safe) until an account check clears them. Unknown shares carry
//    their worst values: top10_holder_bps 10000 everywhere, lp_burned_bps 0
//    for AMM pools (a pump.fun curve's is 10000: its liquidity is the
//    program's). Supply for AMM pools is not in
//    the transaction: the pool's token reserve stands in as a lower bound.
#include "chain/emit.hpp"

#include "chain/log_stack.hpp"
#include "chain/wire.hpp"

#include <cmath>
#include <cstring>

namespace sniper::chain {
namespace {
constexpr uint32_t kPumpFeeBps = 100;     // 1% (2024 Global fee_basis_points)
// Holders are not in the events: unknown is reported as the worst value, so
// a max_top10_holder_bps limit refuses the pool instead of passing it blind.
constexpr uint32_t kUnknownTop10Bps = 10000;
// An AMM pool from its events: authorities, holders and LP all unknown,
// each field at its worst value (see SNP_POOL_*_UNKNOWN).
constexpr uint32_t kAmmUnknownFlags = SNP_POOL_MINT_AUTHORITY_PRESENT |
                                      SNP_POOL_FREEZE_AUTHORITY_PRESENT |
                                      SNP_POOL_AUTHORITIES_UNKNOWN | SNP_POOL_HOLDERS_UNKNOWN |
                                      SNP_POOL_LP_UNKNOWN;
constexpr uint32_t kPumpSwapFeeBps = 25;  // lp 20 + protocol 5 (pump_amm GlobalConfig at launch)
constexpr uint32_t kRaydiumV4FeeBps = 25; // 0.25% (trade_fee 25/10000)
constexpr int64_t kNsPerS = 1'000'000'000;
// The events carry decimals up to 18 (the replay format's bound; u64 holds 10^19).
constexpr uint8_t kMaxDecimals = 18;
} // namespace

const Pubkey& token_2022_program() {
    static const Pubkey k = [] {
        Pubkey p{};
        key_from_base58("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb", p);
        return p;
    }();
    return k;
}

const Pubkey& token_program() {
    static const Pubkey k = [] {
        Pubkey p{};
        key_from_base58("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", p);
        return p;
    }();
    return k;
}

const Pubkey& wsol_mint() {
    static const Pubkey k = [] {
        Pubkey p{};
        key_from_base58(kWsolMint, p);
        return p;
    }();
    return k;
}

const KnownPool* Emitter::find(const Pubkey& pool) const {
    for (size_t i = n_pending_; i-- > 0;) {
        if (pending_[i].pool == pool) {
            return &pending_[i];
        }
    }
    return reg_.find(pool);
}

void Emitter::remember(const KnownPool& p) {
    if (n_pending_ < DecodeResult::kMaxEvents) {
        pending_[n_pending_++] = p;
    }
}

ChainEvent* Emitter::add(uint16_t type, int64_t event_time_s) {
    if (r_.n_events >= DecodeResult::kMaxEvents) {
        return nullptr;
    }
    ChainEvent& e = r_.events[r_.n_events++];
    std::memset(static_cast<void*>(&e), 0, sizeof e);
    e.h.type = type;
    e.h.version = 1;
    e.h.size = type == SNP_EVENT_NEW_POOL        ? sizeof(snp_ev_new_pool)
               : type == SNP_EVENT_POOL_UPDATE   ? sizeof(snp_ev_pool_update)
               : type == SNP_EVENT_CURVE_COMPLETE ? sizeof(snp_ev_curve_complete)
                                                 : sizeof(snp_ev_trade);
    e.h.slot = r_.slot;
    int64_t ns = block_ns_;
    if (ns == 0 && event_time_s > 0 && event_time_s < INT64_MAX / kNsPerS) {
        ns = event_time_s * kNsPerS;
    }
    e.h.source_ns = ns;
    return &e;
}

Reject Emitter::pool_update(const Pubkey& pool, const Pubkey& mint, uint64_t base, uint64_t quote,
                            int64_t t) {
    if (base == 0 || quote == 0) {
        return Reject::ZeroAmount;
    }
    ChainEvent* e = add(SNP_EVENT_POOL_UPDATE, t);
    if (!e) {
        return Reject::TooManyEvents;
    }
    auto& u = e->pool_update;
    u.pool = pool;
    u.base_mint = mint;
    u.base_reserve_atoms = base;
    u.quote_reserve_lamports = quote;
    u.price_lamports_per_atom = static_cast<double>(quote) / static_cast<double>(base);
    return Reject::None;
}

Reject Emitter::curve_complete(const Pubkey& curve, const Pubkey& mint, int64_t t) {
    if (const KnownPool* k = find(curve); k != nullptr && k->complete) {
        skip(Skip::CompleteAgain); // a completion is a fact once: the host already has it
        return Reject::None;
    }
    ChainEvent* e = add(SNP_EVENT_CURVE_COMPLETE, t);
    if (!e) {
        return Reject::TooManyEvents;
    }
    auto& c = e->curve_complete;
    c.pool = curve;
    c.base_mint = mint;
    c.dex = SNP_DEX_PUMP_FUN;
    return Reject::None;
}

Reject Emitter::trade(const Pubkey& pool, const Pubkey& mint, const Pubkey& trader, bool buy,
                      uint64_t base, uint64_t quote, int64_t t) {
    if (base == 0 || quote == 0) {
        skip(Skip::ZeroTrade);
        return Reject::None;
    }
    ChainEvent* e = add(SNP_EVENT_TRADE, t);
    if (!e) {
        return Reject::TooManyEvents;
    }
    auto& x = e->trade;
    x.pool = pool;
    x.base_mint = mint;
    x.trader = trader;
    x.side = buy ? SNP_SIDE_BUY : SNP_SIDE_SELL;
    x.base_atoms = base;
    x.quote_lamports = quote;
    return Reject::None;
}

Reject Emitter::pump(const pump::Event& ev) {
    switch (ev.kind) {
    case pump::EventKind::Create: {
        const auto& c = ev.create;
        // Generations before D name no token program: pump.fun minted under
        // SPL Token only then; create_v2 names Token-2022.
        const bool token_2022 = c.has_token_program && c.token_program == token_2022_program();
        if (c.has_quote && !pump::sol_paired(c.quote_mint)) {
            skip(Skip::QuoteNotSol);
            return Reject::None;
        }
        const uint64_t vtr =
            c.has_reserves ? c.virtual_token_reserves : pump::kInitialVirtualTokenReserves;
        const uint64_t vsr =
            c.has_reserves ? c.virtual_sol_reserves : pump::kInitialVirtualSolReserves;
        const uint64_t supply = c.has_reserves ? c.token_total_supply : pump::kTokenTotalSupply;
        if (vtr == 0 || vsr == 0 || supply == 0) {
            return Reject::ZeroAmount;
        }
        ChainEvent* e = add(SNP_EVENT_NEW_POOL, c.timestamp);
        if (!e) {
            return Reject::TooManyEvents;
        }
        auto& p = e->new_pool;
        p.pool = c.bonding_curve;
        p.base_mint = c.mint;
        p.quote_mint = wsol_mint();
        p.creator = c.has_creator ? c.creator : c.user;
        p.dex = SNP_DEX_PUMP_FUN;
        p.flags = SNP_POOL_HOLDERS_UNKNOWN | // authorities and LP: known by the program
                  (token_2022 ? SNP_POOL_TOKEN_2022 : 0u);
        p.base_reserve_atoms = vtr;
        p.quote_reserve_lamports = vsr;
        p.token_supply_atoms = supply;
        p.fee_bps = kPumpFeeBps;
        p.base_decimals = pump::kTokenDecimals;
        // The curve's liquidity belongs to the program: nobody can pull it.
        p.lp_burned_bps = 10000;
        p.top10_holder_bps = kUnknownTop10Bps;
        remember(KnownPool{c.bonding_curve, c.mint, SNP_DEX_PUMP_FUN, false, pump::kTokenDecimals});
        return Reject::None;
    }
    case pump::EventKind::Trade: {
        const auto& t = ev.trade;
        if (t.has_quote && !pump::sol_paired(t.quote_mint)) {
            skip(Skip::QuoteNotSol);
            return Reject::None;
        }
        Pubkey curve{};
        if (!reg_.bonding_curve_of(t.mint, curve)) {
            return Reject::CrosscheckMismatch; // a mint with no curve address cannot be a pump.fun
                                               // mint
        }
        if (Reject r =
                trade(curve, t.mint, t.user, t.is_buy, t.token_amount, t.sol_amount, t.timestamp);
            r != Reject::None) {
            return r;
        }
        return pool_update(curve, t.mint, t.virtual_token_reserves, t.virtual_sol_reserves,
                           t.timestamp);
    }
    case pump::EventKind::Complete: {
        // CompleteEvent { user, mint, bonding_curve, timestamp }: the curve
        // must be the mint's own (the PDA), as for a trade.
        const auto& c = ev.complete;
        Pubkey curve{};
        if (!reg_.bonding_curve_of(c.mint, curve) || !(curve == c.bonding_curve)) {
            return Reject::CrosscheckMismatch;
        }
        return curve_complete(curve, c.mint, c.timestamp);
    }
    case pump::EventKind::Unknown:
        break;
    }
    return Reject::None;
}

Reject Emitter::pump_swap(const pump_swap::Event& ev) {
    const Pubkey& wsol = wsol_mint();
    if (ev.kind == pump_swap::EventKind::CreatePool) {
        const auto& c = ev.create;
        bool reversed = false;
        if (c.quote_mint == wsol) {
            reversed = false;
        } else if (c.base_mint == wsol) {
            reversed = true;
        } else {
            skip(Skip::QuoteNotSol);
            return Reject::None;
        }
        if (c.base_mint_decimals > kMaxDecimals || c.quote_mint_decimals > kMaxDecimals) {
            return Reject::IntRange;
        }
        const uint64_t token = reversed ? c.pool_quote_amount : c.pool_base_amount;
        const uint64_t sol = reversed ? c.pool_base_amount : c.pool_quote_amount;
        const KnownPool k{c.pool, reversed ? c.quote_mint : c.base_mint, SNP_DEX_PUMP_SWAP, reversed,
                          reversed ? c.quote_mint_decimals : c.base_mint_decimals};
        // PumpSwap takes Token-2022 coins: the mint's owner (read by the
        // source's safety step) tells.
        return pump_swap_new_pool(k, (c.has_coin_creator && !is_zero(c.coin_creator)) ? c.coin_creator : c.creator,
                                  token, sol, SNP_POOL_TOKEN_2022 | SNP_POOL_TOKEN_PROGRAM_UNKNOWN, c.timestamp);
    }
    if (ev.kind == pump_swap::EventKind::Swap) {
        const auto& s = ev.swap;
        const KnownPool* k = find(s.pool);
        if (!k || k->dex != SNP_DEX_PUMP_SWAP) {
            skip(Skip::UnknownPool);
            return Reject::None;
        }
        // Pool-side amounts (before protocol and creator fees).
        const bool token_buy = k->token_is_quote ? !s.is_buy : s.is_buy;
        const uint64_t token_amt = k->token_is_quote ? s.quote_amount : s.base_amount;
        const uint64_t sol_amt = k->token_is_quote ? s.base_amount : s.quote_amount;
        const uint64_t token_after = k->token_is_quote ? s.quote_after : s.base_after;
        const uint64_t sol_after = k->token_is_quote ? s.base_after : s.quote_after;
        const Pubkey pool = k->pool, mint = k->base_mint;
        if (Reject r = trade(pool, mint, s.user, token_buy, token_amt, sol_amt, s.timestamp);
            r != Reject::None) {
            return r;
        }
        return pool_update(pool, mint, token_after, sol_after, s.timestamp);
    }
    return Reject::None;
}

Reject Emitter::found_pump_swap_pool(const KnownPool& k, const Pubkey& creator, uint64_t token, uint64_t sol,
                                     uint8_t decimals, bool token_2022) {
    if (k.dex != SNP_DEX_PUMP_SWAP || is_zero(k.token_vault) || is_zero(k.sol_vault)) {
        return Reject::CrosscheckMismatch; // not a PumpSwap pool learned from its account
    }
    if (decimals > kMaxDecimals) {
        return Reject::IntRange;
    }
    KnownPool known = k;
    known.base_decimals = decimals;
    // The mint's owner was read with the pool: the token program is known.
    return pump_swap_new_pool(known, creator, token, sol, token_2022 ? SNP_POOL_TOKEN_2022 : 0u, 0);
}

Reject Emitter::pump_swap_new_pool(const KnownPool& k, const Pubkey& creator, uint64_t token, uint64_t sol,
                                   uint32_t flags, int64_t event_time_s) {
    if (token == 0 || sol == 0) {
        return Reject::ZeroAmount;
    }
    ChainEvent* e = add(SNP_EVENT_NEW_POOL, event_time_s);
    if (!e) {
        return Reject::TooManyEvents;
    }
    auto& p = e->new_pool;
    p.pool = k.pool;
    p.base_mint = k.base_mint;
    p.quote_mint = wsol_mint();
    p.creator = creator;
    p.dex = SNP_DEX_PUMP_SWAP;
    p.flags = kAmmUnknownFlags | flags;
    p.base_reserve_atoms = token;
    p.quote_reserve_lamports = sol;
    p.token_supply_atoms = token; // as at a create_pool; the safety step reads the supply
    p.fee_bps = kPumpSwapFeeBps;
    p.top10_holder_bps = kUnknownTop10Bps; // lp_burned_bps 0: unknown
    p.base_decimals = k.base_decimals;
    remember(k);
    return Reject::None;
}

Reject Emitter::raydium_new_pool(const RaydiumPool& rp) {
    const Pubkey& wsol = wsol_mint();
    bool token_is_pc = false;
    if (rp.coin_mint == wsol && rp.pc_mint != wsol) {
        token_is_pc = true; // pump.fun migrations: coin = WSOL
    } else if (rp.pc_mint == wsol && rp.coin_mint != wsol) {
        token_is_pc = false;
    } else {
        skip(Skip::QuoteNotSol);
        return Reject::None;
    }
    const auto& in = rp.init;
    if (in.pc_decimals > kMaxDecimals || in.coin_decimals > kMaxDecimals) {
        return Reject::IntRange;
    }
    const uint64_t token = token_is_pc ? in.pc_amount : in.coin_amount;
    const uint64_t sol = token_is_pc ? in.coin_amount : in.pc_amount;
    if (token == 0 || sol == 0) {
        return Reject::ZeroAmount;
    }
    ChainEvent* e = add(SNP_EVENT_NEW_POOL, 0);
    if (!e) {
        return Reject::TooManyEvents;
    }
    auto& p = e->new_pool;
    p.pool = rp.amm;
    p.base_mint = token_is_pc ? rp.pc_mint : rp.coin_mint;
    p.quote_mint = wsol;
    p.creator = rp.user;
    p.dex = SNP_DEX_RAYDIUM_AMM_V4;
    p.flags = kAmmUnknownFlags; // AMM v4 vaults are SPL Token accounts: an SPL Token mint
    p.base_reserve_atoms = token;
    p.quote_reserve_lamports = sol;
    p.token_supply_atoms = token;
    p.fee_bps = kRaydiumV4FeeBps;
    p.top10_holder_bps = kUnknownTop10Bps; // lp_burned_bps 0: unknown
    p.base_decimals = token_is_pc ? in.pc_decimals : in.coin_decimals;
    remember(KnownPool{rp.amm, p.base_mint, SNP_DEX_RAYDIUM_AMM_V4, token_is_pc, p.base_decimals,
                       token_is_pc ? rp.pc_vault : rp.coin_vault,
                       token_is_pc ? rp.coin_vault : rp.pc_vault});
    return Reject::None;
}

Reject Emitter::raydium_swap(const Pubkey& amm, const raydium::SwapLog& s) {
    const KnownPool* k = find(amm);
    if (!k || k->dex != SNP_DEX_RAYDIUM_AMM_V4) {
        skip(Skip::UnknownPool);
        return Reject::None;
    }
    uint64_t coin = s.pool_coin, pc = s.pool_pc;
    const uint64_t in = s.in_amount(), out = s.out_amount();
    if (s.direction == raydium::kCoin2Pc) {
        if (out > pc || in > UINT64_MAX - coin) {
            return Reject::CrosscheckMismatch;
        }
        coin += in;
        pc -= out;
    } else {
        if (out > coin || in > UINT64_MAX - pc) {
            return Reject::CrosscheckMismatch;
        }
        pc += in;
        coin -= out;
    }
    const Pubkey pool = k->pool, mint = k->base_mint;
    return k->token_is_quote ? pool_update(pool, mint, pc, coin, 0)
                             : pool_update(pool, mint, coin, pc, 0);
}

bool event_valid(const ChainEvent& e) {
    auto price_ok = [](double p) { return std::isfinite(p) && p > 0; };
    switch (e.h.type) {
    case SNP_EVENT_NEW_POOL: {
        const auto& p = e.new_pool;
        return e.h.size == sizeof p && !is_zero(p.pool) && !is_zero(p.base_mint) &&
               p.quote_mint == wsol_mint() && p.base_mint != p.quote_mint &&
               p.dex >= SNP_DEX_RAYDIUM_AMM_V4 && p.dex <= SNP_DEX_PUMP_SWAP &&
               p.base_reserve_atoms > 0 && p.quote_reserve_lamports > 0 &&
               p.token_supply_atoms > 0 && p.fee_bps < 10000 && p.lp_burned_bps <= 10000 &&
               p.top10_holder_bps <= 10000 && p.base_decimals <= 18;
    }
    case SNP_EVENT_POOL_UPDATE: {
        const auto& u = e.pool_update;
        return e.h.size == sizeof u && !is_zero(u.pool) && !is_zero(u.base_mint) &&
               u.base_reserve_atoms > 0 && u.quote_reserve_lamports > 0 &&
               price_ok(u.price_lamports_per_atom);
    }
    case SNP_EVENT_TRADE: {
        const auto& t = e.trade;
        return e.h.size == sizeof t && !is_zero(t.pool) && !is_zero(t.base_mint) &&
               (t.side == SNP_SIDE_BUY || t.side == SNP_SIDE_SELL) && t.base_atoms > 0 &&
               t.quote_lamports > 0;
    }
    case SNP_EVENT_CURVE_COMPLETE: {
        const auto& c = e.curve_complete;
        return e.h.size == sizeof c && !is_zero(c.pool) && !is_zero(c.base_mint) && c.dex == SNP_DEX_PUMP_FUN;
    }
    default:
        return false;
    }
}

} // namespace sniper::chain
