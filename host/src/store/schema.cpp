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


// Runs and names, for analysts (docs/journal.md). Every history row carries
// the run that wrote it (NULL for rows written before version 4); `runs`
// says when, in which mode and on which clock (simulated time in sim and
// replay runs), with the config's hash. Lookup tables give codes their
// names (tests check them against the code), and views join them in; the
// per-strategy, per-UTC-day PnL view counts the fees of orders that did not
// fill, which only `orders` holds, so its sums equal the run summary.
constexpr const char* kV4 = R"sql(
CREATE TABLE runs (
    run_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    started_ns    INTEGER NOT NULL,
    stopped_ns    INTEGER,
    mode          TEXT    NOT NULL,
    clock         TEXT    NOT NULL CHECK (clock IN ('wall', 'simulated')),
    feed          TEXT    NOT NULL,
    config_path   TEXT    NOT NULL,
    config_sha256 TEXT    NOT NULL,
    version       TEXT    NOT NULL,
    pid           INTEGER NOT NULL
);
ALTER TABLE intents        ADD COLUMN run_id INTEGER;
ALTER TABLE orders         ADD COLUMN run_id INTEGER;
ALTER TABLE fills          ADD COLUMN run_id INTEGER;
ALTER TABLE trading_state  ADD COLUMN run_id INTEGER;
ALTER TABLE audit_log      ADD COLUMN run_id INTEGER;
ALTER TABLE equity_samples ADD COLUMN run_id INTEGER;

CREATE TABLE sides (code INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO sides VALUES (1, 'buy'), (2, 'sell');
CREATE TABLE order_statuses (code INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO order_statuses VALUES
    (1, 'accepted'), (2, 'rejected'), (3, 'filled'), (4, 'failed'), (5, 'expired'), (6, 'sent');
CREATE TABLE trading_states (code INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO trading_states VALUES (1, 'ACTIVE'), (2, 'REDUCING'), (3, 'HALTED');
CREATE TABLE risk_reasons (code INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO risk_reasons VALUES
    (0, 'none'),
    (1001, 'halted'),
    (1002, 'reducing'),
    (1003, 'invalid_intent'),
    (1004, 'max_order_size'),
    (1005, 'max_open_positions'),
    (1006, 'max_slippage'),
    (1007, 'no_position'),
    (1008, 'unknown_pool'),
    (1009, 'no_price'),
    (1010, 'insufficient_balance'),
    (1011, 'duplicate_pending'),
    (1012, 'internal_error'),
    (1013, 'max_position'),
    (1014, 'max_exposure'),
    (1015, 'max_daily_loss'),
    (1016, 'max_drawdown'),
    (1017, 'max_orders_per_minute'),
    (1018, 'max_orders_per_minute_total'),
    (1019, 'min_liquidity'),
    (1020, 'max_fees_per_day'),
    (1021, 'mint_authority'),
    (1022, 'freeze_authority'),
    (1023, 'min_lp_burned'),
    (1024, 'max_top10_holders'),
    (1025, 'loss_cooldown'),
    (1026, 'stale_price');

CREATE VIEW intents_named AS
SELECT i.run_id, i.intent_id, i.strategy, s.name AS side, i.mint, i.pool, i.amount_in,
       i.max_slippage_bps, i.accepted, r.name AS reason_name, i.reason_code, i.reason,
       strftime('%Y-%m-%dT%H:%M:%fZ', i.ts_ns / 1e9, 'unixepoch') AS ts_utc, i.ts_ns
FROM intents i LEFT JOIN sides s ON s.code = i.side LEFT JOIN risk_reasons r ON r.code = i.reason_code;

CREATE VIEW orders_named AS
SELECT o.run_id, o.id, o.intent_id, o.strategy, st.name AS status, s.name AS side, o.mint, o.min_out,
       o.fee_lamports, o.code, o.detail,
       strftime('%Y-%m-%dT%H:%M:%fZ', o.ts_ns / 1e9, 'unixepoch') AS ts_utc, o.ts_ns
FROM orders o LEFT JOIN order_statuses st ON st.code = o.status LEFT JOIN sides s ON s.code = o.side;

CREATE VIEW fills_named AS
SELECT f.run_id, f.id, f.intent_id, f.strategy, s.name AS side, f.mint, f.pool, f.in_amount, f.out_amount,
       f.fee_lamports, f.tip_lamports, f.realized_pnl_lamports,
       f.realized_pnl_lamports / 1e9 AS realized_pnl_sol,
       strftime('%Y-%m-%dT%H:%M:%fZ', f.ts_ns / 1e9, 'unixepoch') AS ts_utc, f.ts_ns
FROM fills f LEFT JOIN sides s ON s.code = f.side;

CREATE VIEW trading_state_named AS
SELECT t.run_id, t.id, ts.name AS state, t.reason, t.actor,
       strftime('%Y-%m-%dT%H:%M:%fZ', t.ts_ns / 1e9, 'unixepoch') AS ts_utc, t.ts_ns
FROM trading_state t LEFT JOIN trading_states ts ON ts.code = t.state;

-- Realized PnL per run, strategy and UTC day (of the host clock: simulated
-- days in sim and replay runs). A fill's realized PnL already holds its own
-- fees and, for a sell, the buy's fees in its cost basis; an order that did
-- not fill still paid its fees, which only `orders` records.
CREATE VIEW pnl_by_strategy_day AS
SELECT run_id, strategy, day,
       SUM(realized) AS realized_pnl_lamports, SUM(realized) / 1e9 AS realized_pnl_sol,
       SUM(fees) AS fees_lamports, SUM(fills) AS fills, SUM(closing_sells) AS sells
FROM (
    SELECT run_id, strategy, date(ts_ns / 1000000000, 'unixepoch') AS day,
           realized_pnl_lamports AS realized, fee_lamports + tip_lamports AS fees, 1 AS fills,
           CASE WHEN side = 2 THEN 1 ELSE 0 END AS closing_sells
    FROM fills
    UNION ALL
    SELECT run_id, strategy, date(ts_ns / 1000000000, 'unixepoch'), -fee_lamports, fee_lamports, 0, 0
    FROM orders WHERE status NOT IN (1, 3, 6) AND fee_lamports != 0
)
GROUP BY run_id, strategy, day;
)sql";

// Live execution (docs/journal.md): every signed transaction sent for an
// order, committed before its first send, so a restart can look each one
// up on chain. `tx` is the signed transaction as sent (rebroadcast bytes).
constexpr const char* kV5 = R"sql(
CREATE TABLE send_attempts (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    intent_id               INTEGER NOT NULL,
    attempt                 INTEGER NOT NULL,
    route                   TEXT    NOT NULL,
    signature               TEXT    NOT NULL,
    tx                      BLOB    NOT NULL,
    tip_tx                  BLOB    NOT NULL,
    last_valid_block_height INTEGER NOT NULL,
    ts_ns                   INTEGER NOT NULL,
    run_id                  INTEGER,
    UNIQUE (intent_id, attempt)
);
CREATE INDEX send_attempts_signature ON send_attempts (signature);
)sql";

// A risk reason appended to the registry (docs/error-codes.md).
constexpr const char* kV6 = R"sql(
INSERT INTO risk_reasons VALUES (1027, 'curve_complete');
)sql";

// A position's pool facts as the host last knew them (-1: unknown, rows
// written before this version): after a restart the held pool is known
// from its source's updates only, and these give back its fee and its
// token's decimals (the price endpoint's check needs them).
constexpr const char* kV7 = R"sql(
ALTER TABLE positions ADD COLUMN pool_fee_bps  INTEGER NOT NULL DEFAULT -1;
ALTER TABLE positions ADD COLUMN base_decimals INTEGER NOT NULL DEFAULT -1;
)sql";

constexpr std::array<Migration, 7> kMigrations{{
    {1, kV1},
    {2, kV2},
    {3, kV3},
    {4, kV4},
    {5, kV5},
    {6, kV6},
    {7, kV7},
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
