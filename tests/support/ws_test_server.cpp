// The Beast side of ws_test::Server (see the header).
#include "support/ws_test_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace ws_test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {

class BeastConn final : public Conn {
  public:
    BeastConn(websocket::stream<tcp::socket>& ws, int index) : ws_(ws), index_(index) {}
    int index() const override { return index_; }
    bool read(std::string& out) override {
        beast::flat_buffer buf;
        beast::error_code ec;
        ws_.read(buf, ec);
        if (ec) {
            return false;
        }
        out = beast::buffers_to_string(buf.data());
        return true;
    }
    bool send(const std::string& m) override {
        beast::error_code ec;
        ws_.text(true);
        ws_.write(net::buffer(m), ec);
        return !ec;
    }
    void close(uint16_t code) override {
        beast::error_code ec;
        ws_.close(websocket::close_reason(code), ec);
    }
    void drop() override { ::shutdown(ws_.next_layer().native_handle(), SHUT_RDWR); }

  private:
    websocket::stream<tcp::socket>& ws_;
    int index_;
};

} // namespace

bool Conn::answer_subscriptions(size_t n) {
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

void Conn::hold() {
    std::string ignored;
    while (read(ignored)) {
    }
}

void Conn::stall(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

struct Server::Impl {
    explicit Impl(Script s) : script(std::move(s)), acceptor(ioc) {}

    void serve() {
        while (!stopping.load()) {
            tcp::socket sock(ioc);
            beast::error_code ec;
            acceptor.accept(sock, ec);
            if (ec) {
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
                continue;
            }
            sock.non_blocking(false);
            if (refuse_left.load() > 0) { // answer the upgrade with an HTTP error
                --refuse_left;
                beast::flat_buffer buf;
                beast::http::request<beast::http::string_body> req;
                beast::http::read(sock, buf, req, ec);
                beast::http::response<beast::http::string_body> res{
                    static_cast<beast::http::status>(refuse_status), req.version()};
                if (refuse_retry_after_s >= 0) {
                    res.set(beast::http::field::retry_after, std::to_string(refuse_retry_after_s));
                }
                res.body() = "rate limited";
                res.prepare_payload();
                beast::http::write(sock, res, ec);
                refused.fetch_add(1);
                sock.close(ec);
                continue;
            }
            websocket::stream<tcp::socket> ws(std::move(sock));
            {
                std::lock_guard<std::mutex> lk(mu);
                current_fd = ws.next_layer().native_handle();
                if (stopping.load()) {
                    ::shutdown(current_fd, SHUT_RDWR);
                }
            }
            ws.accept(ec);
            if (!ec) {
                BeastConn c(ws, connections.fetch_add(1));
                script(c);
                std::lock_guard<std::mutex> lk(mu);
                requests.insert(requests.end(), c.requests.begin(), c.requests.end());
            }
            {
                std::lock_guard<std::mutex> lk(mu);
                current_fd = -1;
            }
            ws.next_layer().close(ec);
        }
    }

    Script script;
    net::io_context ioc;
    tcp::acceptor acceptor;
    unsigned short port = 0;
    std::thread thread;
    std::atomic<bool> stopping{false};
    std::atomic<int> connections{0};
    std::atomic<int> refuse_left{0}, refused{0};
    int refuse_status = 429, refuse_retry_after_s = -1;
    mutable std::mutex mu;
    int current_fd = -1;
    std::vector<std::string> requests;
};

Server::Server(Script script) : impl_(std::make_unique<Impl>(std::move(script))) {
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(net::socket_base::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
    impl_->acceptor.non_blocking(true);
    impl_->port = impl_->acceptor.local_endpoint().port();
    impl_->thread = std::thread([this] { impl_->serve(); });
}

Server::~Server() { stop(); }

std::string Server::url() const { return "ws://127.0.0.1:" + std::to_string(impl_->port) + "/"; }
int Server::connections() const { return impl_->connections.load(); }
void Server::refuse_next(int n, int status, int retry_after_s) {
    impl_->refuse_status = status;
    impl_->refuse_retry_after_s = retry_after_s;
    impl_->refuse_left.store(n);
}
int Server::refused() const { return impl_->refused.load(); }
std::vector<std::string> Server::requests() const {
    std::lock_guard<std::mutex> lk(impl_->mu);
    return impl_->requests;
}

void Server::stop() {
    if (impl_->stopping.exchange(true)) {
        return;
    }
    {
        std::lock_guard<std::mutex> lk(impl_->mu);
        if (impl_->current_fd >= 0) {
            ::shutdown(impl_->current_fd, SHUT_RDWR); // wakes a blocked read
        }
    }
    impl_->thread.join();
}

unsigned short unused_port() {
    net::io_context ioc;
    tcp::acceptor a(ioc, {net::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

} // namespace ws_test
