// solana/token_program.hpp — SPL Token instructions the host builds, for
// the Token program and Token-2022 alike (same layouts; the program id is
// a parameter). Multisig authorities are not supported.
//   TransferChecked (12): u64 LE amount, u8 decimals; accounts source (w),
//     mint, destination (w), owner (signer).
//   CloseAccount (9): accounts account (w), destination (w), owner (signer).
//   SyncNative (17): accounts the wrapped-SOL token account (w).
#pragma once

#include "solana/instruction.hpp"

#include <cstdint>
#include <optional>
#include <span>

namespace sniper::solana {

constexpr uint8_t kTokenCloseAccountTag = 9;
constexpr uint8_t kTokenTransferCheckedTag = 12;
constexpr uint8_t kTokenSyncNativeTag = 17;

Instruction token_transfer_checked(const Pubkey& token_program, const Pubkey& source, const Pubkey& mint,
                                   const Pubkey& destination, const Pubkey& owner, uint64_t amount_atoms,
                                   uint8_t decimals);
Instruction token_close_account(const Pubkey& token_program, const Pubkey& account, const Pubkey& destination,
                                const Pubkey& owner);
Instruction token_sync_native(const Pubkey& token_program, const Pubkey& account);

struct TransferCheckedData {
    uint64_t amount_atoms = 0;
    uint8_t decimals = 0;
};
std::optional<TransferCheckedData> parse_token_transfer_checked(std::span<const uint8_t> data);
bool is_token_close_account(std::span<const uint8_t> data);
bool is_token_sync_native(std::span<const uint8_t> data);

} // namespace sniper::solana
