// tests/solfeed/ws_signatures_test.cpp — the WebSocket source as a
// SignatureWatch (solfeed/ws_signatures.cpp) against scripted loopback
// nodes: every watched signature is subscribed on every connection at the
// feed's commitment; the first notification, from whichever connection,
// reaches the listener once; malformed and unknown notifications are
// counted and ignored; a refused subscription is counted and not asked
// again; a forgotten signature is unsubscribed, and a notification sent
// before the unsubscribe took effect is ignored.
#include "solfeed/ws_source.hpp"

#include "core/clock.hpp"
#include "solana/base58.hpp"
#include "support/ws_test_server.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

using namespace sniper;

namespace {

class NullSink final : public EventSink {
  public:
    void push_market_event(const EventBuf&) override {}
    void source_ended() override {}
};

solfeed::WsSourceConfig config(std::vector<std::string> urls) {
    solfeed::WsSourceConfig c;
    c.ws.enabled = true;
    c.ws.urls = std::move(urls);
    Pubkey pump{};
    REQUIRE(pubkey_from_base58("6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P", pump));
    c.ws.programs = {pump};
    c.ws.commitment = "finalized";
    c.ws.reconnect_min_ns = 20'000'000;
    c.ws.reconnect_max_ns = 200'000'000;
    c.ws.stale_after_ns = 0;
    return c;
}

SignatureBytes signature(uint8_t first) {
    SignatureBytes s{};
    for (size_t i = 0; i < s.size(); ++i) {
        s[i] = static_cast<uint8_t>(first + 3 * i);
    }
    return s;
}

std::string b58(const SignatureBytes& s) { return solana::base58_encode(s.data(), s.size()); }

std::string id_of(const std::string& req) {
    const size_t at = req.find("\"id\":");
    return req.substr(at + 5, req.find(',', at) - at - 5);
}

std::string notification(uint64_t sub, uint64_t slot, const std::string& err) {
    return R"({"jsonrpc":"2.0","method":"signatureNotification","params":{"result":{"context":{"slot":)" +
           std::to_string(slot) + R"(},"value":{"err":)" + err + R"(}},"subscription":)" + std::to_string(sub) +
           "}}";
}

struct Heard {
    std::atomic<int> calls{0};
    std::atomic<uint64_t> slot{0};
    std::atomic<bool> failed{false};
    std::mutex mu;
    SignatureBytes sig{};
    SignatureWatch::Listener listener() {
        return [this](const SignatureBytes& s, uint64_t sl, bool f) {
            {
                std::lock_guard<std::mutex> lk(mu);
                sig = s;
            }
            slot = sl;
            failed = f;
            ++calls;
        };
    }
};

template <class Pred> bool eventually(Pred pred, int ms = 10'000) {
    const int64_t until = mono_ns() + int64_t{ms} * 1'000'000;
    while (!pred()) {
        if (mono_ns() > until) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

uint64_t reason(const SourceStatus& st, const std::string& r) {
    const auto it = st.rejected_by_reason.find(r);
    return it == st.rejected_by_reason.end() ? 0 : it->second;
}

} // namespace

TEST_CASE("ws signatures: subscribed on every connection, the first notification told once, bad ones counted",
          "[solfeed][signatures]") {
    testing::QuietLogs quiet;
    const SignatureBytes sig = signature(7);
    std::mutex mu;
    std::vector<std::string> seen; // the signature requests, both nodes
    auto node = [&](uint64_t sub, bool hostile) {
        return [&, sub, hostile](ws_test::Conn& c) {
            if (!c.answer_subscriptions(1)) { // logsSubscribe
                return;
            }
            std::string req;
            if (!c.read(req)) {
                return;
            }
            {
                std::lock_guard<std::mutex> lk(mu);
                seen.push_back(req);
            }
            c.send(R"({"jsonrpc":"2.0","result":)" + std::to_string(sub) + R"(,"id":)" + id_of(req) + "}");
            // Both nodes are asked before either tells (a signature already
            // heard of is not subscribed any more).
            eventually([&] {
                std::lock_guard<std::mutex> lk(mu);
                return seen.size() == 2;
            });
            if (hostile) {
                c.send(R"({"jsonrpc":"2.0","method":"signatureNotification","params":{"subscription":)" +
                       std::to_string(sub) + "}}");                        // no result
                c.send(notification(4242, 9, "null"));                      // no such subscription
                c.send(R"({"jsonrpc":"2.0","method":"signatureNotification","params":{"result":{"context":{"slot":9},"value":"receivedSignature"},"subscription":)" +
                       std::to_string(sub) + "}}"); // never asked for
                c.send(notification(sub, 10, "null"));
            } else {
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
                c.send(notification(sub, 11, "null"));
            }
            c.hold();
        };
    };
    ws_test::Server a(node(700, true));
    ws_test::Server b(node(800, false));
    solfeed::SolanaWsSource source(config({a.url(), b.url()}));
    Heard heard;
    source.set_signature_listener(heard.listener());
    source.watch_signature(sig);
    NullSink sink;
    source.start(sink);
    REQUIRE(eventually([&] { return heard.calls.load() >= 1; }));
    REQUIRE(eventually([&] {
        std::lock_guard<std::mutex> lk(mu);
        return seen.size() == 2;
    }));
    std::this_thread::sleep_for(std::chrono::milliseconds(600)); // node b's notification has come too
    const SourceStatus st = *source.status();
    source.stop();
    a.stop();
    b.stop();
    CHECK(heard.calls.load() == 1);
    {
        std::lock_guard<std::mutex> lk(heard.mu);
        CHECK(heard.sig == sig);
    }
    CHECK(heard.slot.load() == 10);
    CHECK_FALSE(heard.failed.load());
    CHECK(reason(st, "SIGNATURE_NOTIFICATION_INVALID") == 2);
    CHECK(reason(st, "UNKNOWN_SUBSCRIPTION") == 1);
    std::lock_guard<std::mutex> lk(mu);
    for (const std::string& r : seen) {
        CHECK_THAT(r, Catch::Contains("\"method\":\"signatureSubscribe\""));
        CHECK_THAT(r, Catch::Contains("\"" + b58(sig) + "\""));
        CHECK_THAT(r, Catch::Contains("\"commitment\":\"finalized\""));
    }
}

TEST_CASE("ws signatures: a refused subscription is not asked again, a forgotten one is unsubscribed",
          "[solfeed][signatures]") {
    testing::QuietLogs quiet;
    const SignatureBytes refused = signature(1); // subscribed first (the watch is ordered by bytes)
    const SignatureBytes later = signature(2);
    std::atomic<bool> forgot{false};
    std::mutex mu;
    std::vector<std::string> requests;
    std::atomic<bool> done{false};
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        std::string req;
        for (int i = 0; i < 3; ++i) {
            if (!c.read(req)) {
                return;
            }
            {
                std::lock_guard<std::mutex> lk(mu);
                requests.push_back(req);
            }
            if (i == 0) {
                c.send(R"({"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params"},"id":)" + id_of(req) + "}");
            } else if (i == 1) {
                c.send(R"({"jsonrpc":"2.0","result":900,"id":)" + id_of(req) + "}");
            } else {
                // Sent before the unsubscribe's answer: ignored, not counted.
                c.send(notification(900, 12, R"({"InstructionError":[0,"InvalidAccountData"]})"));
                c.send(R"({"jsonrpc":"2.0","result":true,"id":)" + id_of(req) + "}");
                done = true;
            }
        }
        c.hold();
    });
    solfeed::SolanaWsSource source(config({server.url()}));
    Heard heard;
    source.set_signature_listener(heard.listener());
    source.watch_signature(refused);
    source.watch_signature(later);
    NullSink sink;
    source.start(sink);
    REQUIRE(eventually([&] {
        std::lock_guard<std::mutex> lk(mu);
        return requests.size() == 2;
    }));
    std::this_thread::sleep_for(std::chrono::milliseconds(400)); // a few ticks: nothing asked again
    {
        std::lock_guard<std::mutex> lk(mu);
        CHECK(requests.size() == 2);
    }
    source.forget_signature(later);
    forgot = true;
    REQUIRE(eventually([&] { return done.load(); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const SourceStatus st = *source.status();
    source.stop();
    server.stop();
    CHECK(heard.calls.load() == 0);
    CHECK(reason(st, "SUBSCRIBE_ERROR") == 1);
    CHECK(reason(st, "UNKNOWN_SUBSCRIPTION") == 0);
    CHECK(reason(st, "SIGNATURE_NOTIFICATION_INVALID") == 0);
    CHECK(server.connections() == 1);
    std::lock_guard<std::mutex> lk(mu);
    REQUIRE(requests.size() == 3);
    CHECK_THAT(requests[0], Catch::Contains("\"signatureSubscribe\""));
    CHECK_THAT(requests[0], Catch::Contains(b58(refused)));
    CHECK_THAT(requests[1], Catch::Contains("\"signatureSubscribe\""));
    CHECK_THAT(requests[1], Catch::Contains(b58(later)));
    CHECK_THAT(requests[2], Catch::Contains("\"method\":\"signatureUnsubscribe\",\"params\":[900]"));
}

TEST_CASE("ws slots: follow_slots subscribes each connection, the highest valid slot is the slot now, bad ones counted",
          "[solfeed][signatures]") {
    testing::QuietLogs quiet;
    std::mutex mu;
    std::vector<std::string> requests;
    std::atomic<bool> sent{false};
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) { // logsSubscribe
            return;
        }
        std::string req;
        if (!c.read(req)) {
            return;
        }
        {
            std::lock_guard<std::mutex> lk(mu);
            requests.push_back(req);
        }
        c.send(R"({"jsonrpc":"2.0","result":31,"id":)" + id_of(req) + "}");
        const auto slot = [](uint64_t parent, uint64_t s) {
            return R"({"jsonrpc":"2.0","method":"slotNotification","params":{"result":{"parent":)" +
                   std::to_string(parent) + R"(,"root":)" + std::to_string(parent > 32 ? parent - 32 : 0) +
                   R"(,"slot":)" + std::to_string(s) + R"(},"subscription":31}})";
        };
        c.send(slot(4999, 5000));
        c.send(slot(5000, 5001));
        c.send(slot(4000, 4001)); // an older one (another fork, a late frame): the slot stays
        c.send(slot(25000, 25001)); // 20,000 slots ahead of a moment ago: not believed
        c.send(slot(9000, 9000)); // parent not below the slot: refused
        c.send(R"({"jsonrpc":"2.0","method":"slotNotification","params":{"result":{"slot":"7000"},"subscription":31}})");
        c.send(R"({"jsonrpc":"2.0","method":"slotNotification","params":{"result":{"parent":6999,"slot":7000}}})");
        sent = true;
        c.hold();
    });
    solfeed::SolanaWsSource source(config({server.url()}));
    CHECK(source.current_slot() == 0);
    source.follow_slots();
    NullSink sink;
    source.start(sink);
    REQUIRE(eventually([&] {
        return sent.load() && source.current_slot() == 5001 &&
               reason(*source.status(), "SLOT_NOTIFICATION_INVALID") == 3;
    }));
    CHECK(source.current_slot() == 5001);
    const SourceStatus st = *source.status();
    // Nothing more for longer than kSlotStaleNs: the slot is unknown again,
    // not an old number.
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    CHECK(source.current_slot() == 0);
    source.stop();
    server.stop();
    CHECK(reason(st, "SLOT_NOTIFICATION_INVALID") == 3);
    CHECK(reason(st, "SUBSCRIBE_ERROR") == 0);
    std::lock_guard<std::mutex> lk(mu);
    REQUIRE(requests.size() == 1);
    CHECK_THAT(requests[0], Catch::Contains("\"method\":\"slotSubscribe\""));
}

TEST_CASE("ws slots: without follow_slots no slotSubscribe is sent", "[solfeed][signatures]") {
    testing::QuietLogs quiet;
    std::atomic<int> extra{0};
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        std::string req;
        while (c.read(req)) {
            ++extra;
        }
    });
    solfeed::SolanaWsSource source(config({server.url()}));
    NullSink sink;
    source.start(sink);
    REQUIRE(eventually([&] { return server.connections() == 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    source.stop();
    server.stop();
    CHECK(extra.load() == 0);
    CHECK(source.current_slot() == 0);
}

TEST_CASE("ws slots: a refused slotSubscribe is asked again after the back-off, on the same connection",
          "[solfeed][signatures]") {
    testing::QuietLogs quiet;
    std::atomic<int> asked{0};
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        std::string req;
        while (c.read(req)) {
            if (req.find("\"slotSubscribe\"") == std::string::npos) {
                continue;
            }
            if (++asked == 1) {
                c.send(R"({"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":)" + id_of(req) +
                       "}");
                continue;
            }
            c.send(R"({"jsonrpc":"2.0","result":44,"id":)" + id_of(req) + "}");
            c.send(R"({"jsonrpc":"2.0","method":"slotNotification","params":{"result":{"parent":699,"root":600,"slot":700},"subscription":44}})");
        }
    });
    solfeed::SolanaWsSource source(config({server.url()})); // reconnect_max 200 ms
    source.follow_slots();
    NullSink sink;
    source.start(sink);
    REQUIRE(eventually([&] { return source.current_slot() == 700; }));
    const SourceStatus st = *source.status();
    source.stop();
    server.stop();
    CHECK(asked.load() == 2);
    CHECK(server.connections() == 1);
    CHECK(reason(st, "SUBSCRIBE_ERROR") == 1);
}
