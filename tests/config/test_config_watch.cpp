// [feeds.watch]: the RPC-polled pools feed — every key read, defaults, the
// feed it excludes, and every error reported at once with its position.
#include "config_test_util.hpp"

#include <catch2/catch.hpp>

using namespace sniper;
using namespace sniper::test;

namespace {
const std::string kMint = "HdBRk8WZwF2W4FbAHvsq93X3Nx3ftdw7mwo8EQ8DMXZ";
const std::string kPool = "HWZ1HbyJD2FLSZ1dF8Y3s8K2yKhD9FqnjPxDqSrfT9ax";
const std::string kVault = "oyv2JXCNrBPjhUk7j9EtnFm2wC7rdEt2BJvzGzPzfY2";
const std::string kPool2 = "3XJM2MKe6GYWpUFJFTB3gpDYoC9bywP69YAS98QViSBw";
const std::string kWsolAccount = "2DSShtvxXpHmtSep8EbiQ6c9dKMf57NVoKXCThiuXu8f";

std::string pool_table(const std::string& pool, const std::string& sol_kind = "lamports") {
    return "[[feeds.watch.pool]]\nmint = \"" + kMint + "\"\npool = \"" + pool +
           "\"\ntoken_vault = \"" + kVault + "\"\nsol_account = \"" + pool + "\"\nsol_kind = \"" +
           sol_kind + "\"\n";
}

std::string b58(const Pubkey& k) {
    return to_base58(k);
}
} // namespace

TEST_CASE("[feeds.watch] every key read, and it replaces the simulated feed", "[config][watch]") {
    const auto r = load(R"([feeds.watch]
rpc = ["http://127.0.0.1:8899", "https://rpc.example.com/x"]
interval = "250ms"
heartbeat = "3s"
stale_after = "2s"
)" + pool_table(kPool) + "decimals = 6\nfee_bps = 30\ndex = \"pump_swap\"\n" +
                        pool_table(kPool2, "token"));
    INFO(dump(r.errors));
    REQUIRE(r.config);
    const FeedsConfig& f = r.config->feeds;
    CHECK(f.watch.enabled);
    CHECK_FALSE(f.sim.enabled);
    CHECK_FALSE(f.replay.enabled);
    const WatchFeedConfig& w = f.watch;
    CHECK(w.rpc_urls ==
          std::vector<std::string>{"http://127.0.0.1:8899", "https://rpc.example.com/x"});
    CHECK(w.interval_ns == 250'000'000);
    CHECK(w.heartbeat_ns == 3'000'000'000);
    CHECK(w.stale_after_ns == 2'000'000'000);
    CHECK(w.effective_stale_after_ns() == 2'000'000'000);
    REQUIRE(w.pools.size() == 2);
    CHECK(b58(w.pools[0].mint) == kMint);
    CHECK(b58(w.pools[0].pool) == kPool);
    CHECK(b58(w.pools[0].token_vault) == kVault);
    CHECK(b58(w.pools[0].sol_account) == kPool);
    CHECK(w.pools[0].sol_kind == WatchSolKind::Lamports);
    CHECK(w.pools[0].decimals == std::optional<uint8_t>(6));
    CHECK(w.pools[0].fee_bps == 30);
    CHECK(w.pools[0].dex == SNP_DEX_PUMP_SWAP);
    CHECK(w.pools[1].sol_kind == WatchSolKind::Token);
    CHECK_FALSE(w.pools[1].decimals);
    CHECK(w.pools[1].fee_bps == 25);
    CHECK(w.pools[1].dex == SNP_DEX_RAYDIUM_CPMM);
}

TEST_CASE("[feeds.watch] defaults: 400ms, 2s, stale after 3 intervals, [live] rpc",
          "[config][watch]") {
    const auto r =
        load("[live]\nrpc = [\"http://127.0.0.1:8899\"]\n[feeds.watch]\n" + pool_table(kPool));
    INFO(dump(r.errors));
    REQUIRE(r.config);
    const WatchFeedConfig& w = r.config->feeds.watch;
    CHECK(w.rpc_urls.empty()); // the factory uses [live] rpc
    CHECK(w.interval_ns == 400'000'000);
    CHECK(w.heartbeat_ns == 2'000'000'000);
    CHECK(w.stale_after_ns == 0);
    CHECK(w.effective_stale_after_ns() == 1'200'000'000);
    // Without [feeds.watch] nothing changes.
    const auto plain = load("");
    REQUIRE(plain.config);
    CHECK_FALSE(plain.config->feeds.watch.enabled);
    CHECK(plain.config->feeds.sim.enabled);
}

TEST_CASE("[feeds.watch] errors, all at once with positions", "[config][watch]") {
    const auto errs = errors_of(R"([feeds.watch]
rpc = ["ws://127.0.0.1:8900", 5]
interval = "5ms"
heartbeat = 2
stale_aftr = "1s"
[[feeds.watch.pool]]
mint = "not-base58-0OIl"
pool = 7
token_vault = "3XJM2MKe6GYWpUFJFTB3gpDYoC9bywP69YAS98Qv"
sol_kind = "wsol"
decimals = 19
fee_bps = 1001
dex = "sim"
colour = "blue"
)");
    INFO(dump(errs));
    REQUIRE(errs.size() == 14);
    const auto at = [&](size_t i, uint32_t line, const std::string& text) {
        INFO(i);
        CHECK(errs[i].line == line);
        CHECK_THAT(errs[i].message, Catch::Contains(text));
    };
    at(0, 2,
       "'feeds.watch.rpc[0]' must be an http:// or https:// URL, found \"ws://127.0.0.1:8900\"");
    at(1, 2, "'feeds.watch.rpc[1]' must be an http:// or https:// URL string, found integer 5");
    at(2, 3, "'feeds.watch.interval' must be between 10ms and 1h, found \"5ms\"");
    at(3, 4, "feeds.watch.heartbeat");
    at(4, 5, "unknown key 'feeds.watch.stale_aftr'; did you mean 'stale_after'?");
    // The pool's own problems, then the missing keys at the table.
    at(5, 6, "'feeds.watch.pool[0].sol_account' is missing; expected a base58 address");
    at(6, 7,
       "'feeds.watch.pool[0].mint' must be a base58 address of 32 bytes, found "
       "\"not-base58-0OIl\"");
    at(7, 8, "feeds.watch.pool[0].pool");
    at(8, 9, "'feeds.watch.pool[0].token_vault' must be a base58 address of 32 bytes");
    at(9, 10, "feeds.watch.pool[0].sol_kind");
    at(10, 11, "feeds.watch.pool[0].decimals");
    at(11, 12, "feeds.watch.pool[0].fee_bps");
    at(12, 13, "feeds.watch.pool[0].dex");
    at(13, 14, "unknown key 'feeds.watch.pool[0].colour'");
}

TEST_CASE("[feeds.watch] pools: required, a table array, each listed once, sol_kind named",
          "[config][watch]") {
    const std::string rpc = "[feeds.watch]\nrpc = [\"http://127.0.0.1:8899\"]\n";
    SECTION("no pool") {
        const auto e = errors_of(rpc);
        INFO(dump(e));
        CHECK(only_error(
            e, 1, "'feeds.watch' has no pools; add at least one [[feeds.watch.pool]] table"));
    }
    SECTION("pool is not an array of tables") {
        const auto e = errors_of(rpc + "pool = 5\n");
        INFO(dump(e));
        CHECK(only_error(e, 3,
                         "'feeds.watch.pool' must be an array of tables ([[feeds.watch.pool]]), "
                         "found integer 5"));
    }
    SECTION("the same pool twice") {
        const auto e = errors_of(rpc + pool_table(kPool) + pool_table(kPool));
        INFO(dump(e));
        CHECK(only_error(e, 11, "'feeds.watch.pool[1].pool' \"" + kPool + "\" is listed twice"));
    }
    SECTION("sol_kind missing") {
        const auto e = errors_of(rpc + "[[feeds.watch.pool]]\nmint = \"" + kMint + "\"\npool = \"" +
                                 kPool + "\"\ntoken_vault = \"" + kVault + "\"\nsol_account = \"" +
                                 kWsolAccount + "\"\n");
        INFO(dump(e));
        CHECK(only_error(e, 3, "'feeds.watch.pool[0].sol_kind' is missing; expected \"lamports\""));
    }
    SECTION("heartbeat and stale_after not below the interval") {
        const auto e = errors_of(
            "[feeds.watch]\nrpc = [\"http://a\"]\ninterval = \"1s\"\nheartbeat = \"500ms\"\n"
            "stale_after = \"900ms\"\n" +
            pool_table(kPool));
        INFO(dump(e));
        REQUIRE(e.size() == 2);
        CHECK(e[0].line == 4);
        CHECK_THAT(
            e[0].message,
            Catch::Contains("'feeds.watch.heartbeat' must be at least 'feeds.watch.interval'"));
        CHECK(e[1].line == 5);
        CHECK_THAT(
            e[1].message,
            Catch::Contains("'feeds.watch.stale_after' must be at least 'feeds.watch.interval'"));
    }
}

TEST_CASE("[feeds.watch] is one feed among sim and replay, and needs an RPC endpoint",
          "[config][watch]") {
    SECTION("watch and an explicitly enabled sim") {
        const auto e =
            errors_of("[feeds.sim]\nenabled = true\n[feeds.watch]\nrpc = [\"http://a\"]\n" +
                      pool_table(kPool));
        INFO(dump(e));
        CHECK(only_error(
            e, 3,
            "both feeds are enabled (feeds.sim.enabled = true and [feeds.watch] is present)"));
    }
    SECTION("watch and replay") {
        const auto e =
            errors_of("[feeds.replay]\npath = \"a.jsonl\"\n[feeds.watch]\nrpc = [\"http://a\"]\n" +
                      pool_table(kPool));
        INFO(dump(e));
        CHECK(only_error(
            e, 3,
            "both feeds are enabled (feeds.replay.path is set and [feeds.watch] is present)"));
    }
    SECTION("sim settings without enabled are simply unused") {
        const auto r = load("[feeds.sim]\nseed = 3\n[feeds.watch]\nrpc = [\"http://a\"]\n" +
                            pool_table(kPool));
        INFO(dump(r.errors));
        REQUIRE(r.config);
        CHECK_FALSE(r.config->feeds.sim.enabled);
    }
    SECTION("no endpoint anywhere") {
        const auto e = errors_of("[feeds.watch]\n" + pool_table(kPool));
        INFO(dump(e));
        CHECK(only_error(e, 1,
                         "'feeds.watch' has no RPC endpoint: set feeds.watch.rpc or [live] rpc"));
    }
    SECTION("an empty [live] rpc is no endpoint either") {
        const auto e = errors_of("[live]\nrpc = []\n[feeds.watch]\n" + pool_table(kPool));
        INFO(dump(e));
        CHECK(only_error(e, 3, "has no RPC endpoint"));
    }
    SECTION("no feed at all names watch among the choices") {
        const auto e = errors_of("[feeds.sim]\nenabled = false\n");
        CHECK(only_error(e, 2, "or add [feeds.watch]"));
    }
}
