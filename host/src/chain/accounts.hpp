// chain/accounts.hpp — account data the decoders read from
// getAccountInfo / accountNotification / programNotification: the pump.fun
// BondingCurve, SPL / Token-2022 mints and token accounts (AMM vaults). Bytes only; the JSON envelope
// (owner, encoding tag) is checked by the message decoder.
#pragma once

#include "chain/reject.hpp"
#include "core/types.hpp"

#include <cstddef>
#include <cstdint>

namespace sniper::chain {

inline constexpr uint8_t kBondingCurveDisc[8] = {0x17, 0xb7, 0xf8, 0x37, 0x60, 0xd8, 0xac, 0x60};

struct BondingCurve {
    uint64_t virtual_token_reserves = 0, virtual_sol_reserves = 0, real_token_reserves = 0,
             real_sol_reserves = 0, token_total_supply = 0;
    bool complete = false;
    bool has_creator = false; // 81+ bytes
    Pubkey creator{};
    bool has_quote = false; // 115+ bytes (2026)
    Pubkey quote_mint{};    // zero = SOL-paired
};

// pump.fun BondingCurve: disc, 5 u64, complete (49 bytes, 2024), creator
// (81), is_mayhem_mode (82), is_cashback_coin (83), quote_mint (115); the
// account may be extended beyond its fields (151 bytes in 2026).
Reject decode_bonding_curve(const uint8_t* d, size_t len, BondingCurve& out);

// The associated token accounts of (owner, mint) under SPL Token and under
// Token-2022, in that order: a pump.fun curve's or a PumpSwap pool's own
// token vault is one of them (which depends on the mint's program, which
// no event names).
struct TokenAccounts {
    Pubkey token{};
    Pubkey token_2022{};
};
TokenAccounts associated_token_accounts(const Pubkey& owner, const Pubkey& mint);

struct Mint {
    bool has_mint_authority = false;
    Pubkey mint_authority{};
    uint64_t supply = 0;
    uint8_t decimals = 0;
    bool is_initialized = false;
    bool has_freeze_authority = false;
    Pubkey freeze_authority{};
    bool token_2022_extensions = false;
};

// SPL Token Mint (82 bytes; COption = u32 tag 0/1 + 32 bytes). With
// `token_2022`, longer data is accepted when bytes 82..165 are zero and
// byte 165 is the Mint account type (1).
Reject decode_mint(const uint8_t* d, size_t len, bool token_2022, Mint& out);

// SPL Token account (165 bytes): mint, owner, amount, delegate, state,
// is_native, delegated_amount, close_authority. With `token_2022`, longer
// data is accepted when byte 165 is the Account account type (2). An
// account whose state is not Initialized or Frozen is refused
// (AccountDiscriminator).
struct TokenAccount {
    Pubkey mint{}, owner{};
    uint64_t amount = 0;
    bool frozen = false;
};
inline constexpr size_t kTokenAccountLen = 165;
Reject decode_token_account(const uint8_t* d, size_t len, bool token_2022, TokenAccount& out);

} // namespace sniper::chain
