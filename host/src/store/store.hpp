// store/store.hpp — the SQLite journal (WAL) under the data directory.
//
// Owns the schema and its versioned migrations, and one writer thread. The
// event path only enqueues records (append), which never touches disk; the
// writer drains the queue in batches, one transaction per batch, in the
// order records were appended. Reads used at start-up (trading state,
// positions, next ids) are synchronous and happen before the writer starts.
// A write error is sticky: it is logged, reported by healthy()/last_error(),
// and the daemon halts trading on it.
//
// Durability: WAL with synchronous=NORMAL, so a committed batch survives a
// crash of the process (kill -9); only an OS crash or power loss can lose
// the last batches. append_group() keeps records that belong together (a
// landing's order, fill, position and PnL) in one transaction, and the
// engine flush()es after a fill so it is durable before anyone hears of
// it. write_trading_state_sync() commits with a full sync, so a kill
// switch survives power loss as well. Schema and migrations:
// store/schema.hpp.
#pragma once

#include "core/position.hpp"
#include "core/types.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sniper {

// An intent as it left the risk gate (accepted or rejected).
struct IntentRecord {
    uint64_t intent_id = 0;
    std::string strategy;
    uint32_t side = 0; // SNP_SIDE_*
    Pubkey mint{};
    Pubkey pool{};
    uint64_t amount_in = 0;
    uint32_t max_slippage_bps = 0;
    uint32_t flags = 0;
    uint64_t client_tag = 0;
    bool accepted = false;
    int32_t reason_code = 0; // risk reason code, 0 when accepted
    std::string reason;      // rejection reason or the strategy's free text
    int64_t ts_ns = 0;       // host clock (simulated in sim/replay)
};

// A change of an order's status (accepted -> filled/failed/...).
struct OrderRecord {
    uint64_t intent_id = 0;
    std::string strategy;
    uint32_t status = 0; // SNP_ORDER_*
    uint32_t side = 0;
    Pubkey mint{};
    uint64_t min_out = 0; // slippage bound computed by the host
    std::string detail;
    int64_t ts_ns = 0;
    uint64_t fee_lamports = 0; // fees + tip this step charged (a landing, filled or failed)
    int32_t code = 0;          // failure or rejection code (docs/error-codes.md), 0 = none
};

// A fill, in the ledger's own shape.
using FillRecord = Fill;

// Full row for (strategy, mint), the ledger's own shape; amount_atoms == 0
// means closed.
using PositionRecord = Position;

// Full row for one strategy's running totals.
struct StrategyPnlRecord : StrategyStats {
    std::string strategy;
    int64_t updated_ns = 0;
};

struct TradingStateRecord {
    TradingState state = TradingState::Active;
    std::string reason;
    std::string actor; // "sniperctl", "risk", "startup", ...
    int64_t ts_ns = 0; // wall clock
};

struct AuditRecord {
    int64_t ts_ns = 0; // wall clock
    std::string actor;
    std::string action;
    std::string detail;
};

// One point of the equity curve (schema v3).
// One process's run (docs/journal.md): wall-clock start, how it trades and
// on which clock its rows' ts_ns are (simulated in sim and replay runs).
struct RunRecord {
    int64_t started_ns = 0;
    std::string mode;  // paper | live
    std::string clock; // wall | simulated
    std::string feed;  // sim | replay | live
    std::string config_path;
    std::string config_sha256;
    std::string version;
    int64_t pid = 0;
};

struct EquitySampleRecord {
    int64_t ts_ns = 0; // host clock
    int64_t equity_lamports = 0;  // balance + marked value of open positions
    uint64_t balance_lamports = 0;
    int64_t realized_pnl_lamports = 0;
    int64_t unrealized_pnl_lamports = 0;
    uint32_t open_positions = 0;
};

// One signed transaction sent for a live order (schema v5), committed
// before its first send: after a crash, every attempt that may be in
// flight is known and looked up on chain before anything else happens.
// An intent has attempts 1, 2, ... (a re-sign after the previous one's
// blockhash expired); only the latest can still land.
struct SendAttemptRecord {
    uint64_t intent_id = 0;
    uint32_t attempt = 0;
    std::string route;     // jupiter | jito
    std::string signature; // base58, the transaction's first signature
    std::vector<uint8_t> tx;     // the signed transaction, as sent
    std::vector<uint8_t> tip_tx; // jito: the tip transaction of the bundle (empty otherwise)
    uint64_t last_valid_block_height = 0;
    int64_t ts_ns = 0; // wall clock
};

// An order the journal shows in flight (accepted or sent, never settled).
struct InFlightOrderRecord {
    OrderRecord order; // its latest status row
    Pubkey pool{};     // from its intent
    uint64_t amount_in = 0;
};

// Realized PnL and fees + tips of one strategy over a time window.
struct DayTotals {
    int64_t realized_pnl_lamports = 0;
    uint64_t fees_lamports = 0;
};

using StoreRecord = std::variant<IntentRecord, OrderRecord, FillRecord, PositionRecord,
                                 StrategyPnlRecord, TradingStateRecord, AuditRecord,
                                 EquitySampleRecord, SendAttemptRecord>;

struct StoreDb; // store_db.hpp: the connection, private to the store

class Store {
  public:
    // Opens (creating if needed) <data_dir>/sniperd.db, creates data_dir with
    // mode 0700 if missing, sets WAL, runs PRAGMA integrity_check (quick)
    // and applies pending migrations. Returns nullptr and sets *error on
    // failure (message names the file and the SQLite error).
    static std::unique_ptr<Store> open(const std::string& data_dir, std::string* error);
    ~Store(); // stops the writer after draining the queue

    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    int schema_version() const;
    const std::string& path() const;

    // ---- synchronous reads, for start-up (call before start()) ----------
    // Thread-safe at any time. A read error, or a row that cannot be
    // decoded, makes healthy() false (the caller should then stay HALTED).
    std::optional<TradingStateRecord> load_trading_state();
    std::vector<PositionRecord> load_open_positions(); // amount_atoms > 0
    std::vector<StrategyPnlRecord> load_strategy_pnl();
    uint64_t max_intent_id(); // 0 when none
    // Highest equity sample (the circuit breaker's peak), if any.
    std::optional<int64_t> max_equity();
    // Per strategy: realized PnL (fills, less the fees of failed orders)
    // and fees + tips charged in [from_ns, to_ns) (today's totals after a
    // restart).
    std::map<std::string, DayTotals> fill_totals(int64_t from_ns, int64_t to_ns);
    // True when the last run recorded its start (audit actor "sniperd",
    // action "start") and never its clean stop: it crashed, was killed -9
    // or lost power.
    bool last_run_unclean();
    // Orders whose latest status is not final (in flight when the process
    // stopped): their latest record each, with the pool and amount of
    // their intent.
    std::vector<InFlightOrderRecord> unsettled_orders();
    // A live order's send attempts, oldest first.
    std::vector<SendAttemptRecord> send_attempts(uint64_t intent_id);

    // ---- runs ----------------------------------------------------------------
    // Opens this process's row in `runs` (synchronously) and stamps its id
    // on every intent, order, fill, state, audit and equity row written
    // from now on. Returns the run id, or 0 (with *error) when it could not
    // be written. end_run() records a clean stop's wall time.
    uint64_t begin_run(const RunRecord& run, std::string* error);
    void end_run(int64_t stopped_ns);
    uint64_t run_id() const;

    // ---- asynchronous writes -----------------------------------------------
    // Records are written in append order (across threads: the order in
    // which append() calls took the queue lock). Appending before start()
    // only queues; flush() with no writer running writes on the caller's
    // thread.
    void start();                    // starts the writer thread; once only
    void append(StoreRecord record); // never blocks on disk; thread-safe
    // Records that must commit together or not at all (a fill with its
    // order status, position and PnL): never split across transactions.
    void append_group(std::vector<StoreRecord> records);
    void flush();                    // blocks until all appended records are written
                                     // (or dropped after a write error)
    // Appends `record` and commits it (with whatever was queued before it)
    // on the caller's thread, without waking the writer: for a write that
    // must be durable before the caller goes on (the live executor's
    // attempt, before its first send). Waits only if the writer is in the
    // middle of a batch. Check healthy() afterwards.
    void commit(StoreRecord record);
    void stop();                     // drains, then joins the writer

    // Writes a trading state record synchronously (and everything queued
    // before it). Used by the kill switch so a kill is durable before it is
    // acknowledged. The queued records commit first; the state row then
    // commits in its own transaction with a full sync, so a bad record in
    // the queue cannot stop a kill from being recorded. Returns false when
    // the state row was not committed.
    bool write_trading_state_sync(const TradingStateRecord& rec);

    // Canonical text of the trade journal (intents, order changes, fills,
    // final positions and strategy PnL), ordered by id, one record per
    // line, with no wall-clock fields: two runs with the same seed and
    // config produce byte-identical text. Call after flush().
    //
    // Lines are `kind|key=value|key=value...`, kinds in this order: intent
    // (by intent_id), order (by journal row id), fill (by row id), position
    // (by strategy, mint; closed ones included), pnl (by strategy). No
    // timestamp is printed at all (*_ns): the journal compares what was
    // traded, not when, and some stamps come from the wall clock even in
    // paper mode. Trading-state and audit rows are left out. In text values
    // a backslash, '|', newline and CR are written as two characters each:
    // backslash followed by itself, '|', 'n' or 'r'.
    std::string dump_trade_journal();

    bool healthy() const;
    // The first error that made healthy() false: what failed (record kind,
    // SQLite message, database path). Empty while healthy.
    std::string last_error() const;
    uint64_t records_written() const; // committed records
    uint64_t records_dropped() const; // records lost to write errors

  private:
    struct Impl;
    // The connection and its health, for the readers (store_reader.cpp).
    StoreDb& conn();
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace sniper
