// feeds/event_json_detail.hpp — the two halves of decode_event_json, apart
// so the tests can run every line through both (tests/feeds), and the
// description of the format both read it by.
//
// The description (Format<T> below) is generated from the field tables
// (core/event_fields.hpp): per event struct, its JSON rows in table order
// (name, rule, offset, size) and its flag bits. The writer and the general
// reader (event_json.cpp) and the fast reader (event_json_fast.cpp) take
// their names, rules, ranges, enum names and the checks across fields from
// here, so a field added to a table reaches all three.
//
// The fast path reads the flat one-line object the encoder writes (any key
// order, no whitespace, no escapes, plain integers) in one pass without
// allocating. It only ever says "decoded, valid" or "not mine": anything
// unusual or invalid goes to the general path (simdjson), which alone
// words the errors — so which lines are refused, and why, cannot differ.
#pragma once

#include "feeds/event_json.hpp"

#include "core/event_fields.hpp"

#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <string_view>

namespace sniper::event_json_detail {

// ---- the format, from the field tables ------------------------------------

// How a member is written and checked (the tables' json column).
enum class Rule : uint8_t { None, Key, Positive, Bps, Decimals, Dex, Side, Flags };

// One member: its JSON name, rule, and place in the event struct.
struct Row {
    const char* json;
    Rule rule;
    uint16_t offset;
    uint16_t size;
};

// One bit of the flags: Required bits are written where the flags are,
// Optional ones at the end and only when set (absent reads as false).
enum class Presence : uint8_t { Required, Optional };
struct Bit {
    uint32_t bit = 0;
    const char* json = nullptr; // nullptr: the end of the list
    Presence presence = Presence::Required;
};

template <class T> struct Format; // per event struct: type, name, rows, bits

#define SNP_FORMAT_ROW(member, kind, offset, name, json) Row{name, Rule::json, offset, sizeof(T{}.member)},
#define SNP_FORMAT_BIT(bit, name, json, presence) Bit{bit, json, Presence::presence},
#define SNP_FORMAT_EVENT(type_, T_, lua, FIELDS, FLAGS)                                            \
    template <> struct Format<T_> {                                                               \
        using T = T_;                                                                              \
        static constexpr uint16_t type = type_;                                                    \
        static constexpr std::string_view name = lua;                                              \
        static constexpr Row rows[] = {FIELDS(SNP_FORMAT_ROW)};                                    \
        static constexpr Bit bits[] = {FLAGS(SNP_FORMAT_BIT) Bit{}};                               \
    };
SNP_EVENTS(SNP_FORMAT_EVENT)
#undef SNP_FORMAT_EVENT
#undef SNP_FORMAT_BIT
#undef SNP_FORMAT_ROW

// Whether an event type is part of the replay format (has a JSON field).
template <class T> constexpr bool in_format() {
    for (const Row& r : Format<T>::rows) {
        if (r.rule != Rule::None) {
            return true;
        }
    }
    return false;
}

// The values the integer rules allow.
struct Range {
    uint64_t min, max;
};
constexpr Range range_of(Rule r) {
    switch (r) {
    case Rule::Positive:
        return {1, std::numeric_limits<uint64_t>::max()};
    case Rule::Bps:
        return {0, 10000};
    case Rule::Decimals:
        return {0, 18};
    default:
        return {0, 0};
    }
}

// The dex names, SNP_DEX_SIM first.
constexpr std::string_view kDexNames[] = {"sim", "raydium_amm_v4", "raydium_cpmm", "pump_fun", "pump_swap"};
static_assert(SNP_DEX_SIM + std::size(kDexNames) - 1 == size_t{SNP_DEX_PUMP_SWAP});

inline bool parse_dex(std::string_view s, uint32_t& out) {
    for (uint32_t i = 0; i < std::size(kDexNames); ++i) {
        if (s == kDexNames[i]) {
            out = SNP_DEX_SIM + i;
            return true;
        }
    }
    return false;
}

inline bool parse_side(std::string_view s, uint32_t& out) {
    if (s == "buy") {
        out = SNP_SIDE_BUY;
    } else if (s == "sell") {
        out = SNP_SIDE_SELL;
    } else {
        return false;
    }
    return true;
}

// The replay's honeypot flag: an optional boolean of new_pool lines, kept
// by the host beside the event (not an ABI field, so not in the tables).
constexpr const char* kSellBlockedKey = "sell_blocked";
constexpr uint16_t kSellBlockedType = SNP_EVENT_NEW_POOL;

// The checks across fields, after each field's own: a fee that takes the
// whole trade, and an unknown fact that does not carry its worst value (a
// line that says "unknown" beside a safe-looking value is refused, never
// traded). Only new_pool and pool_safety have any.
enum class Fault : uint8_t { None, FeeBps, AuthoritiesUnknown, HoldersUnknown, LpUnknown, TokenProgramUnknown };
template <class T> constexpr Fault fault_of(const T&) { return Fault::None; }
template <class E> Fault safety_fault(const E& e) {
    const auto has = [&](uint32_t bit) { return (e.flags & bit) != 0; };
    if (has(SNP_POOL_AUTHORITIES_UNKNOWN) &&
        !(has(SNP_POOL_MINT_AUTHORITY_PRESENT) && has(SNP_POOL_FREEZE_AUTHORITY_PRESENT))) {
        return Fault::AuthoritiesUnknown;
    }
    if (has(SNP_POOL_HOLDERS_UNKNOWN) && e.top10_holder_bps != 10000) {
        return Fault::HoldersUnknown;
    }
    if (has(SNP_POOL_LP_UNKNOWN) && e.lp_burned_bps != 0) {
        return Fault::LpUnknown;
    }
    if (has(SNP_POOL_TOKEN_PROGRAM_UNKNOWN) && !has(SNP_POOL_TOKEN_2022)) {
        return Fault::TokenProgramUnknown;
    }
    return Fault::None;
}
inline Fault fault_of(const snp_ev_new_pool& e) {
    return e.fee_bps >= 10000 ? Fault::FeeBps : safety_fault(e);
}
inline Fault fault_of(const snp_ev_pool_safety& e) { return safety_fault(e); }

// The members not in the line (rule None) that are derived from others.
template <class T> constexpr void derive(T&) {}
inline void derive(snp_ev_pool_update& e) {
    e.price_lamports_per_atom =
        static_cast<double>(e.quote_reserve_lamports) / static_cast<double>(e.base_reserve_atoms);
}

// ---- the two readers --------------------------------------------------------

// Keys decoded lately, by their text: a recording names the same pools and
// mints on every update and trade, and a look-up here is cheaper than
// base58. Only 43- and 44-digit keys (nearly all), only valid ones; an
// entry matches on the exact text. One per reader (not thread-safe).
struct KeyCache {
    struct Entry {
        char text[44]; // the key's text and, for 43 digits, its closing quote
        uint8_t size = 0;
        Pubkey key;
    };
    static constexpr size_t kEntries = 2048;
    Entry entries[kEntries];
};

// True when `line` is a plain, valid event line: `out` and `sell_blocked`
// are set exactly as the general path sets them. False otherwise, with
// `out` and `sell_blocked` untouched. `keys` (optional) speeds up the pool
// and mint keys.
bool decode_fast(std::string_view line, EventBuf& out, bool& sell_blocked, KeyCache* keys = nullptr);

// The general decoder: any JSON, every error worded.
DecodeResult decode_general(std::string_view line, EventBuf& out);

// *dst = src in 16-byte moves (for the size of an event GCC would emit
// `rep movs`, slow to start, on the replay's path twice per event).
inline void copy_event(EventBuf& dst, const EventBuf& src) {
    auto* d = reinterpret_cast<unsigned char*>(&dst);
    const auto* s = reinterpret_cast<const unsigned char*>(&src);
    constexpr size_t kChunks = sizeof(EventBuf) / 16;
#pragma GCC unroll 32
    for (size_t i = 0; i < kChunks; ++i) {
        std::memcpy(d + 16 * i, s + 16 * i, 16);
    }
    std::memcpy(d + 16 * kChunks, s + 16 * kChunks, sizeof(EventBuf) % 16);
}

} // namespace sniper::event_json_detail
