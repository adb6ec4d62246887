// tests/control/control_test_util.hpp — shared helpers for the control tests:
// a private temporary directory and raw socket calls.
#pragma once

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace sniper::test {

// A fresh directory under /tmp, removed with everything in it at scope exit.
// Short on purpose: socket paths must fit in 107 bytes.
class TempDir {
  public:
    TempDir() {
        char tmpl[] = "/tmp/sctl-XXXXXX";
        if (::mkdtemp(tmpl) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

inline mode_t mode_of(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        return 0;
    }
    return st.st_mode & 07777;
}

// Connects a blocking Unix stream socket; returns the fd or -errno.
inline int raw_connect(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) {
        return -ENAMETOOLONG;
    }
    path.copy(addr.sun_path, path.size());
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        const int e = errno;
        ::close(fd);
        return -e;
    }
    return fd;
}

inline bool send_all(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

// Reads until EOF, an error, or timeout_ms without data.
inline std::string read_until_eof(int fd, int timeout_ms, bool* eof = nullptr) {
    std::string out;
    char buf[4096];
    if (eof != nullptr) {
        *eof = false;
    }
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) {
            return out;
        }
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n == 0) {
            if (eof != nullptr) {
                *eof = true;
            }
            return out;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (eof != nullptr) {
                *eof = errno == ECONNRESET;
            }
            return out;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
}

} // namespace sniper::test
