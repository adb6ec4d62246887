// store/store_records.hpp — how each StoreRecord kind reaches its table:
// the kinds' names, which kinds carry the run id, their INSERT statements,
// and the Binder that binds a record's fields to a statement left to right.
// Private to the store module (the writer in store.cpp, begin_run).
#pragma once

#include "store/statement.hpp"
#include "store/store.hpp"

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace sniper::store {

constexpr size_t kKinds = std::variant_size_v<StoreRecord>;

// Indexed by StoreRecord::index().
extern const std::array<const char*, kKinds> kKindNames;
// History kinds carry the run that wrote them (schema version 4); the
// current-state tables (positions, strategy_pnl) do not.
extern const std::array<bool, kKinds> kHasRunId;
// One reused prepared statement per kind (positions and strategy_pnl upsert).
extern const std::array<const char*, kKinds> kInsertSql;

// uint64 travels through SQLite's signed INTEGER bit for bit (see schema.cpp).

// Binds parameters left to right; remembers whether any bind failed.
class Binder {
  public:
    explicit Binder(sqlite3_stmt* st) : st_(st) {}
    void i64(int64_t v) { note(sqlite3_bind_int64(st_, next_++, v)); }
    void u64(uint64_t v) { i64(to_db(v)); }
    void text(const std::string& v) {
        note(sqlite3_bind_text(st_, next_++, v.data(), static_cast<int>(v.size()),
                               SQLITE_TRANSIENT));
    }
    void key(const Pubkey& k) { text(to_base58(k)); }
    void blob(const std::vector<uint8_t>& v) {
        // An empty vector's data() may be null, which SQLite binds as NULL.
        note(v.empty() ? sqlite3_bind_zeroblob(st_, next_++, 0)
                       : sqlite3_bind_blob(st_, next_++, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    }
    // The run id, NULL before begin_run() (and for stores without runs).
    void run(uint64_t id) {
        if (id == 0) {
            note(sqlite3_bind_null(st_, next_++));
        } else {
            u64(id);
        }
    }
    int rc() const { return rc_; }

  private:
    void note(int rc) {
        if (rc_ == SQLITE_OK) {
            rc_ = rc;
        }
    }
    sqlite3_stmt* st_;
    int next_ = 1;
    int rc_ = SQLITE_OK;
};

// Each binds a record's fields in its kInsertSql column order; the caller
// binds the run id after them when the kind has one (kHasRunId).
void bind_record(Binder& b, const SendAttemptRecord& r);
void bind_record(Binder& b, const IntentRecord& r);
void bind_record(Binder& b, const OrderRecord& r);
void bind_record(Binder& b, const FillRecord& r);
void bind_record(Binder& b, const PositionRecord& r);
void bind_record(Binder& b, const StrategyPnlRecord& r);
void bind_record(Binder& b, const TradingStateRecord& r);
void bind_record(Binder& b, const AuditRecord& r);
void bind_record(Binder& b, const EquitySampleRecord& r);

} // namespace sniper::store
