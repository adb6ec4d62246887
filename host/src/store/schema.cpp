// store/schema.cpp — migrations of the journal schema and the code that
// applies them.
//
// Column conventions (they hold for every table):
//   - pubkeys are base58 TEXT, so the database reads well in the sqlite3 CLI;
//   - uint64 amounts are stored as INTEGER holding the same 64 bits (SQLite
//     integers are signed); the store converts back on read. Real amounts stay
//     far below 2^63, so ORDER BY and comparisons in SQL still work for them;
//     where a query must be right for any bit pattern it compares with != 0;
//   - *_ns columns are nanoseconds since the Unix epoch (host clock).
//
// There are deliberately no FOREIGN KEY constraints from orders/fills to
// intents: the executor may journal an order or fill for an exit the host
// generated itself, and losing a fill to a constraint would be worse than an
// orphan row. foreign_keys is still switched on so any later step that adds
// one is enforced.
#include "store/schema.hpp"

#include <sqlite3.h>

#include <array>

namespace sniper::store {
namespace {

constexpr const char* kV1 = R"sql(
CREATE TABLE intents (
    intent_id        INTEGER PRIMARY KEY,
    strategy         TEXT    NOT NULL,
    side             INTEGER NOT NULL,
    mint             TEXT    NOT NULL,
    pool             TEXT    NOT NULL,
    amount_in        INTEGER NOT NULL,
    max_slippage_bps INTEGER NOT NULL,
    flags            INTEGER NOT NULL,
    client_tag       INTEGER NOT NULL,
    accepted         INTEGER NOT NULL CHECK (accepted IN (0, 1)),
    reason_code      INTEGER NOT NULL,
    reason           TEXT    NOT NULL,
    ts_ns            INTEGER NOT NULL
);
CREATE INDEX intents_strategy ON intents (strategy, intent_id);

CREATE TABLE orders (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    intent_id INTEGER NOT NULL,
    strategy  TEXT    NOT NULL,
    status    INTEGER NOT NULL,
    side      INTEGER NOT NULL,
    mint      TEXT    NOT NULL,
    min_out   INTEGER NOT NULL,
    detail    TEXT    NOT NULL,
    ts_ns     INTEGER NOT NULL
);
CREATE INDEX orders_intent ON orders (intent_id, id);

CREATE TABLE fills (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    intent_id             INTEGER NOT NULL,
    strategy              TEXT    NOT NULL,
    side                  INTEGER NOT NULL,
    mint                  TEXT    NOT NULL,
    pool                  TEXT    NOT NULL,
    in_amount             INTEGER NOT NULL,
    out_amount            INTEGER NOT NULL,
    fee_lamports          INTEGER NOT NULL,
    tip_lamports          INTEGER NOT NULL,
    realized_pnl_lamports INTEGER NOT NULL,
    ts_ns                 INTEGER NOT NULL
);
CREATE INDEX fills_intent ON fills (intent_id, id);
CREATE INDEX fills_strategy_mint ON fills (strategy, mint, id);

CREATE TABLE positions (
    strategy              TEXT    NOT NULL,
    mint                  TEXT    NOT NULL,
    pool                  TEXT    NOT NULL,
    amount_atoms          INTEGER NOT NULL,
    cost_lamports         INTEGER NOT NULL,
    realized_pnl_lamports INTEGER NOT NULL,
    opened_ns             INTEGER NOT NULL,
    updated_ns            INTEGER NOT NULL,
    PRIMARY KEY (strategy, mint)
) WITHOUT ROWID;
-- Start-up loads only open positions; closed rows accumulate over time.
CREATE INDEX positions_open ON positions (strategy, mint) WHERE amount_atoms != 0;

CREATE TABLE strategy_pnl (
    strategy              TEXT    PRIMARY KEY NOT NULL,
    trades                INTEGER NOT NULL,
    wins                  INTEGER NOT NULL,
    realized_pnl_lamports INTEGER NOT NULL,
    peak_pnl_lamports     INTEGER NOT NULL,
    max_drawdown_lamports INTEGER NOT NULL,
    fees_lamports         INTEGER NOT NULL,
    updated_ns            INTEGER NOT NULL
) WITHOUT ROWID;

-- History, never updated: the row with the highest id is the current state.
CREATE TABLE trading_state (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    state  INTEGER NOT NULL CHECK (state IN (1, 2, 3)),
    reason TEXT    NOT NULL,
    actor  TEXT    NOT NULL,
    ts_ns  INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    ts_ns  INTEGER NOT NULL,
    actor  TEXT    NOT NULL,
    action TEXT    NOT NULL,
    detail TEXT    NOT NULL
);
)sql";

// Position protection: the resolved limits of each position (0 = none) and
// the peak marked value the trailing stop follows.
constexpr const char* kV2 = R"sql(
ALTER TABLE positions ADD COLUMN stop_loss_bps       INTEGER NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN take_profit_bps     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN trailing_stop_bps   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN max_hold_ns         INTEGER NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN peak_value_lamports INTEGER NOT NULL DEFAULT 0;
)sql";

// The equity curve: one sample per simulated minute (and at stop), for
// reporting and for the circuit breaker's peak after a restart. Orders get
// the fees a landing charged (a failed transaction pays them too) and the
// failure code, so today's totals can be rebuilt from the journal.
constexpr const char* kV3 = R"sql(
ALTER TABLE orders ADD COLUMN fee_lamports INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN code         INTEGER NOT NULL DEFAULT 0;
CREATE TABLE equity_samples (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    ts_ns                   INTEGER NOT NULL,
    equity_lamports         INTEGER NOT NULL,
    balance_lamports        INTEGER NOT NULL,
    realized_pnl_lamports   INTEGER NOT NULL,
    unrealized_pnl_lamports INTEGER NOT NULL,
    open_positions          INTEGER NOT NULL
);
)sql";

constexpr std::array<Migration, 3> kMigrations{{
    {1, kV1},
    {2, kV2},
    {3, kV3},
}};

std::string db_message(sqlite3* db) {
    return sqlite3_errmsg(db);
}

void rollback_if_open(sqlite3* db) {
    if (sqlite3_get_autocommit(db) == 0) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

} // namespace

std::span<const Migration> migrations() {
    return kMigrations;
}

int latest_schema_version() {
    return kMigrations.back().version;
}

int read_user_version(sqlite3* db, std::string* error) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr) != SQLITE_OK) {
        *error = "reading user_version: " + db_message(db);
        return -1;
    }
    int version = -1;
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        version = sqlite3_column_int(st, 0);
    } else {
        *error = "reading user_version: " + db_message(db);
    }
    sqlite3_finalize(st);
    return version;
}

bool apply_migrations(sqlite3* db, std::span<const Migration> steps, std::string* error,
                      int* applied) {
    if (applied != nullptr) {
        *applied = 0;
    }
    const int current = read_user_version(db, error);
    if (current < 0) {
        return false;
    }
    const int known = steps.empty() ? 0 : steps.back().version;
    if (current > known) {
        *error = "database schema version " + std::to_string(current) +
                 " is newer than this build knows (" + std::to_string(known) +
                 "); refusing to open it with an older sniperd";
        return false;
    }
    for (const Migration& m : steps) {
        if (m.version <= current) {
            continue;
        }
        // BEGIN IMMEDIATE takes the write lock before the version is read
        // again, so two processes racing on one data dir cannot both run
        // the same step.
        char* msg = nullptr;
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, &msg) != SQLITE_OK) {
            *error = "migration to schema version " + std::to_string(m.version) +
                     " could not begin: " + (msg != nullptr ? msg : db_message(db));
            sqlite3_free(msg);
            return false;
        }
        const int now = read_user_version(db, error);
        if (now < 0) {
            rollback_if_open(db);
            return false;
        }
        std::string sql;
        if (now < m.version) {
            sql =
                std::string(m.sql) + "\nPRAGMA user_version = " + std::to_string(m.version) + ";\n";
        }
        sql += "COMMIT;";
        if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
            *error = "migration to schema version " + std::to_string(m.version) +
                     " failed: " + (msg != nullptr ? msg : db_message(db));
            sqlite3_free(msg);
            rollback_if_open(db);
            return false;
        }
        if (applied != nullptr && now < m.version) {
            ++*applied;
        }
    }
    return true;
}

} // namespace sniper::store
