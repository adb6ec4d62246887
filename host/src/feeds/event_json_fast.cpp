// feeds/event_json_fast.cpp — the one-pass decoder for plain event lines
// (event_json_detail.hpp). It accepts a subset of what the general path
// accepts and, on that subset, produces the same event byte for byte:
//   - the line is `{` "key":value (`,` "key":value)* `}` and nothing else:
//     no whitespace, no escapes, no nesting;
//   - keys are the format's names, each at most once: every required key
//     of the event type and no key the type does not have;
//   - values are strings for type, keys and enums, integers of 1 to 19
//     digits without a sign or leading zero, true/false for the flags;
//   - every value passes the same checks as in the general path.
// Anything else returns false and the general path decides (and words the
// error). Every byte of an accepted line is matched here, so what simdjson
// would refuse (bad UTF-8, control characters, trailing bytes) never is.
//
// Everything it knows of the format is built at compile time from
// Format<T> (event_json_detail.hpp, generated from core/event_fields.hpp):
// the key list (type, source_ns, slot, the market events' JSON rows and flag
// bits, sell_blocked), each type's required and allowed keys and the
// encoder's key order, and one reader per row by its rule (Key: base58 to
// 32 bytes; Dex, Side: names to enums; Positive, Bps, Decimals: integers in
// their range; Flags: the bits' booleans, Required ones required, Optional
// ones allowed), then the shared checks across fields and derived members
// (fault_of, derive). A field added to a table needs no edit here.
//
// Where the time goes: keys are checked against the one the encoder's order
// predicts (a few word compares), strings and numbers are read eight bytes
// at a time, pool and mint keys come from the reader's KeyCache when their
// text was seen before, and the event is a copy of a blank one with the
// rows stored over it.
#include "feeds/event_json_detail.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <iterator>
#include <limits>
#include <utility>

namespace sniper::event_json_detail {
namespace {

// ---- the keys, from the format ---------------------------------------------

// How a key's value is scanned: Key, Dex, Side rows are text, the integer
// rules numbers, the bits of Flags rows (and sell_blocked) true/false.
enum class Scan : uint8_t { Text, Number, Flag };

using KeyId = uint8_t;
constexpr size_t kMaxKeys = 64; // the bits of a line's `seen`
constexpr KeyId kUnknown = 0xFF;

struct KeyList {
    std::string_view name[kMaxKeys]{};
    Scan scan[kMaxKeys]{};
    size_t count = 0;
    bool conflict = false; // a name read two ways, or too many names

    constexpr KeyId find(std::string_view n) const {
        for (size_t i = 0; i < count; ++i) {
            if (name[i] == n) {
                return static_cast<KeyId>(i);
            }
        }
        return kUnknown;
    }
    constexpr void add(std::string_view n, Scan s) {
        if (const KeyId id = find(n); id != kUnknown) {
            conflict = conflict || scan[id] != s;
        } else if (count == kMaxKeys) {
            conflict = true;
        } else {
            name[count] = n;
            scan[count++] = s;
        }
    }
};

template <class T> constexpr void add_keys(KeyList& k) {
    for (const Row& r : Format<T>::rows) {
        if (r.rule == Rule::Flags) {
            for (const Bit* b = Format<T>::bits; b->json != nullptr; ++b) {
                k.add(b->json, Scan::Flag);
            }
        } else if (r.rule != Rule::None) {
            const bool text = r.rule == Rule::Key || r.rule == Rule::Dex || r.rule == Rule::Side;
            k.add(r.json, text ? Scan::Text : Scan::Number);
        }
    }
}

// Every key of the format: the header's, the market events' rows and bits.
constexpr KeyList kKeys = [] {
    KeyList k;
    k.add("type", Scan::Text);
    k.add("source_ns", Scan::Number);
    k.add("slot", Scan::Number);
#define SNP_FAST_KEYS(type, T, lua, FIELDS, FLAGS)                                                 \
    if (in_format<T>()) {                                                                          \
        add_keys<T>(k);                                                                            \
    }
    SNP_EVENTS(SNP_FAST_KEYS)
#undef SNP_FAST_KEYS
    k.add(kSellBlockedKey, Scan::Flag);
    return k;
}();
static_assert(!kKeys.conflict, "a JSON name read as two kinds of value, or more than 64 names");

constexpr size_t kKeyCount = kKeys.count;
constexpr KeyId kType = 0;
constexpr KeyId kSourceNs = 1;
constexpr KeyId kSlot = 2;
constexpr KeyId kSellBlocked = kKeys.find(kSellBlockedKey);

constexpr uint64_t bit(KeyId id) { return uint64_t{1} << id; }

// `"name":` fits the 32 bytes a predicted key is compared on.
constexpr bool predictable(KeyId id) { return kKeys.name[id].size() + 3 <= 32; }

// One event type's keys: those it requires, those it allows, and the
// encoder's order (any order is read; this one is quick). Keys too long to
// predict are left out of the order: they are looked up.
struct TypeKeys {
    uint16_t type = SNP_EVENT_INVALID;
    std::string_view name;
    KeyId order[kMaxKeys]{};
    uint8_t order_size = 0;
    uint8_t after[kMaxKeys]{}; // per key, the place in `order` predicted after it
    uint64_t required = 0;
    uint64_t allowed = 0;

    constexpr void put(KeyId id, bool optional) {
        if (predictable(id)) {
            order[order_size++] = id;
        }
        after[id] = order_size;
        allowed |= bit(id);
        required |= optional ? 0 : bit(id);
    }
};

// The header's keys, first in every line.
constexpr TypeKeys head_keys() {
    TypeKeys t;
    t.put(kType, false);
    t.put(kSourceNs, false);
    t.put(kSlot, false);
    return t;
}

template <class T> constexpr TypeKeys type_keys() {
    TypeKeys t = head_keys();
    t.type = Format<T>::type;
    t.name = Format<T>::name;
    bool flags = false;
    for (const Row& r : Format<T>::rows) {
        if (r.rule == Rule::Flags) {
            flags = true;
            for (const Bit* b = Format<T>::bits; b->json != nullptr; ++b) {
                if (b->presence == Presence::Required) {
                    t.put(kKeys.find(b->json), false);
                }
            }
        } else if (r.rule != Rule::None) {
            t.put(kKeys.find(r.json), false);
        }
    }
    for (const Bit* b = Format<T>::bits; flags && b->json != nullptr; ++b) {
        if (b->presence == Presence::Optional) {
            t.put(kKeys.find(b->json), true);
        }
    }
    if (t.type == kSellBlockedType) {
        t.put(kSellBlocked, true);
    }
    return t;
}

// The types of the format, in table order (the rest of the array unused).
constexpr auto kTypes = [] {
    std::array<TypeKeys, SNP_EVENT_TYPE_COUNT> a{};
    size_t n = 0;
#define SNP_FAST_TYPE(type, T, lua, FIELDS, FLAGS)                                                 \
    if (in_format<T>()) {                                                                          \
        a[n++] = type_keys<T>();                                                                   \
    }
    SNP_EVENTS(SNP_FAST_TYPE)
#undef SNP_FAST_TYPE
    return a;
}();

// Before the type is read: the header's order, any key.
constexpr TypeKeys kHead = [] {
    TypeKeys t = head_keys();
    t.allowed = ~uint64_t{0};
    return t;
}();

// The type a name names, or nullptr (compared with each name as a literal).
const TypeKeys* type_named(std::string_view name) {
    size_t i = 0;
#define SNP_FAST_NAMED(type, T, lua, FIELDS, FLAGS)                                                \
    if (in_format<T>()) {                                                                          \
        if (name == std::string_view(lua)) {                                                       \
            return &kTypes[i];                                                                     \
        }                                                                                          \
        ++i;                                                                                       \
    }
    SNP_EVENTS(SNP_FAST_NAMED)
#undef SNP_FAST_NAMED
    return nullptr;
}

// Keys that repeat line after line (a recording's pools and mints): worth
// the KeyCache. Others (creators, traders) would only churn it.
constexpr bool cached_key(std::string_view json) { return json == "pool" || json == "base_mint"; }

// ---- reading bytes ----------------------------------------------------------

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

// `"name":` of each key as four masked words, to check the key the
// encoder's order predicts with a few loads instead of a scan and a lookup
// (a name too long for them is not predicted, and its literal left empty).
struct Literal {
    uint64_t word[4];
    uint64_t mask[4];
    size_t size;
};
constexpr Literal make_literal(std::string_view name) {
    Literal l{};
    if (name.size() + 3 > 32) {
        return l;
    }
    char text[32] = {};
    size_t n = 0;
    text[n++] = '"';
    for (const char c : name) {
        text[n++] = c;
    }
    text[n++] = '"';
    text[n++] = ':';
    for (size_t i = 0; i < n; ++i) {
        l.word[i / 8] |= static_cast<uint64_t>(static_cast<uint8_t>(text[i])) << (8 * (i % 8));
        l.mask[i / 8] |= 0xFFULL << (8 * (i % 8));
    }
    l.size = n;
    return l;
}
constexpr auto kLiterals = [] {
    std::array<Literal, kKeyCount> t{};
    for (size_t i = 0; i < kKeyCount; ++i) {
        t[i] = make_literal(kKeys.name[i]);
    }
    return t;
}();

// Whether the 32 bytes at p (all readable) start with the key's `"name":`.
bool at_literal(const char* p, KeyId id) {
    const Literal& l = kLiterals[id];
    uint64_t diff = 0;
    for (size_t i = 0; i < 4; ++i) {
        diff |= (load8(p + 8 * i) ^ l.word[i]) & l.mask[i];
    }
    return diff == 0;
}

// ---- one pass over the line -------------------------------------------------

// Values read from one line; only those flagged in `seen` hold a value.
struct Fields {
    uint64_t seen = 0;
    const TypeKeys* type = nullptr;
    const char* text[kKeyCount];
    uint32_t text_size[kKeyCount];
    uint64_t number[kKeyCount];
    bool flag[kKeyCount];

    std::string_view text_of(KeyId id) const { return {text[id], text_size[id]}; }
};

// Scans the line into `f`; false at the first byte outside the subset.
bool scan(std::string_view line, Fields& f) {
    const char* p = line.data();
    const char* const end = p + line.size();
    if (p == end || *p != '{') {
        return false;
    }
    ++p;
    const TypeKeys* keys = &kHead; // until the type says otherwise
    size_t next = 0;               // the place in keys->order predicted next
    for (;;) {
        // "key":
        KeyId id = kUnknown;
        if (next < keys->order_size && end - p >= 32 && at_literal(p, keys->order[next])) {
            id = keys->order[next++];
            p += kLiterals[id].size;
        } else {
            if (p == end || *p != '"') {
                return false;
            }
            // No escapes to handle: a key or value with a backslash matches
            // no key nor any accepted value, so the line is refused.
            const char* k = ++p;
            p = find_quote(p, end);
            if (p == end) {
                return false;
            }
            id = kKeys.find(std::string_view(k, static_cast<size_t>(p - k))); // out of the order
            ++p;
            if (id == kUnknown || (keys->allowed & bit(id)) == 0 || p == end || *p != ':') {
                return false;
            }
            ++p;
            next = keys->after[id]; // predict what follows it
        }
        if ((f.seen & bit(id)) != 0) {
            return false; // the general path takes the first of duplicates
        }
        f.seen |= bit(id);
        switch (kKeys.scan[id]) {
        case Scan::Text: {
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
                f.type = type_named(f.text_of(kType));
                if (f.type == nullptr) {
                    return false;
                }
                keys = f.type;
                next = keys->after[kType];
            }
            break;
        }
        case Scan::Number:
            if (!parse_number(p, end, f.number[id])) {
                return false;
            }
            break;
        case Scan::Flag:
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

// ---- filling the event, row by row ------------------------------------------

// What init_event makes of each type, copied instead of calling it (its
// memset of the whole event is a slow `rep stos`).
const std::array<EventBuf, SNP_EVENT_TYPE_COUNT> kBlank = [] {
    std::array<EventBuf, SNP_EVENT_TYPE_COUNT> a;
    for (uint16_t t = 0; t < a.size(); ++t) {
        init_event(a[t], t);
    }
    return a;
}();

// A key's text to its 32 bytes, through the cache when `keys` is given. A
// 43- or 44-digit text is followed by at least its closing quote in the
// line, so 44 bytes can be read and compared (with the size) as the entry's
// key.
bool key(const Fields& f, KeyId id, Pubkey& out, KeyCache* keys) {
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

// Reads, checks and stores row I of T in `e` (rule None: nothing; Flags:
// every bit). The row's key is known to be present when the type requires it.
template <class T, size_t I> bool read_row(const Fields& f, T& e, KeyCache* keys) {
    constexpr Row r = Format<T>::rows[I];
    unsigned char* const at = reinterpret_cast<unsigned char*>(&e) + r.offset;
    if constexpr (r.rule == Rule::None) {
        return true;
    } else if constexpr (r.rule == Rule::Flags) {
        static_assert(r.size == sizeof(uint32_t));
        uint32_t v; // the blank event's flags and the bits set
        std::memcpy(&v, reinterpret_cast<const unsigned char*>(&kBlank[Format<T>::type]) + r.offset, sizeof v);
        [&]<size_t... B>(std::index_sequence<B...>) {
            ((v |= [&] {
                 constexpr Bit b = Format<T>::bits[B];
                 constexpr KeyId id = kKeys.find(b.json);
                 const bool set = b.presence == Presence::Required ? f.flag[id]
                                                                   : (f.seen & bit(id)) != 0 && f.flag[id];
                 return set ? b.bit : 0u;
             }()),
             ...);
        }(std::make_index_sequence<std::size(Format<T>::bits) - 1>{});
        std::memcpy(at, &v, sizeof v);
        return true;
    } else {
        constexpr KeyId id = kKeys.find(r.json);
        static_assert(id != kUnknown);
        if constexpr (r.rule == Rule::Key) {
            static_assert(r.size == sizeof(Pubkey));
            constexpr bool cached = cached_key(r.json);
            Pubkey k;
            if (!(cached ? key(f, id, k, keys) : key(f, id, k, nullptr))) {
                return false;
            }
            std::memcpy(at, &k, sizeof k);
        } else if constexpr (r.rule == Rule::Dex || r.rule == Rule::Side) {
            static_assert(r.size == sizeof(uint32_t));
            uint32_t v = 0;
            if (!(r.rule == Rule::Dex ? parse_dex(f.text_of(id), v) : parse_side(f.text_of(id), v))) {
                return false;
            }
            std::memcpy(at, &v, sizeof v);
        } else {
            constexpr Range range = range_of(r.rule);
            static_assert(r.size == 8 || range.max < (uint64_t{1} << (8 * r.size)), "a range wider than its member");
            const uint64_t v = f.number[id];
            if (v < range.min || v > range.max) {
                return false;
            }
            std::memcpy(at, &v, r.size); // little-endian: the low bytes
        }
        return true;
    }
}

// Row I read into `from` copied to `to` (rule None: left as it is).
template <class T, size_t I> void store_row(T& to, const T& from) {
    constexpr Row r = Format<T>::rows[I];
    if constexpr (r.rule != Rule::None) {
        std::memcpy(reinterpret_cast<unsigned char*>(&to) + r.offset,
                    reinterpret_cast<const unsigned char*>(&from) + r.offset, r.size);
    }
}

// The event of type T from the scanned line, or false (out untouched).
template <class T> bool fill(const Fields& f, EventBuf& out, bool& sell_blocked, KeyCache* keys) {
    if constexpr (!in_format<T>()) {
        return false;
    } else {
        constexpr uint16_t type = Format<T>::type;
        constexpr auto rows = std::make_index_sequence<std::size(Format<T>::rows)>{};
        T e; // only the rows read are set (and checked across)
        const bool ok = [&]<size_t... I>(std::index_sequence<I...>) {
            return (read_row<T, I>(f, e, keys) && ...);
        }(rows);
        if (!ok || fault_of(e) != Fault::None) {
            return false;
        }
        // out = the blank event with those rows.
        copy_event(out, kBlank[type]);
        T& o = *reinterpret_cast<T*>(&out.h);
        [&]<size_t... I>(std::index_sequence<I...>) {
            (store_row<T, I>(o, e), ...);
        }(rows);
        derive(o);
        o.h.source_ns = static_cast<int64_t>(f.number[kSourceNs]);
        o.h.slot = f.number[kSlot];
        sell_blocked = type == kSellBlockedType && (f.seen & bit(kSellBlocked)) != 0 && f.flag[kSellBlocked];
        return true;
    }
}

} // namespace

bool decode_fast(std::string_view line, EventBuf& out, bool& sell_blocked, KeyCache* keys) {
    Fields f;
    if (!scan(line, f) || f.type == nullptr) {
        return false;
    }
    // Every key the type requires, none it does not have.
    const TypeKeys& t = *f.type;
    if ((f.seen & t.required) != t.required || (f.seen & ~t.allowed) != 0) {
        return false;
    }
    if (f.number[kSourceNs] > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return false;
    }
    switch (t.type) {
#define SNP_FAST_FILL(type, T, lua, FIELDS, FLAGS)                                                 \
    case type:                                                                                     \
        return fill<T>(f, out, sell_blocked, keys);
        SNP_EVENTS(SNP_FAST_FILL)
#undef SNP_FAST_FILL
    default:
        return false;
    }
}

} // namespace sniper::event_json_detail
