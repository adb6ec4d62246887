// The replay decoder's one-pass path against its general path
// (feeds/event_json_detail.hpp): on the encoder's own lines, on hand-made
// unusual ones, and on many mutated lines, decode_event_json must answer
// exactly as the general path alone (ok, error text, sell_blocked, event
// bytes), and whatever the fast path accepts the general path accepts with
// the same event; every field kind and flag of the format (made from its
// description, so a field added to a table is covered) takes the one-pass
// path. Also the 32-byte base58 decoder against the general one.
#include "feeds/event_json.hpp"
#include "feeds/event_json_detail.hpp"
#include "feeds/replay.hpp"
#include "feeds/sim_market.hpp"
#include "solana/base58.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

using namespace sniper;
using testing::FuzzRng;

namespace {

const std::string kPool = "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8";
const std::string kMint = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const std::string kSol = "So11111111111111111111111111111111111111112";
const std::string kZero = "11111111111111111111111111111111";
const std::string kMax = "JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG"; // 2^256 - 1

struct Outcome {
    DecodeResult r;
    EventBuf ev;
};

Outcome run(DecodeResult (*fn)(std::string_view, EventBuf&), std::string_view line) {
    Outcome o;
    std::memset(static_cast<void*>(&o.ev), 0xA5, sizeof o.ev); // whatever the caller had
    o.r = fn(line, o.ev);
    return o;
}

// decode_event_json(line) == decode_general(line), and a fast accept is a
// general accept of the same event.
struct Checked {
    bool fast = false; // the fast path took it
    bool ok = false;   // a valid line
};
Checked check_line(const std::string& line) {
    INFO(line);
    const Outcome full = run(decode_event_json, line);
    const Outcome general = run(event_json_detail::decode_general, line);
    REQUIRE(full.r.ok == general.r.ok);
    REQUIRE(full.r.error == general.r.error);
    REQUIRE(full.r.sell_blocked == general.r.sell_blocked);
    if (general.r.ok) {
        REQUIRE(std::memcmp(&full.ev, &general.ev, sizeof full.ev) == 0);
    }
    EventBuf fast_ev;
    std::memset(static_cast<void*>(&fast_ev), 0x5A, sizeof fast_ev);
    const EventBuf before = fast_ev;
    bool blocked = false;
    const bool fast = event_json_detail::decode_fast(line, fast_ev, blocked);
    // The same through a key cache shared by every line of the test (small
    // mutations of keys seen before meet their entries).
    static auto cache = std::make_unique<event_json_detail::KeyCache>();
    EventBuf cached_ev;
    std::memset(static_cast<void*>(&cached_ev), 0x5A, sizeof cached_ev);
    bool cached_blocked = false;
    REQUIRE(event_json_detail::decode_fast(line, cached_ev, cached_blocked, cache.get()) == fast);
    REQUIRE(std::memcmp(&cached_ev, &fast_ev, sizeof fast_ev) == 0);
    REQUIRE(cached_blocked == blocked);
    if (fast) {
        REQUIRE(line.find('\0') == std::string::npos); // the replay skips its NUL check then
        REQUIRE(general.r.ok);
        REQUIRE(blocked == general.r.sell_blocked);
        REQUIRE(std::memcmp(&fast_ev, &general.ev, sizeof fast_ev) == 0);
    } else {
        REQUIRE(std::memcmp(&fast_ev, &before, sizeof fast_ev) == 0); // untouched
    }
    return {fast, general.r.ok};
}

std::vector<std::string> encoder_lines(size_t max) {
    SimFeedConfig cfg;
    cfg.duration_ns = 10LL * 60 * kNsPerSec;
    cfg.pools_per_minute = 30;
    SimMarket m(cfg);
    std::vector<std::string> out;
    EventBuf ev;
    bool blocked_turn = false;
    while (out.size() < max && m.next(ev)) {
        std::string line;
        // Every other new_pool says sell_blocked, so both shapes are seen.
        const bool blocked = ev.h.type == SNP_EVENT_NEW_POOL && (blocked_turn = !blocked_turn);
        encode_event_json(ev, blocked, line);
        line.pop_back();
        out.push_back(std::move(line));
    }
    return out;
}

// Events of every type in the format made from its rows
// (event_json_detail::Format): values of each rule, its edges included,
// every flag bit set or not, the ones the one-pass path reads (integers of
// at most 19 digits). Events with a fault across fields are left out.
struct Made {
    std::string line;
    EventBuf ev; // the event the line must decode to
    bool blocked = false;
};

template <class T> void made_events(FuzzRng& rng, size_t count, std::vector<Made>& out) {
    using namespace event_json_detail;
    constexpr uint64_t kMax19 = 9999999999999999999ULL; // the longest integer the one-pass path reads
    const auto number = [&](Range r) {
        const uint64_t max = std::min(r.max, kMax19);
        return rng.chance(20) ? r.min : rng.chance(20) ? max : r.min + rng.next() % (max - r.min + 1);
    };
    for (size_t made = 0; made < count;) {
        Made m;
        init_event(m.ev, Format<T>::type);
        m.ev.h.source_ns = static_cast<int64_t>(number({0, std::numeric_limits<int64_t>::max()}));
        m.ev.h.slot = number({0, kMax19});
        auto* base = reinterpret_cast<unsigned char*>(&m.ev.h);
        for (const Row& r : Format<T>::rows) {
            unsigned char* at = base + r.offset;
            uint64_t v = 0;
            switch (r.rule) {
            case Rule::None:
                continue;
            case Rule::Key: {
                const int shape = static_cast<int>(rng.below(10)); // all zero, all 0xFF, leading zeros, any
                for (size_t i = 0; i < r.size; ++i) {
                    at[i] = shape == 0 ? 0 : shape == 1 ? 0xFF : (shape == 2 && i < 3) ? 0 : rng.byte();
                }
                continue;
            }
            case Rule::Dex:
                v = SNP_DEX_SIM + rng.below(std::size(kDexNames));
                break;
            case Rule::Side:
                v = rng.chance(50) ? SNP_SIDE_BUY : SNP_SIDE_SELL;
                break;
            case Rule::Flags:
                for (const Bit* b = Format<T>::bits; b->json != nullptr; ++b) {
                    v |= rng.chance(50) ? b->bit : 0u;
                }
                break;
            case Rule::Positive:
            case Rule::Bps:
            case Rule::Decimals:
                v = number(range_of(r.rule));
                break;
            }
            std::memcpy(at, &v, r.size); // little-endian: the low bytes
        }
        T& e = *reinterpret_cast<T*>(&m.ev.h);
        if (fault_of(e) != Fault::None) {
            continue;
        }
        derive(e);
        const bool blocked = rng.chance(50);
        encode_event_json(m.ev, blocked, m.line);
        m.line.pop_back();
        m.blocked = blocked && Format<T>::type == kSellBlockedType;
        out.push_back(std::move(m));
        ++made;
    }
}

std::vector<Made> made_lines(size_t per_type) {
    FuzzRng rng{0x9e3779b97f4a7c15ULL};
    std::vector<Made> out;
#define SNP_TEST_MADE(type, T, lua, FIELDS, FLAGS)                                                 \
    if (event_json_detail::in_format<T>()) {                                                       \
        made_events<T>(rng, per_type, out);                                                        \
    }
    SNP_EVENTS(SNP_TEST_MADE)
#undef SNP_TEST_MADE
    return out;
}

std::string update(const std::string& source_ns, const std::string& base, const std::string& quote,
                   const std::string& pool = kPool, const std::string& mint = kMint) {
    return R"({"type":"pool_update","source_ns":)" + source_ns + R"(,"slot":2,"pool":")" + pool +
           R"(","base_mint":")" + mint + R"(","base_reserve_atoms":)" + base +
           R"(,"quote_reserve_lamports":)" + quote + "}";
}

std::string trade(const std::string& side, const std::string& extra = "") {
    return R"({"type":"trade","source_ns":5,"slot":3,"pool":")" + kPool + R"(","base_mint":")" + kMint +
           R"(","trader":")" + kSol + R"(","side":")" + side + R"(","base_atoms":7,"quote_lamports":9)" + extra +
           "}";
}

std::vector<std::string> unusual_lines() {
    return {
        update("0", "1", "1"),
        update("9223372036854775807", "9999999999999999999", "1"), // 19 digits
        update("9223372036854775808", "1", "1"),                   // above i64
        update("10", "18446744073709551615", "1"),                 // 20 digits, in u64
        update("10", "18446744073709551616", "1"),
        update("10", "01", "1"),
        update("10", "-0", "1"),
        update("10", "1.0", "1"),
        update("10", "1e3", "1"),
        update("10", "0", "1"),
        update("10", "true", "1"),
        update("10", "null", "1"),
        update("10", "1", "1", kZero, kMax),
        update("10", "1", "1", "1" + kZero, kMint),
        update("10", "1", "1", kPool + "1", kMint),
        update("10", "1", "1", "", kMint),
        update("10", "1", "1", "\\u0036" + kPool.substr(1), kMint),
        trade("buy"),
        trade("sell"),
        trade("hold"),
        trade("Buy"),
        trade("buy", R"(,"sell_blocked":true)"),
        trade("buy", R"(,"extra":1)"),
        trade("buy", R"(,"slot":4)"), // duplicate: the general path takes the first
        trade("buy", R"(,"side":"sell")"),
        trade("buy", " "),
        trade("buy") + " ",
        trade("buy") + "x",
        trade("buy") + "}",
        " " + trade("buy"),
        R"({ "type" : "trade" })",
        R"({"\u0074ype":"trade","source_ns":5,"slot":3})",
        R"({"type":"trade"})",
        R"({"type":"new_pool"})",
        "{}",
        "{",
        "",
        "[]",
        "\"trade\"",
        R"({"type":"pool_update","source_ns":1,"slot":1,"pool":")" + kPool + R"(","base_mint":")" + kMint +
            R"(","base_reserve_atoms":1,"quote_reserve_lamports":1,"x":{"y":[1,2]}})",
        R"({"type":"new_pool","source_ns":1,"slot":1,"pool":")" + kPool + R"(","base_mint":")" + kMint +
            R"(","quote_mint":")" + kSol + R"(","creator":")" + kSol +
            R"(","dex":"pump_swap","mint_authority":true,"freeze_authority":false,"base_reserve_atoms":1,)"
            R"("quote_reserve_lamports":1,"token_supply_atoms":1,"fee_bps":9999,"lp_burned_bps":10000,)"
            R"("top10_holder_bps":0,"base_decimals":18,"sell_blocked":false})",
        R"({"type":"new_pool","source_ns":1,"slot":1,"pool":")" + kPool + R"(","base_mint":")" + kMint +
            R"(","quote_mint":")" + kSol + R"(","creator":")" + kSol +
            R"(","dex":"sim","mint_authority":true,"freeze_authority":false,"base_reserve_atoms":1,)"
            R"("quote_reserve_lamports":1,"token_supply_atoms":1,"fee_bps":10000,"lp_burned_bps":10001,)"
            R"("top10_holder_bps":0,"base_decimals":19})",
    };
}

// One random edit biased to JSON's structure.
void mutate(std::string& s, FuzzRng& rng) {
    static const std::string kBytes = "0123456789{}[]\":,. -+eE\\tfnrul1zZ_ab\x7f\x80\xff\x01";
    auto pick = [&] { return kBytes[rng.below(kBytes.size())]; };
    switch (rng.below(8)) {
    case 0: // replace a byte
        if (!s.empty()) {
            s[rng.below(s.size())] = pick();
        }
        break;
    case 1: // replace a byte with any byte
        if (!s.empty()) {
            s[rng.below(s.size())] = static_cast<char>(rng.byte());
        }
        break;
    case 2: // delete a run
        if (!s.empty()) {
            const size_t at = rng.below(s.size());
            s.erase(at, 1 + rng.below(4));
        }
        break;
    case 3: // insert a byte
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(rng.below(s.size() + 1)), pick());
        break;
    case 4: { // duplicate a run somewhere else
        if (!s.empty()) {
            const size_t at = rng.below(s.size());
            const std::string run = s.substr(at, 1 + rng.below(30));
            s.insert(rng.below(s.size() + 1), run);
        }
        break;
    }
    case 5: // truncate
        s.resize(rng.below(s.size() + 1));
        break;
    case 6: { // change a digit (values stay numbers, keys stay base58 more often than not)
        for (int tries = 0; tries < 8 && !s.empty(); ++tries) {
            const size_t at = rng.below(s.size());
            if (s[at] >= '0' && s[at] <= '9') {
                s[at] = static_cast<char>('0' + rng.below(10));
                break;
            }
        }
        break;
    }
    default: { // swap two fields (the order of keys is free)
        std::vector<size_t> commas;
        for (size_t i = 0; i < s.size(); ++i) {
            if (s[i] == ',') {
                commas.push_back(i);
            }
        }
        if (commas.size() >= 3) {
            const size_t a = rng.below(commas.size() - 1);
            const size_t b = a + 1;
            const std::string first = s.substr(commas[a], commas[b] - commas[a]);
            s.erase(commas[a], first.size());
            const size_t end = s.find_first_of(",}", commas[a] + 1);
            if (end != std::string::npos) {
                s.insert(end, first);
            }
        }
        break;
    }
    }
}

} // namespace

TEST_CASE("the fast decoder takes every line the encoder writes", "[feeds][replay][event_json]") {
    const auto lines = encoder_lines(5000);
    REQUIRE(lines.size() == 5000);
    size_t fast = 0;
    for (const std::string& line : lines) {
        fast += check_line(line).fast ? 1 : 0;
    }
    CHECK(fast == lines.size());
}

TEST_CASE("the fast decoder takes every field kind and every flag of the format",
          "[feeds][replay][event_json]") {
    const auto made = made_lines(600);
    uint32_t types = 0, flags = 0, dexes = 0, sides = 0;
    size_t blocked = 0;
    for (const Made& m : made) {
        INFO(m.line);
        REQUIRE(check_line(m.line).fast); // and the same answer as the general path
        EventBuf ev;
        bool sell_blocked = false;
        REQUIRE(event_json_detail::decode_fast(m.line, ev, sell_blocked));
        REQUIRE(std::memcmp(&ev, &m.ev, sizeof ev) == 0);
        REQUIRE(sell_blocked == m.blocked);
        types |= 1u << ev.h.type;
        blocked += sell_blocked ? 1 : 0;
        if (ev.h.type == SNP_EVENT_NEW_POOL) {
            flags |= ev.new_pool.flags;
            dexes |= 1u << ev.new_pool.dex;
        } else if (ev.h.type == SNP_EVENT_TRADE) {
            sides |= 1u << ev.trade.side;
        }
    }
    CHECK(types == ((1u << SNP_EVENT_NEW_POOL) | (1u << SNP_EVENT_POOL_UPDATE) | (1u << SNP_EVENT_TRADE) |
                    (1u << SNP_EVENT_POOL_SAFETY) | (1u << SNP_EVENT_CURVE_COMPLETE)));
    for (const event_json_detail::Bit* b = event_json_detail::Format<snp_ev_new_pool>::bits; b->json != nullptr;
         ++b) {
        INFO(b->json);
        CHECK((flags & b->bit) != 0); // optional ones included
    }
    CHECK(dexes == (((1u << (SNP_DEX_PUMP_SWAP + 1)) - 1) & ~((1u << SNP_DEX_SIM) - 1)));
    CHECK(sides == ((1u << SNP_SIDE_BUY) | (1u << SNP_SIDE_SELL)));
    CHECK(blocked > 0);
}

TEST_CASE("the fast decoder agrees with the general path on unusual lines", "[feeds][replay][event_json]") {
    size_t fast = 0;
    for (const std::string& line : unusual_lines()) {
        fast += check_line(line).fast ? 1 : 0;
    }
    CHECK(fast == 6); // the plain ones: 0, 19 digits, all-zero/max keys, buy, sell, the new_pool at the limits
}

TEST_CASE("the fast decoder agrees with the general path on mutated lines", "[feeds][replay][event_json]") {
    std::vector<std::string> seeds = encoder_lines(400);
    for (const std::string& u : unusual_lines()) {
        seeds.push_back(u);
    }
    for (const Made& m : made_lines(100)) { // every optional flag, every dex, the edges
        seeds.push_back(m.line);
    }
    FuzzRng rng{0x51d3c0ffee12345ULL};
    size_t fast = 0, accepted = 0;
    const size_t rounds = 200000;
    for (size_t i = 0; i < rounds; ++i) {
        std::string line = seeds[rng.below(seeds.size())];
        const size_t edits = 1 + rng.below(3);
        for (size_t e = 0; e < edits; ++e) {
            mutate(line, rng);
        }
        const Checked c = check_line(line);
        fast += c.fast ? 1 : 0;
        accepted += c.ok ? 1 : 0;
    }
    // The mutations must reach both paths and both answers.
    CHECK(fast > rounds / 20);
    CHECK(accepted > fast);
    CHECK(accepted < rounds);
}

TEST_CASE("the 32-byte base58 decoder agrees with the general decoder", "[feeds][replay][base58]") {
    FuzzRng rng{0x2545f4914f6cdd1dULL};
    auto reference = [](const std::string& s, uint8_t* out) {
        std::vector<uint8_t> v;
        if (s.empty() || s.size() > 64 || !solana::base58_decode(s, v) || v.size() != 32) {
            return false;
        }
        std::memcpy(out, v.data(), 32);
        return true;
    };
    static const std::string kChars = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0OIl+\x80";
    size_t ok = 0;
    for (int n = 0; n < 100000; ++n) {
        uint8_t key[33];
        for (uint8_t& b : key) {
            b = rng.byte();
        }
        const size_t zeros = rng.below(34);
        for (size_t i = 0; i < zeros && i < 33; ++i) {
            key[i] = 0;
        }
        if (rng.chance(20)) {
            std::memset(key + 1, 0xFF, 32); // near 2^256
        }
        // Mostly 32 bytes; sometimes 33 (one too many, or a leading zero).
        std::string s = rng.chance(80) ? solana::base58_encode(key + 1, 32) : solana::base58_encode(key, 33);
        for (size_t e = rng.below(3); e > 0; --e) {
            switch (rng.below(4)) {
            case 0:
                if (!s.empty()) {
                    s[rng.below(s.size())] = kChars[rng.below(kChars.size())];
                }
                break;
            case 1:
                s.insert(s.begin() + static_cast<std::ptrdiff_t>(rng.below(s.size() + 1)),
                         kChars[rng.below(kChars.size())]);
                break;
            case 2:
                if (!s.empty()) {
                    s.erase(rng.below(s.size()), 1);
                }
                break;
            default:
                s = std::string(rng.below(3), '1') + s;
                break;
            }
        }
        INFO(s);
        uint8_t want[32], got[32];
        std::memset(got, 0x77, sizeof got);
        const bool ref = reference(s, want);
        REQUIRE(solana::base58_decode_fixed(s, got, 32) == ref);
        if (ref) {
            REQUIRE(std::memcmp(got, want, 32) == 0);
            ++ok;
        }
    }
    CHECK(ok > 30000);
    uint8_t out[32];
    CHECK(solana::base58_decode_fixed(kMax, out, 32));
    CHECK(solana::base58_decode_fixed(kZero, out, 32));
    CHECK_FALSE(solana::base58_decode_fixed("JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFH", out, 32)); // 2^256
    CHECK_FALSE(solana::base58_decode_fixed(kZero + "1", out, 32));
    CHECK_FALSE(solana::base58_decode_fixed(kZero.substr(1), out, 32));
}

TEST_CASE("the replay feed reads spaced lines and NUL lines as the decoder does", "[feeds][replay][event_json]") {
    testing::QuietLogs quiet;
    testing::TempDir dir;
    const auto lines = encoder_lines(3000);
    std::string text;
    std::vector<EventBuf> want;
    size_t nul_lines = 0, general_lines = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
        std::string line = lines[i];
        const bool new_pool = line.find("\"new_pool\"") != std::string::npos;
        if (i % 7 == 3 && !new_pool) { // refused with its NUL; later lines do not need it
            line[line.size() / 2] = '\0';
            ++nul_lines;
        } else if (i % 3 == 1) { // valid JSON the one-pass path leaves to the general one
            std::string spaced;
            for (const char c : line) {
                spaced += c;
                if (c == ',') {
                    spaced += ' ';
                }
            }
            line = " " + spaced + "\r";
            ++general_lines;
        }
        if (line.find('\0') == std::string::npos) {
            EventBuf ev;
            bool blocked = false;
            std::string_view view = line;
            if (!view.empty() && view.back() == '\r') {
                view.remove_suffix(1);
            }
            REQUIRE(event_json_detail::decode_fast(view, ev, blocked) == (i % 3 != 1)); // the path it takes
            REQUIRE(decode_event_json(view, ev).ok);
            want.push_back(ev);
        }
        text += line + "\n";
    }
    const std::string path = (dir.path / "mixed.jsonl").string();
    {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        REQUIRE(f != nullptr);
        REQUIRE(std::fwrite(text.data(), 1, text.size(), f) == text.size());
        std::fclose(f);
    }
    std::string err;
    auto feed = ReplayFeed::open(path, &err);
    REQUIRE(feed);
    std::vector<EventBuf> got;
    EventBuf ev;
    while (feed->next(ev)) {
        got.push_back(ev);
    }
    CHECK(general_lines > 500);
    CHECK(feed->skipped(ReplaySkip::Malformed) == nul_lines);
    CHECK(feed->rejected_inputs() == nul_lines);
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        INFO(i);
        REQUIRE(std::memcmp(&got[i], &want[i], sizeof(EventBuf)) == 0);
    }
}

TEST_CASE("new_pool safety bits round-trip, and an unknown fact with a safe-looking value is refused",
          "[feeds][replay][event_json]") {
    EventBuf ev;
    init_event(ev, SNP_EVENT_NEW_POOL);
    snp_ev_new_pool& np = ev.new_pool;
    np.h.source_ns = 1'000;
    np.pool.bytes[0] = 1;
    np.base_mint.bytes[0] = 2;
    np.quote_mint.bytes[0] = 3;
    np.creator.bytes[0] = 4;
    np.dex = SNP_DEX_RAYDIUM_AMM_V4;
    np.flags = SNP_POOL_MINT_AUTHORITY_PRESENT | SNP_POOL_FREEZE_AUTHORITY_PRESENT |
               SNP_POOL_AUTHORITIES_UNKNOWN | SNP_POOL_HOLDERS_UNKNOWN | SNP_POOL_LP_UNKNOWN;
    np.base_reserve_atoms = 10;
    np.quote_reserve_lamports = 20;
    np.token_supply_atoms = 30;
    np.fee_bps = 25;
    np.top10_holder_bps = 10000;
    np.base_decimals = 6;
    std::string line;
    encode_event_json(ev, false, line);
    while (!line.empty() && line.back() == '\n') {
        line.pop_back();
    }
    CHECK(line.find("\"authorities_unknown\":true") != std::string::npos);
    CHECK(line.find("\"holders_unknown\":true") != std::string::npos);
    CHECK(line.find("\"lp_unknown\":true") != std::string::npos);
    EventBuf back;
    const DecodeResult r = decode_event_json(line, back);
    INFO(r.error);
    REQUIRE(r.error.empty());
    CHECK(back.new_pool.flags == np.flags);
    CHECK(std::memcmp(&back, &ev, ev.h.size) == 0);
    // "unknown" beside a safe-looking value: refused.
    const auto refused = [&](const std::string& from, const std::string& to, const char* why) {
        std::string bad = line;
        const size_t at = bad.find(from);
        REQUIRE(at != std::string::npos);
        bad.replace(at, from.size(), to);
        EventBuf out;
        const DecodeResult d = decode_event_json(bad, out);
        CHECK_THAT(d.error, Catch::Contains(why));
    };
    refused("\"freeze_authority\":true", "\"freeze_authority\":false", "authorities_unknown");
    refused("\"top10_holder_bps\":10000", "\"top10_holder_bps\":500", "holders_unknown");
    refused("\"lp_burned_bps\":0", "\"lp_burned_bps\":9000", "lp_unknown");
    // Without the bits a line decodes as before (measured facts).
    np.flags = 0;
    line.clear();
    encode_event_json(ev, false, line);
    CHECK(line.find("unknown") == std::string::npos);
}
