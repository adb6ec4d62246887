// app/data_dir_lock.hpp — one sniperd per data folder. Before anything in
// the folder is touched (journal, socket, plugin cache), the daemon takes
// an exclusive flock on `<data_dir>/sniperd.lock` and writes its pid there;
// a second daemon on the same folder fails to take it and refuses to start,
// naming the running one's pid, having changed nothing. The kernel drops
// the lock when the process dies, however it dies (kill -9 included).
#pragma once

#include <memory>
#include <string>

namespace sniper {

class DataDirLock {
  public:
    // The lock, or null with *error saying why (another daemon's pid, or
    // what stopped us from creating the folder or the lock file).
    static std::unique_ptr<DataDirLock> acquire(const std::string& data_dir, std::string* error);
    ~DataDirLock();
    DataDirLock(const DataDirLock&) = delete;
    DataDirLock& operator=(const DataDirLock&) = delete;

  private:
    explicit DataDirLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

} // namespace sniper
