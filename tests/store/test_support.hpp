// tests/store/test_support.hpp — temp dirs, raw SQLite access and record
// factories shared by the store tests.
#pragma once

#include "store/store.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace sniper::test {

// A fresh directory under /tmp, removed (with everything in it) at scope exit.
class TempDir {
  public:
    TempDir() {
        char tmpl[] = "/tmp/sniper_store_XXXXXX";
        const char* p = mkdtemp(tmpl);
        REQUIRE(p != nullptr);
        path_ = p;
    }
    ~TempDir() {
        std::error_code ec;
        // Tests may have taken permissions away; give them back first.
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ec);
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    std::string sub(const std::string& rel) const { return path_ + "/" + rel; }

  private:
    std::string path_;
};

// A second, independent connection to a database: how the tests look at (and
// damage) what the store wrote.
class RawDb {
  public:
    explicit RawDb(const std::string& path) {
        REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                nullptr) == SQLITE_OK);
        sqlite3_busy_timeout(db_, 5000);
    }
    ~RawDb() { sqlite3_close(db_); }
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;

    sqlite3* get() const { return db_; }

    void exec(const std::string& sql) {
        char* msg = nullptr;
        const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg);
        INFO(sql << ": " << (msg != nullptr ? msg : ""));
        sqlite3_free(msg);
        REQUIRE(rc == SQLITE_OK);
    }

    // First column of the first row, as text ("" when no row).
    std::string text(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
        std::string out;
        if (sqlite3_step(st) == SQLITE_ROW) {
            const auto* p = sqlite3_column_text(st, 0);
            out = p != nullptr ? reinterpret_cast<const char*>(p) : "";
        }
        sqlite3_finalize(st);
        return out;
    }

    int64_t integer(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        const int64_t v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return v;
    }

  private:
    sqlite3* db_ = nullptr;
};

inline std::unique_ptr<Store> open_ok(const std::string& dir) {
    std::string err;
    auto s = Store::open(dir, &err);
    INFO(err);
    REQUIRE(s != nullptr);
    return s;
}

inline Pubkey key(uint8_t seed) {
    Pubkey k{};
    for (size_t i = 0; i < sizeof k.bytes; ++i) {
        k.bytes[i] = static_cast<uint8_t>(seed + i * 7);
    }
    return k;
}

inline IntentRecord intent(uint64_t id, const std::string& strategy = "alpha") {
    IntentRecord r;
    r.intent_id = id;
    r.strategy = strategy;
    r.side = SNP_SIDE_BUY;
    r.mint = key(1);
    r.pool = key(2);
    r.amount_in = 100'000'000;
    r.max_slippage_bps = 300;
    r.flags = 0;
    r.client_tag = id * 10;
    r.accepted = true;
    r.reason = "entry";
    r.ts_ns = static_cast<int64_t>(id) * 1000;
    return r;
}

inline OrderRecord order(uint64_t id, uint32_t status = SNP_ORDER_ACCEPTED) {
    OrderRecord r;
    r.intent_id = id;
    r.strategy = "alpha";
    r.status = status;
    r.side = SNP_SIDE_BUY;
    r.mint = key(1);
    r.min_out = 5000;
    r.detail = "paper";
    r.ts_ns = static_cast<int64_t>(id) * 1000 + 1;
    return r;
}

inline FillRecord fill(uint64_t id) {
    FillRecord r;
    r.intent_id = id;
    r.strategy = "alpha";
    r.side = SNP_SIDE_BUY;
    r.mint = key(1);
    r.pool = key(2);
    r.in_amount = 100'000'000;
    r.out_amount = 123'456;
    r.fee_lamports = 5000;
    r.tip_lamports = 1000;
    r.realized_pnl_lamports = 0;
    r.ts_ns = static_cast<int64_t>(id) * 1000 + 2;
    return r;
}

inline PositionRecord position(const std::string& strategy, uint8_t mint_seed, uint64_t atoms) {
    PositionRecord r;
    r.strategy = strategy;
    r.mint = key(mint_seed);
    r.pool = key(static_cast<uint8_t>(mint_seed + 100));
    r.amount_atoms = atoms;
    r.cost_lamports = 100'000'000;
    r.realized_pnl_lamports = -42;
    r.opened_ns = 1'000;
    r.updated_ns = 2'000;
    return r;
}

inline StrategyPnlRecord pnl(const std::string& strategy, int64_t realized) {
    StrategyPnlRecord r;
    r.strategy = strategy;
    r.trades = 3;
    r.wins = 2;
    r.realized_pnl_lamports = realized;
    r.peak_pnl_lamports = realized + 10;
    r.max_drawdown_lamports = 10;
    r.fees_lamports = 15'000;
    r.updated_ns = 3'000;
    return r;
}

inline int mode_of(const std::string& path) {
    struct stat sb {};
    REQUIRE(stat(path.c_str(), &sb) == 0);
    return static_cast<int>(sb.st_mode & 07777);
}

} // namespace sniper::test
