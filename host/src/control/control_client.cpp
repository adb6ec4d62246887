#include "control/control_client.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace sniper {
namespace {

using Clock = std::chrono::steady_clock;

// A response bigger than this is not something sniperd sends; stop reading
// rather than grow without bound.
constexpr std::size_t kMaxResponseBytes = 16 * 1024 * 1024;

Clock::time_point deadline_after(int64_t timeout_ms) {
    return Clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
}

int ms_left(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
        return 0;
    }
    return left > 60'000 ? 60'000 : static_cast<int>(left);
}

// Waits for `events` on fd until the deadline. Returns 1 ready, 0 timed out,
// -1 error (errno set).
int wait_for(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int timeout = ms_left(deadline);
        const int rc = ::poll(&p, 1, timeout);
        if (rc > 0) {
            return 1;
        }
        if (rc < 0 && errno != EINTR) {
            return -1;
        }
        if (rc == 0 && timeout == 0) {
            return 0;
        }
    }
}

ControlCallResult fail(ControlCallStatus status, std::string error, int err = 0) {
    ControlCallResult r;
    r.status = status;
    r.error = std::move(error);
    r.sys_errno = err;
    return r;
}

} // namespace

ControlClient::~ControlClient() {
    close();
}

ControlClient::ControlClient(ControlClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), pending_(std::move(other.pending_)) {}

ControlClient& ControlClient::operator=(ControlClient&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        pending_ = std::move(other.pending_);
    }
    return *this;
}

void ControlClient::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    pending_.clear();
}

ControlCallResult ControlClient::connect(const std::string& socket_path, int64_t timeout_ms) {
    close();
    const auto deadline = deadline_after(timeout_ms);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path.empty() || socket_path.size() >= sizeof addr.sun_path) {
        return fail(ControlCallStatus::CannotConnect, std::strerror(ENAMETOOLONG), ENAMETOOLONG);
    }
    std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());

    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        const int e = errno;
        return fail(ControlCallStatus::CannotConnect, std::strerror(e), e);
    }
    for (;;) {
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
            break;
        }
        const int e = errno;
        if (e == EINTR) {
            continue;
        }
        if (e == EAGAIN) {
            // Unix sockets report a full listen backlog as EAGAIN instead of
            // queueing us: the daemon is there but busy, so retry briefly.
            if (ms_left(deadline) == 0) {
                ::close(fd);
                return fail(ControlCallStatus::CannotConnect, std::strerror(ETIMEDOUT), ETIMEDOUT);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        if (e == EINPROGRESS) {
            const int ready = wait_for(fd, POLLOUT, deadline);
            int so_error = ready == 1 ? 0 : (ready == 0 ? ETIMEDOUT : errno);
            if (ready == 1) {
                socklen_t len = sizeof so_error;
                if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) {
                    so_error = errno;
                }
            }
            if (so_error == 0) {
                break;
            }
            ::close(fd);
            return fail(ControlCallStatus::CannotConnect, std::strerror(so_error), so_error);
        }
        ::close(fd);
        return fail(ControlCallStatus::CannotConnect, std::strerror(e), e);
    }
    fd_ = fd;
    ControlCallResult ok;
    ok.status = ControlCallStatus::Ok;
    return ok;
}

ControlCallResult ControlClient::request(std::string_view request_line, int64_t timeout_ms) {
    if (fd_ < 0) {
        return fail(ControlCallStatus::Failed, "not connected");
    }
    if (request_line.find('\n') != std::string_view::npos) {
        return fail(ControlCallStatus::Failed, "the request contains a newline");
    }
    const auto deadline = deadline_after(timeout_ms);
    std::string out(request_line);
    out += '\n';

    std::size_t sent = 0;
    int write_errno = 0;
    while (sent < out.size()) {
        const ssize_t n = ::send(fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n >= 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN) {
            const int ready = wait_for(fd_, POLLOUT, deadline);
            if (ready == 1) {
                continue;
            }
            const int e = ready == 0 ? ETIMEDOUT : errno;
            close();
            return fail(ControlCallStatus::Failed,
                        std::string("sending the request: ") + std::strerror(e), e);
        }
        // The daemon may have answered and closed before reading the whole
        // request (permission denied, oversized line): read that answer
        // rather than report a bare EPIPE.
        write_errno = errno;
        break;
    }

    char buf[4096];
    for (;;) {
        const auto nl = pending_.find('\n');
        if (nl != std::string::npos) {
            ControlCallResult r;
            r.status = ControlCallStatus::Ok;
            r.response = pending_.substr(0, nl);
            pending_.erase(0, nl + 1);
            if (!r.response.empty() && r.response.back() == '\r') {
                r.response.pop_back();
            }
            return r;
        }
        if (pending_.size() > kMaxResponseBytes) {
            close();
            return fail(ControlCallStatus::Failed,
                        "the response exceeds " + std::to_string(kMaxResponseBytes) + " bytes");
        }
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n > 0) {
            pending_.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0) {
            close();
            if (write_errno != 0) {
                return fail(ControlCallStatus::Failed,
                            std::string("sending the request: ") + std::strerror(write_errno),
                            write_errno);
            }
            return fail(ControlCallStatus::Failed,
                        "sniperd closed the connection without a response");
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN) {
            const int ready = wait_for(fd_, POLLIN, deadline);
            if (ready == 1) {
                continue;
            }
            const int e = ready == 0 ? ETIMEDOUT : errno;
            close();
            return fail(ControlCallStatus::Failed,
                        ready == 0 ? std::string("no response within the timeout")
                                   : std::string("reading the response: ") + std::strerror(e),
                        e);
        }
        const int e = errno;
        close();
        return fail(ControlCallStatus::Failed,
                    std::string("reading the response: ") + std::strerror(e), e);
    }
}

ControlCallResult control_call(const std::string& socket_path, std::string_view request_line,
                               int64_t timeout_ms) {
    const auto deadline = deadline_after(timeout_ms);
    ControlClient client;
    ControlCallResult r = client.connect(socket_path, timeout_ms);
    if (r.status != ControlCallStatus::Ok) {
        return r;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return client.request(request_line, left);
}

} // namespace sniper
