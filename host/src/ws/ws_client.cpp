// ws/ws_client.cpp — the Beast side of ws::Connection (see the header).
// One io_context per run(): resolve, connect, TLS, upgrade, then one read
// and at most one write in flight, a tick timer, and Beast's idle timeout
// with keep-alive pings. The first error ends the run and is its reason.
#include "ws/ws_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <chrono>
#include <deque>
#include <mutex>

namespace sniper::ws {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

std::optional<Url> parse_url(std::string_view url, std::string& error) {
    Url u;
    u.text = std::string(url);
    std::string_view rest;
    if (url.rfind("ws://", 0) == 0) {
        rest = url.substr(5);
    } else if (url.rfind("wss://", 0) == 0) {
        u.tls = true;
        rest = url.substr(6);
    } else {
        error = "expected a ws:// or wss:// URL, found \"" + redacted(url) + "\"";
        return std::nullopt;
    }
    const size_t slash = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, slash);
    u.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (!u.target.empty() && u.target[0] == '?') {
        u.target.insert(u.target.begin(), '/');
    }
    if (authority.find('@') != std::string_view::npos) {
        error = "user info in a WebSocket URL is not supported (put the key in the path or query)";
        return std::nullopt;
    }
    std::string_view host = authority, port;
    if (!authority.empty() && authority[0] == '[') { // [v6]:port
        const size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            error = "expected ']' after an IPv6 address in \"" + redacted(url) + "\"";
            return std::nullopt;
        }
        host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') {
                error = "expected ':' and a port after ']' in \"" + redacted(url) + "\"";
                return std::nullopt;
            }
            port = authority.substr(close + 2);
        }
    } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty()) {
        error = "expected a host name in \"" + redacted(url) + "\"";
        return std::nullopt;
    }
    if (!port.data()) {
        u.port = u.tls ? "443" : "80";
    } else {
        unsigned long n = 0;
        bool ok = !port.empty() && port.size() <= 5;
        for (char c : port) {
            ok = ok && c >= '0' && c <= '9';
            n = ok ? n * 10 + static_cast<unsigned long>(c - '0') : n;
        }
        if (!ok || n == 0 || n > 65535) {
            error = "expected a port 1..65535 in \"" + redacted(url) + "\", found \"" +
                    std::string(port) + "\"";
            return std::nullopt;
        }
        u.port = std::string(port);
    }
    u.host = std::string(host);
    return u;
}

std::string redacted(std::string_view url) {
    const size_t q = url.find('?');
    std::string out(url.substr(0, q));
    if (q != std::string_view::npos) {
        out += "?…";
    }
    return out;
}

struct Connection::Impl {
    std::mutex mu;
    net::io_context* ioc = nullptr; // while run() serves
    bool stop_requested = false;
    // While run() serves: queues a message on the current session.
    std::function<void(std::string)> sender;
};

namespace {

int64_t mono_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

template <class NextLayer> class Session {
  public:
    using Ws = websocket::stream<NextLayer>;

    Session(net::io_context& ioc, Ws& ws, const Url& url, const Options& opts,
            Connection::Handler& handler)
        : ioc_(ioc), ws_(ws), url_(url), opts_(opts), handler_(handler), resolver_(ioc),
          tick_(ioc) {}

    void start() {
        resolver_.async_resolve(url_.host, url_.port,
                                [this](beast::error_code ec, tcp::resolver::results_type r) {
                                    if (ec) {
                                        return fail("cannot resolve " + url_.host, ec);
                                    }
                                    connect(r);
                                });
        arm_tick();
    }

    void send(std::string text) {
        outbox_.push_back(std::move(text));
        if (open_ && !writing_) {
            write_next();
        }
    }

    const std::string& reason() const { return reason_; }

  private:
    auto& tcp_layer() { return beast::get_lowest_layer(ws_); }

    void connect(const tcp::resolver::results_type& r) {
        tcp_layer().expires_after(std::chrono::nanoseconds(opts_.connect_timeout_ns));
        tcp_layer().async_connect(r, [this](beast::error_code ec, const tcp::endpoint&) {
            if (ec) {
                return fail("cannot connect to " + url_.host + ":" + url_.port, ec);
            }
            tcp_layer().socket().set_option(tcp::no_delay(true));
            tls();
        });
    }

    void tls() {
        if constexpr (std::is_same_v<NextLayer, beast::tcp_stream>) {
            upgrade();
        } else {
            if (!SSL_set_tlsext_host_name(ws_.next_layer().native_handle(), url_.host.c_str())) {
                return fail("cannot set the TLS server name", beast::error_code(
                                                                  static_cast<int>(::ERR_get_error()),
                                                                  net::error::get_ssl_category()));
            }
            ws_.next_layer().set_verify_callback(net::ssl::host_name_verification(url_.host));
            ws_.next_layer().async_handshake(net::ssl::stream_base::client,
                                             [this](beast::error_code ec) {
                                                 if (ec) {
                                                     return fail("TLS handshake failed", ec);
                                                 }
                                                 upgrade();
                                             });
        }
    }

    void upgrade() {
        tcp_layer().expires_never();
        websocket::stream_base::timeout t{};
        t.handshake_timeout = std::chrono::nanoseconds(opts_.connect_timeout_ns);
        t.idle_timeout = std::chrono::nanoseconds(opts_.idle_timeout_ns);
        t.keep_alive_pings = true;
        ws_.set_option(t);
        ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
            req.set(beast::http::field::user_agent, "sniperd");
        }));
        ws_.read_message_max(opts_.max_message_bytes);
        const bool default_port = url_.port == (url_.tls ? "443" : "80");
        const std::string host = default_port ? url_.host : url_.host + ":" + url_.port;
        ws_.async_handshake(host, url_.target, [this](beast::error_code ec) {
            if (ec) {
                return fail("WebSocket upgrade refused", ec);
            }
            open_ = true;
            handler_.on_open();
            if (done_) {
                return;
            }
            if (!writing_ && !outbox_.empty()) {
                write_next();
            }
            read_next();
        });
    }

    void read_next() {
        ws_.async_read(buffer_, [this](beast::error_code ec, size_t) {
            if (ec) {
                if (ec == websocket::error::closed) {
                    const auto& r = ws_.reason();
                    return finish("closed by the server (code " + std::to_string(r.code) +
                                  (r.reason.empty() ? "" : ", \"" + std::string(r.reason.c_str()) + "\"") +
                                  ")");
                }
                if (ec == beast::error::timeout) {
                    return finish("no data and no pong within the idle timeout (dead connection)");
                }
                if (ec == websocket::error::message_too_big) {
                    return finish("a message over " + std::to_string(opts_.max_message_bytes) +
                                  " bytes");
                }
                return fail("read failed", ec);
            }
            const auto data = buffer_.cdata();
            handler_.on_message(std::string_view(static_cast<const char*>(data.data()), data.size()),
                                mono_now_ns());
            buffer_.consume(buffer_.size());
            if (!done_) {
                read_next();
            }
        });
    }

    void write_next() {
        writing_ = true;
        ws_.text(true);
        ws_.async_write(net::buffer(outbox_.front()), [this](beast::error_code ec, size_t) {
            writing_ = false;
            if (ec) {
                return fail("write failed", ec);
            }
            outbox_.pop_front();
            if (!outbox_.empty() && !done_) {
                write_next();
            }
        });
    }

    void arm_tick() {
        tick_.expires_after(std::chrono::nanoseconds(opts_.tick_ns));
        tick_.async_wait([this](beast::error_code ec) {
            if (ec || done_) {
                return;
            }
            if (open_) {
                handler_.on_tick();
            }
            if (!done_) {
                arm_tick();
            }
        });
    }

    void fail(const std::string& what, beast::error_code ec) {
        finish(what + ": " + ec.message());
    }

    void finish(std::string why) {
        if (done_) {
            return;
        }
        done_ = true;
        reason_ = std::move(why);
        ioc_.stop();
    }

    net::io_context& ioc_;
    Ws& ws_;
    const Url& url_;
    const Options& opts_;
    Connection::Handler& handler_;
    tcp::resolver resolver_;
    net::steady_timer tick_;
    beast::flat_buffer buffer_;
    std::deque<std::string> outbox_;
    bool open_ = false, writing_ = false, done_ = false;
    std::string reason_;
};

template <class NextLayer>
std::string serve(Connection::Impl& impl, net::io_context& ioc, websocket::stream<NextLayer>& ws,
                  const Url& url, const Options& opts, Connection::Handler& handler) {
    Session<NextLayer> s(ioc, ws, url, opts, handler);
    {
        std::lock_guard<std::mutex> lk(impl.mu);
        if (impl.stop_requested) {
            return "stopped";
        }
        impl.ioc = &ioc;
        impl.sender = [&s](std::string text) { s.send(std::move(text)); };
    }
    s.start();
    ioc.run();
    std::lock_guard<std::mutex> lk(impl.mu);
    impl.ioc = nullptr;
    impl.sender = nullptr;
    return impl.stop_requested ? std::string("stopped") : s.reason();
}

} // namespace

Connection::Connection() : impl_(std::make_unique<Impl>()) {}
Connection::~Connection() = default;

std::string Connection::run(const Url& url, const Options& opts, Handler& handler) {
    net::io_context ioc(1);
    if (!url.tls) {
        websocket::stream<beast::tcp_stream> ws(ioc);
        return serve(*impl_, ioc, ws, url, opts, handler);
    }
    net::ssl::context ctx(net::ssl::context::tls_client);
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(net::ssl::verify_peer);
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(ioc, ctx);
    return serve(*impl_, ioc, ws, url, opts, handler);
}

void Connection::send(std::string text) {
    std::function<void(std::string)> sender;
    {
        std::lock_guard<std::mutex> lk(impl_->mu);
        sender = impl_->sender;
    }
    if (sender) {
        sender(std::move(text)); // on the run thread (handler callbacks only)
    }
}

void Connection::stop() {
    std::lock_guard<std::mutex> lk(impl_->mu);
    impl_->stop_requested = true;
    if (impl_->ioc != nullptr) {
        impl_->ioc->stop();
    }
}

void Connection::reset() {
    std::lock_guard<std::mutex> lk(impl_->mu);
    impl_->stop_requested = false;
}

} // namespace sniper::ws
