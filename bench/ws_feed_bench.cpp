// sniper_ws_feed_bench — the [feeds.ws] path on loopback: a Beast
// WebSocket server (tests/support/ws_test_server.hpp) sends the captured
// pump.fun create + buy logsNotification (6.8 KB, 3 events) under fresh
// signatures at a paced rate; solfeed::SolanaWsSource reads, decodes,
// deduplicates and pushes into a sink standing in for the engine's inbox.
// Per rate it reports, as JSON lines:
//   read_to_inbox: from the completed socket read of a frame to its first
//                  event pushed (decode + dedup + push: the host's share);
//   send_to_inbox: from the server's write call to that push (adds the
//                  loopback, the kernel and the client's wake-up).
// Usage: sniper_ws_feed_bench [--messages N] [--rates R1,R2,...] (0 = flat out)
#include "core/clock.hpp"
#include "core/log.hpp"
#include "solana/base58.hpp"
#include "solfeed/ws_source.hpp"
#include "support/ws_test_server.hpp"

#include <algorithm>
#include <cstring>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <chrono>
#include <string>
#include <vector>

using namespace sniper;

namespace {

const char* kTemplateSig =
    "3PDrzPNDBXNZDJyGvQGRhppZW16rHVUZi5mNjJs2aELydBiYLxtG7WD3JS5skFCGv36WseLzDib1KwayUZpgP3mC";

std::string load_template() {
    std::ifstream f(std::string(SNIPER_TEST_DATA) +
                    "/chain/fixtures/payloads/ws_logs_pumpfun_create_buy_2024-12.json");
    std::stringstream ss;
    ss << f.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
        s.pop_back();
    }
    return s;
}

std::string message(const std::string& tmpl, uint32_t i) {
    uint8_t sig[64];
    for (int k = 0; k < 64; ++k) {
        sig[k] = static_cast<uint8_t>(k * 7 + 1);
    }
    std::memcpy(sig, &i, 4);
    std::memcpy(sig + 32, &i, 4);
    std::string m = tmpl;
    const size_t at = m.find(kTemplateSig);
    m.replace(at, std::strlen(kTemplateSig), solana::base58_encode(sig, 64));
    const std::string slot = "\"slot\":310199880";
    m.replace(m.find(slot), slot.size(), "\"slot\":" + std::to_string(400'000'000u + i));
    return m;
}

class Sink final : public EventSink {
  public:
    explicit Sink(size_t n) : first_push_(n, 0), read_ns_(n, 0) {}
    void push_market_event(const EventBuf& ev) override {
        const int64_t now = mono_ns();
        const int64_t wall = wall_ns();
        const size_t msg = events_++ / 3; // 3 events per message, in order
        if (events_ % 3 == 1 && msg < first_push_.size()) {
            first_push_[msg] = now;
            read_ns_[msg] = wall - ev.h.source_ns;
        }
    }
    void source_ended() override {}
    size_t events() const { return events_.load(); }
    std::vector<int64_t> first_push_, read_ns_;

  private:
    std::atomic<size_t> events_{0};
};

int64_t pct(std::vector<int64_t> v, double p) {
    if (v.empty()) {
        return 0;
    }
    const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

void run(const std::string& tmpl, size_t n, double rate) {
    std::vector<std::string> msgs;
    msgs.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        msgs.push_back(message(tmpl, static_cast<uint32_t>(i + 1)));
    }
    std::vector<int64_t> sent(n, 0);
    std::atomic<bool> done{false};
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const int64_t start = mono_ns();
        for (size_t i = 0; i < n; ++i) {
            if (rate > 0) {
                const int64_t due = start + static_cast<int64_t>(static_cast<double>(i) * 1e9 / rate);
                while (mono_ns() < due) {
                    if (due - mono_ns() > 200'000) {
                        std::this_thread::sleep_for(std::chrono::microseconds(100));
                    }
                }
            }
            sent[i] = mono_ns();
            c.send(msgs[i]);
        }
        done = true;
        c.hold();
    });
    solfeed::WsSourceConfig cfg;
    cfg.ws.enabled = true;
    cfg.ws.urls = {server.url()};
    Pubkey pump{};
    pubkey_from_base58("6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P", pump);
    cfg.ws.programs = {pump};
    cfg.ws.stale_after_ns = 0;
    solfeed::SolanaWsSource source(cfg);
    Sink sink(n);
    source.start(sink);
    const int64_t t0 = mono_ns();
    while (sink.events() < 3 * n && mono_ns() - t0 < 120'000'000'000) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const int64_t t1 = mono_ns();
    source.stop();
    server.stop();
    std::vector<int64_t> e2e, read;
    for (size_t i = 0; i < n; ++i) {
        if (sink.first_push_[i] != 0 && sent[i] != 0) {
            e2e.push_back(sink.first_push_[i] - sent[i]);
            read.push_back(sink.read_ns_[i]);
        }
    }
    const int64_t span = sent.back() - sent.front();
    std::printf("{\"bench\":\"ws_feed\",\"message_bytes\":%zu,\"messages\":%zu,\"delivered\":%zu,"
                "\"rate_asked\":%.0f,\"rate_sent\":%.0f,"
                "\"read_to_inbox_us\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f},"
                "\"send_to_inbox_us\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f},\"wall_s\":%.2f}\n",
                msgs[0].size(), n, e2e.size(), rate,
                span > 0 ? static_cast<double>(n - 1) * 1e9 / static_cast<double>(span) : 0.0,
                static_cast<double>(pct(read, 0.5)) / 1e3, static_cast<double>(pct(read, 0.99)) / 1e3,
                static_cast<double>(pct(read, 1.0)) / 1e3, static_cast<double>(pct(e2e, 0.5)) / 1e3,
                static_cast<double>(pct(e2e, 0.99)) / 1e3, static_cast<double>(pct(e2e, 1.0)) / 1e3,
                static_cast<double>(t1 - t0) / 1e9);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
    size_t n = 20'000;
    std::vector<double> rates = {1000, 10000, 0};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--messages" && i + 1 < argc) {
            n = std::strtoull(argv[++i], nullptr, 10);
        } else if (a == "--rates" && i + 1 < argc) {
            rates.clear();
            std::stringstream ss(argv[++i]);
            std::string r;
            while (std::getline(ss, r, ',')) {
                rates.push_back(std::strtod(r.c_str(), nullptr));
            }
        } else {
            std::fprintf(stderr, "usage: sniper_ws_feed_bench [--messages N] [--rates R1,R2,...]\n");
            return 2;
        }
    }
    log::set_level(log::Level::Error);
    const std::string tmpl = load_template();
    for (double r : rates) {
        run(tmpl, n, r);
    }
    return 0;
}
