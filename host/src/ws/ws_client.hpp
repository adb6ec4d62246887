// ws/ws_client.hpp — one WebSocket client connection (RFC 6455) on
// Boost.Beast: ws:// over TCP, wss:// over TLS (OpenSSL, SNI, the peer's
// certificate verified against the system's CA store and the host name).
//
// A Connection runs on the calling thread until the peer closes it, it
// fails, or stop() is called from any thread; reconnecting is the caller's
// policy (see solfeed/ws_source). Liveness: when nothing arrives for half
// of `idle_timeout` a ping is sent, and when nothing (not even the pong)
// arrives for the whole `idle_timeout` the connection is declared dead.
// Beast's headers stay in ws_client.cpp: including this costs nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sniper::ws {

struct Url {
    bool tls = false;
    std::string host;
    std::string port;   // "80" / "443" when the URL gives none
    std::string target; // path and query, "/" when empty
    std::string text;   // the URL as written
};

// ws://host[:port][/path][?query] or wss://...; nullopt with `error` set
// (what was expected, what was found) otherwise.
std::optional<Url> parse_url(std::string_view url, std::string& error);

// The URL without its query or user info (API keys live there): for logs.
std::string redacted(std::string_view url);

struct Options {
    int64_t connect_timeout_ns = 10'000'000'000; // resolve + TCP + TLS + upgrade
    int64_t idle_timeout_ns = 20'000'000'000;    // ping at half, dead at whole
    size_t max_message_bytes = 16u << 20;        // a bigger message ends the connection
    int64_t tick_ns = 100'000'000;               // Handler::on_tick period
};

class Connection {
  public:
    class Handler {
      public:
        virtual ~Handler() = default;
        // The upgrade succeeded: send subscriptions from here.
        virtual void on_open() = 0;
        // One complete text or binary message; `recv_mono_ns` is the
        // steady clock when its read completed.
        virtual void on_message(std::string_view message, int64_t recv_mono_ns) = 0;
        // Every `tick_ns` while connected (stall checks, timers).
        virtual void on_tick() {}
    };

    Connection();
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Connects and serves until the connection ends; returns why it ended
    // ("stopped" after stop()). Handler calls happen on this thread.
    std::string run(const Url& url, const Options& opts, Handler& handler);
    // From handler callbacks only: queues a text message.
    void send(std::string text);
    // Any thread: ends a running run() soon; a later run() returns at once.
    void stop();
    // Any thread: clears a stop() so run() may be called again.
    void reset();
    // After run() returned: when the server answered the upgrade with an
    // HTTP status other than 101 (429 Too Many Requests, 503, ...), that
    // status and its Retry-After in ns (delay-seconds form; 0 when absent
    // or an HTTP date); 0 and 0 otherwise.
    int refused_status() const;
    int64_t retry_after_ns() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

} // namespace sniper::ws
