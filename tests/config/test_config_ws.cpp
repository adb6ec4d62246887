// [feeds.ws] (Solana WebSocket logs subscriptions) and [feeds.record]:
// every key read, defaults, running beside [feeds.watch], the feeds it
// excludes, and each error with its position.
#include "config_test_util.hpp"

#include <catch2/catch.hpp>

using namespace sniper;
using namespace sniper::test;

TEST_CASE("[feeds.ws] every key read, env references resolved, and it replaces the simulated feed",
          "[config][ws]") {
    const auto r = load(R"([feeds.ws]
url = ["wss://mainnet.example.com/?api-key=${SNIPER_WS_KEY}", "ws://127.0.0.1:8900"]
programs = ["pump_fun", "raydium_amm_v4", "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"]
commitment = "processed"
ping_interval = "5s"
stale_after = "0s"
reconnect_min = "100ms"
reconnect_max = "5s"
max_log_line_bytes = 20000
requests_per_s = 40
max_slot_gap = 0
rpc = ["http://127.0.0.1:8899"]
enrich_timeout = "2s"
safety_follow = "30m"
raydium_follow = "0s"
[feeds.record]
raw = "rec/raw.jsonl"
events = "rec/events.jsonl"
)",
                        fake_env({{"SNIPER_WS_KEY", "k123"}}));
    INFO(dump(r.errors));
    REQUIRE(r.config);
    const FeedsConfig& f = r.config->feeds;
    CHECK_FALSE(f.sim.enabled);
    CHECK(f.live_sources());
    const WsFeedConfig& w = f.ws;
    CHECK(w.enabled);
    CHECK(w.urls == std::vector<std::string>{"wss://mainnet.example.com/?api-key=k123", "ws://127.0.0.1:8900"});
    REQUIRE(w.programs.size() == 3);
    CHECK(to_base58(w.programs[0]) == "6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P");
    CHECK(to_base58(w.programs[1]) == "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8");
    CHECK(to_base58(w.programs[2]) == "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
    CHECK(w.commitment == "processed");
    CHECK(w.ping_interval_ns == 5'000'000'000);
    CHECK(w.stale_after_ns == 0);
    CHECK(w.reconnect_min_ns == 100'000'000);
    CHECK(w.reconnect_max_ns == 5'000'000'000);
    CHECK(w.max_log_line_bytes == 20000);
    CHECK(w.requests_per_s == 40);
    CHECK(w.max_slot_gap == 0);
    CHECK(w.rpc_urls == std::vector<std::string>{"http://127.0.0.1:8899"});
    CHECK(w.enrich_timeout_ns == 2'000'000'000);
    CHECK(w.safety_follow_ns == 1'800'000'000'000);
    CHECK(w.raydium_follow_ns == 0);
    CHECK(f.record.raw_path == "/cfg/rec/raw.jsonl");
    CHECK(f.record.events_path == "/cfg/rec/events.jsonl");
}

TEST_CASE("[feeds.ws] defaults: the three programs, confirmed, 10s pings, 15s stale", "[config][ws]") {
    const auto r = load("[feeds.ws]\nurl = [\"ws://127.0.0.1:8900\"]\n");
    INFO(dump(r.errors));
    REQUIRE(r.config);
    const WsFeedConfig& w = r.config->feeds.ws;
    REQUIRE(w.programs.size() == 3);
    CHECK(to_base58(w.programs[1]) == "pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA");
    CHECK(w.commitment == "confirmed");
    CHECK(w.ping_interval_ns == 10'000'000'000);
    CHECK(w.stale_after_ns == 15'000'000'000);
    CHECK(w.reconnect_min_ns == 250'000'000);
    CHECK(w.reconnect_max_ns == 30'000'000'000);
    CHECK(w.rpc_urls.empty());
    CHECK(w.enrich_timeout_ns == 1'500'000'000);
    CHECK(w.safety_follow_ns == 600'000'000'000);
    CHECK(w.raydium_follow_ns == 600'000'000'000);
    CHECK(w.max_slot_gap == 150);
}

TEST_CASE("[feeds.ws] runs beside [feeds.watch], and with a replay or the sim it is an error", "[config][ws]") {
    const std::string ws = "[feeds.ws]\nurl = [\"ws://127.0.0.1:8900\"]\n";
    const std::string watch = R"([feeds.watch]
rpc = ["http://127.0.0.1:8899"]
[[feeds.watch.pool]]
mint = "HdBRk8WZwF2W4FbAHvsq93X3Nx3ftdw7mwo8EQ8DMXZ"
pool = "HWZ1HbyJD2FLSZ1dF8Y3s8K2yKhD9FqnjPxDqSrfT9ax"
token_vault = "oyv2JXCNrBPjhUk7j9EtnFm2wC7rdEt2BJvzGzPzfY2"
sol_account = "HWZ1HbyJD2FLSZ1dF8Y3s8K2yKhD9FqnjPxDqSrfT9ax"
sol_kind = "lamports"
)";
    const auto both = load(ws + watch);
    INFO(dump(both.errors));
    REQUIRE(both.config);
    CHECK(both.config->feeds.ws.enabled);
    CHECK(both.config->feeds.watch.enabled);
    CHECK(only_error(errors_of("[feeds.replay]\npath = \"x.jsonl\"\n" + ws), 3,
                     "remove feeds.replay.path or [feeds.ws]"));
    CHECK(only_error(errors_of("[feeds.sim]\nenabled = true\n" + ws), 3,
                     "remove feeds.sim.enabled or [feeds.ws]"));
}

TEST_CASE("[feeds.ws] and [feeds.record] errors name the key, what was expected and what was found",
          "[config][ws]") {
    CHECK(only_error(errors_of("[feeds.ws]\n"), 1, "has no 'url'"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = []\n"), 2, "is empty"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = [\"http://x\"]\n"), 2,
                     "'feeds.ws.url[0]' must be a ws:// or wss:// URL, found \"http://x\""));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = \"ws://x\"\n"), 2, "must be an array"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = [\"wss://x/?k=${SNIPER_NOPE}\"]\n"), 2, "SNIPER_NOPE"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = [\"ws://x\"]\nprograms = [\"pumpfun\"]\n"), 3,
                     "must be pump_fun, pump_swap, raydium_amm_v4 or a base58 program id"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = [\"ws://x\"]\nprograms = [\"pump_fun\", "
                               "\"6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P\"]\n"),
                     3, "listed twice"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = [\"ws://x\"]\ncommitment = \"max\"\n"), 3, "commitment"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = [\"ws://x\"]\nping_interval = \"10ms\"\n"), 3,
                     "between 100ms and 5m"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = [\"ws://x\"]\nreconnect_min = \"2s\"\nreconnect_max = \"1s\"\n"),
                     4, "must be at least 'feeds.ws.reconnect_min'"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = [\"ws://x\"]\nrpc = [\"ws://x\"]\n"), 3,
                     "http:// or https://"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = [\"ws://x\"]\npings = 3\n"), 3, "pings"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = [\"ws://x\"]\nrequests_per_s = 0\n"), 3,
                     "requests_per_s"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = [\"ws://x\"]\nmax_slot_gap = -1\n"), 3,
                     "max_slot_gap"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = [\"ws://x\"]\nmax_slot_gap = \"150\"\n"), 3,
                     "max_slot_gap"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = [\"ws://x\"]\nsafety_follow = \"25h\"\n"), 3,
                     "0s (off) or up to 24h"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = [\"ws://x\"]\nraydium_follow = \"-1s\"\n"), 3,
                     "raydium_follow"));
    CHECK(only_error(errors_of("[feeds.record]\nraw = \"r.jsonl\"\n"), 1,
                     "'feeds.record.raw' records [feeds.ws] wire messages"));
    CHECK(only_error(errors_of("[feeds.ws]\nurl = [\"ws://x\"]\n[feeds.record]\nraw = \"a\"\nevents = \"a\"\n"), 5,
                     "name the same file"));
}

TEST_CASE("[feeds.price] every key read beside a live source, defaults, and each error", "[config][ws][price]") {
    auto r = load(R"([feeds.ws]
url = ["ws://127.0.0.1:8900"]
[feeds.price]
url = "https://price.example.com/${SNIPER_PRICE_PATH}/v3"
interval = "500ms"
timeout = "1s"
max_deviation_pct = 12.5
)",
                  fake_env({{"SNIPER_PRICE_PATH", "k9"}}));
    INFO(dump(r.errors));
    REQUIRE(r.config);
    const PriceFeedConfig& p = r.config->feeds.price;
    CHECK(p.enabled);
    CHECK(p.url == "https://price.example.com/k9/v3");
    CHECK(p.interval_ns == 500'000'000);
    CHECK(p.timeout_ns == 1'000'000'000);
    CHECK(p.max_deviation_pct == 12.5);
    r = load("[feeds.ws]\nurl = [\"ws://x\"]\n[feeds.price]\nurl = \"http://127.0.0.1:1/price/v2\"\n");
    INFO(dump(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->feeds.price.interval_ns == 2'000'000'000);
    CHECK(r.config->feeds.price.max_deviation_pct == 25);
    CHECK_FALSE(load("").config->feeds.price.enabled);

    const std::string ws = "[feeds.ws]\nurl = [\"ws://x\"]\n";
    CHECK(only_error(errors_of(ws + "[feeds.price]\n"), 3, "has no 'url'"));
    CHECK(only_error(errors_of(ws + "[feeds.price]\nurl = \"ws://x/v3\"\n"), 4,
                     "'feeds.price.url' must be an http:// or https:// URL, found \"ws://x/v3\""));
    CHECK(only_error(errors_of(ws + "[feeds.price]\nurl = \"https://x/v3?ids=1\"\n"), 4, "must not carry a query"));
    CHECK(only_error(errors_of(ws + "[feeds.price]\nurl = \"https://x/v3\"\ninterval = \"10ms\"\n"), 5,
                     "between 100ms and 1h"));
    CHECK(only_error(errors_of(ws + "[feeds.price]\nurl = \"https://x/v3\"\nmax_deviation_pct = 0\n"), 5,
                     "max_deviation_pct"));
    CHECK(only_error(errors_of(ws + "[feeds.price]\nurl = \"https://x/v3\"\nmax_deviation = 5\n"), 5,
                     "max_deviation"));
    CHECK(only_error(errors_of("[feeds.price]\nurl = \"https://x/v3\"\n"), 1,
                     "[feeds.price] checks the prices of a live feed"));
}
