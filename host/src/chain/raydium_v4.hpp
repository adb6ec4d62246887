// chain/raydium_v4.hpp — Raydium AMM v4 (675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8):
// the `ray_log: <base64>` lines (bincode, little-endian, first byte the log
// type), the `initialize2: InitializeInstruction2 { ... }` text line and
// the initialize2 instruction (data and account order). ray_log carries
// amounts but no addresses: pool and mints come from the instruction.
#pragma once

#include "chain/reject.hpp"
#include "core/types.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sniper::chain::raydium {

enum class LogType : uint8_t {
    Init = 0,
    Deposit = 1,
    Withdraw = 2,
    SwapBaseIn = 3,
    SwapBaseOut = 4
};

// SwapDirection in the program's math.rs.
inline constexpr uint64_t kPc2Coin = 1;
inline constexpr uint64_t kCoin2Pc = 2;

struct InitLog {
    uint64_t time = 0;
    uint8_t pc_decimals = 0, coin_decimals = 0;
    uint64_t pc_lot_size = 0, coin_lot_size = 0, pc_amount = 0, coin_amount = 0;
    Pubkey market{};
};

// SwapBaseIn and SwapBaseOut: pool_coin / pool_pc are the pool's amounts
// (without the PnL still to take) *before* the swap.
struct SwapLog {
    bool base_in = true;
    uint64_t amount_in = 0;  // base_in: amount_in; base_out: max_in
    uint64_t amount_out = 0; // base_in: minimum_out; base_out: amount_out
    uint64_t direction = 0;  // kPc2Coin or kCoin2Pc
    uint64_t user_source = 0;
    uint64_t pool_coin = 0, pool_pc = 0;
    uint64_t actual = 0; // base_in: out_amount; base_out: deduct_in
    // What moved: input into the pool, output out of it.
    uint64_t in_amount() const { return base_in ? amount_in : actual; }
    uint64_t out_amount() const { return base_in ? actual : amount_out; }
};

struct RayLog {
    LogType type = LogType::Init;
    InitLog init;
    SwapLog swap;
};

// Decodes the bytes after base64. Deposit and Withdraw are length-checked
// and otherwise ignored.
Reject decode_ray_log(const uint8_t* data, size_t len, RayLog& out);

struct Initialize2 {
    uint8_t nonce = 0;
    uint64_t open_time = 0, init_pc_amount = 0, init_coin_amount = 0;
};

// The text after "Program log: ": "initialize2: InitializeInstruction2 {
// nonce: N, open_time: T, init_pc_amount: P, init_coin_amount: C }".
// Returns None with `matched` false for any other line.
Reject parse_initialize2_line(std::string_view text, bool& matched, Initialize2& out);

// Instruction data `01 | nonce u8 | open_time u64 | pc u64 | coin u64`.
bool parse_initialize2_data(const uint8_t* data, size_t len, Initialize2& out);

// Account positions of initialize2 (program/src/instruction.rs).
inline constexpr size_t kInitAmm = 4, kInitAuthority = 5, kInitLpMint = 7, kInitCoinMint = 8, kInitPcMint = 9,
                        kInitCoinVault = 10, kInitPcVault = 11, kInitMarket = 16, kInitUser = 17,
                        kInitAccounts = 18;
// swap_base_in / swap_base_out: the amm is account 1 in both the 17- and
// 18-account forms.
inline constexpr size_t kSwapAmm = 1;

// The AMM authority (the PDA of seed "amm authority" under the program;
// 5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1, account 5 of every
// initialize2 in the captures): the owner of every pool's two vaults.
const Pubkey& authority_v4();

} // namespace sniper::chain::raydium
