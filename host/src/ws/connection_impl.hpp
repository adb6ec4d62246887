// ws/connection_impl.hpp — (internal to ws) the state ws::Connection shares
// with the session serving it, and the two entry points (ws_plain.cpp,
// ws_tls.cpp). No Beast here: ws_client.cpp stays a light compile.
#pragma once

#include "ws/ws_client.hpp"

#include <functional>
#include <mutex>
#include <string>

namespace sniper::ws {

struct Connection::Impl {
    std::mutex mu;
    bool stop_requested = false;
    // While run() serves: stops its io_context (any thread), and queues a
    // message on the session (its thread only).
    std::function<void()> stopper;
    std::function<void(std::string)> sender;
    // The last run's refused upgrade (see Connection::refused_status).
    int refused_status = 0;
    int64_t retry_after_ns = 0;
};

// One connection over TCP (ws_plain.cpp) or TLS (ws_tls.cpp), served on the
// calling thread until it ends; returns why.
std::string serve_plain(Connection::Impl& impl, const Url& url, const Options& opts,
                        Connection::Handler& handler);
std::string serve_tls(Connection::Impl& impl, const Url& url, const Options& opts,
                      Connection::Handler& handler);

} // namespace sniper::ws
