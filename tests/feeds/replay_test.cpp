#include "core/log.hpp"
#include "feeds/event_json.hpp"
#include "feeds/replay.hpp"
#include "feeds/sim_market.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

#include <cstdio>
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
        {update(10, "18446744073709551616", "5"), "invalid JSON"},
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
    auto feed = ReplayFeed::open(f.path, &err);
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
    Pubkey mint;
    REQUIRE(pubkey_from_base58(kMint, mint));
    CHECK(feed->sell_blocked(mint));
}

TEST_CASE("a missing replay file is a clear error", "[feeds][replay]") {
    std::string err;
    CHECK_FALSE(ReplayFeed::open("/nonexistent/x.jsonl", &err));
    CHECK_THAT(err, Catch::Contains("/nonexistent/x.jsonl"));
}
