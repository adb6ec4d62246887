// The captured pump.fun create + buy logsNotification
// (tests/chain/fixtures/payloads/ws_logs_pumpfun_create_buy_2024-12.json)
// re-signed as distinct transactions: a stream for the WebSocket feed tests.
#pragma once

#include "solana/base58.hpp"

#include <catch2/catch.hpp>

#include "chain/solana_ws_decoder.hpp"
#include "support/ws_test_server.hpp"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace ws_test {

inline std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    REQUIRE(f);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// The captured create + buy, re-signed as transaction `i` at `slot`.
class Stream {
  public:
    Stream()
        : tmpl_(read_file(std::string(SNIPER_TEST_DATA) +
                          "/chain/fixtures/payloads/ws_logs_pumpfun_create_buy_2024-12.json")) {
        while (!tmpl_.empty() && (tmpl_.back() == '\n' || tmpl_.back() == '\r')) {
            tmpl_.pop_back();
        }
    }
    std::string message(int i, uint64_t slot) const {
        std::string m = tmpl_;
        replace(m, "3PDrzPNDBXNZDJyGvQGRhppZW16rHVUZi5mNjJs2aELydBiYLxtG7WD3JS5skFCGv36WseLzDib1KwayUZpgP3mC",
                signature(i));
        replace(m, "\"slot\":310199880", "\"slot\":" + std::to_string(slot));
        return m;
    }
    static std::string signature(int i) {
        uint8_t sig[64];
        for (int k = 0; k < 64; ++k) {
            sig[k] = static_cast<uint8_t>((i * 131 + k * 7 + 1) & 0xff);
        }
        sig[0] = static_cast<uint8_t>(i);
        sig[32] = static_cast<uint8_t>(i >> 8);
        return sniper::solana::base58_encode(sig, 64);
    }
    // How many events `n` distinct messages decode to (a fresh decoder).
    size_t events_for(int n) const {
        sniper::chain::SolanaWsDecoder dec;
        size_t events = 0;
        for (int i = 0; i < n; ++i) {
            const auto& r = dec.decode(message(i, 1000 + static_cast<uint64_t>(i)));
            REQUIRE(r.ok());
            events += r.n_events;
        }
        return events;
    }

  private:
    static void replace(std::string& s, const std::string& from, const std::string& to) {
        const size_t at = s.find(from);
        REQUIRE(at != std::string::npos);
        s.replace(at, from.size(), to);
    }
    std::string tmpl_;
};

// A server script: answers one subscription, sends messages 0..n-1 of
// `stream` (slot 1000 + i), then holds the connection.
inline Server::Script send_then_hold(const Stream& stream, int n) {
    return [&stream, n](Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        for (int i = 0; i < n; ++i) {
            c.send(stream.message(i, 1000 + static_cast<uint64_t>(i)));
        }
        c.hold();
    };
}

} // namespace ws_test
