// live/pool_accounts.hpp — what one read of a watched pool's accounts says:
// the three accounts getMultipleAccounts returned for it (the token's mint,
// the token vault, the SOL side) checked against the pool's configuration
// and decoded into reserves, or refused with a reason. Pure functions over
// the bytes, so every refusal is tested without a network.
//
// Layouts (SPL Token; Token-2022 shares the first 82 / 165 bytes):
// - mint: mint_authority COption<Pubkey> @0 (u32 tag + 32), supply u64 @36,
//   decimals u8 @44, is_initialized u8 @45, freeze_authority COption @46;
// - token account: mint @0, owner @32, amount u64 @64, delegate COption
//   @72, state u8 @108 (0 uninitialized, 1 initialized, 2 frozen).
// The SOL side is either a system account (no data) whose lamports above
// the rent-exempt minimum of a 0-byte account (890,880) are the reserve, or
// a wrapped-SOL token account (mint So111…112) whose amount is.
#pragma once

#include "config/config.hpp"
#include "rpc/solana_types.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace sniper::live {

// Why a read of a pool was not turned into an event. Never renumbered;
// names are stable (logs, tests).
enum class WatchReject : uint8_t {
    Invalid = 0,
    AccountMissing = 1,   // the node has no such account
    WrongOwner = 2,       // not owned by the program its kind needs
    BadLayout = 3,        // too short, uninitialized, a bad option tag
    MintMismatch = 4,     // a token account of another mint than configured
    DecimalsMismatch = 5, // the mint's decimals differ from the configured ones
    ZeroReserve = 6,      // a reserve of 0 (or SOL at or below the rent minimum)
    SlotRegressed = 7,    // an answer older than one already used for this pool
    Malformed = 8,        // the answer itself could not be read
    Count = 9,
};
const char* watch_reject_name(WatchReject r);

inline constexpr uint64_t kRentExemptEmptyAccountLamports = 890'880;

// A validated read.
struct PoolReserves {
    uint64_t base_reserve_atoms = 0;     // > 0
    uint64_t quote_reserve_lamports = 0; // > 0
    uint64_t token_supply_atoms = 0;
    uint8_t decimals = 0;
    uint32_t flags = 0; // SNP_POOL_* from the mint's authorities
};

struct PoolRead {
    WatchReject reject = WatchReject::Invalid; // Invalid = accepted
    std::string detail;                        // on refusal: what was expected and found
    PoolReserves reserves;
    bool ok() const { return reject == WatchReject::Invalid; }
};

PoolRead read_pool_accounts(const WatchPoolConfig& pool,
                            const std::optional<rpc::AccountInfo>& mint,
                            const std::optional<rpc::AccountInfo>& token_vault,
                            const std::optional<rpc::AccountInfo>& sol_account);

} // namespace sniper::live
