// A WebSocket server on 127.0.0.1 for the feed tests (Boost.Beast,
// synchronous, one connection at a time on its own thread). Each accepted
// connection is handed to the test's script, which answers subscriptions,
// replays captures, duplicates, skips, stalls, drops or holds the
// connection; when the script returns the connection is closed.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ws_test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

class Server;

// One accepted connection, as the script sees it.
class Conn {
  public:
    Conn(websocket::stream<tcp::socket>& ws, int index) : ws_(ws), index_(index) {}
    int index() const { return index_; }

    // Reads one message; false when the client has gone.
    bool read(std::string& out) {
        beast::flat_buffer buf;
        beast::error_code ec;
        ws_.read(buf, ec);
        if (ec) {
            return false;
        }
        out = beast::buffers_to_string(buf.data());
        return true;
    }
    // Reads `n` subscription requests and answers each with a subscription
    // id (the request's id + 100); the requests are kept.
    bool answer_subscriptions(size_t n) {
        for (size_t i = 0; i < n; ++i) {
            std::string req;
            if (!read(req)) {
                return false;
            }
            requests.push_back(req);
            const size_t at = req.find("\"id\":");
            const long id = at == std::string::npos ? 0 : std::stol(req.substr(at + 5));
            if (!send("{\"jsonrpc\":\"2.0\",\"result\":" + std::to_string(100 + id) +
                      ",\"id\":" + std::to_string(id) + "}")) {
                return false;
            }
        }
        return true;
    }
    bool send(const std::string& m) {
        beast::error_code ec;
        ws_.text(true);
        ws_.write(net::buffer(m), ec);
        return !ec;
    }
    // Reads (so pings get their pongs) until the client goes or the server stops.
    void hold() {
        std::string ignored;
        while (read(ignored)) {
        }
    }
    // Stays connected without reading for `ms`: pings go unanswered.
    void stall(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }
    // A close handshake with `code`.
    void close(uint16_t code = 1000) {
        beast::error_code ec;
        ws_.close(websocket::close_reason(code), ec);
    }
    // Pulls the plug: no close frame.
    void drop() { ::shutdown(ws_.next_layer().native_handle(), SHUT_RDWR); }

    std::vector<std::string> requests;

  private:
    websocket::stream<tcp::socket>& ws_;
    int index_;
};

class Server {
  public:
    using Script = std::function<void(Conn&)>;

    explicit Server(Script script) : script_(std::move(script)), acceptor_(ioc_) {
        tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
        acceptor_.open(ep.protocol());
        acceptor_.set_option(net::socket_base::reuse_address(true));
        acceptor_.bind(ep);
        acceptor_.listen();
        acceptor_.non_blocking(true);
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this] { serve(); });
    }
    ~Server() { stop(); }

    std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/"; }
    int connections() const { return connections_.load(); }
    std::vector<std::string> requests() const {
        std::lock_guard<std::mutex> lk(mu_);
        return requests_;
    }
    void stop() {
        if (stopping_.exchange(true)) {
            return;
        }
        {
            std::lock_guard<std::mutex> lk(mu_);
            if (current_fd_ >= 0) {
                ::shutdown(current_fd_, SHUT_RDWR); // wakes a blocked read
            }
        }
        thread_.join();
    }

  private:
    void serve() {
        while (!stopping_.load()) {
            tcp::socket sock(ioc_);
            beast::error_code ec;
            acceptor_.accept(sock, ec);
            if (ec) {
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
                continue;
            }
            sock.non_blocking(false);
            websocket::stream<tcp::socket> ws(std::move(sock));
            {
                std::lock_guard<std::mutex> lk(mu_);
                current_fd_ = ws.next_layer().native_handle();
                if (stopping_.load()) {
                    ::shutdown(current_fd_, SHUT_RDWR);
                }
            }
            ws.accept(ec);
            if (!ec) {
                Conn c(ws, connections_.fetch_add(1));
                script_(c);
                std::lock_guard<std::mutex> lk(mu_);
                requests_.insert(requests_.end(), c.requests.begin(), c.requests.end());
            }
            {
                std::lock_guard<std::mutex> lk(mu_);
                current_fd_ = -1;
            }
            ws.next_layer().close(ec);
        }
    }

    Script script_;
    net::io_context ioc_;
    tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> connections_{0};
    mutable std::mutex mu_;
    int current_fd_ = -1;
    std::vector<std::string> requests_;
};

} // namespace ws_test
