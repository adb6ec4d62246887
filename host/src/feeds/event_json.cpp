#include "feeds/event_json.hpp"

#include "feeds/event_json_detail.hpp"

#include "core/json.hpp"

#include <simdjson.h>

namespace sniper {
namespace {

const char* dex_name(uint32_t dex) {
    switch (dex) {
    case SNP_DEX_SIM:
        return "sim";
    case SNP_DEX_RAYDIUM_AMM_V4:
        return "raydium_amm_v4";
    case SNP_DEX_RAYDIUM_CPMM:
        return "raydium_cpmm";
    case SNP_DEX_PUMP_FUN:
        return "pump_fun";
    case SNP_DEX_PUMP_SWAP:
        return "pump_swap";
    default:
        return "invalid";
    }
}

bool parse_dex(std::string_view s, uint32_t& out) {
    for (uint32_t d = SNP_DEX_SIM; d <= SNP_DEX_PUMP_SWAP; ++d) {
        if (s == dex_name(d)) {
            out = d;
            return true;
        }
    }
    return false;
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
        if (out == 0) {
            return fail(key, "a positive integer", "0");
        }
        return true;
    }
    bool bps(const char* key, uint32_t& out) {
        uint64_t v = 0;
        if (!u64(key, v)) {
            return false;
        }
        if (v > 10000) {
            return fail(key, "basis points 0..10000", std::to_string(v));
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

void put_key(JsonWriter& w, const char* k, const Pubkey& p) { w.kv(k, to_base58(p)); }

} // namespace

void encode_event_json(const EventBuf& ev, bool sell_blocked, std::string& out) {
    JsonWriter w;
    w.begin_object();
    w.kv("type", event_type_name(ev.h.type));
    w.kv("source_ns", static_cast<int64_t>(ev.h.source_ns));
    w.kv("slot", static_cast<uint64_t>(ev.h.slot));
    switch (ev.h.type) {
    case SNP_EVENT_NEW_POOL: {
        const auto& e = ev.new_pool;
        put_key(w, "pool", e.pool);
        put_key(w, "base_mint", e.base_mint);
        put_key(w, "quote_mint", e.quote_mint);
        put_key(w, "creator", e.creator);
        w.kv("dex", dex_name(e.dex));
        w.kv("mint_authority", (e.flags & SNP_POOL_MINT_AUTHORITY_PRESENT) != 0);
        w.kv("freeze_authority", (e.flags & SNP_POOL_FREEZE_AUTHORITY_PRESENT) != 0);
        w.kv("base_reserve_atoms", static_cast<uint64_t>(e.base_reserve_atoms));
        w.kv("quote_reserve_lamports", static_cast<uint64_t>(e.quote_reserve_lamports));
        w.kv("token_supply_atoms", static_cast<uint64_t>(e.token_supply_atoms));
        w.kv("fee_bps", e.fee_bps);
        w.kv("lp_burned_bps", e.lp_burned_bps);
        w.kv("top10_holder_bps", e.top10_holder_bps);
        w.kv("base_decimals", static_cast<uint64_t>(e.base_decimals));
        // 1.1 safety bits, written only when set (lines without them keep
        // the replay's fast path).
        if ((e.flags & SNP_POOL_AUTHORITIES_UNKNOWN) != 0) {
            w.kv("authorities_unknown", true);
        }
        if ((e.flags & SNP_POOL_HOLDERS_UNKNOWN) != 0) {
            w.kv("holders_unknown", true);
        }
        if ((e.flags & SNP_POOL_LP_UNKNOWN) != 0) {
            w.kv("lp_unknown", true);
        }
        if (sell_blocked) {
            w.kv("sell_blocked", true);
        }
        break;
    }
    case SNP_EVENT_POOL_UPDATE: {
        const auto& e = ev.pool_update;
        put_key(w, "pool", e.pool);
        put_key(w, "base_mint", e.base_mint);
        w.kv("base_reserve_atoms", static_cast<uint64_t>(e.base_reserve_atoms));
        w.kv("quote_reserve_lamports", static_cast<uint64_t>(e.quote_reserve_lamports));
        break;
    }
    case SNP_EVENT_TRADE: {
        const auto& e = ev.trade;
        put_key(w, "pool", e.pool);
        put_key(w, "base_mint", e.base_mint);
        put_key(w, "trader", e.trader);
        w.kv("side", side_name(e.side));
        w.kv("base_atoms", static_cast<uint64_t>(e.base_atoms));
        w.kv("quote_lamports", static_cast<uint64_t>(e.quote_lamports));
        break;
    }
    default:
        break;
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
    if (type == "new_pool") {
        init_event(out, SNP_EVENT_NEW_POOL);
        auto& e = out.new_pool;
        std::string_view dex;
        bool mint_auth = false, freeze_auth = false;
        bool auth_unknown = false, holders_unknown = false, lp_unknown = false;
        uint64_t decimals = 0;
        ok = ok && rd.key("pool", e.pool) && rd.key("base_mint", e.base_mint) &&
             rd.key("quote_mint", e.quote_mint) && rd.key("creator", e.creator) &&
             rd.str("dex", dex) && rd.boolean("mint_authority", mint_auth, false) &&
             rd.boolean("freeze_authority", freeze_auth, false) &&
             rd.positive("base_reserve_atoms", e.base_reserve_atoms) &&
             rd.positive("quote_reserve_lamports", e.quote_reserve_lamports) &&
             rd.positive("token_supply_atoms", e.token_supply_atoms) &&
             rd.bps("fee_bps", e.fee_bps) && rd.bps("lp_burned_bps", e.lp_burned_bps) &&
             rd.bps("top10_holder_bps", e.top10_holder_bps) && rd.u64("base_decimals", decimals) &&
             rd.boolean("authorities_unknown", auth_unknown, true) &&
             rd.boolean("holders_unknown", holders_unknown, true) &&
             rd.boolean("lp_unknown", lp_unknown, true) &&
             rd.boolean("sell_blocked", r.sell_blocked, true);
        if (ok && !parse_dex(dex, e.dex)) {
            r.error = "field \"dex\": expected sim|raydium_amm_v4|raydium_cpmm|pump_fun|pump_swap, found \"" +
                      std::string(dex.substr(0, 32)) + "\"";
            return r;
        }
        if (ok && decimals > 18) {
            r.error = "field \"base_decimals\": expected 0..18, found " + std::to_string(decimals);
            return r;
        }
        if (ok && e.fee_bps >= 10000) {
            r.error = "field \"fee_bps\": expected less than 10000";
            return r;
        }
        // An unknown fact must carry its worst value: a line that says
        // "unknown" beside a safe-looking value is refused, never traded.
        if (ok && auth_unknown && !(mint_auth && freeze_auth)) {
            r.error = "field \"authorities_unknown\": an unknown authority must be recorded as "
                      "present (mint_authority and freeze_authority true)";
            return r;
        }
        if (ok && holders_unknown && e.top10_holder_bps != 10000) {
            r.error = "field \"holders_unknown\": unknown holders must be recorded as "
                      "top10_holder_bps 10000, found " + std::to_string(e.top10_holder_bps);
            return r;
        }
        if (ok && lp_unknown && e.lp_burned_bps != 0) {
            r.error = "field \"lp_unknown\": an unknown LP share must be recorded as "
                      "lp_burned_bps 0, found " + std::to_string(e.lp_burned_bps);
            return r;
        }
        e.base_decimals = static_cast<uint8_t>(decimals);
        e.flags = (mint_auth ? SNP_POOL_MINT_AUTHORITY_PRESENT : 0u) |
                  (freeze_auth ? SNP_POOL_FREEZE_AUTHORITY_PRESENT : 0u) |
                  (auth_unknown ? SNP_POOL_AUTHORITIES_UNKNOWN : 0u) |
                  (holders_unknown ? SNP_POOL_HOLDERS_UNKNOWN : 0u) |
                  (lp_unknown ? SNP_POOL_LP_UNKNOWN : 0u);
    } else if (type == "pool_update") {
        init_event(out, SNP_EVENT_POOL_UPDATE);
        auto& e = out.pool_update;
        ok = ok && rd.key("pool", e.pool) && rd.key("base_mint", e.base_mint) &&
             rd.positive("base_reserve_atoms", e.base_reserve_atoms) &&
             rd.positive("quote_reserve_lamports", e.quote_reserve_lamports);
        if (ok) {
            e.price_lamports_per_atom = static_cast<double>(e.quote_reserve_lamports) /
                                        static_cast<double>(e.base_reserve_atoms);
        }
    } else if (type == "trade") {
        init_event(out, SNP_EVENT_TRADE);
        auto& e = out.trade;
        std::string_view side;
        ok = ok && rd.key("pool", e.pool) && rd.key("base_mint", e.base_mint) &&
             rd.key("trader", e.trader) && rd.str("side", side) &&
             rd.positive("base_atoms", e.base_atoms) &&
             rd.positive("quote_lamports", e.quote_lamports);
        if (ok) {
            if (side == "buy") {
                e.side = SNP_SIDE_BUY;
            } else if (side == "sell") {
                e.side = SNP_SIDE_SELL;
            } else {
                r.error = "field \"side\": expected \"buy\" or \"sell\", found \"" +
                          std::string(side.substr(0, 32)) + "\"";
                return r;
            }
        }
    } else {
        r.error = "field \"type\": expected new_pool|pool_update|trade, found \"" +
                  std::string(type.substr(0, 32)) + "\"";
        return r;
    }
    if (!ok) {
        r.error = rd.error;
        return r;
    }
    out.h.source_ns = source_ns;
    out.h.slot = slot;
    r.ok = true;
    return r;
}

} // namespace sniper
