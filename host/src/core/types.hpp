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

// Money arithmetic that cannot overflow for any input the feeds accept
// (reserves up to u64): sums are taken in 128 bits and saturate at the
// type's bounds instead of wrapping. A saturated figure is absurd but
// ordered (a drawdown still reads as a drawdown), never undefined.
inline int64_t sat_i64(__int128 v) {
    return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : static_cast<int64_t>(v);
}
inline uint64_t sat_u64(__int128 v) {
    return v > static_cast<__int128>(UINT64_MAX) ? UINT64_MAX : v < 0 ? 0 : static_cast<uint64_t>(v);
}
inline uint64_t sat_add(uint64_t a, uint64_t b) {
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}
inline int64_t sat_add(int64_t a, int64_t b) {
    return sat_i64(static_cast<__int128>(a) + b);
}
inline int64_t sat_sub(int64_t a, int64_t b) {
    return sat_i64(static_cast<__int128>(a) - b);
}

} // namespace sniper

namespace sniper {
// "1.2041" style SOL text from lamports (4 decimals, truncated toward
// zero), with a leading '+' for non-negative values when `sign`.
std::string format_sol(int64_t lamports, bool sign);
// The same for a 128-bit sum (a total of int64 rows never overflows).
std::string format_sol_wide(__int128 lamports, bool sign);
} // namespace sniper
