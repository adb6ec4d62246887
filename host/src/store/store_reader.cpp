// store/store_reader.cpp — the journal's readers: what start-up restores
// (trading state, positions, PnL, the next intent id, the equity peak,
// today's totals, orders left in flight) through the store's connection,
// and the canonical dump, a report, through a read-only connection of its
// own (it never waits for the writer).
#include "store/store.hpp"

#include "store/statement.hpp"
#include "store/store_db.hpp"

#include <sqlite3.h>

#include <array>
#include <cstring>
#include <mutex>

namespace sniper {
namespace {

// Escapes the dump's separator and line breaks so one record stays one line
// and a field can never be mistaken for two.
void append_escaped(std::string& out, const std::string& v) {
    for (const char c : v) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '|':
            out += "\\|";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            out += c;
            break;
        }
    }
}

// Enum names for readability; the number itself when the name would hide a
// value outside the enum.
std::string enum_text(const char* name, int64_t value) {
    if (std::strcmp(name, "invalid") == 0 && value != 0) {
        return std::to_string(value);
    }
    return name;
}

// mkdir -p; directories it creates get mode 0700 (umask notwithstanding).

// A read-only connection to the journal for reports.
class ReadOnlyDb {
  public:
    explicit ReadOnlyDb(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            sqlite3_close(db_);
            db_ = nullptr;
        } else {
            sqlite3_busy_timeout(db_, 5000);
        }
    }
    ~ReadOnlyDb() { sqlite3_close(db_); }
    ReadOnlyDb(const ReadOnlyDb&) = delete;
    ReadOnlyDb& operator=(const ReadOnlyDb&) = delete;
    sqlite3* get() const { return db_; }

  private:
    sqlite3* db_ = nullptr;
};

} // namespace

std::optional<TradingStateRecord> Store::load_trading_state() {
    StoreDb& m = conn();
    std::lock_guard db_lk(m.db_mu);
    std::optional<TradingStateRecord> out;
    Statement st(m.db, "SELECT state, reason, actor, ts_ns FROM trading_state"
                           " ORDER BY id DESC LIMIT 1");
    if (!st.ok()) {
        m.fail(m.db_error("reading trading_state"));
        return out;
    }
    const int rc = st.step();
    if (rc == SQLITE_ROW) {
        TradingStateRecord r;
        const int64_t state = st.i64(0);
        // The CHECK constraint keeps this to known values; a row that still
        // fails is damage, and the caller must not guess a state from it.
        if (state == SNP_TRADING_ACTIVE || state == SNP_TRADING_REDUCING ||
            state == SNP_TRADING_HALTED) {
            r.state = static_cast<TradingState>(state);
            r.reason = st.text(1);
            r.actor = st.text(2);
            r.ts_ns = st.i64(3);
            out = std::move(r);
        } else {
            m.fail("reading trading_state: unknown state " + std::to_string(state) + " (" + m.path +
                   ")");
        }
    } else if (rc != SQLITE_DONE) {
        m.fail(m.db_error("reading trading_state"));
    }
    return out;
}

std::vector<PositionRecord> Store::load_open_positions() {
    StoreDb& m = conn();
    std::lock_guard db_lk(m.db_mu);
    std::vector<PositionRecord> out;
    // != 0 rather than > 0: amounts are uint64 stored bit for bit.
    Statement st(m.db, "SELECT strategy, mint, pool, amount_atoms, cost_lamports,"
                           " realized_pnl_lamports, opened_ns, updated_ns, stop_loss_bps,"
                           " take_profit_bps, trailing_stop_bps, max_hold_ns, peak_value_lamports,"
                           " pool_fee_bps, base_decimals"
                           " FROM positions WHERE amount_atoms != 0 ORDER BY strategy, mint");
    if (!st.ok()) {
        m.fail(m.db_error("reading positions"));
        return out;
    }
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        PositionRecord r;
        r.strategy = st.text(0);
        const std::string mint = st.text(1);
        const std::string pool = st.text(2);
        if (!pubkey_from_base58(mint, r.mint) || !pubkey_from_base58(pool, r.pool)) {
            // Skipping would forget a holding and defaulting would invent
            // one: report it, and let the daemon stay halted.
            m.fail("reading positions: malformed key in row strategy=" + r.strategy +
                   " mint=" + mint + " pool=" + pool + " (" + m.path + ")");
            continue;
        }
        r.amount_atoms = st.u64(3);
        r.cost_lamports = st.u64(4);
        r.realized_pnl_lamports = st.i64(5);
        r.opened_ns = st.i64(6);
        r.updated_ns = st.i64(7);
        r.stop_loss_bps = static_cast<uint32_t>(st.i64(8));
        r.take_profit_bps = static_cast<uint32_t>(st.i64(9));
        r.trailing_stop_bps = static_cast<uint32_t>(st.i64(10));
        r.max_hold_ns = st.i64(11);
        r.peak_value_lamports = st.u64(12);
        // Out of range (a hand-edited row): unknown, never a wrong fact.
        const int64_t fee = st.i64(13);
        const int64_t decimals = st.i64(14);
        r.pool_fee_bps = fee >= 0 && fee <= 10000 ? static_cast<int32_t>(fee) : -1;
        r.base_decimals = decimals >= 0 && decimals <= 18 ? static_cast<int32_t>(decimals) : -1;
        out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) {
        m.fail(m.db_error("reading positions"));
    }
    return out;
}

std::vector<StrategyPnlRecord> Store::load_strategy_pnl() {
    StoreDb& m = conn();
    std::lock_guard db_lk(m.db_mu);
    std::vector<StrategyPnlRecord> out;
    Statement st(m.db, "SELECT strategy, trades, wins, realized_pnl_lamports,"
                           " peak_pnl_lamports, max_drawdown_lamports, fees_lamports,"
                           " updated_ns FROM strategy_pnl ORDER BY strategy");
    if (!st.ok()) {
        m.fail(m.db_error("reading strategy_pnl"));
        return out;
    }
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        StrategyPnlRecord r;
        r.strategy = st.text(0);
        r.trades = st.u64(1);
        r.wins = st.u64(2);
        r.realized_pnl_lamports = st.i64(3);
        r.peak_pnl_lamports = st.i64(4);
        r.max_drawdown_lamports = st.i64(5);
        r.fees_lamports = st.u64(6);
        r.updated_ns = st.i64(7);
        out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) {
        m.fail(m.db_error("reading strategy_pnl"));
    }
    return out;
}

uint64_t Store::max_intent_id() {
    StoreDb& m = conn();
    std::lock_guard db_lk(m.db_mu);
    // The rowid alias is the primary key, so MAX() is one b-tree seek.
    Statement st(m.db, "SELECT MAX(intent_id) FROM intents");
    if (!st.ok()) {
        m.fail(m.db_error("reading max intent_id"));
        return 0;
    }
    uint64_t out = 0;
    if (st.step() == SQLITE_ROW) {
        out = st.u64(0); // NULL (no rows) reads as 0
    } else {
        m.fail(m.db_error("reading max intent_id"));
    }
    return out;
}

bool Store::last_run_unclean() {
    StoreDb& m = conn();
    std::lock_guard db_lk(m.db_mu);
    Statement st(m.db, "SELECT action FROM audit_log WHERE actor = 'sniperd' AND action IN ('start', 'stop')"
                           " ORDER BY id DESC LIMIT 1");
    if (!st.ok()) {
        m.fail(m.db_error("reading the last run's start and stop"));
        return true; // cannot tell: assume the worst
    }
    bool unclean = false;
    if (st.step() == SQLITE_ROW) {
        unclean = st.text(0) == "start";
    }
    return unclean;
}

std::optional<int64_t> Store::max_equity() {
    StoreDb& m = conn();
    std::lock_guard db_lk(m.db_mu);
    Statement st(m.db, "SELECT MAX(equity_lamports) FROM equity_samples");
    if (!st.ok()) {
        m.fail(m.db_error("reading the equity peak"));
        return std::nullopt;
    }
    std::optional<int64_t> out;
    if (st.step() == SQLITE_ROW) {
        if (!st.is_null(0)) {
            out = st.i64(0);
        }
    } else {
        m.fail(m.db_error("reading the equity peak"));
    }
    return out;
}

std::map<std::string, DayTotals> Store::fill_totals(int64_t from_ns, int64_t to_ns) {
    StoreDb& m = conn();
    std::lock_guard db_lk(m.db_mu);
    std::map<std::string, DayTotals> out;
    Statement st(m.db, "SELECT strategy, SUM(pnl), SUM(fees) FROM ("
                           " SELECT strategy, realized_pnl_lamports AS pnl, 0 AS fees FROM fills"
                           "  WHERE ts_ns >= ?1 AND ts_ns < ?2"
                           " UNION ALL"
                           // status 3 = SNP_ORDER_FILLED: its fees are in the fill's PnL already
                           " SELECT strategy, CASE WHEN status = 3 THEN 0 ELSE -fee_lamports END, fee_lamports"
                           "  FROM orders WHERE ts_ns >= ?1 AND ts_ns < ?2 AND fee_lamports != 0"
                           ") GROUP BY strategy");
    if (!st.ok()) {
        m.fail(m.db_error("reading today's fills"));
        return out;
    }
    st.bind(1, from_ns);
    st.bind(2, to_ns);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        DayTotals t;
        t.realized_pnl_lamports = st.i64(1);
        t.fees_lamports = st.u64(2);
        out[st.text(0)] = t;
    }
    if (rc != SQLITE_DONE) {
        m.fail(m.db_error("reading today's fills"));
    }
    return out;
}

std::vector<InFlightOrderRecord> Store::unsettled_orders() {
    StoreDb& m = conn();
    std::lock_guard db_lk(m.db_mu);
    std::vector<InFlightOrderRecord> out;
    // The latest row of each intent's order history; in flight = ACCEPTED or SENT.
    Statement st(m.db, "SELECT o.intent_id, o.strategy, o.status, o.side, o.mint, o.min_out, o.detail, o.ts_ns,"
                       " i.pool, i.amount_in"
                       " FROM orders o JOIN (SELECT intent_id, MAX(id) AS last FROM orders GROUP BY intent_id) l"
                       " ON o.id = l.last"
                       " LEFT JOIN intents i ON i.intent_id = o.intent_id"
                       " WHERE o.status IN (?, ?) ORDER BY o.intent_id");
    if (!st.ok()) {
        m.fail(m.db_error("reading orders in flight"));
        return out;
    }
    st.bind(1, SNP_ORDER_ACCEPTED);
    st.bind(2, SNP_ORDER_SENT);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        InFlightOrderRecord f;
        OrderRecord& r = f.order;
        r.intent_id = st.u64(0);
        r.strategy = st.text(1);
        r.status = static_cast<uint32_t>(st.i64(2));
        r.side = static_cast<uint32_t>(st.i64(3));
        if (!pubkey_from_base58(st.text(4), r.mint)) {
            m.fail("orders row for intent " + std::to_string(r.intent_id) + " has a bad mint (" + m.path + ")");
            continue;
        }
        r.min_out = st.u64(5);
        r.detail = st.text(6);
        r.ts_ns = st.i64(7);
        if (!st.is_null(8) && !pubkey_from_base58(st.text(8), f.pool)) {
            m.fail("intents row for intent " + std::to_string(r.intent_id) + " has a bad pool (" + m.path + ")");
            continue;
        }
        f.amount_in = st.is_null(9) ? 0 : st.u64(9);
        out.push_back(std::move(f));
    }
    if (rc != SQLITE_DONE) {
        m.fail(m.db_error("reading orders in flight"));
    }
    return out;
}

std::vector<SendAttemptRecord> Store::send_attempts(uint64_t intent_id) {
    StoreDb& m = conn();
    std::lock_guard db_lk(m.db_mu);
    std::vector<SendAttemptRecord> out;
    Statement st(m.db, "SELECT attempt, route, signature, tx, tip_tx, last_valid_block_height, ts_ns"
                       " FROM send_attempts WHERE intent_id = ? ORDER BY attempt");
    if (!st.ok()) {
        m.fail(m.db_error("reading send attempts"));
        return out;
    }
    st.bind(1, to_db(intent_id));
    const auto blob = [&st](int col) {
        const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(st.get(), col));
        const int n = sqlite3_column_bytes(st.get(), col);
        return p == nullptr ? std::vector<uint8_t>{} : std::vector<uint8_t>(p, p + n);
    };
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        SendAttemptRecord r;
        r.intent_id = intent_id;
        r.attempt = static_cast<uint32_t>(st.i64(0));
        r.route = st.text(1);
        r.signature = st.text(2);
        r.tx = blob(3);
        r.tip_tx = blob(4);
        r.last_valid_block_height = st.u64(5);
        r.ts_ns = st.i64(6);
        out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) {
        m.fail(m.db_error("reading send attempts"));
    }
    return out;
}

std::string Store::dump_trade_journal() {
    StoreDb& m = conn();
    const ReadOnlyDb ro(m.path);
    std::string out;
    if (ro.get() == nullptr) {
        m.fail("opening the journal read-only for a report (" + m.path + ")");
        return out;
    }

    // Each query's columns are printed in order as key=value; the column
    // name is the key. `cols` says how each column is rendered.
    enum Col : char { U = 'u', I = 'i', T = 't', Side = 's', Status = 'o', Bool = 'b' };
    struct Query {
        const char* kind;
        const char* sql;
        const char* cols; // one Col per selected column
    };
    static constexpr std::array<Query, 5> kQueries{{
        {"intent",
         "SELECT intent_id, strategy, side, mint, pool, amount_in, max_slippage_bps, flags,"
         " client_tag, accepted, reason_code, reason FROM intents ORDER BY intent_id",
         "utsttuuuubit"},
        {"order",
         "SELECT intent_id, strategy, status, side, mint, min_out, detail FROM orders"
         " ORDER BY id",
         "utostut"},
        {"fill",
         "SELECT intent_id, strategy, side, mint, pool, in_amount, out_amount, fee_lamports,"
         " tip_lamports, realized_pnl_lamports FROM fills ORDER BY id",
         "utsttuuuui"},
        {"position",
         "SELECT strategy, mint, pool, amount_atoms, cost_lamports, realized_pnl_lamports"
         " FROM positions ORDER BY strategy, mint",
         "tttuui"},
        {"pnl",
         "SELECT strategy, trades, wins, realized_pnl_lamports, peak_pnl_lamports,"
         " max_drawdown_lamports, fees_lamports FROM strategy_pnl ORDER BY strategy",
         "tuuiiiu"},
    }};

    for (const Query& q : kQueries) {
        Statement st(ro.get(), q.sql);
    if (!st.ok()) {
            m.fail(std::string("dumping ") + q.kind + " rows: " + sqlite3_errmsg(ro.get()) + " (" + m.path + ")");
            return out;
        }
        const int ncols = static_cast<int>(std::strlen(q.cols));
        int rc;
        while ((rc = st.step()) == SQLITE_ROW) {
            out += q.kind;
            for (int c = 0; c < ncols; ++c) {
                out += '|';
                out += st.name(c);
                out += '=';
                if (q.cols[c] == T) {
                    append_escaped(out, st.text(c));
                    continue;
                }
                const int64_t v = st.i64(c);
                switch (q.cols[c]) {
                case U:
                    out += std::to_string(from_db(v));
                    break;
                case I:
                    out += std::to_string(v);
                    break;
                case Side:
                    out += enum_text(side_name(static_cast<uint32_t>(v)), v);
                    break;
                case Status:
                    out += enum_text(order_status_name(static_cast<uint32_t>(v)), v);
                    break;
                case Bool:
                    out += v != 0 ? "true" : "false";
                    break;
                default:
                    out += std::to_string(v);
                    break;
                }
            }
            out += '\n';
        }
        if (rc != SQLITE_DONE) {
            m.fail(std::string("dumping ") + q.kind + " rows: " + sqlite3_errmsg(ro.get()) + " (" + m.path + ")");
        }
    }
    return out;
}

} // namespace sniper
