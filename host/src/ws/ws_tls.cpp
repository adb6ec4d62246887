// ws/ws_tls.cpp — wss:// connections: the session over TLS (OpenSSL; the
// server's certificate verified against the system's CA store and its name).
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "ws/ws_session.hpp"

namespace sniper::ws {

template <> struct TlsStep<beast::ssl_stream<beast::tcp_stream>> {
    template <class Done>
    static void run(beast::ssl_stream<beast::tcp_stream>& s, const std::string& host, Done&& done) {
        if (!SSL_set_tlsext_host_name(s.native_handle(), host.c_str())) {
            return done(beast::error_code(static_cast<int>(::ERR_get_error()),
                                          net::error::get_ssl_category()),
                        "cannot set the TLS server name");
        }
        s.set_verify_callback(net::ssl::host_name_verification(host));
        s.async_handshake(net::ssl::stream_base::client,
                          [done = std::forward<Done>(done)](beast::error_code ec) mutable {
                              done(ec, "TLS handshake failed");
                          });
    }
};

std::string serve_tls(Connection::Impl& impl, const Url& url, const Options& opts,
                      Connection::Handler& handler) {
    net::io_context ioc(1);
    net::ssl::context ctx(net::ssl::context::tls_client);
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(net::ssl::verify_peer);
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(ioc, ctx);
    return serve(impl, ioc, ws, url, opts, handler);
}

} // namespace sniper::ws
