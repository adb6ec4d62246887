#include "feeds/event_json.hpp"

#include "feeds/event_json_detail.hpp"

#include "core/event_fields.hpp"
#include "core/json.hpp"

#include <simdjson.h>

namespace sniper {
namespace {

using event_json_detail::Bit;
using event_json_detail::Format;
using event_json_detail::kDexNames;
using event_json_detail::Presence;
using event_json_detail::range_of;
using event_json_detail::Rule;

std::string_view dex_name(uint32_t dex) {
    return dex >= SNP_DEX_SIM && dex - SNP_DEX_SIM < std::size(kDexNames) ? kDexNames[dex - SNP_DEX_SIM]
                                                                            : "invalid";
}

class Reader {
  public:
    explicit Reader(simdjson::dom::element obj) : obj_(obj) {}
    std::string error;

    bool u64(const char* key, uint64_t& out) {
        auto v = obj_[key];
        if (v.error() != simdjson::SUCCESS) {
            return fail(key, "a non-negative integer", "nothing");
        }
        if (v.is_uint64()) {
            out = v.get_uint64().value_unsafe();
            return true;
        }
        if (v.is_int64()) {
            return fail(key, "a non-negative integer", "a negative integer");
        }
        return fail(key, "a non-negative integer", type_of(v.value_unsafe()));
    }
    bool i64(const char* key, int64_t& out) {
        auto v = obj_[key];
        if (v.error() != simdjson::SUCCESS) {
            return fail(key, "an integer", "nothing");
        }
        if (v.is_int64()) {
            out = v.get_int64().value_unsafe();
            return true;
        }
        if (v.is_uint64()) {
            return fail(key, "an integer up to 9223372036854775807", "a larger integer");
        }
        return fail(key, "an integer", type_of(v.value_unsafe()));
    }
    bool positive(const char* key, uint64_t& out) {
        if (!u64(key, out)) {
            return false;
        }
        if (out < range_of(Rule::Positive).min) {
            return fail(key, "a positive integer", std::to_string(out));
        }
        return true;
    }
    bool bps(const char* key, uint32_t& out) {
        uint64_t v = 0;
        if (!u64(key, v)) {
            return false;
        }
        if (v > range_of(Rule::Bps).max) {
            return fail(key, "basis points 0.." + std::to_string(range_of(Rule::Bps).max), std::to_string(v));
        }
        out = static_cast<uint32_t>(v);
        return true;
    }
    bool str(const char* key, std::string_view& out) {
        auto v = obj_[key];
        if (v.error() != simdjson::SUCCESS) {
            return fail(key, "a string", "nothing");
        }
        if (!v.is_string()) {
            return fail(key, "a string", type_of(v.value_unsafe()));
        }
        out = v.get_string().value_unsafe();
        return true;
    }
    bool key(const char* key, Pubkey& out) {
        std::string_view s;
        if (!str(key, s)) {
            return false;
        }
        if (!pubkey_from_base58(s, out)) {
            return fail(key, "a base58 32-byte address",
                        "\"" + std::string(s.substr(0, 64)) + "\"");
        }
        return true;
    }
    bool boolean(const char* key, bool& out, bool optional) {
        auto v = obj_[key];
        if (v.error() != simdjson::SUCCESS) {
            if (optional) {
                out = false;
                return true;
            }
            return fail(key, "true or false", "nothing");
        }
        if (!v.is_bool()) {
            return fail(key, "true or false", type_of(v.value_unsafe()));
        }
        out = v.get_bool().value_unsafe();
        return true;
    }

  private:
    static std::string type_of(simdjson::dom::element e) {
        switch (e.type()) {
        case simdjson::dom::element_type::ARRAY:
            return "an array";
        case simdjson::dom::element_type::OBJECT:
            return "an object";
        case simdjson::dom::element_type::INT64:
        case simdjson::dom::element_type::UINT64:
            return "an integer";
        case simdjson::dom::element_type::DOUBLE:
            return "a floating-point number";
        case simdjson::dom::element_type::STRING:
            return "a string";
        case simdjson::dom::element_type::BOOL:
            return "a boolean";
        case simdjson::dom::element_type::NULL_VALUE:
            return "null";
        }
        return "something else";
    }
    bool fail(const char* key, const std::string& expected, const std::string& found) {
        if (error.empty()) {
            error = std::string("field \"") + key + "\": expected " + expected + ", found " + found;
        }
        return false;
    }
    simdjson::dom::element obj_;
};

// ---- generated from the field tables (core/event_fields.hpp) -------------

// Bit, Presence and the rows' rules: event_json_detail.hpp (Format<T>).

// Writers, one per JSON rule.
template <class T> void put_None(JsonWriter&, const char*, const T&, const Bit*, uint32_t&) {}
void put_Key(JsonWriter& w, const char* k, const Pubkey& p, const Bit*, uint32_t&) { w.kv(k, to_base58(p)); }
template <class T> void put_number(JsonWriter& w, const char* k, const T& v) { w.kv(k, static_cast<uint64_t>(v)); }
template <class T> void put_Positive(JsonWriter& w, const char* k, const T& v, const Bit*, uint32_t&) {
    put_number(w, k, v);
}
template <class T> void put_Bps(JsonWriter& w, const char* k, const T& v, const Bit*, uint32_t&) {
    put_number(w, k, v);
}
template <class T> void put_Decimals(JsonWriter& w, const char* k, const T& v, const Bit*, uint32_t&) {
    put_number(w, k, v);
}
void put_Dex(JsonWriter& w, const char* k, uint32_t v, const Bit*, uint32_t&) { w.kv(k, dex_name(v)); }
void put_Side(JsonWriter& w, const char* k, uint32_t v, const Bit*, uint32_t&) { w.kv(k, side_name(v)); }
// The required bits where the flags are; the optional ones go at the end.
void put_Flags(JsonWriter& w, const char*, uint32_t v, const Bit* bits, uint32_t& flags) {
    flags = v;
    for (const Bit* b = bits; b->json != nullptr; ++b) {
        if (b->presence == Presence::Required) {
            w.kv(b->json, (v & b->bit) != 0);
        }
    }
}

// Values checked after every field was read (so a line's first error is
// its first bad field), then stored.
struct Later {
    std::string_view dex_text;
    uint32_t* dex = nullptr;
    const char* dex_key = nullptr;
    std::string_view side_text;
    uint32_t* side = nullptr;
    const char* side_key = nullptr;
    uint64_t decimals = 0;
    uint8_t* decimals_out = nullptr;
    const char* decimals_key = nullptr;
    uint32_t* flags = nullptr;
    const Bit* bits = nullptr;
};

// Readers, one per JSON rule.
template <class T> bool get_None(Reader&, const char*, T&, Later&) { return true; }
bool get_Key(Reader& rd, const char* k, Pubkey& out, Later&) { return rd.key(k, out); }
bool get_Positive(Reader& rd, const char* k, uint64_t& out, Later&) { return rd.positive(k, out); }
bool get_Bps(Reader& rd, const char* k, uint32_t& out, Later&) { return rd.bps(k, out); }
bool get_Decimals(Reader& rd, const char* k, uint8_t& out, Later& l) {
    l.decimals_out = &out;
    l.decimals_key = k;
    return rd.u64(k, l.decimals);
}
bool get_Dex(Reader& rd, const char* k, uint32_t& out, Later& l) {
    l.dex = &out;
    l.dex_key = k;
    return rd.str(k, l.dex_text);
}
bool get_Side(Reader& rd, const char* k, uint32_t& out, Later& l) {
    l.side = &out;
    l.side_key = k;
    return rd.str(k, l.side_text);
}
bool get_Flags(Reader& rd, const char*, uint32_t& out, Later& l) {
    l.flags = &out;
    for (const Bit* b = l.bits; b->json != nullptr; ++b) {
        bool v = false;
        if (b->presence == Presence::Required) {
            if (!rd.boolean(b->json, v, false)) {
                return false;
            }
            out |= v ? b->bit : 0u;
        }
    }
    return true;
}
// After the fields: the optional flag bits.
bool get_optional_bits(Reader& rd, Later& l) {
    if (l.flags == nullptr) {
        return true;
    }
    for (const Bit* b = l.bits; b->json != nullptr; ++b) {
        bool v = false;
        if (b->presence == Presence::Optional) {
            if (!rd.boolean(b->json, v, true)) {
                return false;
            }
            *l.flags |= v ? b->bit : 0u;
        }
    }
    return true;
}
// The enum names and ranges.
bool check_later(const Later& l, std::string& error) {
    if (l.dex != nullptr && !event_json_detail::parse_dex(l.dex_text, *l.dex)) {
        std::string names;
        for (const std::string_view n : kDexNames) {
            names += (names.empty() ? "" : "|") + std::string(n);
        }
        error = std::string("field \"") + l.dex_key + "\": expected " + names + ", found \"" +
                std::string(l.dex_text.substr(0, 32)) + "\"";
        return false;
    }
    if (l.decimals_out != nullptr) {
        if (l.decimals > range_of(Rule::Decimals).max) {
            error = std::string("field \"") + l.decimals_key + "\": expected 0.." +
                    std::to_string(range_of(Rule::Decimals).max) + ", found " + std::to_string(l.decimals);
            return false;
        }
        *l.decimals_out = static_cast<uint8_t>(l.decimals);
    }
    if (l.side != nullptr) {
        if (!event_json_detail::parse_side(l.side_text, *l.side)) {
            error = std::string("field \"") + l.side_key + "\": expected \"buy\" or \"sell\", found \"" +
                    std::string(l.side_text.substr(0, 32)) + "\"";
            return false;
        }
    }
    return true;
}

#define SNP_JSON_PUT(member, kind, offset, name, json) put_##json(w, name, e.member, bits, flags);
#define SNP_JSON_GET(member, kind, offset, name, json) ok = ok && get_##json(rd, name, e.member, later);

// Whether an event type is part of the replay format (has a JSON field).
#define SNP_JSON_IN_FORMAT(type, T, lua, FIELDS, FLAGS) (type) == t ? event_json_detail::in_format<T>():
constexpr bool in_format(uint32_t t) { return SNP_EVENTS(SNP_JSON_IN_FORMAT) false; }
#undef SNP_JSON_IN_FORMAT
static_assert(in_format(SNP_EVENT_NEW_POOL) && in_format(SNP_EVENT_POOL_UPDATE) && in_format(SNP_EVENT_TRADE) &&
              in_format(SNP_EVENT_POOL_SAFETY) && in_format(SNP_EVENT_CURVE_COMPLETE) &&
              !in_format(SNP_EVENT_ORDER_UPDATE));

void encode_fields(const EventBuf& ev, JsonWriter& w) {
#define SNP_JSON_ENCODE(type, T, lua, FIELDS, FLAGS)                                               \
    case type: {                                                                                   \
        const Bit* bits = Format<T>::bits;                                                         \
        const T& e = *reinterpret_cast<const T*>(&ev.h);                                           \
        uint32_t flags = 0;                                                                        \
        FIELDS(SNP_JSON_PUT)                                                                       \
        for (const Bit* b = bits; b->json != nullptr; ++b) {                                       \
            if (b->presence == Presence::Optional && (flags & b->bit) != 0) {                      \
                w.kv(b->json, true);                                                               \
            }                                                                                      \
        }                                                                                          \
        break;                                                                                     \
    }
    switch (ev.h.type) {
        SNP_EVENTS(SNP_JSON_ENCODE)
    default:
        break;
    }
#undef SNP_JSON_ENCODE
}

// Reads the fields of `out`'s type (already set) in table order, then the
// optional flag bits; check_later() then checks the enum names and ranges.
bool read_fields(Reader& rd, EventBuf& out, Later& later) {
    bool ok = true;
#define SNP_JSON_DECODE(type, T, lua, FIELDS, FLAGS)                                               \
    case type: {                                                                                   \
        later.bits = Format<T>::bits;                                                              \
        T& e = *reinterpret_cast<T*>(&out.h);                                                      \
        FIELDS(SNP_JSON_GET)                                                                       \
        break;                                                                                     \
    }
    switch (out.h.type) {
        SNP_EVENTS(SNP_JSON_DECODE)
    default:
        break;
    }
#undef SNP_JSON_DECODE
    return ok && get_optional_bits(rd, later);
}

// The replay format's event types, by name; SNP_EVENT_INVALID when none.
uint16_t format_type(std::string_view name) {
#define SNP_JSON_TYPE(type_, T, lua, FIELDS, FLAGS)                                                \
    if (in_format(type_) && name == (lua)) {                                                       \
        return type_;                                                                              \
    }
    SNP_EVENTS(SNP_JSON_TYPE)
#undef SNP_JSON_TYPE
    return SNP_EVENT_INVALID;
}

std::string format_type_names() {
    std::string out;
#define SNP_JSON_TYPE_NAME(type_, T, lua, FIELDS, FLAGS)                                           \
    if (in_format(type_)) {                                                                        \
        out += (out.empty() ? "" : "|") + std::string(lua);                                        \
    }
    SNP_EVENTS(SNP_JSON_TYPE_NAME)
#undef SNP_JSON_TYPE_NAME
    return out;
}

// The checks across fields (event_json_detail::fault_of), worded; then the
// derived members.
bool check_across(EventBuf& out, std::string& error) {
    using event_json_detail::Fault;
    Fault fault = Fault::None;
#define SNP_JSON_ACROSS(type, T, lua, FIELDS, FLAGS)                                               \
    case type: {                                                                                   \
        T& e = *reinterpret_cast<T*>(&out.h);                                                      \
        fault = event_json_detail::fault_of(e);                                                    \
        if (fault == Fault::None) {                                                                \
            event_json_detail::derive(e);                                                          \
        }                                                                                          \
        break;                                                                                     \
    }
    switch (out.h.type) {
        SNP_EVENTS(SNP_JSON_ACROSS)
    default:
        break;
    }
#undef SNP_JSON_ACROSS
    const bool safety = out.h.type == SNP_EVENT_POOL_SAFETY;
    const uint32_t top10 = safety ? out.pool_safety.top10_holder_bps : out.new_pool.top10_holder_bps;
    const uint32_t lp = safety ? out.pool_safety.lp_burned_bps : out.new_pool.lp_burned_bps;
    switch (fault) {
    case Fault::None:
        return true;
    case Fault::FeeBps:
        error = "field \"fee_bps\": expected less than 10000";
        break;
    case Fault::AuthoritiesUnknown:
        error = "field \"authorities_unknown\": an unknown authority must be recorded as "
                "present (mint_authority and freeze_authority true)";
        break;
    case Fault::HoldersUnknown:
        error = "field \"holders_unknown\": unknown holders must be recorded as "
                "top10_holder_bps 10000, found " + std::to_string(top10);
        break;
    case Fault::LpUnknown:
        error = "field \"lp_unknown\": an unknown LP share must be recorded as "
                "lp_burned_bps 0, found " + std::to_string(lp);
        break;
    case Fault::TokenProgramUnknown:
        error = "field \"token_program_unknown\": an unknown token program must be recorded as "
                "Token-2022 (token_2022 true)";
        break;
    }
    return false;
}

} // namespace

void encode_event_json(const EventBuf& ev, bool sell_blocked, std::string& out) {
    JsonWriter w;
    w.begin_object();
    w.kv("type", event_type_name(ev.h.type));
    w.kv("source_ns", static_cast<int64_t>(ev.h.source_ns));
    w.kv("slot", static_cast<uint64_t>(ev.h.slot));
    encode_fields(ev, w);
    if (sell_blocked && ev.h.type == event_json_detail::kSellBlockedType) {
        w.kv(event_json_detail::kSellBlockedKey, true); // the replay's honeypot flag, not an ABI field
    }
    w.end_object();
    out += w.str();
    out.push_back('\n');
}

namespace {
// The first number (outside strings) in `line` that is an integer above u64's range
// (shortened when long), or "" when there is none.
std::string integer_above_u64(std::string_view line) {
    constexpr std::string_view kMax = "18446744073709551615";
    size_t i = 0;
    bool in_string = false;
    while (i < line.size()) {
        const char c = line[i];
        if (in_string) { // digits in strings (base58 keys) are not numbers
            i += c == '\\' ? 2 : 1;
            in_string = c != '"';
            continue;
        }
        if (c == '"' || c < '0' || c > '9') {
            in_string = c == '"';
            ++i;
            continue;
        }
        size_t j = i;
        while (j < line.size() && line[j] >= '0' && line[j] <= '9') {
            ++j;
        }
        std::string_view digits = line.substr(i, j - i);
        while (digits.size() > 1 && digits.front() == '0') {
            digits.remove_prefix(1);
        }
        const bool fraction_or_exponent = j < line.size() && (line[j] == '.' || line[j] == 'e' || line[j] == 'E');
        if (!fraction_or_exponent &&
            (digits.size() > kMax.size() || (digits.size() == kMax.size() && digits > kMax))) {
            return digits.size() > 40 ? std::string(digits.substr(0, 40)) + "... (" +
                                            std::to_string(digits.size()) + " digits)"
                                      : std::string(digits);
        }
        i = j;
    }
    return "";
}
} // namespace

DecodeResult decode_event_json(std::string_view line, EventBuf& out) {
    // Lines as the encoder writes them take the one-pass path; anything
    // else (and every refusal, with its wording) the general one.
    DecodeResult r;
    if (event_json_detail::decode_fast(line, out, r.sell_blocked)) {
        r.ok = true;
        return r;
    }
    return event_json_detail::decode_general(line, out);
}

DecodeResult event_json_detail::decode_general(std::string_view line, EventBuf& out) {
    DecodeResult r;
    thread_local simdjson::dom::parser parser;
    // One padded buffer reused for every line: no allocation per event.
    thread_local std::string padded;
    padded.assign(line);
    padded.append(simdjson::SIMDJSON_PADDING, '\0');
    simdjson::dom::element doc;
    if (auto err = parser.parse(padded.data(), line.size(), false).get(doc); err != simdjson::SUCCESS) {
        if (err == simdjson::NUMBER_ERROR) {
            // Say which number: simdjson refuses integers above u64 (and
            // below i64) as "Problem while parsing a number".
            const std::string big = integer_above_u64(line);
            if (!big.empty()) {
                r.error = "expected integers of at most 18446744073709551615 (u64), found " + big;
                return r;
            }
        }
        r.error = std::string("expected a JSON object, found invalid JSON (") +
                  simdjson::error_message(err) + ")";
        return r;
    }
    if (!doc.is_object()) {
        r.error = "expected a JSON object, found another JSON value";
        return r;
    }
    Reader rd(doc);
    std::string_view type;
    if (!rd.str("type", type)) {
        r.error = rd.error;
        return r;
    }
    int64_t source_ns = 0;
    uint64_t slot = 0;
    bool ok = rd.i64("source_ns", source_ns) && rd.u64("slot", slot);
    if (ok && source_ns < 0) {
        r.error = "field \"source_ns\": expected a non-negative time in ns, found a negative value";
        return r;
    }
    const uint16_t etype = format_type(type);
    if (etype == SNP_EVENT_INVALID) {
        r.error = "field \"type\": expected " + format_type_names() + ", found \"" +
                  std::string(type.substr(0, 32)) + "\"";
        return r;
    }
    init_event(out, etype);
    Later later;
    ok = ok && read_fields(rd, out, later);
    if (etype == event_json_detail::kSellBlockedType) { // the replay's honeypot flag
        ok = ok && rd.boolean(event_json_detail::kSellBlockedKey, r.sell_blocked, true);
    }
    if (!ok) {
        r.error = rd.error;
        return r;
    }
    if (!check_later(later, r.error)) {
        return r;
    }
    if (!check_across(out, r.error)) {
        return r;
    }
    out.h.source_ns = source_ns;
    out.h.slot = slot;
    r.ok = true;
    return r;
}

} // namespace sniper
