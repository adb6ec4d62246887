// tests/rpc/client_test.cpp — the client against a scripted HTTP server on
// loopback: answers no real node gives on purpose (garbage, wrong ids,
// huge numbers, non-JSON, slow bodies, oversize bodies), HTTP errors,
// 429 with Retry-After, keep-alive, the request budget, health and
// probing, failover from a closed port, and shutdown with calls pending.
#include "rpc/rpc_test_util.hpp"
#include "rpc/solana_calls.hpp"

#include "core/log.hpp"
#include "solana/message_compile.hpp"
#include "solana/system_program.hpp"
#include "solana/transaction.hpp"

#include "test_support.hpp"

#include <fcntl.h>

using namespace sniper;
using namespace sniper::rpc;
using namespace sniper::rpc::test;

namespace {

using Quiet = testing::QuietLogs;

RpcResponse call_sync(RpcClient& c, const std::string& method, const std::string& params = "",
                      CallOptions o = {}) {
    return sync<RpcResponse>([&](auto cb) { c.call(method, params, cb, o); });
}

} // namespace

TEST_CASE("a call answers with the result text, over one kept-alive connection", "[rpc][client]") {
    FakeServer s([](const FakeRequest& r) {
        return ok_reply(r, "{\"context\":{\"slot\":7},\"value\":42}");
    });
    RpcClient c(one_endpoint(s.url()));
    for (int i = 0; i < 5; ++i) {
        const RpcResponse r = call_sync(c, "getBalance", "[\"x\"]");
        REQUIRE(r.ok());
        CHECK(r.result_json == R"({"context":{"slot":7},"value":42})");
        CHECK(r.attempts == 1);
        CHECK(r.endpoint == "a");
    }
    CHECK(s.connections() == 1);
    const auto reqs = s.requests();
    REQUIRE(reqs.size() == 5);
    CHECK(reqs[0].body.find(R"("jsonrpc":"2.0")") != std::string::npos);
    CHECK(reqs[0].body.find(R"("method":"getBalance","params":["x"])") != std::string::npos);
    CHECK(reqs[0].id != reqs[1].id);
}

TEST_CASE("malformed answers are refused with what was expected and found",
          "[rpc][client][malformed]") {
    Quiet quiet;
    struct Case {
        std::function<FakeReply(const FakeRequest&)> reply;
        RpcStatus status;
        std::string message_part;
    };
    const std::vector<Case> cases = {
        {[](const FakeRequest&) {
             return FakeReply{200, "<html>bad gateway</html>"};
         },
         RpcStatus::Malformed, "response: expected JSON, found <html>bad gateway</html>"},
        {[](const FakeRequest&) {
             return FakeReply{200, ""};
         },
         RpcStatus::Malformed, "found an empty body"},
        {[](const FakeRequest&) {
             return FakeReply{200, R"({"jsonrpc":"2.0","id":999999,"result":1})"};
         },
         RpcStatus::Malformed, ", found number 999999"},
        {[](const FakeRequest& r) {
             return FakeReply{200, R"({"jsonrpc":"1.0","id":)" + std::to_string(r.id) +
                                       R"(,"result":1})"};
         },
         RpcStatus::Malformed, "response.jsonrpc: expected \"2.0\", found \"1.0\""},
        {[](const FakeRequest& r) { return ok_reply(r, "184467440737095516150"); },
         RpcStatus::Malformed, "integers fit in 64 bits"},
        {[](const FakeRequest&) {
             return FakeReply{200, R"([{"jsonrpc":"2.0","id":1,"result":1}])"};
         },
         RpcStatus::Malformed, "response: expected an object, found array"},
        {[](const FakeRequest& r) {
             return FakeReply{200, R"({"jsonrpc":"2.0","id":)" + std::to_string(r.id) + "}"};
         },
         RpcStatus::Malformed, "expected a \"result\" or an \"error\" member, found neither"},
        {[](const FakeRequest& r) {
             return FakeReply{200, R"({"jsonrpc":"2.0","id":)" + std::to_string(r.id) +
                                       R"(,"error":{"code":"x"}})"};
         },
         RpcStatus::Malformed,
         "response.error.code: expected a 64-bit integer, found string \"x\""},
        {[](const FakeRequest&) {
             return FakeReply{500, "oops"};
         },
         RpcStatus::HttpStatus, "expected HTTP 200, found 500: oops"},
        {[](const FakeRequest&) {
             FakeReply r;
             r.close_without_answer = true;
             return r;
         },
         RpcStatus::Transport, ""},
    };
    for (const auto& k : cases) {
        FakeServer s(k.reply);
        auto cfg = one_endpoint(s.url());
        cfg.max_attempts = 2;
        RpcClient c(cfg);
        const RpcResponse r = call_sync(c, "getSlot");
        INFO(k.message_part << " -> " << r.error.to_string());
        CHECK(r.error.status == k.status);
        CHECK_THAT(r.error.message, Catch::Contains(k.message_part));
        CHECK(r.attempts == 2); // an endpoint fault: tried again (same endpoint, the only one)
        CHECK(c.endpoint_status()[0].failures == 2);
    }
}

TEST_CASE("a JSON-RPC error is the node's answer: code, message, data, no retry", "[rpc][client]") {
    FakeServer s([](const FakeRequest& r) {
        return FakeReply{
            200,
            R"({"jsonrpc":"2.0","id":)" + std::to_string(r.id) +
                R"(,"error":{"code":-32002,"message":"Transaction simulation failed","data":{"err":"BlockhashNotFound","logs":[]}}})"};
    });
    RpcClient c(one_endpoint(s.url()));
    const RpcResponse r = call_sync(c, "sendTransaction", "[\"AQID\"]");
    CHECK(r.error.status == RpcStatus::JsonRpc);
    CHECK(r.error.rpc_code == -32002);
    CHECK(r.error.message == "Transaction simulation failed");
    CHECK(r.error.data_json == R"({"err":"BlockhashNotFound","logs":[]})");
    CHECK(r.attempts == 1);
    CHECK(c.endpoint_status()[0].healthy);
    CHECK(c.endpoint_status()[0].consecutive_failures == 0);
}

TEST_CASE("typed calls refuse wrong shapes and a foreign signature", "[rpc][client][malformed]") {
    FakeServer s([](const FakeRequest& r) {
        if (r.method == "getBlockHeight") {
            return ok_reply(r, "-5");
        }
        if (r.method == "getLatestBlockhash") {
            return ok_reply(r, R"({"context":{"slot":1},"value":{"blockhash":"abc"}})");
        }
        // sendTransaction: a valid signature, but not this transaction's
        return ok_reply(r, "\"5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3Zp"
                           "RzrFmBV6UjKdiSZkQUW\"");
    });
    RpcClient c(one_endpoint(s.url()));
    auto h =
        sync<RpcResult<uint64_t>>([&](auto cb) { get_block_height(c, Commitment::Confirmed, cb); });
    CHECK(h.error.status == RpcStatus::Malformed);
    CHECK(h.error.message == "result: expected an unsigned integer, found number -5");
    auto b = sync<RpcResult<LatestBlockhash>>(
        [&](auto cb) { get_latest_blockhash(c, Commitment::Confirmed, cb); });
    CHECK(b.error.status == RpcStatus::Malformed);
    CHECK_THAT(b.error.message,
               Catch::StartsWith("result.value.blockhash: expected a base58 hash of 32 bytes"));

    // A signed one-signature transaction: 1, 64-byte signature, message.
    std::array<uint8_t, 32> seed{};
    seed.fill(3);
    const auto key = solana::SigningKey::from_seed(seed);
    const std::vector<solana::Instruction> ixs = {
        solana::system_transfer(key.pubkey(), key.pubkey(), 1)};
    auto msg =
        solana::compile_message(key.pubkey(), ixs, solana::Hash{}, solana::MessageVersion::Legacy);
    REQUIRE(msg);
    solana::TxBytes bytes;
    const solana::SigningKey* keys[] = {&key};
    REQUIRE_FALSE(solana::sign_message(*msg, keys, bytes));
    auto sent =
        sync<RpcResult<solana::Signature>>([&](auto cb) { send_transaction(c, bytes.span(), cb); });
    CHECK(sent.error.status == RpcStatus::Malformed);
    CHECK_THAT(sent.error.message,
               Catch::StartsWith("result: expected the transaction's first signature"));
    const std::vector<uint8_t> junk = {1, 2, 3};
    CHECK_THROWS_AS(send_transaction(c, junk, [](RpcResult<solana::Signature>) {}),
                    std::invalid_argument);
}

TEST_CASE("slow bodies time out, oversize bodies are cut off", "[rpc][client][malformed]") {
    Quiet quiet;
    FakeServer slow([](const FakeRequest&) {
        FakeReply r;
        r.slow_body = true;
        return r;
    });
    auto cfg = one_endpoint(slow.url());
    cfg.attempt_timeout_ms = 300;
    cfg.max_attempts = 1;
    RpcClient c(cfg);
    const int64_t t0 = now_ms();
    const RpcResponse r = call_sync(c, "getSlot");
    CHECK(r.error.status == RpcStatus::Timeout);
    CHECK(now_ms() - t0 < 2000);

    FakeServer big([](const FakeRequest& req) {
        return ok_reply(req, "\"" + std::string(70000, 'x') + "\"");
    });
    auto cfg2 = one_endpoint(big.url());
    cfg2.max_body_bytes = 65536;
    cfg2.max_attempts = 1;
    RpcClient c2(cfg2);
    const RpcResponse r2 = call_sync(c2, "getSlot");
    CHECK(r2.error.status == RpcStatus::Transport);
    CHECK(r2.error.message == "response body over 65536 bytes");
}

TEST_CASE("429 backs off for Retry-After, then succeeds", "[rpc][client][429]") {
    Quiet quiet;
    std::atomic<int> n{0};
    FakeServer s([&](const FakeRequest& r) {
        if (n++ == 0) {
            return FakeReply{429, "{}", {"Retry-After: 1"}};
        }
        return ok_reply(r, "5");
    });
    auto cfg = one_endpoint(s.url());
    RpcClient c(cfg);
    const RpcResponse r = call_sync(c, "getSlot");
    REQUIRE(r.ok());
    CHECK(r.attempts == 2);
    const auto reqs = s.requests();
    REQUIRE(reqs.size() == 2);
    CHECK(reqs[1].at_ms - reqs[0].at_ms >= 950);
    CHECK(c.endpoint_status()[0].rate_limited == 1);
    CHECK(c.endpoint_status()[0].healthy); // a 429 is not a health failure

    // A deadline shorter than the back-off ends RateLimited, without hammering.
    n = 0;
    s.set_handler([](const FakeRequest&) { return FakeReply{429, "{}", {"Retry-After: 5"}}; });
    const RpcResponse r2 = call_sync(c, "getSlot", "", CallOptions{1000, 5});
    CHECK(r2.error.status == RpcStatus::RateLimited);
    CHECK(r2.attempts == 1);
    CHECK_THAT(r2.error.message, Catch::Contains("Retry-After 5 s"));
}

TEST_CASE("the request budget spaces requests to one endpoint", "[rpc][client][budget]") {
    FakeServer s([](const FakeRequest& r) { return ok_reply(r, "1"); });
    RpcClientConfig cfg;
    cfg.endpoints.push_back(EndpointConfig{"a", s.url(), 20, 2}); // 20/s, burst 2
    RpcClient c(cfg);
    std::vector<Await<RpcResponse>> waits(12);
    for (auto& w : waits) {
        c.call("getSlot", "", w.cb(), CallOptions{5000, 1});
    }
    for (auto& w : waits) {
        REQUIRE(w.wait().ok());
    }
    const auto reqs = s.requests();
    REQUIRE(reqs.size() == 12);
    // 2 at once, then one per 50 ms: the 12th no earlier than 500 ms after the first.
    CHECK(reqs.back().at_ms - reqs.front().at_ms >= 480);
    // Cumulatively (arrival times jitter on a loaded machine): request i
    // (0-based) no earlier than (i - 1) x 50 ms after the first, less 30 ms.
    for (size_t i = 2; i < reqs.size(); ++i) {
        INFO("request " << i);
        CHECK(reqs[i].at_ms - reqs[0].at_ms >= static_cast<int64_t>(i - 1) * 50 - 30);
    }
}

TEST_CASE("failover: a closed port fails over, turns unhealthy, is probed",
          "[rpc][client][failover]") {
    Quiet quiet;
    FakeServer live([](const FakeRequest& r) { return ok_reply(r, "77"); });
    RpcClientConfig cfg;
    const std::string dead = "http://127.0.0.1:" + std::to_string(closed_port());
    cfg.endpoints.push_back(EndpointConfig{"dead", dead, 100, 100});
    cfg.endpoints.push_back(EndpointConfig{"live", live.url(), 100, 100});
    cfg.unhealthy_after_failures = 1;
    cfg.probe_backoff_min_ms = 100;
    cfg.probe_backoff_max_ms = 200;
    RpcClient c(cfg);
    const RpcResponse first = call_sync(c, "getSlot");
    REQUIRE(first.ok());
    CHECK(first.endpoint == "live");
    CHECK(first.attempts == 2); // dead first (configuration order), then live
    auto st = c.endpoint_status();
    CHECK_FALSE(st[0].healthy);
    CHECK_THAT(st[0].last_error, Catch::StartsWith("transport from dead:"));
    for (int i = 0; i < 3; ++i) {
        const RpcResponse r = call_sync(c, "getSlot");
        CHECK(r.attempts == 1); // straight to the healthy one
        CHECK(r.endpoint == "live");
    }
    std::this_thread::sleep_for(700ms); // probes at +100, +200, +200 ms ...: all refused
    st = c.endpoint_status();
    CHECK_FALSE(st[0].healthy);
    CHECK(st[0].requests >= 3);
    CHECK(st[0].requests <= 8);
    CHECK(st[1].requests == 4);
}

TEST_CASE("an unhealthy endpoint comes back after a successful probe", "[rpc][client][failover]") {
    Quiet quiet;
    std::atomic<bool> broken{true};
    FakeServer s([&](const FakeRequest& r) {
        if (broken) {
            return FakeReply{503, "down"};
        }
        return r.method == "getHealth" ? ok_reply(r, "\"ok\"") : ok_reply(r, "1");
    });
    auto cfg = one_endpoint(s.url());
    cfg.unhealthy_after_failures = 1;
    cfg.probe_backoff_min_ms = 100;
    cfg.max_attempts = 1;
    RpcClient c(cfg);
    CHECK(call_sync(c, "getSlot").error.status == RpcStatus::HttpStatus);
    CHECK_FALSE(c.endpoint_status()[0].healthy);
    broken = false;
    const int64_t end = now_ms() + 5000;
    while (!c.endpoint_status()[0].healthy && now_ms() < end) {
        std::this_thread::sleep_for(20ms);
    }
    CHECK(c.endpoint_status()[0].healthy);
    bool probed = false;
    for (const auto& q : s.requests()) {
        probed = probed || q.method == "getHealth";
    }
    CHECK(probed);
}

TEST_CASE("broadcast sends the same request to every healthy endpoint",
          "[rpc][client][broadcast]") {
    FakeServer a([](const FakeRequest& r) { return ok_reply(r, "1"); });
    FakeServer b([](const FakeRequest& r) { return ok_reply(r, "2"); });
    RpcClientConfig cfg;
    cfg.endpoints = {EndpointConfig{"a", a.url(), 100, 10}, EndpointConfig{"b", b.url(), 100, 10}};
    RpcClient c(cfg);
    const auto rs =
        sync<std::vector<RpcResponse>>([&](auto cb) { c.broadcast("getSlot", "", cb); });
    REQUIRE(rs.size() == 2);
    CHECK(rs[0].endpoint == "a");
    CHECK(rs[0].result_json == "1");
    CHECK(rs[1].endpoint == "b");
    CHECK(rs[1].result_json == "2");
    CHECK(a.requests()[0].body.substr(a.requests()[0].body.find("\"method\"")) ==
          b.requests()[0].body.substr(b.requests()[0].body.find("\"method\"")));
}

TEST_CASE("stop completes pending calls as Cancelled and joins quickly",
          "[rpc][client][shutdown]") {
    FakeServer s([](const FakeRequest& r) {
        FakeReply rep = ok_reply(r, "1");
        rep.delay_ms = 5000;
        return rep;
    });
    auto cfg = one_endpoint(s.url());
    cfg.endpoints[0].requests_per_s = 1;
    cfg.endpoints[0].burst = 1;
    cfg.attempt_timeout_ms = 10000;
    cfg.call_timeout_ms = 10000;
    auto c = std::make_unique<RpcClient>(cfg);
    Await<RpcResponse> in_flight, waiting_budget;
    c->call("getSlot", "", in_flight.cb());
    c->call("getSlot", "", waiting_budget.cb()); // waits for a token
    std::this_thread::sleep_for(200ms);
    const int64_t t0 = now_ms();
    c->stop();
    CHECK(now_ms() - t0 < 1000);
    CHECK(in_flight.wait(1000ms).error.status == RpcStatus::Cancelled);
    CHECK(waiting_budget.wait(1000ms).error.status == RpcStatus::Cancelled);
    // After stop: Cancelled at once, on this thread.
    Await<RpcResponse> late;
    CHECK(c->call("getSlot", "", late.cb()) == 0);
    CHECK(late.wait(10ms).error.status == RpcStatus::Cancelled);
    c.reset();
}

TEST_CASE("many concurrent submitters, callbacks on the client thread", "[rpc][client]") {
    FakeServer s([](const FakeRequest& r) { return ok_reply(r, std::to_string(r.id)); });
    RpcClientConfig cfg = one_endpoint(s.url());
    cfg.endpoints[0].requests_per_s = 100000;
    cfg.endpoints[0].burst = 1000;
    RpcClient c(cfg);
    std::atomic<int> done{0};
    std::atomic<bool> wrong_thread{false};
    std::vector<std::thread> ts;
    for (int t = 0; t < 4; ++t) {
        ts.emplace_back([&] {
            for (int i = 0; i < 50; ++i) {
                c.call("getSlot", "", [&](RpcResponse r) {
                    wrong_thread = wrong_thread || !c.loop().on_loop_thread();
                    if (r.ok()) {
                        ++done;
                    }
                });
            }
        });
    }
    for (auto& t : ts) {
        t.join();
    }
    const int64_t end = now_ms() + 10000;
    while (done < 200 && now_ms() < end) {
        std::this_thread::sleep_for(10ms);
    }
    CHECK(done == 200);
    CHECK_FALSE(wrong_thread);
}

// A burst larger than the loop's transfer slots: at most that many are in
// curl at once (so a finished transfer stays cheap), the rest wait in order
// and all complete; one whose timeout passes while it waits completes as a
// Timeout that says so, without ever being sent.
TEST_CASE("the HTTP loop hands curl a bounded number of transfers, the rest wait in order",
          "[rpc][client][loop]") {
    Quiet quiet;
    std::atomic<int> concurrent{0}, most{0}, served{0};
    FakeServer s([&](const FakeRequest& r) {
        const int now = ++concurrent;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
        --concurrent;
        ++served;
        return ok_reply(r, "1");
    });
    HttpLoopConfig lc;
    lc.max_active_transfers = 3;
    HttpLoop loop(lc);
    constexpr int kBurst = 12;
    std::mutex mu;
    std::condition_variable cv;
    std::vector<int> order; // completion order of the burst
    std::vector<HttpOutcome> outcomes(kBurst + 1, HttpOutcome::Invalid);
    std::string late_error;
    size_t most_in_curl = 0, most_waiting = 0;
    REQUIRE(loop.post([&] {
        for (int i = 0; i <= kBurst; ++i) {
            HttpRequest req;
            req.url = s.url();
            req.body = R"({"jsonrpc":"2.0","id":1,"method":"getSlot"})";
            req.timeout_ms = i == kBurst ? 100 : 10'000; // the last one cannot wait its turn
            loop.start(std::move(req), [&, i](HttpResponse r) {
                std::lock_guard lk(mu);
                most_in_curl = std::max(most_in_curl, loop.in_flight());
                outcomes[static_cast<size_t>(i)] = r.outcome;
                if (i == kBurst) {
                    late_error = r.error;
                } else {
                    order.push_back(i);
                }
                cv.notify_all();
            });
        }
        most_in_curl = std::max(most_in_curl, loop.in_flight());
        most_waiting = loop.waiting();
    }));
    {
        std::unique_lock lk(mu);
        REQUIRE(cv.wait_for(lk, std::chrono::seconds(20), [&] {
            return order.size() == kBurst && outcomes[kBurst] != HttpOutcome::Invalid;
        }));
    }
    loop.stop();
    CHECK(most_in_curl <= 3);
    CHECK(most_waiting == kBurst + 1 - 3);
    CHECK(most.load() <= 3);
    for (int i = 0; i < kBurst; ++i) {
        CHECK(outcomes[static_cast<size_t>(i)] == HttpOutcome::Done);
    }
    // Started in order (three at a time), so each finishes among the first
    // it could: request i is done no later than position i + 2.
    for (size_t k = 0; k < order.size(); ++k) {
        CHECK(static_cast<size_t>(order[k]) <= k + 2);
    }
    CHECK(outcomes[kBurst] == HttpOutcome::Timeout);
    CHECK_THAT(late_error, Catch::Contains("transfer slots"));
    CHECK(served.load() == kBurst); // the late one was never sent
}
