// feeds/event_json_fast.cpp — the one-pass decoder for plain event lines
// (event_json_detail.hpp). It accepts a subset of what the general path
// accepts and, on that subset, produces the same event byte for byte:
//   - the line is `{` "key":value (`,` "key":value)* `}` and nothing else:
//     no whitespace, no escapes, no nesting;
//   - keys are the format's field names, each at most once, exactly the
//     set the event type requires (new_pool may add sell_blocked);
//   - values are strings for type/dex/side and keys, integers of 1 to 19
//     digits without a sign or leading zero, true/false for the flags;
//   - every value passes the same checks as in the general path.
// Anything else returns false and the general path decides (and words the
// error). Every byte of an accepted line is matched here, so what simdjson
// would refuse (bad UTF-8, control characters, trailing bytes) never is.
// Where the time goes: keys are checked against the one the encoder's order
// predicts (a few word compares), strings and numbers are read eight bytes
// at a time, pool and mint keys come from the reader's KeyCache when their
// text was seen before, and the event starts from a copy of a blank one.
#include "feeds/event_json_detail.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <iterator>
#include <limits>

namespace sniper::event_json_detail {
namespace {

enum Field : uint8_t {
    kType,
    kSourceNs,
    kSlot,
    kPool,
    kBaseMint,
    kQuoteMint,
    kCreator,
    kDex,
    kMintAuthority,
    kFreezeAuthority,
    kBaseReserve,
    kQuoteReserve,
    kSupply,
    kFeeBps,
    kLpBurnedBps,
    kTop10Bps,
    kDecimals,
    kSellBlocked,
    kTrader,
    kSide,
    kBaseAtoms,
    kQuoteLamports,
    kFieldCount,
    kUnknown = 0xFF
};
static_assert(kFieldCount <= 32);

enum class Kind : uint8_t { Text, Number, Flag };

struct FieldInfo {
    std::string_view name;
    Kind kind;
};
constexpr FieldInfo kInfo[kFieldCount] = {
    {"type", Kind::Text},
    {"source_ns", Kind::Number},
    {"slot", Kind::Number},
    {"pool", Kind::Text},
    {"base_mint", Kind::Text},
    {"quote_mint", Kind::Text},
    {"creator", Kind::Text},
    {"dex", Kind::Text},
    {"mint_authority", Kind::Flag},
    {"freeze_authority", Kind::Flag},
    {"base_reserve_atoms", Kind::Number},
    {"quote_reserve_lamports", Kind::Number},
    {"token_supply_atoms", Kind::Number},
    {"fee_bps", Kind::Number},
    {"lp_burned_bps", Kind::Number},
    {"top10_holder_bps", Kind::Number},
    {"base_decimals", Kind::Number},
    {"sell_blocked", Kind::Flag},
    {"trader", Kind::Text},
    {"side", Kind::Text},
    {"base_atoms", Kind::Number},
    {"quote_lamports", Kind::Number},
};

constexpr uint32_t bit(Field f) { return 1u << f; }

constexpr uint32_t kCommon = bit(kType) | bit(kSourceNs) | bit(kSlot);
constexpr uint32_t kNewPoolFields = kCommon | bit(kPool) | bit(kBaseMint) | bit(kQuoteMint) | bit(kCreator) |
                                    bit(kDex) | bit(kMintAuthority) | bit(kFreezeAuthority) |
                                    bit(kBaseReserve) | bit(kQuoteReserve) | bit(kSupply) | bit(kFeeBps) |
                                    bit(kLpBurnedBps) | bit(kTop10Bps) | bit(kDecimals);
constexpr uint32_t kPoolUpdateFields =
    kCommon | bit(kPool) | bit(kBaseMint) | bit(kBaseReserve) | bit(kQuoteReserve);
constexpr uint32_t kTradeFields = kCommon | bit(kPool) | bit(kBaseMint) | bit(kTrader) | bit(kSide) |
                                  bit(kBaseAtoms) | bit(kQuoteLamports);

// The field a key names (keys out of the encoder's order come here).
Field field_of(std::string_view key) {
    for (size_t i = 0; i < kFieldCount; ++i) {
        if (kInfo[i].name == key) {
            return static_cast<Field>(i);
        }
    }
    return kUnknown;
}

bool parse_dex(std::string_view s, uint32_t& out) {
    if (s == "sim") {
        out = SNP_DEX_SIM;
    } else if (s == "raydium_amm_v4") {
        out = SNP_DEX_RAYDIUM_AMM_V4;
    } else if (s == "raydium_cpmm") {
        out = SNP_DEX_RAYDIUM_CPMM;
    } else if (s == "pump_fun") {
        out = SNP_DEX_PUMP_FUN;
    } else if (s == "pump_swap") {
        out = SNP_DEX_PUMP_SWAP;
    } else {
        return false;
    }
    return true;
}

// Eight bytes at a time (the line's bytes in memory order; words are read
// little-endian, first byte lowest).
static_assert(std::endian::native == std::endian::little);
constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;
constexpr uint64_t kZeros = 0x3030303030303030ULL; // "00000000"

uint64_t load8(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// The first '"' at or after p, or end.
const char* find_quote(const char* p, const char* end) {
    while (end - p >= 8) {
        const uint64_t x = load8(p) ^ (kOnes * '"');
        // The lowest flagged byte is exact (flags above it may be borrows).
        if (const uint64_t m = (x - kOnes) & ~x & kHighs) {
            return p + (std::countr_zero(m) >> 3);
        }
        p += 8;
    }
    while (p != end && *p != '"') {
        ++p;
    }
    return p;
}

// How many of the word's bytes, from the first, are ASCII digits (0..8).
int digit_run(uint64_t w) {
    // Per byte, non-zero unless the byte is '0'..'9': the high nibble is 3
    // and adding 6 keeps it 3. A carry out of a byte (0xFA and above: not a
    // digit) only disturbs later bytes, past the first non-digit.
    const uint64_t bad = ((w & 0xF0F0F0F0F0F0F0F0ULL) ^ kZeros) |
                         (((w + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) ^ kZeros);
    const uint64_t flags = (((bad & 0x7F7F7F7F7F7F7F7FULL) + 0x7F7F7F7F7F7F7F7FULL) | bad) & kHighs;
    return flags == 0 ? 8 : std::countr_zero(flags) >> 3;
}

// The value of eight digit values (0..9 per byte, most significant first).
uint64_t value8(uint64_t d) {
    d = (d * 10 + (d >> 8)) & 0x00FF00FF00FF00FFULL;
    d = (d * 100 + (d >> 16)) & 0x0000FFFF0000FFFFULL;
    return (d * 10000 + (d >> 32)) & 0xFFFFFFFFULL;
}

constexpr uint64_t kPow10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

// An integer of 1..19 digits without sign or leading zero at p; false
// otherwise (and for anything that would not end the number: a digit
// past the 19th, or after a leading zero).
bool parse_number(const char*& p, const char* end, uint64_t& out) {
    if (p == end || *p < '0' || *p > '9') {
        return false;
    }
    if (*p == '0') {
        ++p;
        out = 0;
        return p == end || *p < '0' || *p > '9';
    }
    const char* const start = p;
    uint64_t v = 0;
    for (;;) {
        if (end - p < 8) {
            while (p != end && *p >= '0' && *p <= '9') {
                v = v * 10 + static_cast<uint64_t>(*p - '0');
                ++p;
            }
            break;
        }
        const uint64_t w = load8(p);
        const int n = digit_run(w);
        if (n == 8) {
            v = v * kPow10[8] + value8(w - kZeros);
            p += 8;
            if (p - start > 19) {
                return false;
            }
            continue;
        }
        if (n > 0) {
            // Digits moved to the top bytes: the bytes below read as
            // leading zeros, the ones after the number fall off.
            v = v * kPow10[n] + value8((w - kZeros) << (8 * (8 - n)));
            p += n;
        }
        break;
    }
    out = v;
    return p - start <= 19;
}

// `"name":` of each field as four masked words, to check the key the
// encoder's order predicts with a few loads instead of a scan and a lookup.
struct Literal {
    uint64_t word[4];
    uint64_t mask[4];
    size_t size;
};
constexpr Literal make_literal(std::string_view name) {
    char text[32] = {};
    size_t n = 0;
    text[n++] = '"';
    for (const char c : name) {
        text[n++] = c;
    }
    text[n++] = '"';
    text[n++] = ':';
    Literal l{};
    for (size_t i = 0; i < n; ++i) {
        l.word[i / 8] |= static_cast<uint64_t>(static_cast<uint8_t>(text[i])) << (8 * (i % 8));
        l.mask[i / 8] |= 0xFFULL << (8 * (i % 8));
    }
    l.size = n;
    return l;
}
constexpr auto kLiterals = [] {
    std::array<Literal, kFieldCount> t{};
    for (size_t i = 0; i < kFieldCount; ++i) {
        t[i] = make_literal(kInfo[i].name);
    }
    return t;
}();
static_assert(kLiterals[kQuoteReserve].size <= 32);

// Whether the 32 bytes at p (all readable) start with the field's `"name":`.
bool at_literal(const char* p, Field id) {
    const Literal& l = kLiterals[id];
    uint64_t diff = 0;
    for (size_t i = 0; i < 4; ++i) {
        diff |= (load8(p + 8 * i) ^ l.word[i]) & l.mask[i];
    }
    return diff == 0;
}

enum class Type : uint8_t { None, NewPool, PoolUpdate, Trade };

// The encoder's key order per type (any order is read; this one is quick).
constexpr Field kNewPoolOrder[] = {kType,          kSourceNs,       kSlot,         kPool,        kBaseMint,
                                   kQuoteMint,     kCreator,        kDex,          kMintAuthority,
                                   kFreezeAuthority, kBaseReserve,  kQuoteReserve, kSupply,      kFeeBps,
                                   kLpBurnedBps,   kTop10Bps,       kDecimals,     kSellBlocked};
constexpr Field kPoolUpdateOrder[] = {kType, kSourceNs, kSlot, kPool, kBaseMint, kBaseReserve, kQuoteReserve};
constexpr Field kTradeOrder[] = {kType,   kSourceNs, kSlot,     kPool,         kBaseMint,
                                 kTrader, kSide,     kBaseAtoms, kQuoteLamports};

// Fields read from one line; only those flagged in `seen` hold a value.
struct Fields {
    uint32_t seen = 0;
    Type type = Type::None;
    const char* text[kFieldCount];
    uint32_t text_size[kFieldCount];
    uint64_t number[kFieldCount];
    bool flag[kFieldCount];

    std::string_view text_of(Field id) const { return {text[id], text_size[id]}; }
};

// Scans the line into `f`; false at the first byte outside the subset.
bool scan(std::string_view line, Fields& f) {
    const char* p = line.data();
    const char* const end = p + line.size();
    if (p == end || *p != '{') {
        return false;
    }
    ++p;
    const Field* order = kNewPoolOrder; // until the type says otherwise: "type" first
    size_t order_size = 1;
    for (size_t pos = 0;; ++pos) {
        // "key":
        Field id = kUnknown;
        if (pos < order_size && end - p >= 32 && at_literal(p, order[pos])) {
            id = order[pos];
            p += kLiterals[id].size;
        } else {
            if (p == end || *p != '"') {
                return false;
            }
            // No escapes to handle: a key or value with a backslash matches
            // no field name nor any accepted value, so the line is refused.
            const char* k = ++p;
            p = find_quote(p, end);
            if (p == end) {
                return false;
            }
            id = field_of(std::string_view(k, static_cast<size_t>(p - k)));
            ++p;
            if (id == kUnknown || p == end || *p != ':') {
                return false;
            }
            ++p;
        }
        if ((f.seen & bit(id)) != 0) {
            return false; // the general path takes the first of duplicates
        }
        f.seen |= bit(id);
        switch (kInfo[id].kind) {
        case Kind::Text: {
            if (p == end || *p != '"') {
                return false;
            }
            const char* s = ++p;
            p = find_quote(p, end);
            if (p == end) {
                return false;
            }
            f.text[id] = s;
            f.text_size[id] = static_cast<uint32_t>(p - s);
            ++p;
            if (id == kType) {
                const std::string_view type = f.text_of(kType);
                if (type == "new_pool") {
                    f.type = Type::NewPool;
                    order = kNewPoolOrder;
                    order_size = std::size(kNewPoolOrder);
                } else if (type == "pool_update") {
                    f.type = Type::PoolUpdate;
                    order = kPoolUpdateOrder;
                    order_size = std::size(kPoolUpdateOrder);
                } else if (type == "trade") {
                    f.type = Type::Trade;
                    order = kTradeOrder;
                    order_size = std::size(kTradeOrder);
                } else {
                    return false;
                }
            }
            break;
        }
        case Kind::Number:
            if (!parse_number(p, end, f.number[id])) {
                return false;
            }
            break;
        case Kind::Flag:
            if (end - p >= 4 && std::memcmp(p, "true", 4) == 0) {
                f.flag[id] = true;
                p += 4;
            } else if (end - p >= 5 && std::memcmp(p, "false", 5) == 0) {
                f.flag[id] = false;
                p += 5;
            } else {
                return false;
            }
            break;
        }
        // , or the closing brace at the very end of the line
        if (p == end) {
            return false;
        }
        if (*p == ',') {
            ++p;
            continue;
        }
        return *p == '}' && p + 1 == end;
    }
}

// What init_event makes of each type, copied instead of calling it (its
// memset of the whole event is a slow `rep stos`).
const std::array<EventBuf, 4> kBlank = [] {
    std::array<EventBuf, 4> a;
    init_event(a[SNP_EVENT_NEW_POOL], SNP_EVENT_NEW_POOL);
    init_event(a[SNP_EVENT_POOL_UPDATE], SNP_EVENT_POOL_UPDATE);
    init_event(a[SNP_EVENT_TRADE], SNP_EVENT_TRADE);
    return a;
}();
static_assert(SNP_EVENT_NEW_POOL < 4 && SNP_EVENT_POOL_UPDATE < 4 && SNP_EVENT_TRADE < 4);

bool positive(const Fields& f, Field id) { return f.number[id] != 0; }
bool bps(const Fields& f, Field id) { return f.number[id] <= 10000; }
bool key(const Fields& f, Field id, Pubkey& out) { return pubkey_from_base58(f.text_of(id), out); }

// The same through the cache. A 43- or 44-digit text is followed by at
// least its closing quote in the line, so 44 bytes can be read and compared
// (with the size) as the entry's key.
bool key(const Fields& f, Field id, Pubkey& out, KeyCache* keys) {
    const std::string_view text = f.text_of(id);
    if (keys == nullptr || text.size() < 43 || text.size() > 44) {
        return pubkey_from_base58(text, out);
    }
    const uint64_t h = (load8(text.data()) ^ load8(text.data() + 32)) * 0x9E3779B97F4A7C15ULL;
    static_assert((KeyCache::kEntries & (KeyCache::kEntries - 1)) == 0);
    KeyCache::Entry& e = keys->entries[(h >> 40) & (KeyCache::kEntries - 1)];
    if (e.size == text.size() && std::memcmp(e.text, text.data(), sizeof e.text) == 0) {
        out = e.key;
        return true;
    }
    if (!pubkey_from_base58(text, out)) {
        return false;
    }
    std::memcpy(e.text, text.data(), sizeof e.text);
    e.size = static_cast<uint8_t>(text.size());
    e.key = out;
    return true;
}

} // namespace

bool decode_fast(std::string_view line, EventBuf& out, bool& sell_blocked, KeyCache* keys) {
    Fields f;
    if (!scan(line, f)) {
        return false;
    }
    // Exactly the type's fields (the values of others are not read).
    switch (f.type) {
    case Type::NewPool:
        if ((f.seen & ~bit(kSellBlocked)) != kNewPoolFields) {
            return false;
        }
        break;
    case Type::PoolUpdate:
        if (f.seen != kPoolUpdateFields) {
            return false;
        }
        break;
    case Type::Trade:
        if (f.seen != kTradeFields) {
            return false;
        }
        break;
    case Type::None:
        return false;
    }
    if (f.number[kSourceNs] > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return false;
    }
    if (f.type == Type::NewPool) {
        Pubkey pool, base_mint, quote_mint, creator;
        uint32_t dex = 0;
        if (!key(f, kPool, pool, keys) || !key(f, kBaseMint, base_mint, keys) || !key(f, kQuoteMint, quote_mint) ||
            !key(f, kCreator, creator) || !parse_dex(f.text_of(kDex), dex) || !positive(f, kBaseReserve) ||
            !positive(f, kQuoteReserve) || !positive(f, kSupply) || !bps(f, kFeeBps) ||
            !bps(f, kLpBurnedBps) || !bps(f, kTop10Bps) || f.number[kDecimals] > 18 ||
            f.number[kFeeBps] >= 10000) {
            return false;
        }
        copy_event(out, kBlank[SNP_EVENT_NEW_POOL]);
        auto& e = out.new_pool;
        e.pool = pool;
        e.base_mint = base_mint;
        e.quote_mint = quote_mint;
        e.creator = creator;
        e.dex = dex;
        e.flags = (f.flag[kMintAuthority] ? SNP_POOL_MINT_AUTHORITY_PRESENT : 0u) |
                  (f.flag[kFreezeAuthority] ? SNP_POOL_FREEZE_AUTHORITY_PRESENT : 0u);
        e.base_reserve_atoms = f.number[kBaseReserve];
        e.quote_reserve_lamports = f.number[kQuoteReserve];
        e.token_supply_atoms = f.number[kSupply];
        e.fee_bps = static_cast<uint32_t>(f.number[kFeeBps]);
        e.lp_burned_bps = static_cast<uint32_t>(f.number[kLpBurnedBps]);
        e.top10_holder_bps = static_cast<uint32_t>(f.number[kTop10Bps]);
        e.base_decimals = static_cast<uint8_t>(f.number[kDecimals]);
        sell_blocked = (f.seen & bit(kSellBlocked)) != 0 && f.flag[kSellBlocked];
    } else if (f.type == Type::PoolUpdate) {
        Pubkey pool, base_mint;
        if (!key(f, kPool, pool, keys) || !key(f, kBaseMint, base_mint, keys) || !positive(f, kBaseReserve) ||
            !positive(f, kQuoteReserve)) {
            return false;
        }
        copy_event(out, kBlank[SNP_EVENT_POOL_UPDATE]);
        auto& e = out.pool_update;
        e.pool = pool;
        e.base_mint = base_mint;
        e.base_reserve_atoms = f.number[kBaseReserve];
        e.quote_reserve_lamports = f.number[kQuoteReserve];
        e.price_lamports_per_atom =
            static_cast<double>(e.quote_reserve_lamports) / static_cast<double>(e.base_reserve_atoms);
        sell_blocked = false;
    } else {
        Pubkey pool, base_mint, trader;
        const std::string_view side = f.text_of(kSide);
        if ((side != "buy" && side != "sell") || !key(f, kPool, pool, keys) || !key(f, kBaseMint, base_mint, keys) ||
            !key(f, kTrader, trader) || !positive(f, kBaseAtoms) || !positive(f, kQuoteLamports)) {
            return false;
        }
        copy_event(out, kBlank[SNP_EVENT_TRADE]);
        auto& e = out.trade;
        e.pool = pool;
        e.base_mint = base_mint;
        e.trader = trader;
        e.side = side == "buy" ? SNP_SIDE_BUY : SNP_SIDE_SELL;
        e.base_atoms = f.number[kBaseAtoms];
        e.quote_lamports = f.number[kQuoteLamports];
        sell_blocked = false;
    }
    out.h.source_ns = static_cast<int64_t>(f.number[kSourceNs]);
    out.h.slot = f.number[kSlot];
    return true;
}

} // namespace sniper::event_json_detail
