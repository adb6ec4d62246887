// ws/ws_client.cpp — URL parsing and ws::Connection's public side; the
// Beast session is in ws_session.hpp (ws_plain.cpp, ws_tls.cpp): one
// io_context per run(): resolve, connect, TLS, upgrade, then one read and
// at most one write in flight, a tick timer, and Beast's idle timeout with
// keep-alive pings. The first error ends the run and is its reason.
#include "ws/connection_impl.hpp"

namespace sniper::ws {

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

Connection::Connection() : impl_(std::make_unique<Impl>()) {}
Connection::~Connection() = default;

std::string Connection::run(const Url& url, const Options& opts, Handler& handler) {
    return url.tls ? serve_tls(*impl_, url, opts, handler) : serve_plain(*impl_, url, opts, handler);
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
    if (impl_->stopper) {
        impl_->stopper();
    }
}

void Connection::reset() {
    std::lock_guard<std::mutex> lk(impl_->mu);
    impl_->stop_requested = false;
}

int Connection::refused_status() const {
    std::lock_guard<std::mutex> lk(impl_->mu);
    return impl_->refused_status;
}

int64_t Connection::retry_after_ns() const {
    std::lock_guard<std::mutex> lk(impl_->mu);
    return impl_->retry_after_ns;
}

} // namespace sniper::ws
