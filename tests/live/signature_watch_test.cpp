// tests/live/signature_watch_test.cpp — the live executor hears of its
// transactions' confirmations over the host's one WebSocket client: the
// [feeds.ws] source (solfeed::SolanaWsSource) connected to the local
// validator subscribes each attempt's signature, and the node's
// signatureNotification makes the executor look the order up at once.
// With status polls 30 s apart (the first goes out right after the buy's
// first send) and blockhashes valid for a minute (400 ms slots), only the
// notification can settle the sell within seconds.
// Tagged [localnet] (CTest label `node`).
#include "live/live_test_util.hpp"

#include "solfeed/ws_source.hpp"
#include "test_support.hpp"

#include <chrono>

using namespace sniper;
using namespace sniper::live;
using namespace sniper::live::test;

namespace {

// The feed's market events are not what this test is about.
class NullSink final : public EventSink {
  public:
    void push_market_event(const EventBuf&) override {}
    void source_ended() override {}
};

solfeed::WsSourceConfig ws_config(const std::string& http_url) {
    solfeed::WsSourceConfig c;
    c.ws.enabled = true;
    c.ws.urls = {"ws" + http_url.substr(http_url.find(':'))}; // served on the HTTP port too
    Pubkey pump{};
    REQUIRE(pubkey_from_base58("6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P", pump));
    c.ws.programs = {pump};
    c.ws.reconnect_min_ns = 20'000'000;
    c.ws.reconnect_max_ns = 200'000'000;
    c.ws.stale_after_ns = 0;
    c.ws.requests_per_s = 100;
    return c;
}

} // namespace

TEST_CASE("live: confirmations heard over the feed's WebSocket settle orders without waiting for a poll",
          "[localnet][live][ws]") {
    testing::QuietLogs quiet;
    rpc::test::Localnet ln({}, 400);
    solfeed::SolanaWsSource source(ws_config(ln.url));
    NullSink sink;
    source.start(sink);

    LiveRig rig({ln.url}, ln.url, 5'000'000'000);
    rig.cfg.live.status_interval_ns = 30'000'000'000; // the poll would come only after 30 s
    rig.start();
    rig.ex->use_signature_watch(&source);
    const auto pools = seeded_pools(ln.url);
    REQUIRE(!pools.empty());
    const solana::Pubkey mint = pools[0].mint;
    // The slot is known once the source's slotSubscribe has its first
    // notification (a send before that has no slot count).
    for (int i = 0; i < 100 && source.current_slot() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(source.current_slot() > 0);

    const auto t0 = std::chrono::steady_clock::now();
    rig.ex->submit(rig.order(1, SNP_SIDE_BUY, mint, 100'000'000, SNP_ROUTE_JUPITER), 0);
    REQUIRE(rig.reports.wait_final(1, std::chrono::seconds(15)));
    const ExecReport b1 = rig.reports.get(1);
    INFO(b1.reason);
    CHECK(b1.status == SNP_ORDER_FILLED);
    rig.ex->submit(rig.order(2, SNP_SIDE_SELL, mint, b1.out_amount, SNP_ROUTE_JUPITER), 0);
    REQUIRE(rig.reports.wait_final(2, std::chrono::seconds(15)));
    const auto took = std::chrono::steady_clock::now() - t0;
    const ExecReport s2 = rig.reports.get(2);
    INFO(s2.reason);
    CHECK(s2.status == SNP_ORDER_FILLED);
    CHECK(took < std::chrono::seconds(25)); // both well before the sell's first poll (30 s after the buy's)
    // The buy's first poll goes out right after its send and may find it
    // confirmed on a loaded machine; the sell's can only be the notification.
    CHECK(rig.ex->signature_hints() >= 1);
    // The subscriptions were answered as expected: nothing refused or unreadable.
    CHECK(source.rejected_inputs() == 0);
    // The executor asked the source to follow the slots (slotSubscribe):
    // each send knew the slot, and each landing's slot count is measured
    // from it (the validator makes a slot every 400 ms; a confirmation
    // comes within a few).
    const auto stats = rig.ex->route_stats();
    REQUIRE(stats.size() == 1);
    CHECK(stats[0].confirm_slots_n == 2);
    CHECK(stats[0].confirm_slots_max <= 20);
    rig.ex.reset(); // the executor goes first: it forgets its listener
    source.stop();
}
