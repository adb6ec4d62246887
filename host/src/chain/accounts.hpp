// chain/accounts.hpp — account data the decoders read from
// getAccountInfo / accountNotification / programNotification: the pump.fun
// BondingCurve, SPL / Token-2022 mints and token accounts (AMM vaults), and
// the AMM pool accounts' LP bookkeeping (Raydium AMM v4 AmmInfo, PumpSwap
// Pool). Bytes only; the JSON envelope (owner, encoding tag) is checked by
// the caller.
#pragma once

#include "chain/reject.hpp"
#include "core/types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

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

// The PumpSwap pool pump.fun's `migrate` makes for a completed curve of
// `mint` (the "canonical" pool): PDA("pool", index 0 as u16 LE, creator,
// mint, WSOL) under PumpSwap, where the creator is PDA("pool-authority",
// mint) under pump.fun (pump-public-docs, PUMP_SWAP_CREATOR_FEE_README and
// idl/pump_amm.json create_pool). Checked against a real pool
// (tests/chain/payloads_test.cpp). Nullopt only if no bump gives an address.
std::optional<Pubkey> pump_swap_canonical_pool(const Pubkey& mint);

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

// What an AMM pool account says: the mints it pairs and the token accounts
// (vaults) that hold its reserves, the decimals (Raydium only: PumpSwap's
// pool does not keep them), and about its LP token: its LP mint and the LP
// amount the program counts as outstanding. The
// program's count is only changed by its own deposit / withdraw (Raydium
// `lp_amount`, which also keeps the 10^decimals minted to nobody at
// initialize2; PumpSwap `lp_supply`, "the total supply of the lp_mint
// without burns and lock-ups"); a holder's burn lowers the LP mint's supply
// only. So (count - mint supply) / count is the share burned.
struct AmmPoolAccount {
    Pubkey mint_a{}, mint_b{};   // Raydium: coin, pc; PumpSwap: base, quote
    Pubkey vault_a{}, vault_b{}; // the pool's token accounts of mint_a, mint_b
    bool has_decimals = false;   // Raydium: coin_decimals, pc_decimals (each at most 18)
    uint8_t decimals_a = 0, decimals_b = 0;
    Pubkey lp_mint{};
    uint64_t lp_count = 0;
    // PumpSwap: the coin's creator (coin_creator, 243+ bytes, when not
    // zero; else the pool's creator); Raydium: zero.
    Pubkey creator{};
};

// Raydium AMM v4 AmmInfo: 752 bytes, no discriminator; coin_decimals u64
// @32, pc_decimals u64 @40, coin_vault @336, pc_vault @368, coin_mint @400,
// pc_mint @432, lp_mint @464, lp_amount u64 @720. Decimals above 18:
// DECIMALS_RANGE.
inline constexpr size_t kRaydiumAmmInfoLen = 752;
Reject decode_raydium_amm_lp(const uint8_t* d, size_t len, AmmPoolAccount& out);

// PumpSwap Pool: Anchor discriminator, pool_bump u8, index u16, creator,
// base_mint @43, quote_mint @75, lp_mint @107, pool_base_token_account
// @139, pool_quote_token_account @171, lp_supply u64 @203 (211 bytes; coin_creator makes 243; accounts may be
// extended to 300 and beyond).
inline constexpr uint8_t kPumpSwapPoolDisc[8] = {0xf1, 0x9a, 0x6d, 0x04, 0x11, 0xb1, 0x6d, 0xbc};
Reject decode_pump_swap_pool_lp(const uint8_t* d, size_t len, AmmPoolAccount& out);

// The share of `lp.lp_count` burned, in bps rounded down (never reported
// as more burned than it is), given the LP mint's current supply; nullopt
// when the two cannot both be true (supply above the count, or a count of
// zero: an emptied pool).
std::optional<uint32_t> lp_burned_bps(uint64_t lp_count, uint64_t lp_mint_supply);

} // namespace sniper::chain
