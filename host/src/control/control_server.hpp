// control/control_server.hpp — the sniperctl control socket.
//
// A Unix stream socket (default <data_dir>/sniperd.sock) created mode 0600
// inside a 0700 directory. Each connection's peer uid is read with
// SO_PEERCRED and anything but the allowed uid (default: our own) is refused
// with an error response and closed. Protocol: newline-delimited JSON, one
// request object per line, one response object per line:
//   request:  {"cmd":"status"} | {"cmd":"kill","reason":"..."} | ...
//   response: {"ok":true,"data":{...}} | {"ok":false,"error":"..."}
// The server runs its own thread (Boost.Asio) so it answers while the event
// path is busy or stuck; the handler must therefore be thread-safe.
// At most 64 connections are open; a client that arrives when all are taken
// closes the one that has waited longest for a request (idle clients are
// also closed after 60 s), so a kill or status always gets through.
// Only when all 64 are being answered at that moment is it refused.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace sniper {

class ControlServer {
  public:
    // Receives one request line (without the newline) and returns one
    // response line (without the newline). Called on the control thread.
    using Handler = std::function<std::string(std::string_view request)>;

    // Binds the socket (removing a stale socket file first; refusing if a
    // live daemon already answers on it). Returns nullptr and sets *error on
    // failure. allowed_uid defaults to geteuid().
    static std::unique_ptr<ControlServer> start(const std::string& socket_path, Handler handler,
                                                std::string* error, uid_t allowed_uid = static_cast<uid_t>(-1));
    ~ControlServer(); // stops the thread, closes connections, unlinks the socket

    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    const std::string& socket_path() const;
    uint64_t refused_connections() const; // wrong uid

  private:
    struct Impl;
    explicit ControlServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Helpers to build responses.
std::string control_ok(std::string_view data_json);
std::string control_error(std::string_view message);

} // namespace sniper
