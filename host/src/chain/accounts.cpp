// chain/accounts.cpp — BondingCurve and mint account layouts.
//
// Sources: pump-fun/pump-public-docs idl/pump.json (BondingCurve, fields
// renamed to *_quote_* in 2026-05 at the same offsets) verified against
// http_getAccountInfo_pumpfun_bonding_curve_2024-08 (49 bytes) and _2026-07
// (151 bytes); solana-labs/solana-program-library token/program/src/state.rs
// @ 01a17d2 (Mint, COption) verified against
// http_getAccountInfo_spl_mint_base64_devnet and spl_mint_account_data_samples;
// the token Account (mint, owner, amount u64 @64, delegate COption @72,
// state u8 @108, is_native COption<u64> @109, delegated_amount @121,
// close_authority COption @129; 165 bytes) from the same state.rs, and the
// Token-2022 account type byte at 165 (token-2022 extension/mod.rs
// AccountType: Uninitialized 0, Mint 1, Account 2).
//
// AMM pools' LP bookkeeping: raydium-io/raydium-amm program/src/state.rs
// AmmInfo (16 u64, Fees 8 u64, StateData 144 bytes, 12 keys of which
// coin_vault @336 .. lp_mint @464, amm_owner @688, lp_amount @720, 752
// bytes); the initialize2 rule lp_amount = isqrt(coin * pc), user minted
// lp_amount - 10^lp_decimals is verified on the four captured initialize2
// transactions (tests/chain/lp_test.cpp). PumpSwap Pool from
// pump-fun/pump-public-docs idl/pump_amm.json and docs/PUMP_SWAP_README.md
// (lp_supply excludes burns; discriminator sha256("account:Pool")[..8]).
#include "chain/accounts.hpp"

#include "chain/wire.hpp"
#include "core/solana_key.hpp"
#include "solana/associated_token.hpp"
#include "solana/pda.hpp"
#include "solana/program_ids.hpp"

#include <cstring>

namespace sniper::chain {

TokenAccounts associated_token_accounts(const Pubkey& owner, const Pubkey& mint) {
    const solana::Pubkey o = to_solana(owner), m = to_solana(mint);
    return {from_solana(solana::associated_token_address(o, m, solana::kTokenProgram)),
            from_solana(solana::associated_token_address(o, m, solana::kToken2022Program))};
}

std::optional<Pubkey> pump_swap_canonical_pool(const Pubkey& mint) {
    static constexpr uint8_t kAuthoritySeed[] = {'p', 'o', 'o', 'l', '-', 'a', 'u', 't', 'h', 'o', 'r', 'i', 't', 'y'};
    static constexpr uint8_t kPoolSeed[] = {'p', 'o', 'o', 'l'};
    static constexpr uint8_t kIndex0[] = {0, 0}; // u16 LE
    const auto authority = solana::find_program_address(
        {solana::Seed(kAuthoritySeed, sizeof kAuthoritySeed), solana::Seed(mint.bytes, 32)}, solana::kPumpFunProgram);
    if (!authority) {
        return std::nullopt;
    }
    const auto pool = solana::find_program_address(
        {solana::Seed(kPoolSeed, sizeof kPoolSeed), solana::Seed(kIndex0, sizeof kIndex0),
         solana::Seed(authority->address.bytes.data(), 32), solana::Seed(mint.bytes, 32),
         solana::Seed(solana::kWrappedSolMint.bytes.data(), 32)},
        solana::kPumpSwapProgram);
    if (!pool) {
        return std::nullopt;
    }
    return from_solana(pool->address);
}

Reject decode_bonding_curve(const uint8_t* d, size_t len, BondingCurve& out) {
    if (len < 8 || std::memcmp(d, kBondingCurveDisc, 8) != 0) {
        return len < 8 ? Reject::AccountLength : Reject::AccountDiscriminator;
    }
    if (len < 49) {
        return Reject::AccountLength;
    }
    Cursor c(d, len);
    c.skip(8);
    c.u64(out.virtual_token_reserves);
    c.u64(out.virtual_sol_reserves);
    c.u64(out.real_token_reserves);
    c.u64(out.real_sol_reserves);
    c.u64(out.token_total_supply);
    bool bad = false;
    if (!c.boolean(out.complete, &bad)) {
        return Reject::BorshBool;
    }
    if (len >= 81) {
        out.has_creator = true;
        c.key(out.creator);
    }
    bool flag = false;
    if (len >= 82 && !c.boolean(flag, &bad)) {
        return Reject::BorshBool;
    }
    if (len >= 83 && !c.boolean(flag, &bad)) {
        return Reject::BorshBool;
    }
    if (len >= 115) {
        out.has_quote = true;
        c.key(out.quote_mint);
    }
    return Reject::None;
}

namespace {
Reject coption_key(Cursor& c, bool& has, Pubkey& k) {
    uint32_t tag = 0;
    c.u32(tag);
    if (tag > 1) {
        return Reject::CoptionTag;
    }
    has = tag == 1;
    c.key(k); // with None the program leaves the old key bytes in place (state.rs pack_coption_key)
    if (!has) {
        k = Pubkey{};
    }
    return Reject::None;
}
} // namespace

Reject decode_mint(const uint8_t* d, size_t len, bool token_2022, Mint& out) {
    if (len != 82) {
        if (!token_2022 || len < 166) {
            return Reject::AccountLength;
        }
        for (size_t i = 82; i < 165; ++i) {
            if (d[i] != 0) {
                return Reject::AccountLength;
            }
        }
        if (d[165] != 1) {
            return Reject::AccountDiscriminator;
        }
        out.token_2022_extensions = true;
    }
    Cursor c(d, len);
    if (Reject r = coption_key(c, out.has_mint_authority, out.mint_authority); r != Reject::None) {
        return r;
    }
    c.u64(out.supply);
    c.u8(out.decimals);
    bool bad = false;
    if (!c.boolean(out.is_initialized, &bad)) {
        return Reject::BorshBool;
    }
    return coption_key(c, out.has_freeze_authority, out.freeze_authority);
}

Reject decode_token_account(const uint8_t* d, size_t len, bool token_2022, TokenAccount& out) {
    if (len != kTokenAccountLen) {
        if (!token_2022 || len <= kTokenAccountLen) {
            return Reject::AccountLength;
        }
        if (d[kTokenAccountLen] != 2) {
            return Reject::AccountDiscriminator;
        }
    }
    Cursor c(d, len);
    c.key(out.mint);
    c.key(out.owner);
    c.u64(out.amount);
    bool has = false;
    Pubkey delegate{};
    if (Reject r = coption_key(c, has, delegate); r != Reject::None) {
        return r;
    }
    uint8_t state = 0;
    c.u8(state);
    if (state == 0 || state > 2) { // AccountState: Uninitialized 0, Initialized 1, Frozen 2
        return Reject::AccountDiscriminator;
    }
    out.frozen = state == 2;
    uint32_t tag = 0;
    c.u32(tag);
    if (tag > 1) {
        return Reject::CoptionTag;
    }
    return Reject::None;
}

Reject decode_raydium_amm_lp(const uint8_t* d, size_t len, AmmPoolAccount& out) {
    if (len != kRaydiumAmmInfoLen) {
        return Reject::AccountLength;
    }
    Cursor c(d, len);
    uint64_t coin_decimals = 0, pc_decimals = 0;
    c.skip(32);
    c.u64(coin_decimals);
    c.u64(pc_decimals);
    if (coin_decimals > 18 || pc_decimals > 18) {
        return Reject::DecimalsRange;
    }
    out.has_decimals = true;
    out.decimals_a = static_cast<uint8_t>(coin_decimals);
    out.decimals_b = static_cast<uint8_t>(pc_decimals);
    c.skip(336 - 48);
    c.key(out.vault_a);
    c.key(out.vault_b);
    c.key(out.mint_a);
    c.key(out.mint_b);
    c.key(out.lp_mint);
    c.skip(720 - 496);
    c.u64(out.lp_count);
    return Reject::None;
}

Reject decode_pump_swap_pool_lp(const uint8_t* d, size_t len, AmmPoolAccount& out) {
    if (len < 8 || std::memcmp(d, kPumpSwapPoolDisc, 8) != 0) {
        return len < 8 ? Reject::AccountLength : Reject::AccountDiscriminator;
    }
    if (len < 211) {
        return Reject::AccountLength;
    }
    Cursor c(d, len);
    c.skip(11);
    c.key(out.creator);
    c.key(out.mint_a);
    c.key(out.mint_b);
    c.key(out.lp_mint);
    c.key(out.vault_a);
    c.key(out.vault_b);
    c.u64(out.lp_count);
    if (len >= 243) {
        Pubkey coin_creator{};
        c.key(coin_creator);
        if (!is_zero(coin_creator)) {
            out.creator = coin_creator;
        }
    }
    return Reject::None;
}

std::optional<uint32_t> lp_burned_bps(uint64_t lp_count, uint64_t lp_mint_supply) {
    if (lp_count == 0 || lp_mint_supply > lp_count) {
        return std::nullopt;
    }
    const unsigned __int128 burned = lp_count - lp_mint_supply;
    return static_cast<uint32_t>(burned * 10000 / lp_count);
}

} // namespace sniper::chain
