// chain/raydium_v4.cpp — ray_log and initialize2 parsing.
//
// Source: raydium-io/raydium-amm @ 27f461d (and b186b06, first import):
// program/src/log.rs (LogType, InitLog 75 bytes, DepositLog 105, WithdrawLog
// 89, SwapBaseInLog / SwapBaseOutLog 57, bincode), processor.rs
// (`msg!("initialize2: {:?}", init)`), instruction.rs (InitializeInstruction2,
// account order), math.rs (SwapDirection). Verified against
// raydium_ray_log_samples.json (the Go test's asserted values) and the four
// ws_txn_raydium_initialize2_* payloads (text line = ray_log = instruction
// data = vault balances).
#include "chain/raydium_v4.hpp"

#include "chain/wire.hpp"

namespace sniper::chain::raydium {

Reject decode_ray_log(const uint8_t* d, size_t len, RayLog& out) {
    if (len < 1) {
        return Reject::RaylogLength;
    }
    Cursor c(d, len);
    uint8_t type = 0;
    c.u8(type);
    switch (type) {
    case 0: {
        if (len != 75) {
            return Reject::RaylogLength;
        }
        out.type = LogType::Init;
        auto& e = out.init;
        c.u64(e.time);
        c.u8(e.pc_decimals);
        c.u8(e.coin_decimals);
        c.u64(e.pc_lot_size);
        c.u64(e.coin_lot_size);
        c.u64(e.pc_amount);
        c.u64(e.coin_amount);
        c.key(e.market);
        return Reject::None;
    }
    case 1:
        out.type = LogType::Deposit;
        return len == 105 ? Reject::None : Reject::RaylogLength;
    case 2:
        out.type = LogType::Withdraw;
        return len == 89 ? Reject::None : Reject::RaylogLength;
    case 3:
    case 4: {
        if (len != 57) {
            return Reject::RaylogLength;
        }
        out.type = type == 3 ? LogType::SwapBaseIn : LogType::SwapBaseOut;
        auto& e = out.swap;
        e.base_in = type == 3;
        c.u64(e.amount_in);
        c.u64(e.amount_out);
        c.u64(e.direction);
        c.u64(e.user_source);
        c.u64(e.pool_coin);
        c.u64(e.pool_pc);
        c.u64(e.actual);
        if (e.direction != kPc2Coin && e.direction != kCoin2Pc) {
            return Reject::RaylogType;
        }
        return Reject::None;
    }
    default:
        return Reject::RaylogType;
    }
}

namespace {

// Expects `key` then a decimal u64, then `sep`. Advances `s`.
Reject take_field(std::string_view& s, std::string_view key, std::string_view sep, uint64_t& out) {
    if (s.substr(0, key.size()) != key) {
        return Reject::FieldMissing;
    }
    s.remove_prefix(key.size());
    size_t n = 0;
    while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
        ++n;
    }
    if (n == 0) {
        return Reject::FieldType;
    }
    if (!parse_u64_decimal(s.substr(0, n), out)) {
        return Reject::IntRange;
    }
    s.remove_prefix(n);
    if (s.substr(0, sep.size()) != sep) {
        return Reject::FieldType;
    }
    s.remove_prefix(sep.size());
    return Reject::None;
}

} // namespace

Reject parse_initialize2_line(std::string_view s, bool& matched, Initialize2& out) {
    constexpr std::string_view kHead = "initialize2: InitializeInstruction2 { ";
    matched = s.substr(0, kHead.size()) == kHead;
    if (!matched) {
        return Reject::None;
    }
    s.remove_prefix(kHead.size());
    uint64_t nonce = 0;
    Reject r = take_field(s, "nonce: ", ", ", nonce);
    if (r == Reject::None && nonce > 255) {
        r = Reject::IntRange;
    }
    if (r == Reject::None) {
        r = take_field(s, "open_time: ", ", ", out.open_time);
    }
    if (r == Reject::None) {
        r = take_field(s, "init_pc_amount: ", ", ", out.init_pc_amount);
    }
    if (r == Reject::None) {
        r = take_field(s, "init_coin_amount: ", " }", out.init_coin_amount);
    }
    if (r == Reject::None && !s.empty()) {
        r = Reject::FieldType;
    }
    out.nonce = static_cast<uint8_t>(nonce);
    return r;
}

bool parse_initialize2_data(const uint8_t* d, size_t len, Initialize2& out) {
    if (len != 26 || d[0] != 1) {
        return false;
    }
    Cursor c(d + 1, len - 1);
    c.u8(out.nonce);
    c.u64(out.open_time);
    c.u64(out.init_pc_amount);
    c.u64(out.init_coin_amount);
    return true;
}

const Pubkey& authority_v4() {
    static const Pubkey k = [] {
        Pubkey p{};
        key_from_base58("5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1", p);
        return p;
    }();
    return k;
}

} // namespace sniper::chain::raydium
