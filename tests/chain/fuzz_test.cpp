// Deterministic mutation fuzzing of the Solana wire decoders (no libFuzzer
// with g++): the corpus in tests/chain/corpus (real messages) is mutated —
// bit flips, truncation, splices of two inputs, random bytes, and edits
// inside the base64 event payloads so the borsh decoders see near-valid
// bytes — and fed to the message decoder; the program-level decoders get
// the same treatment on raw event bytes. Properties: no crash, no read out
// of bounds (run the ASan+UBSan build), every event that comes out passes
// event_valid; and the logsNotification fast path (chain/fast_logs.hpp)
// gives what the DOM path gives on every input, near its edge or not.
// Bounded for CI; SNIPER_FUZZ_ITERS=N and SNIPER_FUZZ_SEED=S
// for a long run (scripts/fuzz_decoders.sh).
#include "chain_test_util.hpp"

#include "chain/accounts.hpp"
#include "chain/fast_logs.hpp"
#include "chain/pump_fun.hpp"
#include "chain/pump_swap.hpp"
#include "chain/raydium_v4.hpp"
#include "feeds/event_json.hpp"
#include "feeds/feed.hpp"
#include "solana/base64.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace sniper::chain;

namespace {

using Rng = sniper::testing::FuzzRng;

uint64_t env_u64(const char* name, uint64_t def) {
    const char* v = std::getenv(name);
    return v ? std::strtoull(v, nullptr, 10) : def;
}

std::vector<std::string> load_corpus() {
    std::vector<std::string> out;
    const auto dir = std::filesystem::path(SNIPER_TEST_DATA) / "chain" / "corpus";
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.path().extension() == ".json") {
            files.push_back(e.path());
        }
    }
    std::sort(files.begin(), files.end()); // deterministic order
    for (const auto& f : files) {
        out.push_back(chain_test::read_file(f.string()));
    }
    return out;
}

// Mutates a base64 payload found after `marker` in place: decode, change a
// few bytes (or the length), re-encode, so the event decoders get bytes
// that pass base64 and reach their own checks.
void mutate_event_payload(std::string& s, Rng& rng) {
    static const char* markers[] = {"Program data: ", "ray_log: ", "\"data\":[\""};
    const std::string m = markers[rng.below(3)];
    size_t at = s.find(m);
    for (size_t k = rng.below(4); k > 0 && at != std::string::npos; --k) {
        at = s.find(m, at + 1);
    }
    if (at == std::string::npos) {
        return;
    }
    const size_t start = at + m.size();
    size_t end = start;
    while (end < s.size() && (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '+' ||
                              s[end] == '/' || s[end] == '=')) {
        ++end;
    }
    std::vector<uint8_t> buf(end - start + 4);
    size_t n = 0;
    if (base64_decode_into(std::string_view(s).substr(start, end - start), buf.data(), buf.size(),
                           n) != Reject::None) {
        return;
    }
    buf.resize(n);
    switch (rng.below(4)) {
    case 0:
        for (int i = 0; i < 3 && !buf.empty(); ++i) {
            buf[rng.below(buf.size())] = static_cast<uint8_t>(rng.next());
        }
        break;
    case 1:
        buf.resize(rng.below(buf.size() + 1));
        break;
    case 2:
        for (size_t i = rng.below(40); i > 0; --i) {
            buf.push_back(static_cast<uint8_t>(rng.next()));
        }
        break;
    default:
        if (buf.size() > 12) { // a huge or off-by-a-few string length
            const size_t p = 8 + rng.below(buf.size() - 12);
            const uint32_t v = static_cast<uint32_t>(rng.below(2) ? rng.next() : rng.below(300));
            std::memcpy(buf.data() + p, &v, 4);
        }
    }
    s.replace(start, end - start, sniper::solana::base64_encode(buf));
}

std::string mutate(const std::vector<std::string>& corpus, Rng& rng) {
    std::string s = corpus[rng.below(corpus.size())];
    const size_t rounds = 1 + rng.below(3);
    for (size_t r = 0; r < rounds; ++r) {
        switch (rng.below(7)) {
        case 0: // bit flips
            for (size_t i = 1 + rng.below(4); i > 0 && !s.empty(); --i) {
                s[rng.below(s.size())] ^= static_cast<char>(1u << rng.below(8));
            }
            break;
        case 1: // truncate
            s.resize(rng.below(s.size() + 1));
            break;
        case 2: { // splice with another input
            const std::string& o = corpus[rng.below(corpus.size())];
            const size_t a = rng.below(s.size() + 1), b = rng.below(o.size() + 1);
            s = s.substr(0, a) + o.substr(b);
            break;
        }
        case 3: // random bytes
            for (size_t i = 1 + rng.below(8); i > 0; --i) {
                s.insert(s.begin() + static_cast<std::ptrdiff_t>(rng.below(s.size() + 1)),
                         static_cast<char>(rng.next()));
            }
            break;
        case 4: { // duplicate a slice (keys, arrays, log lines)
            if (s.size() > 2) {
                const size_t a = rng.below(s.size()),
                             len = 1 + rng.below(std::min<size_t>(200, s.size() - a));
                s.insert(a, s.substr(a, len));
            }
            break;
        }
        case 5: { // swap a digit run for a big or negative number
            const size_t a = s.find_first_of("0123456789", rng.below(s.size() + 1));
            if (a != std::string::npos) {
                size_t b = a;
                while (b < s.size() && std::isdigit(static_cast<unsigned char>(s[b]))) {
                    ++b;
                }
                static const char* nums[] = {"18446744073709551616",
                                             "-1",
                                             "1e400",
                                             "0",
                                             "18446744073709551615",
                                             "99999999999999999999999",
                                             "1.5",
                                             "-9223372036854775809"};
                s.replace(a, b - a, nums[rng.below(8)]);
            }
            break;
        }
        default:
            mutate_event_payload(s, rng);
        }
    }
    return s;
}

} // namespace

TEST_CASE("fuzz: mutated messages never crash and only valid events come out", "[chain][fuzz]") {
    const auto corpus = load_corpus();
    REQUIRE(corpus.size() >= 10);
    const uint64_t iters = env_u64("SNIPER_FUZZ_ITERS", 50000);
    Rng rng{(env_u64("SNIPER_FUZZ_SEED", 0x5eed5eedULL) * 0x9E3779B97F4A7C15ULL) | 1};
    SolanaWsDecoder dec; // one decoder: its registry fills as pools are seen
    uint64_t accepted = 0, events = 0;
    for (const auto& c : corpus) {
        REQUIRE(dec.decode(c).reject != Reject::JsonInvalid); // the seeds themselves parse
    }
    // The corpus's Raydium pools followed: account messages are also
    // decoded as notifications of their vaults (the token-account path).
    const std::vector<sniper::Pubkey> vaults =
        dec.follow({chain_test::key("6DrWmJAVcCLUTHzgdMoKroZCwdcS8sodLgctiBqvyys6")});
    REQUIRE(vaults.size() == 2);
    for (uint64_t i = 0; i < iters; ++i) {
        const std::string input = mutate(corpus, rng);
        const DecodeResult& r =
            rng.below(4) == 0 ? dec.decode(input, vaults[rng.below(vaults.size())]) : dec.decode(input);
        if (r.ok()) {
            ++accepted;
        } else {
            REQUIRE(r.n_events == 0);
        }
        for (uint32_t k = 0; k < r.n_events; ++k) {
            ++events;
            sniper::EventBuf ev;
            sniper::init_event(ev, r.events[k].h.type);
            std::memcpy(static_cast<void*>(&ev), &r.events[k], r.events[k].h.size);
            std::string line;
            sniper::encode_event_json(ev, false, line);
            if (!event_valid(r.events[k])) {
                FAIL("invalid event " << line << " from input #" << i << ": "
                                      << input.substr(0, 300));
            }
            // ... and the replay feed's parser takes its line.
            sniper::EventBuf back;
            const auto d = sniper::decode_event_json(line, back);
            if (!d.ok) {
                FAIL("event line the replay feed refuses (" << d.error << "): " << line);
            }
        }
    }
    WARN("fuzz: " << iters << " inputs, " << accepted << " accepted, " << events << " events");
}

TEST_CASE("fuzz: event decoders on mutated and random bytes", "[chain][fuzz]") {
    // Seeds: every Program data / ray_log payload and account blob in the corpus.
    std::vector<std::vector<uint8_t>> seeds;
    for (const auto& c : load_corpus()) {
        for (const char* m : {"Program data: ", "ray_log: ", "\"data\":[\""}) {
            for (size_t at = c.find(m); at != std::string::npos; at = c.find(m, at + 1)) {
                const size_t start = at + std::strlen(m);
                const size_t end = c.find_first_of("\" ", start);
                std::vector<uint8_t> b(end - start + 4);
                size_t n = 0;
                if (base64_decode_into(std::string_view(c).substr(start, end - start), b.data(),
                                       b.size(), n) == Reject::None) {
                    b.resize(n);
                    seeds.push_back(b);
                }
            }
        }
    }
    REQUIRE(seeds.size() >= 10);
    // AMM pool accounts (no capture holds one): an AmmInfo-sized blob and a
    // PumpSwap Pool with its discriminator and coin_creator.
    seeds.emplace_back(kRaydiumAmmInfoLen, uint8_t{0x5a});
    std::vector<uint8_t> pool(243, 0x33);
    std::memcpy(pool.data(), kPumpSwapPoolDisc, 8);
    seeds.push_back(pool);
    const uint64_t iters = env_u64("SNIPER_FUZZ_ITERS", 50000) * 5;
    Rng rng{(env_u64("SNIPER_FUZZ_SEED", 0xb0b5ULL) * 0xD1B54A32D192ED03ULL) | 1};
    for (uint64_t i = 0; i < iters; ++i) {
        std::vector<uint8_t> b = seeds[rng.below(seeds.size())];
        switch (rng.below(4)) {
        case 0:
            for (size_t k = 1 + rng.below(4); k > 0 && !b.empty(); --k) {
                b[rng.below(b.size())] = static_cast<uint8_t>(rng.next());
            }
            break;
        case 1:
            b.resize(rng.below(b.size() + 1));
            break;
        case 2:
            for (size_t k = rng.below(64); k > 0; --k) {
                b.push_back(static_cast<uint8_t>(rng.next()));
            }
            break;
        default:
            b.assign(rng.below(512), 0);
            for (auto& x : b) {
                x = static_cast<uint8_t>(rng.next());
            }
        }
        // Exact-size heap copies so ASan sees any read past the end.
        std::unique_ptr<uint8_t[]> p(new uint8_t[b.size() + 1]);
        std::memcpy(p.get(), b.data(), b.size());
        pump::Event pe;
        (void)pump::decode_event(p.get(), b.size(), pe);
        pump_swap::Event se;
        (void)pump_swap::decode_event(p.get(), b.size(), se);
        raydium::RayLog rl;
        (void)raydium::decode_ray_log(p.get(), b.size(), rl);
        raydium::Initialize2 i2;
        (void)raydium::parse_initialize2_data(p.get(), b.size(), i2);
        bool matched = false;
        (void)raydium::parse_initialize2_line(
            std::string_view(reinterpret_cast<const char*>(p.get()), b.size()), matched, i2);
        BondingCurve bc;
        (void)decode_bonding_curve(p.get(), b.size(), bc);
        Mint m;
        (void)decode_mint(p.get(), b.size(), rng.below(2) == 0, m);
        TokenAccount ta;
        (void)decode_token_account(p.get(), b.size(), rng.below(2) == 0, ta);
        AmmPoolAccount lp;
        if (decode_raydium_amm_lp(p.get(), b.size(), lp) == Reject::None ||
            decode_pump_swap_pool_lp(p.get(), b.size(), lp) == Reject::None) {
            const auto bps = lp_burned_bps(lp.lp_count, static_cast<uint64_t>(rng.next()));
            CHECK((!bps || *bps <= 10000));
        }
    }
    SUCCEED();
}

namespace {

// Edits that keep a logsNotification close to the fast path's edge: JSON
// whitespace, escapes, non-ASCII, duplicates and missing fields, other
// number forms, a failed transaction, depth.
std::string mutate_logs(const std::string& seed, Rng& rng) {
    std::string s = seed;
    if (s.size() < 2) { // cut to nothing by an earlier round
        return s + "{}";
    }
    const auto somewhere = [&] { return rng.below(s.size() + 1); };
    // Top-level additions go after the method (nodes write it first, and
    // the fast path only looks for it in the first bytes).
    const auto top = [&] {
        const std::string m = "\"method\":\"logsNotification\",";
        const size_t a = s.find(m);
        return a == std::string::npos ? size_t{1} : a + m.size();
    };
    const auto replace_first = [&](const std::string& from, const std::string& to) {
        if (const size_t a = s.find(from); a != std::string::npos) {
            s.replace(a, from.size(), to);
        }
    };
    switch (rng.below(14)) {
    case 0: // whitespace where JSON allows it, or anywhere
        for (size_t i = 1 + rng.below(3); i > 0; --i) {
            const char ws[] = {' ', '\n', '\t', '\r'};
            const size_t a = s.find_first_of(",:{}[]", rng.below(s.size()));
            s.insert(a == std::string::npos ? somewhere() : a + (rng.below(2) ? 1 : 0), 1,
                     ws[rng.below(4)]);
        }
        break;
    case 1: { // an escape inside a log line (valid or not)
        static const char* esc[] = {"\\\"", "\\\\", "\\u0041", "\\n", "\\x", "\\u12", "\\/"};
        const size_t a = s.find("Program ", rng.below(s.size()));
        s.insert(a == std::string::npos ? somewhere() : a + 8, esc[rng.below(7)]);
        break;
    }
    case 2: { // non-ASCII: valid UTF-8 or a stray byte
        static const char* bytes[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x92\xB0", "\xC3",
                                      "\xFF", "\x7F", "\x01"};
        s.insert(somewhere(), bytes[rng.below(7)]);
        break;
    }
    case 3: // a duplicate of a field the decoder reads
    {
        static const char* dups[] = {"\"err\":null,", "\"slot\":1,", "\"logs\":[],",
                                     "\"signature\":\"x\",", "\"method\":\"logsNotification\",",
                                     "\"result\":{},", "\"context\":{\"slot\":2},",
                                     "\"params\":{},", "\"value\":{},"};
        const char* d = dups[rng.below(9)];
        const size_t a = s.find('{', rng.below(s.size()));
        s.insert(a == std::string::npos ? 1 : a + 1, d);
        break;
    }
    case 4: { // a field removed or renamed
        static const char* keys[] = {"\"err\"", "\"slot\"", "\"logs\"", "\"signature\"",
                                     "\"method\"", "\"context\"", "\"value\"", "\"result\""};
        replace_first(keys[rng.below(8)], "\"zzz\"");
        break;
    }
    case 5: { // the slot in other number forms
        static const char* slots[] = {"-1", "1.5", "1e3", "0", "-0", "007", "18446744073709551615",
                                      "18446744073709551616", "999999999999999999",
                                      "1000000000000000000", "\"5\"", "null", "true"};
        const size_t a = s.find("\"slot\":");
        if (a != std::string::npos) {
            size_t b = a + 7;
            while (b < s.size() && (std::isdigit(static_cast<unsigned char>(s[b])) != 0)) {
                ++b;
            }
            s.replace(a + 7, b - a - 7, slots[rng.below(13)]);
        }
        break;
    }
    case 6: // a failed transaction, or err of another type
    {
        static const char* errs[] = {"{\"InstructionError\":[2,{\"Custom\":6001}]}", "\"x\"", "1",
                                     "[]", "false", "nul", "{\"a\":1.5e3}"};
        replace_first("\"err\":null", std::string("\"err\":") + errs[rng.below(7)]);
        break;
    }
    case 7: // a JSON-RPC error beside the notification
        s.insert(top(), "\"error\":{\"code\":-32000,\"message\":\"x\"},");
        break;
    case 8: { // deep nesting in an ignored field
        const size_t depth = 25 + rng.below(50);
        s.insert(top(), "\"deep\":" + std::string(depth, '[') + std::string(depth, ']') + ",");
        break;
    }
    case 9: // trailing bytes, or a cut
        if (rng.below(2)) {
            s += rng.below(2) ? " " : "x";
        } else {
            s.resize(rng.below(s.size() + 1));
        }
        break;
    case 10: { // literals and numbers in an ignored field
        static const char* vals[] = {"true", "false", "null", "tru", "-", "01", "1.", "[1,]",
                                     "{\"a\"}", "{,}", "[,1]", "\"\"", "-12", "{\"a\":[{}]}"};
        s.insert(top(), std::string("\"extra\":") + vals[rng.below(14)] + ",");
        break;
    }
    case 11: // logs of another type
    {
        static const char* logs[] = {"null", "[1]", "[\"a\",null]", "{}", "[[]]", "[\"a\",]"};
        const size_t a = s.find("\"logs\":");
        if (a != std::string::npos) {
            const size_t b = s.find(']', a);
            if (b != std::string::npos) {
                s.replace(a + 7, b - a - 6, logs[rng.below(6)]);
            }
        }
        break;
    }
    case 12: // a log line over the node's limit or a spoofed one
        replace_first("\"logs\":[", "\"logs\":[\"Program log: " +
                                        std::string(rng.below(2) ? 10'100 : 10, 'a') + "\",");
        break;
    default: // a generic byte edit
        s[rng.below(s.size())] = static_cast<char>(rng.next());
    }
    return s;
}

} // namespace

TEST_CASE("fuzz: the logsNotification fast path and the DOM path agree", "[chain][fuzz]") {
    const auto corpus = load_corpus();
    std::vector<std::string> logs_seeds;
    for (const auto& c : corpus) {
        if (c.find("\"logsNotification\"") != std::string::npos) {
            logs_seeds.push_back(c);
        }
    }
    REQUIRE(logs_seeds.size() >= 5);
    const uint64_t iters = env_u64("SNIPER_FUZZ_ITERS", 50000) / 2;
    Rng rng{(env_u64("SNIPER_FUZZ_SEED", 0x5eed5eedULL) * 0xD1B54A32D192ED03ULL) | 1};
    DecoderConfig dom_cfg;
    dom_cfg.fast_logs = false;
    SolanaWsDecoder fast, dom(dom_cfg); // the same inputs in the same order: same registries
    FastLogs probe;
    uint64_t fast_taken = 0, fast_ok = 0, fast_refused = 0, declined = 0;
    for (const auto& seed : logs_seeds) {
        // Every real notification in the corpus takes the fast path.
        INFO(seed.substr(0, 200));
        REQUIRE(scan_logs_notification(seed, probe));
    }
    for (uint64_t i = 0; i < iters; ++i) {
        std::string input = mutate_logs(logs_seeds[rng.below(logs_seeds.size())], rng);
        if (rng.below(4) == 0) {
            input = mutate_logs(input, rng);
        } else if (rng.below(8) == 0) {
            input = mutate(corpus, rng);
        }
        fast_logs_allow_avx2(i % 2 == 0); // both versions of the first pass
        const bool taken = scan_logs_notification(input, probe);
        const DecodeResult& a = fast.decode(input);
        const DecodeResult& b = dom.decode(input);
        if (const std::string d = chain_test::diff_results(a, b); !d.empty()) {
            FAIL("fast path and DOM differ (" << d << ") on input #" << i << " (fast path "
                                              << (taken ? "taken" : "declined")
                                              << "): " << input.substr(0, 600));
        }
        if (taken) {
            ++fast_taken;
            (a.ok() ? fast_ok : fast_refused) += 1;
        } else {
            ++declined;
        }
    }
    fast_logs_allow_avx2(true);
    WARN("fast path: " << iters << " inputs, " << fast_taken << " taken (" << fast_ok
                       << " accepted, " << fast_refused << " refused after the scan), "
                       << declined << " declined to the DOM");
    // Both sides of the edge are exercised.
    REQUIRE(fast_ok > iters / 10);
    REQUIRE(declined > iters / 10);
}
