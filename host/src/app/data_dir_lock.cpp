#include "app/data_dir_lock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <sys/file.h>
#include <unistd.h>

namespace sniper {

std::unique_ptr<DataDirLock> DataDirLock::acquire(const std::string& data_dir, std::string* error) {
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (ec) {
        *error = "cannot create the data folder " + data_dir + ": " + ec.message();
        return nullptr;
    }
    const std::string path = data_dir + "/sniperd.lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = "cannot open " + path + ": " + std::strerror(errno) +
                 (errno == EROFS || errno == EACCES ? " (is the data folder read-only?)" : "");
        return nullptr;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int e = errno;
        char buf[32] = {};
        const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
        ::close(fd);
        std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("unknown");
        while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) {
            pid.pop_back();
        }
        *error = e == EWOULDBLOCK ? "another sniperd (pid " + pid + ") is running on the data folder " + data_dir +
                                        "; stop it first, or give this one another data_dir"
                                  : "cannot lock " + path + ": " + std::strerror(e);
        return nullptr;
    }
    const std::string me = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
        *error = "cannot write the pid to " + path + ": " + std::strerror(errno);
        ::close(fd);
        return nullptr;
    }
    return std::unique_ptr<DataDirLock>(new DataDirLock(fd));
}

DataDirLock::~DataDirLock() {
    if (fd_ >= 0) {
        ::close(fd_); // releases the flock; the file stays, harmless
    }
}

} // namespace sniper
