// A WebSocket server on 127.0.0.1 for the feed tests and the feed benchmark
// (Boost.Beast, synchronous, one connection at a time on its own thread;
// compiled once in ws_test_server.cpp, the library sniper_ws_test_server).
// Each accepted connection is handed to the test's script, which answers
// subscriptions, replays captures, duplicates, skips, stalls, drops or
// holds the connection; when the script returns the connection is closed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ws_test {

// One accepted connection, as the script sees it.
class Conn {
  public:
    virtual ~Conn() = default;
    virtual int index() const = 0;
    // Reads one message; false when the client has gone.
    virtual bool read(std::string& out) = 0;
    virtual bool send(const std::string& m) = 0;
    // A close handshake with `code`.
    virtual void close(uint16_t code = 1000) = 0;
    // Pulls the plug: no close frame.
    virtual void drop() = 0;

    // Reads `n` subscription requests and answers each with a subscription
    // id (the request's id + 100); the requests are kept.
    bool answer_subscriptions(size_t n);
    // Reads (so pings get their pongs) until the client goes or the server stops.
    void hold();
    // Stays connected without reading for `ms`: pings go unanswered.
    void stall(int ms);

    std::vector<std::string> requests;
};

class Server {
  public:
    using Script = std::function<void(Conn&)>;

    explicit Server(Script script);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    std::string url() const;
    int connections() const;
    // The next `n` upgrade requests are answered with HTTP `status` (and
    // `Retry-After: retry_after_s` when it is >= 0) instead of 101. Call
    // before the first client connects.
    void refuse_next(int n, int status, int retry_after_s);
    int refused() const;
    std::vector<std::string> requests() const;
    void stop();

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

// A loopback port nobody listens on (bound, then closed).
unsigned short unused_port();

} // namespace ws_test
