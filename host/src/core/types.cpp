#include "core/types.hpp"

#include <algorithm>
#include <cstring>

#include "solana/base58.hpp"

namespace sniper {

std::string to_base58(const Pubkey& k) { return solana::base58_encode(k.bytes, sizeof k.bytes); }

bool pubkey_from_base58(std::string_view s, Pubkey& out) {
    return solana::base58_decode_fixed(s, out.bytes, sizeof out.bytes);
}

const char* trading_state_name(TradingState s) {
    switch (s) {
    case TradingState::Active:
        return "ACTIVE";
    case TradingState::Reducing:
        return "REDUCING";
    case TradingState::Halted:
        return "HALTED";
    }
    return "INVALID";
}

bool parse_trading_state(std::string_view s, TradingState& out) {
    if (s == "ACTIVE") {
        out = TradingState::Active;
    } else if (s == "REDUCING") {
        out = TradingState::Reducing;
    } else if (s == "HALTED") {
        out = TradingState::Halted;
    } else {
        return false;
    }
    return true;
}

const char* mode_name(Mode m) { return m == Mode::Live ? "live" : "paper"; }

const char* side_name(uint32_t side) {
    switch (side) {
    case SNP_SIDE_BUY:
        return "buy";
    case SNP_SIDE_SELL:
        return "sell";
    default:
        return "invalid";
    }
}

const char* order_status_name(uint32_t status) {
    switch (status) {
    case SNP_ORDER_ACCEPTED:
        return "accepted";
    case SNP_ORDER_REJECTED:
        return "rejected";
    case SNP_ORDER_FILLED:
        return "filled";
    case SNP_ORDER_FAILED:
        return "failed";
    case SNP_ORDER_EXPIRED:
        return "expired";
    case SNP_ORDER_SENT:
        return "sent";
    default:
        return "invalid";
    }
}

void fill_snp_error(snp_error* err, snp_status code, std::string_view msg) {
    if (err == nullptr || err->struct_size < SNP_ERROR_SIZE_1_0) {
        return;
    }
    err->code = code;
    const size_t n = std::min(msg.size(), sizeof(err->message) - 1);
    std::memcpy(err->message, msg.data(), n);
    err->message[n] = '\0';
}

const char* event_type_name(uint32_t type) {
    switch (type) {
    case SNP_EVENT_NEW_POOL:
        return "new_pool";
    case SNP_EVENT_POOL_UPDATE:
        return "pool_update";
    case SNP_EVENT_TRADE:
        return "trade";
    case SNP_EVENT_ORDER_UPDATE:
        return "order_update";
    case SNP_EVENT_TIMER:
        return "timer";
    case SNP_EVENT_TOOL_RESULT:
        return "tool_result";
    case SNP_EVENT_POOL_SAFETY:
        return "pool_safety";
    case SNP_EVENT_CURVE_COMPLETE:
        return "curve_complete";
    default:
        return "invalid";
    }
}

} // namespace sniper

#include <cinttypes>
#include <cstdio>

namespace sniper {

std::string format_sol(int64_t lamports, bool sign) {
    const bool neg = lamports < 0;
    const uint64_t a = neg ? static_cast<uint64_t>(-(lamports + 1)) + 1 : static_cast<uint64_t>(lamports);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s%" PRIu64 ".%04" PRIu64, neg ? "-" : (sign ? "+" : ""),
                  a / kLamportsPerSol, (a % kLamportsPerSol) / 100000);
    return buf;
}

std::string format_sol_wide(__int128 lamports, bool sign) {
    if (lamports >= INT64_MIN && lamports <= INT64_MAX) {
        return format_sol(static_cast<int64_t>(lamports), sign);
    }
    const bool neg = lamports < 0;
    unsigned __int128 a = neg ? static_cast<unsigned __int128>(-(lamports + 1)) + 1
                              : static_cast<unsigned __int128>(lamports);
    const auto frac = static_cast<uint64_t>((a % kLamportsPerSol) / 100000);
    a /= kLamportsPerSol; // whole SOL: below 2^128 / 1e9, so at most 30 digits
    char digits[48];
    size_t n = 0;
    do {
        digits[n++] = static_cast<char>('0' + static_cast<int>(a % 10));
        a /= 10;
    } while (a != 0);
    std::string out = neg ? "-" : (sign ? "+" : "");
    while (n != 0) {
        out += digits[--n];
    }
    char tail[8];
    std::snprintf(tail, sizeof tail, ".%04" PRIu64, frac);
    return out + tail;
}

} // namespace sniper
