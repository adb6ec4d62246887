// store/statement.hpp — a prepared SQLite statement that finalizes itself,
// and the column readers the store uses. u64 amounts are stored bit for bit
// in SQLite's signed 64-bit integers (to_db / from_db).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace sniper {

inline int64_t to_db(uint64_t v) { return static_cast<int64_t>(v); }
inline uint64_t from_db(int64_t v) { return static_cast<uint64_t>(v); }

class Statement {
  public:
    Statement(sqlite3* db, const char* sql) {
        if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK) {
            sqlite3_finalize(st_);
            st_ = nullptr;
        }
    }
    ~Statement() { sqlite3_finalize(st_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    bool ok() const { return st_ != nullptr; }
    sqlite3_stmt* get() const { return st_; }
    bool bind(int index, int64_t v) { return sqlite3_bind_int64(st_, index, v) == SQLITE_OK; }
    // SQLITE_ROW, SQLITE_DONE or an error code.
    int step() { return sqlite3_step(st_); }

    std::string text(int col) const {
        const auto* p = sqlite3_column_text(st_, col);
        if (p == nullptr) {
            return {};
        }
        return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st_, col)));
    }
    int64_t i64(int col) const { return sqlite3_column_int64(st_, col); }
    uint64_t u64(int col) const { return from_db(sqlite3_column_int64(st_, col)); }
    bool is_null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
    const char* name(int col) const { return sqlite3_column_name(st_, col); }

  private:
    sqlite3_stmt* st_ = nullptr;
};

} // namespace sniper
