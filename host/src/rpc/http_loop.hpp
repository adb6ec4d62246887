// rpc/http_loop.hpp — the one thread every RPC byte goes through: a libcurl
// multi handle driven by a dedicated thread, plus the timers and posted
// tasks that run on that thread. The RPC client builds on it; nothing here
// knows about JSON-RPC.
//
// Threading contract:
// - `post` may be called from any thread; the task runs on the loop thread.
// - `start`, `after` and `cancel_timer` are for the loop thread only
//   (inside a posted task, a timer or a completion).
// - Completions and timers run on the loop thread, one at a time: code that
//   only runs there needs no lock.
// - `stop` (also run by the destructor) finishes the posted tasks, then
//   completes every transfer still in flight with `HttpOutcome::Cancelled`,
//   drops the timers without running them and joins the thread. After it,
//   `post` returns false and runs nothing.
//
// Connections are kept alive and reused: every transfer goes through the
// multi handle's connection cache (HTTP/1.1 keep-alive), easy handles are
// pooled, at most `max_host_connections` open to one host. Every transfer has a timeout; a body
// larger than `max_body_bytes` is cut off and reported as a transport failure.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace sniper::rpc {

enum class HttpOutcome : uint8_t {
    Invalid = 0,
    Done = 1,      // an HTTP answer arrived (any status: look at `status`)
    Transport = 2, // could not connect, connection reset, body too large, ...
    Timeout = 3,   // no complete answer within the transfer's timeout
    Cancelled = 4, // the loop stopped first
};

struct HttpRequest {
    std::string url;
    std::string body;          // sent as POST, Content-Type: application/json
    bool get = false;          // a GET instead (body ignored): Jupiter's /quote
    int64_t timeout_ms = 5000; // whole transfer, connect included
    int64_t connect_timeout_ms = 2000;
};

struct HttpResponse {
    HttpOutcome outcome = HttpOutcome::Invalid;
    long status = 0;             // HTTP status when outcome == Done
    std::string body;            // as received
    int64_t retry_after_ms = -1; // from Retry-After (seconds or date); -1 when absent
    int64_t latency_us = 0;      // from start to completion
    bool new_connection = false; // false when a kept-alive connection was reused
    std::string error;           // libcurl's reason when not Done
};

using HttpCallback = std::function<void(HttpResponse)>;
using TimerId = uint64_t;

struct HttpLoopConfig {
    size_t max_body_bytes = 8u << 20;
    long max_connections = 32;     // size of the kept-alive connection cache
    long max_host_connections = 8; // per host; more transfers wait in curl's queue
    std::string user_agent = "sniperd-rpc/1";
    // Transfers handed to curl at once; more wait here, in order, their
    // time waiting counted in their timeout. (curl's per-handle lists make
    // each finished transfer cost more the more are in the multi handle:
    // thousands at once, as a burst of rebroadcasts under load, turn the
    // loop quadratic.)
    size_t max_active_transfers = 256;
};

class HttpLoop {
  public:
    explicit HttpLoop(HttpLoopConfig cfg = {});
    ~HttpLoop();
    HttpLoop(const HttpLoop&) = delete;
    HttpLoop& operator=(const HttpLoop&) = delete;

    // Any thread. False (and `task` dropped unrun) once stopping.
    bool post(std::function<void()> task);
    // Loop thread: starts a transfer; `done` runs on the loop thread, never
    // inside this call.
    void start(HttpRequest req, HttpCallback done);
    // Loop thread: runs `fn` after `delay_ms` (0 = on the next turn).
    TimerId after(int64_t delay_ms, std::function<void()> fn);
    void cancel_timer(TimerId id);
    // Any thread; idempotent; joins. Must not be called on the loop thread.
    void stop();

    bool on_loop_thread() const;
    // Monotonic microseconds (the clock timers and latencies use).
    static int64_t now_us();
    // Transfers in flight (loop thread).
    size_t in_flight() const; // handed to curl (at most max_active_transfers)
    size_t waiting() const;   // beyond them, waiting for a free slot

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace sniper::rpc
