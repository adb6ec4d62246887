// control/control_client.hpp — the client side of the control socket, used
// by sniperctl and the tests. Plain blocking POSIX sockets with a deadline on
// every wait, so sniperctl stays small and needs no event loop.
//
// It speaks the framing of control_server.hpp: one request line out, one
// response line back. It does not interpret the JSON; callers do.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sniper {

enum class ControlCallStatus : int {
    Ok = 1,            // a response line was received (it may still say "ok":false)
    CannotConnect = 2, // no daemon reachable at the path (missing, refused, no access, timeout)
    Failed = 3,        // connected, but the exchange failed (closed early, timeout, I/O error)
};

struct ControlCallResult {
    ControlCallStatus status = ControlCallStatus::Failed;
    std::string response; // the response line without its newline (Ok only)
    std::string error;    // why it failed, e.g. "No such file or directory" (otherwise empty)
    int sys_errno = 0;    // the errno behind the failure when there is one, else 0
};

// One connection; requests on it are answered in order.
class ControlClient {
  public:
    ControlClient() = default;
    ~ControlClient();
    ControlClient(ControlClient&& other) noexcept;
    ControlClient& operator=(ControlClient&& other) noexcept;
    ControlClient(const ControlClient&) = delete;
    ControlClient& operator=(const ControlClient&) = delete;

    // Connects within timeout_ms. Returns Ok or CannotConnect.
    ControlCallResult connect(const std::string& socket_path, int64_t timeout_ms);
    // Sends `request_line` (a newline is appended; it must not contain one)
    // and waits up to timeout_ms for one response line. Returns Ok or Failed.
    ControlCallResult request(std::string_view request_line, int64_t timeout_ms);
    void close();
    bool connected() const { return fd_ >= 0; }

  private:
    int fd_ = -1;
    std::string pending_; // bytes received past the last response line
};

// connect + request + close, all within one timeout_ms deadline.
ControlCallResult control_call(const std::string& socket_path, std::string_view request_line,
                               int64_t timeout_ms);

} // namespace sniper
