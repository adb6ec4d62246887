// chain/pump_fun.hpp — pump.fun (6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P)
// Anchor events, as logged in `Program data:` lines: CreateEvent,
// TradeEvent, CompleteEvent. The events grew between 2024 and 2026; every
// generation in use is decoded and the generation is chosen by the bytes
// (an exact length match), never by a date or an IDL version. Layouts and
// where each comes from: pump_fun.cpp and tests/chain/fixtures/README.md.
#pragma once

#include "chain/reject.hpp"
#include "core/types.hpp"

#include <cstddef>
#include <cstdint>

namespace sniper::chain::pump {

// sha256("event:<Name>")[0..8], as Anchor computes event discriminators.
inline constexpr uint8_t kCreateEventDisc[8] = {0x1b, 0x72, 0xa9, 0x4d, 0xde, 0xeb, 0x63, 0x76};
inline constexpr uint8_t kTradeEventDisc[8] = {0xbd, 0xdb, 0x7f, 0xd3, 0x4e, 0xe6, 0x61, 0xee};
inline constexpr uint8_t kCompleteEventDisc[8] = {0x5f, 0x72, 0x61, 0x9c, 0xd4, 0x2e, 0x98, 0x08};

// Pump.fun's Global values every curve started from (2024 IDL defaults,
// unchanged in the 2026 CreateEvent of the fixtures); used for the oldest
// CreateEvent, which carries no reserves.
inline constexpr uint64_t kInitialVirtualTokenReserves = 1'073'000'000'000'000ULL;
inline constexpr uint64_t kInitialVirtualSolReserves = 30'000'000'000ULL;
inline constexpr uint64_t kInitialRealTokenReserves = 793'100'000'000'000ULL;
inline constexpr uint64_t kTokenTotalSupply = 1'000'000'000'000'000ULL;
inline constexpr uint8_t kTokenDecimals = 6;

struct CreateEvent {
    char layout = 0; // 'A'..'F' (fixtures/README.md names)
    uint32_t name_len = 0, symbol_len = 0, uri_len = 0;
    Pubkey mint{}, bonding_curve{}, user{};
    bool has_creator = false; // B+
    Pubkey creator{};
    int64_t timestamp = 0;
    bool has_reserves = false; // C+
    uint64_t virtual_token_reserves = 0, virtual_sol_reserves = 0, real_token_reserves = 0,
             token_total_supply = 0;
    bool has_token_program = false; // D+
    Pubkey token_program{};
    bool is_mayhem_mode = false;
    bool is_cashback_enabled = false; // E+
    bool has_quote = false;           // F
    Pubkey quote_mint{};              // all zero = SOL-paired
    uint64_t virtual_quote_reserves = 0;
};

struct TradeEvent {
    char layout = 0; // 'A'..'H'
    Pubkey mint{};
    uint64_t sol_amount = 0, token_amount = 0;
    bool is_buy = false;
    Pubkey user{};
    int64_t timestamp = 0;
    uint64_t virtual_sol_reserves = 0, virtual_token_reserves = 0; // after the trade
    bool has_real = false;                                         // B+
    uint64_t real_sol_reserves = 0, real_token_reserves = 0;
    bool has_fees = false; // C+
    Pubkey fee_recipient{}, creator{};
    uint64_t fee_basis_points = 0, fee = 0, creator_fee_basis_points = 0, creator_fee = 0;
    uint32_t ix_name_len = 0; // E+
    char ix_name[24] = {};    // first bytes of ix_name ("buy", "sell", "buy_exact_sol_in")
    bool has_quote = false;   // H
    uint32_t shareholders = 0;
    Pubkey quote_mint{}; // all zero = SOL-paired
    uint64_t quote_amount = 0, virtual_quote_reserves = 0, real_quote_reserves = 0;
};

struct CompleteEvent {
    Pubkey user{}, mint{}, bonding_curve{};
    int64_t timestamp = 0;
};

enum class EventKind : uint8_t { Unknown = 0, Create, Trade, Complete };

struct Event {
    EventKind kind = EventKind::Unknown;
    CreateEvent create;
    TradeEvent trade;
    CompleteEvent complete;
};

// Decodes one event (discriminator included). An unknown discriminator is
// not an error: kind stays Unknown and None is returned.
Reject decode_event(const uint8_t* data, size_t len, Event& out);

// A SOL-paired event's quote mint is the default (all-zero) pubkey or absent.
inline bool sol_paired(const Pubkey& quote_mint) {
    return is_zero(quote_mint);
}

} // namespace sniper::chain::pump
