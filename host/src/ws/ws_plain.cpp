// ws/ws_plain.cpp — ws:// connections: the session over plain TCP.
#include "ws/ws_session.hpp"

namespace sniper::ws {

std::string serve_plain(Connection::Impl& impl, const Url& url, const Options& opts,
                        Connection::Handler& handler) {
    net::io_context ioc(1);
    websocket::stream<beast::tcp_stream> ws(ioc);
    return serve(impl, ioc, ws, url, opts, handler);
}

} // namespace sniper::ws
