// The [feeds.ws] source against a real WebSocket server on loopback
// (ws_test_server.hpp) replaying a captured pump.fun create + buy
// notification under fresh signatures: subscriptions, decoding, dedup
// across endpoints and resubscribes, reconnect with back-off, staleness on
// outages, stalls and slot gaps, dead-peer detection by ping, hostile messages, and
// the raw recording.
#include "solfeed/ws_source.hpp"

#include "chain/solana_ws_decoder.hpp"
#include "core/clock.hpp"
#include "solana/base58.hpp"
#include "test_support.hpp"
#include "ws/ws_client.hpp"
#include "support/ws_test_server.hpp"
#include "capture_stream.hpp"
#include "chain/vault_vectors.hpp"

#include <catch2/catch.hpp>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>
#include <sstream>

using namespace sniper;

namespace {

class Collect final : public EventSink {
  public:
    void push_market_event(const EventBuf& ev) override {
        std::lock_guard<std::mutex> lk(mu_);
        events_.push_back(ev);
        cv_.notify_all();
    }
    void pools_stale(std::vector<Pubkey> pools, std::string why) override {
        std::lock_guard<std::mutex> lk(mu_);
        stale_.push_back({std::move(pools), std::move(why)});
        cv_.notify_all();
    }
    void source_ended() override { ended_.fetch_add(1); }

    template <class Pred> bool wait(Pred pred, int ms = 10'000) {
        std::unique_lock<std::mutex> lk(mu_);
        return cv_.wait_for(lk, std::chrono::milliseconds(ms), [&] { return pred(*this); });
    }
    size_t events() const { return events_.size(); } // under wait()'s lock
    size_t stale_marks() const { return stale_.size(); }
    std::vector<EventBuf> take_events() {
        std::lock_guard<std::mutex> lk(mu_);
        return events_;
    }
    std::vector<std::pair<std::vector<Pubkey>, std::string>> take_stale() {
        std::lock_guard<std::mutex> lk(mu_);
        return stale_;
    }
    std::atomic<int> ended_{0};

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<EventBuf> events_;
    std::vector<std::pair<std::vector<Pubkey>, std::string>> stale_;
};

solfeed::WsSourceConfig config(std::vector<std::string> urls) {
    solfeed::WsSourceConfig c;
    c.ws.enabled = true;
    c.ws.urls = std::move(urls);
    Pubkey pump{};
    REQUIRE(pubkey_from_base58("6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P", pump));
    c.ws.programs = {pump};
    c.ws.reconnect_min_ns = 20'000'000;
    c.ws.reconnect_max_ns = 200'000'000;
    c.ws.ping_interval_ns = 200'000'000;
    c.ws.stale_after_ns = 0;
    return c;
}

// Polls the source's status until `pred` holds (or 10 s).
template <class Pred> SourceStatus status_when(const solfeed::SolanaWsSource& s, Pred pred) {
    const int64_t until = mono_ns() + 10'000'000'000;
    SourceStatus st = *s.status();
    while (!pred(st) && mono_ns() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        st = *s.status();
    }
    return st;
}

// Starts `source`, waits for the capture's creation events (their count
// is returned), then tells the source that `curve` is held.
size_t start_holding(solfeed::SolanaWsSource& source, Collect& sink, ws_test::Stream& stream,
                     const std::string& curve) {
    const size_t created = stream.events_for(1);
    source.start(sink);
    REQUIRE(sink.wait([&](Collect& c) { return c.events() >= created; }));
    Pubkey key{};
    REQUIRE(pubkey_from_base58(curve, key));
    source.watch_pools({key});
    return created;
}

} // namespace

TEST_CASE("ws url parsing: schemes, ports, IPv6, paths, and clear errors", "[solfeed]") {
    std::string err;
    auto u = ws::parse_url("wss://mainnet.helius-rpc.com/?api-key=abc", err);
    REQUIRE(u);
    CHECK(u->tls);
    CHECK(u->host == "mainnet.helius-rpc.com");
    CHECK(u->port == "443");
    CHECK(u->target == "/?api-key=abc");
    u = ws::parse_url("ws://127.0.0.1:8900", err);
    REQUIRE(u);
    CHECK_FALSE(u->tls);
    CHECK(u->port == "8900");
    CHECK(u->target == "/");
    u = ws::parse_url("ws://[::1]:9000/ws", err);
    REQUIRE(u);
    CHECK(u->host == "::1");
    CHECK(u->port == "9000");
    CHECK(u->target == "/ws");
    CHECK_FALSE(ws::parse_url("http://x", err));
    CHECK_THAT(err, Catch::Contains("ws:// or wss://"));
    CHECK_FALSE(ws::parse_url("ws://host:0/", err));
    CHECK_THAT(err, Catch::Contains("port 1..65535"));
    CHECK_FALSE(ws::parse_url("ws://host:99999", err));
    CHECK_FALSE(ws::parse_url("ws://:80", err));
    CHECK_THAT(err, Catch::Contains("host name"));
    CHECK(ws::redacted("wss://h/?api-key=secret").find("secret") == std::string::npos);
}

TEST_CASE("ws source subscribes with the configured commitment and delivers decoded events stamped on arrival",
          "[solfeed]") {
    testing::QuietLogs quiet;
    ws_test::Stream stream;
    ws_test::Server server(ws_test::send_then_hold(stream, 3));
    auto cfg = config({server.url()});
    cfg.ws.commitment = "processed";
    solfeed::SolanaWsSource source(cfg);
    Collect sink;
    const size_t want = stream.events_for(3);
    REQUIRE(want >= 3);
    const int64_t before = wall_ns();
    source.start(sink);
    REQUIRE(sink.wait([&](Collect& c) { return c.events() >= want; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    source.stop();
    server.stop();
    const auto events = sink.take_events();
    CHECK(events.size() == want);
    for (const EventBuf& ev : events) {
        CHECK(ev.h.source_ns >= before);
        CHECK(ev.h.source_ns <= wall_ns());
    }
    const auto reqs = server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK_THAT(reqs[0], Catch::Contains("\"method\":\"logsSubscribe\""));
    CHECK_THAT(reqs[0], Catch::Contains("\"mentions\":[\"6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P\"]"));
    CHECK_THAT(reqs[0], Catch::Contains("\"commitment\":\"processed\""));
    const SourceStatus st = *source.status();
    CHECK(st.events == want);
    CHECK(st.rejected == 0);
    CHECK(sink.ended_.load() == 1);
}

TEST_CASE("ws source: two endpoints carrying the same stream deliver each transaction once", "[solfeed]") {
    testing::QuietLogs quiet;
    ws_test::Stream stream;
    const auto script = ws_test::send_then_hold(stream, 5);
    ws_test::Server a(script), b(script);
    solfeed::SolanaWsSource source(config({a.url(), b.url()}));
    Collect sink;
    const size_t want = stream.events_for(5);
    source.start(sink);
    const SourceStatus st = status_when(source, [](const SourceStatus& s) { return s.duplicates >= 5; });
    source.stop();
    CHECK(st.duplicates == 5);
    CHECK(st.events == want);
    CHECK(sink.take_events().size() == want);
    CHECK(st.endpoints.size() == 2);
}

TEST_CASE("ws source: a dropped connection reconnects, resubscribes, marks pools stale and delivers nothing twice",
          "[solfeed]") {
    testing::QuietLogs quiet;
    ws_test::Stream stream;
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        if (c.index() == 0) {
            for (int i = 0; i < 3; ++i) { // 0, 1, 2, then the plug is pulled
                c.send(stream.message(i, 1000 + static_cast<uint64_t>(i)));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            c.drop();
            return;
        }
        for (int i = 1; i < 6; ++i) { // the node replays 1 and 2 after the resubscribe
            c.send(stream.message(i, 1000 + static_cast<uint64_t>(i)));
        }
        c.hold();
    });
    solfeed::SolanaWsSource source(config({server.url()}));
    Collect sink;
    const size_t want = stream.events_for(6);
    source.start(sink);
    const SourceStatus st = status_when(source, [&](const SourceStatus& s) {
        return s.events >= want && s.duplicates >= 2;
    });
    source.stop();
    server.stop();
    CHECK(st.events == want);
    CHECK(st.duplicates == 2);
    CHECK(st.outages == 1);
    REQUIRE(st.endpoints.size() == 1);
    CHECK(st.endpoints[0].connects == 2);
    CHECK(server.requests().size() == 2); // subscribed again
    CHECK(sink.take_events().size() == want);
    const auto stale = sink.take_stale();
    REQUIRE(stale.size() == 1);
    CHECK_FALSE(stale[0].first.empty());
    CHECK_THAT(stale[0].second, Catch::Contains("outage"));
}

TEST_CASE("ws source: a silent stream marks pools stale once, a ping keeps the quiet connection open",
          "[solfeed]") {
    testing::QuietLogs quiet;
    ws_test::Stream stream;
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        c.send(stream.message(0, 1000));
        c.hold(); // reads, so pings are answered
    });
    auto cfg = config({server.url()});
    cfg.ws.stale_after_ns = 300'000'000;
    cfg.ws.ping_interval_ns = 100'000'000;
    solfeed::SolanaWsSource source(cfg);
    Collect sink;
    source.start(sink);
    REQUIRE(sink.wait([](Collect& c) { return c.stale_marks() >= 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(600)); // several idle timeouts
    const SourceStatus st = *source.status();
    source.stop();
    server.stop();
    CHECK(st.state == "stalled");
    CHECK(st.stale_marks == 1); // once per silence
    CHECK(st.outages == 0);
    CHECK(st.endpoints[0].connects == 1);
    CHECK_THAT(sink.take_stale()[0].second, Catch::Contains("no notification"));
}

namespace {

// One connection sending the capture at `slots` (one message each), with
// feeds.ws.max_slot_gap = `gap`: the status once every event arrived, and
// the stale marks.
struct SlotRun {
    SourceStatus st;
    std::vector<std::pair<std::vector<Pubkey>, std::string>> stale;
    size_t want = 0;
};
SlotRun run_slots(const std::vector<uint64_t>& slots, uint64_t gap) {
    ws_test::Stream stream;
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        for (size_t i = 0; i < slots.size(); ++i) {
            c.send(stream.message(static_cast<int>(i), slots[i]));
        }
        c.hold();
    });
    auto cfg = config({server.url()});
    cfg.ws.max_slot_gap = gap;
    solfeed::SolanaWsSource source(cfg);
    Collect sink;
    SlotRun r;
    r.want = stream.events_for(static_cast<int>(slots.size()));
    source.start(sink);
    r.st = status_when(source, [&](const SourceStatus& s) { return s.events >= r.want; });
    source.stop();
    server.stop();
    r.stale = sink.take_stale();
    return r;
}

} // namespace

TEST_CASE("ws source: notifications that skip more than max_slot_gap slots mark pools stale once per gap",
          "[solfeed]") {
    testing::QuietLogs quiet;
    // 5 slots: within the limit; then 14: the node dropped what lay between.
    const SlotRun r = run_slots({1000, 1001, 1006, 1020, 1021}, 10);
    CHECK(r.st.events == r.want); // a gap drops nothing that did arrive
    CHECK(r.st.slot_gaps == 1);
    CHECK(r.st.stale_marks == 1);
    CHECK(r.st.outages == 0);
    REQUIRE(r.stale.size() == 1);
    CHECK_FALSE(r.stale[0].first.empty());
    CHECK_THAT(r.stale[0].second, Catch::Contains("from slot 1006 to slot 1020"));
}

TEST_CASE("ws source: max_slot_gap = 0 leaves a quiet program's jumps alone", "[solfeed]") {
    testing::QuietLogs quiet;
    const SlotRun r = run_slots({1000, 90'000}, 0);
    CHECK(r.st.events == r.want);
    CHECK(r.st.slot_gaps == 0);
    CHECK(r.st.stale_marks == 0);
}

TEST_CASE("ws source: a peer that stops answering pings is declared dead and replaced", "[solfeed]") {
    testing::QuietLogs quiet;
    ws_test::Stream stream;
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        c.send(stream.message(c.index(), 1000 + static_cast<uint64_t>(c.index())));
        if (c.index() == 0) {
            c.stall(1500); // connected, silent, deaf to pings
            return;
        }
        c.hold();
    });
    auto cfg = config({server.url()});
    cfg.ws.ping_interval_ns = 150'000'000; // dead after 300 ms of silence
    solfeed::SolanaWsSource source(cfg);
    Collect sink;
    source.start(sink);
    const SourceStatus st = status_when(source, [](const SourceStatus& s) {
        return !s.endpoints.empty() && s.endpoints[0].connects >= 2 && s.events > 0 && s.state == "up";
    });
    source.stop();
    server.stop();
    REQUIRE(st.endpoints.size() == 1);
    CHECK(st.endpoints[0].connects == 2);
    CHECK_THAT(st.endpoints[0].last_error, Catch::Contains("idle timeout"));
    CHECK(st.outages == 1);
}

TEST_CASE("ws source: garbage, hostile and out-of-order messages are refused by reason and yield nothing",
          "[solfeed]") {
    testing::QuietLogs quiet;
    ws_test::Stream stream;
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        c.send("this is not json");
        c.send("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid params\"},\"id\":1}");
        c.send("{\"jsonrpc\":\"2.0\",\"result\":5,\"id\":77}");
        std::string bad_sig = stream.message(9, 2000);
        bad_sig.replace(bad_sig.find(ws_test::Stream::signature(9)), 4, "0OIl"); // not base58
        c.send(bad_sig);
        c.send(stream.message(1, 2000));
        c.send(stream.message(2, 1999)); // slot going backwards on one connection
        std::string huge = stream.message(3, 2001);
        huge.insert(huge.find("\"Program log: Instruction: Create\""),
                    "\"Program log: " + std::string(20'000, 'x') + "\",");
        c.send(huge);
        c.hold();
    });
    solfeed::SolanaWsSource source(config({server.url()}));
    Collect sink;
    const size_t one = stream.events_for(1);
    source.start(sink);
    const SourceStatus st = status_when(source, [](const SourceStatus& s) { return s.rejected >= 6; });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    source.stop();
    server.stop();
    CHECK(st.events == one); // only message 1
    CHECK(st.rejected == 6);
    const auto& by = st.rejected_by_reason;
    CHECK(by.at("JSON_INVALID") == 1);
    CHECK(by.at("SUBSCRIBE_ERROR") == 1);
    CHECK(by.at("UNEXPECTED_RESPONSE") == 1);
    CHECK(by.at("BASE58_INVALID") == 1);
    CHECK(by.at("SLOT_BACKWARDS") == 1);
    CHECK(by.at("LOG_LINE_TOO_LONG") == 1);
    CHECK(source.rejected_inputs() == 6);
}

TEST_CASE("ws source: the raw recording holds every wire message, one per line, decodable again", "[solfeed]") {
    testing::QuietLogs quiet;
    testing::TempDir dir;
    ws_test::Stream stream;
    ws_test::Server server(ws_test::send_then_hold(stream, 4));
    auto cfg = config({server.url()});
    cfg.raw_path = (dir.path / "raw.jsonl").string();
    const size_t want = stream.events_for(4);
    {
        solfeed::SolanaWsSource source(cfg);
        Collect sink;
        source.start(sink);
        REQUIRE(sink.wait([&](Collect& c) { return c.events() >= want; }));
        source.stop();
    }
    server.stop();
    std::ifstream in(cfg.raw_path);
    std::string line;
    std::vector<std::string> lines;
    while (std::getline(in, line)) {
        lines.push_back(line);
    }
    REQUIRE(lines.size() == 5); // the subscription answer + 4 notifications
    chain::SolanaWsDecoder dec;
    size_t events = 0;
    for (size_t i = 1; i < lines.size(); ++i) {
        const auto& r = dec.decode(lines[i]);
        REQUIRE(r.ok());
        events += r.n_events;
    }
    CHECK(events == want);
}

TEST_CASE("ws source: a refused connection is retried with back-off and reported", "[solfeed]") {
    testing::QuietLogs quiet;
    const unsigned short port = ws_test::unused_port(); // nobody listens there
    solfeed::SolanaWsSource source(config({"ws://127.0.0.1:" + std::to_string(port) + "/"}));
    Collect sink;
    source.start(sink);
    const SourceStatus st = status_when(source, [](const SourceStatus& s) {
        return !s.endpoints.empty() && !s.endpoints[0].last_error.empty();
    });
    source.stop();
    CHECK(st.state == "down");
    CHECK_THAT(st.endpoints[0].last_error, Catch::Contains("cannot connect"));
    CHECK(st.endpoints[0].connects == 0);
}

TEST_CASE("ws source follows a held pump.fun curve it never saw created, known by its mint (after a restart)",
          "[solfeed]") {
    testing::QuietLogs quiet;
    // The 2024-08 create's curve and mint (the curve is the mint's PDA).
    const std::string curve = "FFzxakVNzpirwMFtLyD22UZ6UM3KLF2EAGC2RxNPaYoH";
    const std::string mint = "ER2N5eaDoC68kNhj7LyaScimzq7deaqxiw88rewvxaKp";
    std::mutex mu;
    std::string account_request;
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        std::string req;
        if (c.read(req)) {
            std::lock_guard<std::mutex> lk(mu);
            account_request = req;
        }
        c.hold();
    });
    solfeed::SolanaWsSource source(config({server.url()}));
    Collect sink;
    Pubkey curve_key{}, mint_key{};
    REQUIRE(pubkey_from_base58(curve, curve_key));
    REQUIRE(pubkey_from_base58(mint, mint_key));
    source.start(sink);
    source.watch_pools({curve_key}); // a position from before the restart
    source.watch_mints({mint_key});
    status_when(source, [&](const SourceStatus&) {
        std::lock_guard<std::mutex> lk(mu);
        return !account_request.empty();
    });
    source.stop();
    server.stop();
    std::lock_guard<std::mutex> lk(mu);
    CHECK_THAT(account_request, Catch::Contains("accountSubscribe"));
    CHECK_THAT(account_request, Catch::Contains(curve));
}

TEST_CASE("ws source follows held pump.fun curves with accountSubscribe: updates without trades, once each",
          "[solfeed]") {
    testing::QuietLogs quiet;
    ws_test::Stream stream;
    const std::string curve = "Bignq1ctYYtmHdoi1MUGx6wT3pRxZXoE1TAXBqTEG9ZD"; // the capture's pool
    const auto account_note = [](uint64_t slot) {
        return R"({"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":)" +
               std::to_string(slot) +
               R"(},"value":{"data":["F7f4N2DYrGC51jcK4kICAM11d8YLAAAAuT4lvlBEAQDNyVPKBAAAAACAxqR+jQMAAA==","base64"],"executable":false,"lamports":20575589885,"owner":"6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P","rentEpoch":18446744073709551615,"space":49}},"subscription":555}})";
    };
    std::mutex mu;
    std::vector<std::string> account_requests;
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        c.send(stream.message(0, 1000));
        std::string req;
        if (!c.read(req)) { // accountSubscribe
            return;
        }
        {
            std::lock_guard<std::mutex> lk(mu);
            account_requests.push_back(req);
        }
        const size_t at = req.find("\"id\":");
        const std::string id = req.substr(at + 5, req.find(',', at) - at - 5);
        c.send(R"({"jsonrpc":"2.0","result":555,"id":)" + id + "}");
        c.send(account_note(2000));
        c.send(account_note(2000)); // the same state again: delivered once
        c.send(account_note(2001));
        c.send(R"({"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":2002},"value":null},"subscription":999}})");
        if (c.read(req)) { // accountUnsubscribe
            std::lock_guard<std::mutex> lk(mu);
            account_requests.push_back(req);
        }
        c.hold();
    });
    solfeed::SolanaWsSource source(config({server.url()}));
    Collect sink;
    const size_t created = start_holding(source, sink, stream, curve);
    REQUIRE(sink.wait([&](Collect& c) { return c.events() >= created + 2; }));
    source.watch_pools({});
    const SourceStatus st = status_when(source, [&](const SourceStatus&) {
        std::lock_guard<std::mutex> lk(mu);
        return account_requests.size() >= 2;
    });
    source.stop();
    server.stop();
    const auto events = sink.take_events();
    REQUIRE(events.size() == created + 2);
    for (size_t i = created; i < events.size(); ++i) {
        CHECK(events[i].h.type == SNP_EVENT_POOL_UPDATE);
        CHECK(to_base58(events[i].pool_update.pool) == curve);
        CHECK(events[i].pool_update.base_reserve_atoms > 0);
    }
    CHECK(st.duplicates == 1);
    CHECK(st.rejected_by_reason.at("UNKNOWN_SUBSCRIPTION") == 1);
    std::lock_guard<std::mutex> lk(mu);
    REQUIRE(account_requests.size() == 2);
    CHECK_THAT(account_requests[0], Catch::Contains("\"method\":\"accountSubscribe\""));
    CHECK_THAT(account_requests[0], Catch::Contains("\"" + curve + "\""));
    CHECK_THAT(account_requests[0], Catch::Contains("\"encoding\":\"base64\""));
    CHECK_THAT(account_requests[1], Catch::Contains("\"method\":\"accountUnsubscribe\",\"params\":[555]"));
}

TEST_CASE("ws source asks again, after a back-off, for an account subscription the node refused", "[solfeed]") {
    testing::QuietLogs quiet;
    ws_test::Stream stream;
    const std::string curve = "Bignq1ctYYtmHdoi1MUGx6wT3pRxZXoE1TAXBqTEG9ZD"; // the capture's pool
    std::mutex mu;
    std::vector<std::string> account_requests;
    const auto id_of = [](const std::string& req) {
        const size_t at = req.find("\"id\":");
        return req.substr(at + 5, req.find(',', at) - at - 5);
    };
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        c.send(stream.message(0, 1000));
        std::string req;
        for (int attempt = 0; attempt < 2; ++attempt) {
            if (!c.read(req)) {
                return;
            }
            {
                std::lock_guard<std::mutex> lk(mu);
                account_requests.push_back(req);
            }
            if (attempt == 0) {
                c.send(R"({"jsonrpc":"2.0","error":{"code":-32005,"message":"Node is behind"},"id":)" + id_of(req) +
                       "}");
            } else {
                c.send(R"({"jsonrpc":"2.0","result":555,"id":)" + id_of(req) + "}");
            }
        }
        c.send(R"({"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":2000},"value":{"data":["F7f4N2DYrGC51jcK4kICAM11d8YLAAAAuT4lvlBEAQDNyVPKBAAAAACAxqR+jQMAAA==","base64"],"executable":false,"lamports":20575589885,"owner":"6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P","rentEpoch":18446744073709551615,"space":49}},"subscription":555}})");
        c.hold();
    });
    solfeed::SolanaWsSource source(config({server.url()}));
    Collect sink;
    const size_t created = start_holding(source, sink, stream, curve);
    REQUIRE(sink.wait([&](Collect& c) { return c.events() >= created + 1; }));
    const SourceStatus st = *source.status();
    source.stop();
    server.stop();
    const auto events = sink.take_events();
    REQUIRE(events.size() == created + 1);
    CHECK(events.back().h.type == SNP_EVENT_POOL_UPDATE);
    CHECK(to_base58(events.back().pool_update.pool) == curve);
    CHECK(st.rejected_by_reason.at("SUBSCRIBE_ERROR") == 1);
    CHECK(server.connections() == 1); // asked again on the same connection
    std::lock_guard<std::mutex> lk(mu);
    REQUIRE(account_requests.size() == 2);
    for (const std::string& r : account_requests) {
        CHECK_THAT(r, Catch::Contains("\"method\":\"accountSubscribe\""));
        CHECK_THAT(r, Catch::Contains("\"" + curve + "\""));
    }
    CHECK(id_of(account_requests[0]) != id_of(account_requests[1]));
}

namespace {

// A pump.fun coin's migration to Raydium (2024-12), as a
// transactionNotification: its initialize2 names the pool and its vaults.
const std::string amm = "6DrWmJAVcCLUTHzgdMoKroZCwdcS8sodLgctiBqvyys6";
const std::string token_vault = "Dn1NMgHneoKZvtgec5Pnv336qGVV6AyPuqS5rNvNAFa1"; // its postTokenBalances
const std::string sol_vault = "9JQ4n7s9xnJvbmaG9wtkUiC8qLUR2MR4LQeJw1ka7X77";
std::string raydium_migration_created() {
    return ws_test::read_file(std::string(SNIPER_TEST_DATA) +
                              "/chain/fixtures/payloads/ws_txn_raydium_initialize2_pumpfun_migration_2024-12.json");
}

} // namespace

TEST_CASE("ws source follows a held Raydium pool by its two vaults: one POOL_UPDATE per slot both reach",
          "[solfeed]") {
    testing::QuietLogs quiet;
    using namespace vault_vectors;
    const std::string created = raydium_migration_created();
    std::mutex mu;
    std::vector<std::string> account_requests;
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        c.send(created);
        if (!c.answer_subscriptions(2)) { // the two vaults' accountSubscribe, ids 1000 and 1001
            return;
        }
        {
            std::lock_guard<std::mutex> lk(mu);
            account_requests.assign(c.requests.begin() + 1, c.requests.end());
        }
        const bool token_first = c.requests[1].find(token_vault) != std::string::npos;
        const uint64_t token_sub = token_first ? 1100 : 1101, sol_sub = token_first ? 1101 : 1100;
        c.send(account_note(305978600, kRaydiumTokenVaultData, kToken, token_sub)); // waits
        c.send(account_note(305978600, kRaydiumSolVaultData, kToken, sol_sub));    // pairs: one update
        c.send(account_note(305978601, kRaydiumSolVaultData, kToken, sol_sub));    // waits
        c.send(account_note(305978601, kRaydiumTokenVaultData, kToken, sol_sub));  // wrong vault: refused
        c.send(account_note(305978601, kRaydiumTokenVaultData, kToken, token_sub)); // pairs
        c.hold();
    });
    auto cfg = config({server.url()});
    cfg.ws.raydium_follow_ns = 0; // followed because it is held, not because it is new
    solfeed::SolanaWsSource source(cfg);
    Collect sink;
    source.start(sink);
    REQUIRE(sink.wait([&](Collect& c) { return c.events() >= 1; })); // NEW_POOL
    Pubkey pool{};
    REQUIRE(pubkey_from_base58(amm, pool));
    source.watch_pools({pool});
    REQUIRE(sink.wait([&](Collect& c) { return c.events() >= 3; }));
    const SourceStatus st = status_when(source, [](const SourceStatus& s) { return s.rejected >= 1; });
    source.stop();
    server.stop();
    const auto events = sink.take_events();
    REQUIRE(events.size() == 3);
    CHECK(events[0].h.type == SNP_EVENT_NEW_POOL);
    for (size_t i = 1; i < 3; ++i) {
        CHECK(events[i].h.type == SNP_EVENT_POOL_UPDATE);
        CHECK(to_base58(events[i].pool_update.pool) == amm);
        CHECK(events[i].pool_update.base_reserve_atoms == 206'000'000'000'000ULL);
        CHECK(events[i].pool_update.quote_reserve_lamports == 80'000'000'000ULL);
    }
    CHECK(st.rejected_by_reason.at("VAULT_MISMATCH") == 1);
    std::lock_guard<std::mutex> lk(mu);
    REQUIRE(account_requests.size() == 2);
    const std::string both = account_requests[0] + account_requests[1];
    CHECK_THAT(both, Catch::Contains("\"" + token_vault + "\""));
    CHECK_THAT(both, Catch::Contains("\"" + sol_vault + "\""));
    CHECK_THAT(account_requests[0], Catch::Contains("\"method\":\"accountSubscribe\""));
}

// A Raydium swap's ray_log names no pool, so a new Raydium pool nobody
// holds would keep its NEW_POOL's reserves for good: its vaults are
// followed for feeds.ws.raydium_follow after its NEW_POOL, then let go.
TEST_CASE("ws source follows a new Raydium pool by its vaults for raydium_follow without holding it and then lets them go",
          "[solfeed]") {
    testing::QuietLogs quiet;
    using namespace vault_vectors;
    const std::string created = raydium_migration_created();
    std::mutex mu;
    std::vector<std::string> later; // what the source asked after the two subscriptions
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        c.send(created);
        if (!c.answer_subscriptions(2)) { // the two vaults, without watch_pools
            return;
        }
        const bool token_first = c.requests[1].find(token_vault) != std::string::npos;
        const uint64_t token_sub = token_first ? 1100 : 1101, sol_sub = token_first ? 1101 : 1100;
        c.send(account_note(305978600, kRaydiumTokenVaultData, kToken, token_sub));
        c.send(account_note(305978600, kRaydiumSolVaultData, kToken, sol_sub)); // one POOL_UPDATE
        std::string req;
        while (c.read(req)) {
            std::lock_guard<std::mutex> lk(mu);
            later.push_back(req);
        }
    });
    auto cfg = config({server.url()});
    cfg.ws.raydium_follow_ns = 1'500'000'000;
    solfeed::SolanaWsSource source(cfg);
    Collect sink;
    source.start(sink);
    REQUIRE(sink.wait([&](Collect& c) { return c.events() >= 2; }));
    const SourceStatus during = status_when(source, [](const SourceStatus& s) { return s.raydium_followed == 1; });
    // The window ends: both vaults are unsubscribed.
    const SourceStatus after = status_when(source, [&](const SourceStatus& s) {
        std::lock_guard<std::mutex> lk(mu);
        return s.raydium_followed == 0 && later.size() >= 2;
    });
    source.stop();
    server.stop();
    CHECK(during.raydium_followed == 1);
    CHECK(after.raydium_followed == 0);
    const auto events = sink.take_events();
    REQUIRE(events.size() == 2);
    CHECK(events[0].h.type == SNP_EVENT_NEW_POOL);
    CHECK(events[1].h.type == SNP_EVENT_POOL_UPDATE);
    CHECK(to_base58(events[1].pool_update.pool) == amm);
    CHECK(events[1].pool_update.base_reserve_atoms == 206'000'000'000'000ULL);
    CHECK(events[1].pool_update.quote_reserve_lamports == 80'000'000'000ULL);
    std::lock_guard<std::mutex> lk(mu);
    REQUIRE(later.size() == 2);
    CHECK_THAT(later[0], Catch::Contains("\"method\":\"accountUnsubscribe\""));
    CHECK_THAT(later[1], Catch::Contains("\"method\":\"accountUnsubscribe\""));
    CHECK_THAT(later[0] + later[1], Catch::Contains("[1100]") && Catch::Contains("[1101]"));
}

TEST_CASE("ws source waits out a node's HTTP 429 and its Retry-After before connecting again",
          "[solfeed]") {
    testing::QuietLogs quiet;
    ws_test::Server server([&](ws_test::Conn& c) {
        if (c.answer_subscriptions(1)) {
            c.hold();
        }
    });
    server.refuse_next(2, 429, 1); // twice "429 Too Many Requests, Retry-After: 1"
    solfeed::SolanaWsSource source(config({server.url()})); // reconnect_min 20 ms
    Collect sink;
    const int64_t began = mono_ns();
    source.start(sink);
    const SourceStatus st = status_when(source, [](const SourceStatus& s) { return s.state == "up"; });
    const int64_t took = mono_ns() - began;
    source.stop();
    server.stop();
    CHECK(st.state == "up");
    CHECK(server.refused() == 2);
    CHECK(server.connections() == 1);
    REQUIRE(st.endpoints.size() == 1);
    CHECK(st.endpoints[0].rate_limited == 2);
    CHECK_THAT(st.endpoints[0].last_error, Catch::Contains("HTTP 429") && Catch::Contains("Retry-After: 1 s"));
    // Two refusals, each waited out for at least its Retry-After (not the
    // 20 ms back-off): a lower bound, which no scheduling can undercut.
    CHECK(took >= 2'000'000'000);
}

TEST_CASE("ws source keeps each connection within feeds.ws.requests_per_s: account subscriptions wait their turn",
          "[solfeed]") {
    testing::QuietLogs quiet;
    using namespace vault_vectors;
    std::mutex mu;
    std::vector<std::pair<int64_t, std::string>> account_requests; // arrival (mono ns), text
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        c.send(pump_swap_create_logs());
        std::string req;
        while (c.read(req)) {
            std::lock_guard<std::mutex> lk(mu);
            account_requests.emplace_back(mono_ns(), req);
        }
    });
    auto cfg = config({server.url()});
    cfg.ws.requests_per_s = 2; // the logs subscription spends one at connect
    solfeed::SolanaWsSource source(cfg);
    Collect sink;
    source.start(sink);
    REQUIRE(sink.wait([&](Collect& c) { return c.events() >= 1; })); // the pool's NEW_POOL
    Pubkey pool{};
    REQUIRE(pubkey_from_base58(kPumpSwapPool, pool));
    source.watch_pools({pool}); // three accounts: the WSOL vault and the token's two candidates
    const SourceStatus st = status_when(source, [&](const SourceStatus&) {
        std::lock_guard<std::mutex> lk(mu);
        return account_requests.size() >= 3;
    });
    source.stop();
    server.stop();
    std::lock_guard<std::mutex> lk(mu);
    REQUIRE(account_requests.size() == 3);
    std::string all;
    for (const auto& [at, text] : account_requests) {
        CHECK_THAT(text, Catch::Contains("\"method\":\"accountSubscribe\""));
        all += text;
    }
    for (const char* vault : {kPumpSwapSolVault, kPumpSwapSplVault, kPumpSwapT22Vault}) {
        CHECK_THAT(all, Catch::Contains(std::string("\"") + vault + "\""));
    }
    // One token left after the logs subscription, then 2 per second: the
    // third request cannot leave before ~0.5 s after the first (a lower
    // bound); the waits are counted.
    CHECK(account_requests[2].first - account_requests[0].first >= 400'000'000);
    REQUIRE(st.endpoints.size() == 1);
    CHECK(st.endpoints[0].requests_delayed >= 1);
}
