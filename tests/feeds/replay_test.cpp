#include "core/log.hpp"
#include "feeds/event_json.hpp"
#include "feeds/replay.hpp"
#include "feeds/sim_market.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

using namespace sniper;
using testing::QuietLogs;

namespace {
struct TempFile {
    std::string path;
    explicit TempFile(const std::string& text) {
        char tmpl[] = "/tmp/sniper-replay-XXXXXX";
        const int fd = mkstemp(tmpl);
        REQUIRE(fd >= 0);
        path = tmpl;
        REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
        ::close(fd);
    }
    ~TempFile() { std::remove(path.c_str()); }
};
const std::string kPool = "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8";
const std::string kMint = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const std::string kSol = "So11111111111111111111111111111111111111112";
std::string new_pool(int64_t t) {
    return R"({"type":"new_pool","source_ns":)" + std::to_string(t) + R"(,"slot":1,"pool":")" + kPool +
           R"(","base_mint":")" + kMint + R"(","quote_mint":")" + kSol + R"(","creator":")" + kSol +
           R"(","dex":"sim","mint_authority":false,"freeze_authority":true,"base_reserve_atoms":800000000000000,)"
           R"("quote_reserve_lamports":30000000000,"token_supply_atoms":1000000000000000,"fee_bps":25,)"
           R"("lp_burned_bps":10000,"top10_holder_bps":2000,"base_decimals":6,"sell_blocked":true})";
}
std::string update(int64_t t, const std::string& base, const std::string& quote) {
    return R"({"type":"pool_update","source_ns":)" + std::to_string(t) + R"(,"slot":2,"pool":")" + kPool +
           R"(","base_mint":")" + kMint + R"(","base_reserve_atoms":)" + base +
           R"(,"quote_reserve_lamports":)" + quote + "}";
}
} // namespace

TEST_CASE("encode and decode are a pair", "[feeds][replay]") {
    SimFeedConfig cfg;
    cfg.duration_ns = 5LL * 60 * kNsPerSec;
    cfg.pools_per_minute = 20;
    SimMarket m(cfg);
    EventBuf ev, back;
    int n = 0;
    while (m.next(ev) && n < 2000) {
        std::string line;
        encode_event_json(ev, false, line);
        line.pop_back();
        const DecodeResult r = decode_event_json(line, back);
        REQUIRE(r.ok);
        REQUIRE(back.h.type == ev.h.type);
        REQUIRE(back.h.source_ns == ev.h.source_ns);
        switch (ev.h.type) {
        case SNP_EVENT_NEW_POOL:
            REQUIRE(std::memcmp(&back.new_pool.pool, &ev.new_pool.pool,
                                sizeof(snp_ev_new_pool) - sizeof(snp_event_header)) == 0);
            break;
        case SNP_EVENT_POOL_UPDATE:
            REQUIRE(back.pool_update.base_reserve_atoms == ev.pool_update.base_reserve_atoms);
            REQUIRE(back.pool_update.quote_reserve_lamports == ev.pool_update.quote_reserve_lamports);
            REQUIRE(back.pool_update.price_lamports_per_atom == ev.pool_update.price_lamports_per_atom);
            break;
        case SNP_EVENT_TRADE:
            REQUIRE(std::memcmp(&back.trade.pool, &ev.trade.pool,
                                sizeof(snp_ev_trade) - sizeof(snp_event_header)) == 0);
            break;
        }
        ++n;
    }
    CHECK(n == 2000);
}

TEST_CASE("hostile replay lines are refused with a reason and skipped", "[feeds][replay]") {
    struct Case {
        std::string line;
        std::string expect;
    };
    const std::vector<Case> cases = {
        {"garbage{", "invalid JSON"},
        {"[1,2,3]", "expected a JSON object"},
        {R"({"type":"nope","source_ns":1,"slot":1})", "field \"type\""},
        {update(10, "0", "5"), "field \"base_reserve_atoms\": expected a positive integer, found 0"},
        {update(10, "-5", "5"), "found a negative integer"},
        {update(10, "1.5", "5"), "found a floating-point number"},
        {update(10, "\"12\"", "5"), "found a string"},
        {update(10, "18446744073709551616", "5"),
         "expected integers of at most 18446744073709551615 (u64), found 18446744073709551616"},
        {update(10, "0000000000000000000000000000000000000000000018446744073709551615", "99999999999999999999999"),
         "found 99999999999999999999999"},
        {R"({"type":"pool_update","source_ns":10,"slot":2,"pool":"not-base58!","base_mint":")" + kMint +
             R"(","base_reserve_atoms":1,"quote_reserve_lamports":1})",
         "field \"pool\": expected a base58 32-byte address"},
        {R"({"type":"trade","source_ns":10,"slot":2})", "field \"pool\""},
    };
    for (const Case& c : cases) {
        EventBuf ev;
        const DecodeResult r = decode_event_json(c.line, ev);
        INFO(c.line);
        CHECK_FALSE(r.ok);
        CHECK_THAT(r.error, Catch::Contains(c.expect));
    }
}

TEST_CASE("the replay feed skips bad lines and keeps going", "[feeds][replay]") {
    QuietLogs quiet;
    std::string text;
    text += "# a comment\n\n";
    text += update(5, "1", "1") + "\n";     // before its pool exists: refused
    text += new_pool(10) + "\n";            // ok
    text += "{not json\n";                  // refused
    text += update(20, "700000000000000", "40000000000") + "\n"; // ok
    text += update(15, "700000000000000", "40000000000") + "\n"; // back in time: refused
    text += update(30, "0", "40000000000") + "\n";               // zero reserve: refused
    text += std::string(2 << 20, 'x') + "\n";                    // 2 MiB line: refused
    text += update(40, "600000000000000", "50000000000") + "\n"; // ok
    // The pool's update naming another mint: refused.
    std::string wrong_mint = update(50, "600000000000000", "50000000000");
    wrong_mint.replace(wrong_mint.find(kMint), kMint.size(), kSol);
    text += wrong_mint + "\n";
    TempFile f(text);
    std::string err;
    ReplayOptions strict; // no reordering: the line back in time is refused
    strict.reorder_lines = 0;
    auto feed = ReplayFeed::open(f.path, &err, strict);
    REQUIRE(feed);
    EventBuf ev;
    std::vector<int64_t> times;
    while (feed->next(ev)) {
        times.push_back(ev.h.source_ns);
        if (ev.h.type == SNP_EVENT_POOL_UPDATE) {
            CHECK(ev.pool_update.price_lamports_per_atom > 0);
        }
    }
    CHECK(times == std::vector<int64_t>{10, 20, 40});
    CHECK(feed->rejected_inputs() == 6);
    CHECK(feed->lines_read() == 9);
    CHECK(feed->skipped_summary() ==
          "malformed 2, too_long 1, out_of_order 1, unknown_pool 1, mint_mismatch 1");
    Pubkey mint;
    REQUIRE(pubkey_from_base58(kMint, mint));
    CHECK(feed->sell_blocked(mint));
}

TEST_CASE("a missing replay file is a clear error", "[feeds][replay]") {
    std::string err;
    CHECK_FALSE(ReplayFeed::open("/nonexistent/x.jsonl", &err));
    CHECK_THAT(err, Catch::Contains("/nonexistent/x.jsonl"));
}

namespace {
// Reads a whole replay; the source times it handed out.
std::vector<int64_t> replay_times(const std::string& text, const ReplayOptions& opts,
                                  std::unique_ptr<ReplayFeed>* keep = nullptr) {
    static std::vector<std::unique_ptr<TempFile>> files;
    files.push_back(std::make_unique<TempFile>(text));
    std::string err;
    auto feed = ReplayFeed::open(files.back()->path, &err, opts);
    REQUIRE(feed);
    EventBuf ev;
    std::vector<int64_t> times;
    while (feed->next(ev)) {
        times.push_back(static_cast<int64_t>(ev.h.source_ns));
    }
    if (keep != nullptr) {
        *keep = std::move(feed);
    }
    return times;
}
constexpr int64_t kSec = 1'000'000'000;
} // namespace

TEST_CASE("replay: one far-future timestamp is refused alone, the rest replays", "[feeds][replay]") {
    QuietLogs quiet;
    std::string text = new_pool(kSec) + "\n";
    std::vector<int64_t> want = {kSec};
    for (int64_t i = 2; i <= 3000; ++i) {
        if (i == 100) {
            text += update(4'000'000'000LL * kSec, "700000000000000", "40000000000") + "\n"; // year 2096
            continue;
        }
        text += update(i * kSec, "700000000000000", "40000000000") + "\n";
        want.push_back(i * kSec);
    }
    std::unique_ptr<ReplayFeed> feed;
    CHECK(replay_times(text, ReplayOptions{}, &feed) == want);
    CHECK(feed->rejected_inputs() == 1);
    CHECK(feed->skipped(ReplaySkip::FarJump) == 1);
    CHECK(feed->lines_read() == 3000);

    SECTION("the same when the outlier is the last line") {
        const std::string last = text + update(9'000'000'000LL * kSec, "1", "1") + "\n";
        CHECK(replay_times(last, ReplayOptions{}, &feed) == want);
        CHECK(feed->skipped(ReplaySkip::FarJump) == 2); // line 100 and the last
    }
}

TEST_CASE("replay: a gap the next line confirms is a real gap, not an outlier", "[feeds][replay]") {
    QuietLogs quiet;
    const int64_t later = 5 * 3600 * kSec; // the recorder was off for five hours
    const std::string text = new_pool(kSec) + "\n" + update(2 * kSec, "7", "4") + "\n" +
                             update(later, "7", "4") + "\n" + update(later + kSec, "7", "4") + "\n";
    std::unique_ptr<ReplayFeed> feed;
    CHECK(replay_times(text, ReplayOptions{}, &feed) == std::vector<int64_t>{kSec, 2 * kSec, later, later + kSec});
    CHECK(feed->rejected_inputs() == 0);

    SECTION("max_jump = 0 believes any jump") {
        ReplayOptions any;
        any.max_jump_ns = 0;
        const std::string lone = new_pool(kSec) + "\n" + update(later, "7", "4") + "\n";
        CHECK(replay_times(lone, any, &feed) == std::vector<int64_t>{kSec, later});
    }
}

TEST_CASE("replay: swapped neighbouring lines are put back in order, never cascade", "[feeds][replay]") {
    QuietLogs quiet;
    std::string text = new_pool(kSec) + "\n";
    std::vector<int64_t> want = {kSec};
    for (int64_t i = 2; i <= 1000; i += 2) {
        text += update((i + 1) * kSec, "7", "4") + "\n"; // each pair swapped
        text += update(i * kSec, "7", "4") + "\n";
        want.push_back(i * kSec);
        want.push_back((i + 1) * kSec);
    }
    std::unique_ptr<ReplayFeed> feed;
    CHECK(replay_times(text, ReplayOptions{}, &feed) == want);
    CHECK(feed->rejected_inputs() == 0);

    SECTION("a line later than the window is refused alone") {
        ReplayOptions small;
        small.reorder_lines = 2;
        std::string late = new_pool(kSec) + "\n";
        for (int64_t i = 2; i <= 10; ++i) {
            late += update(i * 10 * kSec, "7", "4") + "\n";
        }
        late += update(25 * kSec, "7", "4") + "\n"; // 7 lines late
        late += update(110 * kSec, "7", "4") + "\n";
        const auto got = replay_times(late, small, &feed);
        CHECK(got.size() == 11);
        CHECK(std::is_sorted(got.begin(), got.end()));
        CHECK(feed->skipped(ReplaySkip::OutOfOrder) == 1);
    }
}

TEST_CASE("replay: a NUL byte makes one bad line, never two merged ones", "[feeds][replay]") {
    QuietLogs quiet;
    std::string bad = update(2 * kSec, "7", "4");
    bad[10] = '\0';
    const std::string text = new_pool(kSec) + "\n" + bad + "\n" + update(3 * kSec, "7", "4") + "\n";
    std::unique_ptr<ReplayFeed> feed;
    CHECK(replay_times(text, ReplayOptions{}, &feed) == std::vector<int64_t>{kSec, 3 * kSec});
    CHECK(feed->skipped(ReplaySkip::Malformed) == 1);
    CHECK(feed->lines_read() == 3);
}

TEST_CASE("replay: pool_safety lines follow their pool's new_pool and carry no unknown fact at a safe value",
          "[feeds][replay]") {
    QuietLogs quiet;
    const auto safety = [](int64_t t, const std::string& pool, const std::string& mint, const std::string& tail) {
        return R"({"type":"pool_safety","source_ns":)" + std::to_string(t) + R"(,"slot":3,"pool":")" + pool +
               R"(","base_mint":")" + mint + R"(","dex":"raydium_amm_v4","mint_authority":false,)" +
               R"("freeze_authority":false,)" + tail + "}";
    };
    std::string text;
    text += safety(5, kPool, kMint, R"("lp_burned_bps":10000,"top10_holder_bps":900)") + "\n"; // before its pool
    text += new_pool(10) + "\n";
    text += safety(20, kPool, kSol, R"("lp_burned_bps":10000,"top10_holder_bps":900)") + "\n"; // another mint
    text += safety(30, kPool, kMint, R"("lp_burned_bps":10001,"top10_holder_bps":900)") + "\n"; // out of range
    text += safety(40, kPool, kMint, R"("lp_burned_bps":5000,"top10_holder_bps":900,"lp_unknown":true)") +
            "\n"; // unknown beside a value
    text += safety(45, kPool, kMint, R"("lp_burned_bps":10000,"top10_holder_bps":900,"token_program_unknown":true)") +
            "\n"; // an unknown token program not recorded as Token-2022
    text += safety(50, kPool, kMint, R"("lp_burned_bps":10000,"top10_holder_bps":900,"token_2022":true)") +
            "\n"; // ok
    TempFile f(text);
    std::string err;
    ReplayOptions strict;
    strict.reorder_lines = 0;
    auto feed = ReplayFeed::open(f.path, &err, strict);
    REQUIRE(feed);
    EventBuf ev;
    std::vector<uint16_t> types;
    while (feed->next(ev)) {
        types.push_back(ev.h.type);
        if (ev.h.type == SNP_EVENT_POOL_SAFETY) {
            CHECK(ev.h.size == sizeof(snp_ev_pool_safety));
            CHECK(ev.h.source_ns == 50);
            CHECK(ev.pool_safety.dex == SNP_DEX_RAYDIUM_AMM_V4);
            CHECK(ev.pool_safety.flags == SNP_POOL_TOKEN_2022);
            CHECK(ev.pool_safety.lp_burned_bps == 10000);
            CHECK(ev.pool_safety.top10_holder_bps == 900);
        }
    }
    CHECK(types == std::vector<uint16_t>{SNP_EVENT_NEW_POOL, SNP_EVENT_POOL_SAFETY});
    CHECK(feed->skipped_summary() == "malformed 3, unknown_pool 1, mint_mismatch 1");
    // The line the encoder writes for it decodes to the same event.
    EventBuf s;
    init_event(s, SNP_EVENT_POOL_SAFETY);
    s.h.source_ns = 7;
    s.pool_safety.pool.bytes[0] = 1;
    s.pool_safety.base_mint.bytes[0] = 2;
    s.pool_safety.dex = SNP_DEX_PUMP_SWAP;
    s.pool_safety.flags = SNP_POOL_HOLDERS_UNKNOWN | SNP_POOL_TOKEN_2022 | SNP_POOL_TOKEN_PROGRAM_UNKNOWN;
    s.pool_safety.lp_burned_bps = 7500;
    s.pool_safety.top10_holder_bps = 10000;
    std::string line;
    encode_event_json(s, false, line);
    EventBuf back;
    const DecodeResult r = decode_event_json(line, back);
    INFO(line);
    REQUIRE(r.ok);
    CHECK(std::memcmp(&back, &s, sizeof(snp_ev_pool_safety)) == 0);
}
