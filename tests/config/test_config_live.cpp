// [live]: every key read exactly, and each refusal at its line.
#include "config_test_util.hpp"

#include <catch2/catch.hpp>

using namespace sniper;
using namespace sniper::test;

TEST_CASE("[live] defaults when absent", "[config][live]") {
    const auto r = load("");
    REQUIRE(r.config);
    const LiveConfig& l = r.config->live;
    CHECK(l.rpc_urls.empty());
    CHECK(l.rpc_requests_per_second == 10);
    CHECK(l.jito_requests_per_second == 5);
    CHECK(l.route == 2);
    CHECK(l.priority_fee_lamports == 10'000);
    CHECK(l.max_priority_fee_lamports == 1'000'000);
    CHECK(l.max_resigns == 2);
}

TEST_CASE("[live] every key parses and converts exactly", "[config][live]") {
    const auto r = load(R"([live]
rpc = ["http://127.0.0.1:8899", "https://rpc.example.com/"]
min_balance_sol = 0.25
rpc_requests_per_second = 40
jito_requests_per_second = 1.5
jupiter_url = "http://127.0.0.1:9000/"
jito_url = "https://jito.example.com"
route = "jito"
priority_fee_lamports = 20000
priority_fee_percentile = 75
compute_unit_estimate = 300000
max_priority_fee_lamports = 50000
tip_sol = 0.0001
max_tip_sol = 0.001
rebroadcast_interval = "250ms"
status_interval = "300ms"
order_timeout = "2m"
max_resigns = 4

[live.strategy.sniper]
route = "jupiter"
)");
    INFO(dump(r.errors));
    REQUIRE(r.config);
    const LiveConfig& l = r.config->live;
    CHECK(l.rpc_urls ==
          std::vector<std::string>{"http://127.0.0.1:8899", "https://rpc.example.com/"});
    CHECK(l.min_balance_lamports == 250'000'000);
    CHECK(l.rpc_requests_per_second == 40);
    CHECK(l.jito_requests_per_second == 1.5);
    CHECK(l.jupiter_url == "http://127.0.0.1:9000");
    CHECK(l.jito_url == "https://jito.example.com");
    CHECK(l.route == 3);
    CHECK(l.strategy_routes.at("sniper") == 2);
    CHECK(l.priority_fee_lamports == 20'000);
    CHECK(l.priority_fee_percentile == 75);
    CHECK(l.compute_unit_estimate == 300'000);
    CHECK(l.max_priority_fee_lamports == 50'000);
    CHECK(l.tip_lamports == 100'000);
    CHECK(l.max_tip_lamports == 1'000'000);
    CHECK(l.rebroadcast_interval_ns == 250'000'000);
    CHECK(l.status_interval_ns == 300'000'000);
    CHECK(l.order_timeout_ns == 120'000'000'000);
    CHECK(l.max_resigns == 4);
}

TEST_CASE("[live] refusals name the key, what was expected and what was found", "[config][live]") {
    CHECK(only_error(errors_of("[live]\njito_requests_per_second = 0\n"), 2,
                     "jito_requests_per_second"));
    CHECK(only_error(errors_of("[live]\nrpc = [\"ws://x\"]\n"), 2, "http:// or https://"));
    CHECK(only_error(errors_of("[live]\npriority_fee_lamports = 2000000\n"), 2,
                     "'live.priority_fee_lamports' is above 'live.max_priority_fee_lamports'"));
    CHECK(only_error(errors_of("[live]\ntip_sol = 0.01\nmax_tip_sol = 0.001\n"), 2,
                     "'live.tip_sol' is above 'live.max_tip_sol'"));
    CHECK(only_error(errors_of("[live]\nroute = \"raydium\"\n"), 2, "route"));
    CHECK(only_error(errors_of("[live]\nrpc_per_second = 4\n"), 2, "rpc_per_second"));
}
