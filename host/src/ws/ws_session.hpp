// ws/ws_session.hpp — (internal to ws) the Beast session behind
// ws::Connection: one template over the next layer (TCP or TLS), each
// instantiated in its own file (ws_plain.cpp, ws_tls.cpp) so the two heavy
// halves compile in parallel. Only those files and ws_client.cpp include it.
#pragma once

#include "ws/connection_impl.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <type_traits>

namespace sniper::ws {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

// The step between TCP connect and the WebSocket upgrade: nothing over
// plain TCP; the TLS handshake (SNI, peer and name verification) over
// beast::ssl_stream (ws_tls.cpp).
template <class NextLayer> struct TlsStep {
    template <class Done> static void run(NextLayer&, const std::string&, Done&& done) {
        done(beast::error_code{}, "");
    }
};

inline int64_t mono_now_ns() {
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
    int refused_status() const { return refused_status_; }
    int64_t retry_after_ns() const { return retry_after_ns_; }

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

    // TLS (TlsStep, specialized in ws_tls.cpp), then the upgrade.
    void tls() {
        TlsStep<NextLayer>::run(ws_.next_layer(), url_.host, [this](beast::error_code ec, const char* what) {
            if (ec) {
                return fail(what, ec);
            }
            upgrade();
        });
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
        ws_.async_handshake(upgrade_res_, host, url_.target, [this](beast::error_code ec) {
            if (ec) {
                const unsigned status = upgrade_res_.result_int();
                if (status == 0 || status == 101) {
                    return fail("WebSocket upgrade refused", ec);
                }
                refused_status_ = static_cast<int>(status);
                const auto ra = upgrade_res_.find(beast::http::field::retry_after);
                std::string why = "WebSocket upgrade refused: HTTP " + std::to_string(status);
                if (const auto text = upgrade_res_.reason(); !text.empty()) {
                    why += " " + std::string(text);
                }
                if (ra != upgrade_res_.end()) {
                    const std::string_view v(ra->value().data(), ra->value().size());
                    uint64_t s = 0;
                    bool digits = !v.empty() && v.size() <= 6;
                    for (char c : v) {
                        digits = digits && c >= '0' && c <= '9';
                        s = digits ? s * 10 + static_cast<uint64_t>(c - '0') : s;
                    }
                    if (digits) {
                        retry_after_ns_ = static_cast<int64_t>(s) * 1'000'000'000;
                        why += " (Retry-After: " + std::to_string(s) + " s)";
                    }
                }
                return finish(std::move(why));
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
    websocket::response_type upgrade_res_;
    int refused_status_ = 0;
    int64_t retry_after_ns_ = 0;
};

template <class NextLayer>
inline std::string serve(Connection::Impl& impl, net::io_context& ioc, websocket::stream<NextLayer>& ws,
                  const Url& url, const Options& opts, Connection::Handler& handler) {
    Session<NextLayer> s(ioc, ws, url, opts, handler);
    {
        std::lock_guard<std::mutex> lk(impl.mu);
        if (impl.stop_requested) {
            return "stopped";
        }
        impl.stopper = [&ioc] { ioc.stop(); };
        impl.sender = [&s](std::string text) { s.send(std::move(text)); };
        impl.refused_status = 0;
        impl.retry_after_ns = 0;
    }
    s.start();
    ioc.run();
    std::lock_guard<std::mutex> lk(impl.mu);
    impl.stopper = nullptr;
    impl.sender = nullptr;
    impl.refused_status = s.refused_status();
    impl.retry_after_ns = s.retry_after_ns();
    return impl.stop_requested ? std::string("stopped") : s.reason();
}

} // namespace sniper::ws
