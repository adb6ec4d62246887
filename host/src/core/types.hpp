// core/types.hpp — host-wide vocabulary: pubkeys, trading state, modes,
// order sides and statuses, and the helpers that name them. Events are the
// ABI structs from sdk/include/sniper/strategy_abi.h, used as-is inside the
// host so dispatch to a plugin copies nothing.
#pragma once

#include <sniper/strategy_abi.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

// Comparison for the C key type; global so ADL finds it for snp_pubkey.
inline bool operator==(const snp_pubkey& a, const snp_pubkey& b) {
    return std::memcmp(a.bytes, b.bytes, sizeof a.bytes) == 0;
}
inline bool operator!=(const snp_pubkey& a, const snp_pubkey& b) { return !(a == b); }
inline bool operator<(const snp_pubkey& a, const snp_pubkey& b) {
    return std::memcmp(a.bytes, b.bytes, sizeof a.bytes) < 0;
}

namespace sniper {

using Pubkey = snp_pubkey;

inline bool is_zero(const Pubkey& k) {
    for (const uint8_t b : k.bytes) {
        if (b != 0) {
            return false;
        }
    }
    return true;
}

struct PubkeyHash {
    size_t operator()(const Pubkey& k) const noexcept {
        uint64_t h;
        std::memcpy(&h, k.bytes, sizeof h); // keys are hashes already
        return static_cast<size_t>(h ^ (h >> 29));
    }
};

// Base58 (Bitcoin alphabet) text of a key.
std::string to_base58(const Pubkey& k);
// Parses base58 text into a 32-byte key; false when malformed or not 32 bytes.
bool pubkey_from_base58(std::string_view s, Pubkey& out);

enum class TradingState : int32_t {
    Active = SNP_TRADING_ACTIVE,
    Reducing = SNP_TRADING_REDUCING,
    Halted = SNP_TRADING_HALTED,
};
const char* trading_state_name(TradingState s);
bool parse_trading_state(std::string_view s, TradingState& out);

enum class Mode : int32_t { Paper = 1, Live = 2 };
const char* mode_name(Mode m);

const char* side_name(uint32_t side);
const char* order_status_name(uint32_t status);
const char* event_type_name(uint32_t type);

// Fills a caller's snp_error (when it is big enough): the code and the
// message, truncated to fit and NUL-terminated.
void fill_snp_error(snp_error* err, snp_status code, std::string_view msg);

constexpr uint64_t kLamportsPerSol = 1'000'000'000ULL;
constexpr int64_t kNsPerMs = 1'000'000;
constexpr int64_t kNsPerSec = 1'000'000'000;

} // namespace sniper

namespace sniper {
// "1.2041" style SOL text from lamports (4 decimals, truncated toward
// zero), with a leading '+' for non-negative values when `sign`.
std::string format_sol(int64_t lamports, bool sign);
} // namespace sniper
