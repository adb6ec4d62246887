// store/store_db.hpp — the journal's connection and its health, shared by
// the writer (store.cpp) and the readers (store_reader.cpp). Private to the
// store module.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <mutex>
#include <string>

namespace sniper {

struct StoreDb {
    std::string path;
    sqlite3* db = nullptr;
    std::mutex db_mu; // every use of db (and of the writer's statements)

    std::atomic<bool> healthy{true};
    mutable std::mutex err_mu;
    std::string last_error; // first error only: later ones are usually its echo

    // Marks the journal unhealthy (trading halts) and logs the first error.
    void fail(const std::string& what);
    std::string db_error(const std::string& what) const {
        return what + ": " + sqlite3_errmsg(db) + " (" + path + ")";
    }
    bool exec(const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }
};

} // namespace sniper
