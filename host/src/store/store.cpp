// store/store.cpp — the journal: open/migrate and the writer thread (the
// readers are in store_reader.cpp).
//
// Locking: db_mu_ serializes every use of the sqlite3 handle (writer
// batches, the synchronous kill-switch write, reads). q_mu_ guards the
// queue and the sequence counters. The order is always db_mu_ then q_mu_,
// and a batch is taken off the queue only while db_mu_ is held, so whoever
// writes (writer thread or a caller draining inline) writes records in
// queue order.
#include "store/store.hpp"

#include "core/log.hpp"
#include "store/schema.hpp"
#include "store/statement.hpp"
#include "store/store_db.hpp"

#include <sqlite3.h>

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <pthread.h>
#include <thread>

namespace sniper {
namespace {

constexpr int kBusyTimeoutMs = 5000;
// Bounds how long one transaction holds db_mu_ (and so how long a kill
// switch waits behind the writer); large enough to amortize the commit.
constexpr size_t kMaxBatch = 512;
constexpr size_t kKinds = std::variant_size_v<StoreRecord>;

// Indexed by StoreRecord::index().
constexpr std::array<const char*, kKinds> kKindNames{
    "intent", "order", "fill", "position", "strategy_pnl", "trading_state", "audit", "equity_sample",
    "send_attempt",
};

// History kinds carry the run that wrote them (schema version 4); the
// current-state tables (positions, strategy_pnl) do not.
constexpr std::array<bool, kKinds> kHasRunId{true, true, true, false, false, true, true, true, true};

constexpr std::array<const char*, kKinds> kInsertSql{
    "INSERT INTO intents (intent_id, strategy, side, mint, pool, amount_in, max_slippage_bps,"
    " flags, client_tag, accepted, reason_code, reason, ts_ns, run_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",

    "INSERT INTO orders (intent_id, strategy, status, side, mint, min_out, detail, ts_ns, fee_lamports, code,"
    " run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",

    "INSERT INTO fills (intent_id, strategy, side, mint, pool, in_amount, out_amount,"
    " fee_lamports, tip_lamports, realized_pnl_lamports, ts_ns, run_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",

    "INSERT INTO positions (strategy, mint, pool, amount_atoms, cost_lamports,"
    " realized_pnl_lamports, opened_ns, updated_ns, stop_loss_bps, take_profit_bps,"
    " trailing_stop_bps, max_hold_ns, peak_value_lamports)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (strategy, mint) DO UPDATE SET pool = excluded.pool,"
    " amount_atoms = excluded.amount_atoms, cost_lamports = excluded.cost_lamports,"
    " realized_pnl_lamports = excluded.realized_pnl_lamports,"
    " opened_ns = excluded.opened_ns, updated_ns = excluded.updated_ns,"
    " stop_loss_bps = excluded.stop_loss_bps, take_profit_bps = excluded.take_profit_bps,"
    " trailing_stop_bps = excluded.trailing_stop_bps, max_hold_ns = excluded.max_hold_ns,"
    " peak_value_lamports = excluded.peak_value_lamports",

    "INSERT INTO strategy_pnl (strategy, trades, wins, realized_pnl_lamports,"
    " peak_pnl_lamports, max_drawdown_lamports, fees_lamports, updated_ns)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (strategy) DO UPDATE SET trades = excluded.trades, wins = excluded.wins,"
    " realized_pnl_lamports = excluded.realized_pnl_lamports,"
    " peak_pnl_lamports = excluded.peak_pnl_lamports,"
    " max_drawdown_lamports = excluded.max_drawdown_lamports,"
    " fees_lamports = excluded.fees_lamports, updated_ns = excluded.updated_ns",

    "INSERT INTO trading_state (state, reason, actor, ts_ns, run_id) VALUES (?, ?, ?, ?, ?)",

    "INSERT INTO audit_log (ts_ns, actor, action, detail, run_id) VALUES (?, ?, ?, ?, ?)",

    "INSERT INTO equity_samples (ts_ns, equity_lamports, balance_lamports, realized_pnl_lamports,"
    " unrealized_pnl_lamports, open_positions, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)",

    "INSERT INTO send_attempts (intent_id, attempt, route, signature, tx, tip_tx,"
    " last_valid_block_height, ts_ns, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
};

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

void bind_record(Binder& b, const SendAttemptRecord& r) {
    b.u64(r.intent_id);
    b.i64(r.attempt);
    b.text(r.route);
    b.text(r.signature);
    b.blob(r.tx);
    b.blob(r.tip_tx);
    b.u64(r.last_valid_block_height);
    b.i64(r.ts_ns);
}

void bind_record(Binder& b, const IntentRecord& r) {
    b.u64(r.intent_id);
    b.text(r.strategy);
    b.i64(r.side);
    b.key(r.mint);
    b.key(r.pool);
    b.u64(r.amount_in);
    b.i64(r.max_slippage_bps);
    b.i64(r.flags);
    b.u64(r.client_tag);
    b.i64(r.accepted ? 1 : 0);
    b.i64(r.reason_code);
    b.text(r.reason);
    b.i64(r.ts_ns);
}

void bind_record(Binder& b, const OrderRecord& r) {
    b.u64(r.intent_id);
    b.text(r.strategy);
    b.i64(r.status);
    b.i64(r.side);
    b.key(r.mint);
    b.u64(r.min_out);
    b.text(r.detail);
    b.i64(r.ts_ns);
    b.u64(r.fee_lamports);
    b.i64(r.code);
}

void bind_record(Binder& b, const FillRecord& r) {
    b.u64(r.intent_id);
    b.text(r.strategy);
    b.i64(r.side);
    b.key(r.mint);
    b.key(r.pool);
    b.u64(r.in_amount);
    b.u64(r.out_amount);
    b.u64(r.fee_lamports);
    b.u64(r.tip_lamports);
    b.i64(r.realized_pnl_lamports);
    b.i64(r.ts_ns);
}

void bind_record(Binder& b, const PositionRecord& r) {
    b.text(r.strategy);
    b.key(r.mint);
    b.key(r.pool);
    b.u64(r.amount_atoms);
    b.u64(r.cost_lamports);
    b.i64(r.realized_pnl_lamports);
    b.i64(r.opened_ns);
    b.i64(r.updated_ns);
    b.i64(r.stop_loss_bps);
    b.i64(r.take_profit_bps);
    b.i64(r.trailing_stop_bps);
    b.i64(r.max_hold_ns);
    b.u64(r.peak_value_lamports);
}

void bind_record(Binder& b, const StrategyPnlRecord& r) {
    b.text(r.strategy);
    b.u64(r.trades);
    b.u64(r.wins);
    b.i64(r.realized_pnl_lamports);
    b.i64(r.peak_pnl_lamports);
    b.i64(r.max_drawdown_lamports);
    b.u64(r.fees_lamports);
    b.i64(r.updated_ns);
}

void bind_record(Binder& b, const TradingStateRecord& r) {
    b.i64(static_cast<int64_t>(r.state));
    b.text(r.reason);
    b.text(r.actor);
    b.i64(r.ts_ns);
}

void bind_record(Binder& b, const AuditRecord& r) {
    b.i64(r.ts_ns);
    b.text(r.actor);
    b.text(r.action);
    b.text(r.detail);
}

void bind_record(Binder& b, const EquitySampleRecord& r) {
    b.i64(r.ts_ns);
    b.i64(r.equity_lamports);
    b.u64(r.balance_lamports);
    b.i64(r.realized_pnl_lamports);
    b.i64(r.unrealized_pnl_lamports);
    b.i64(r.open_positions);
}

bool make_dirs(const std::string& dir, std::string* error) {
    size_t pos = 0;
    while (pos != std::string::npos) {
        pos = dir.find('/', pos + 1);
        const std::string prefix = dir.substr(0, pos);
        if (prefix.empty()) {
            continue;
        }
        struct stat sb {};
        if (stat(prefix.c_str(), &sb) == 0) {
            if (!S_ISDIR(sb.st_mode)) {
                *error = "store: cannot create data dir " + dir + ": " + prefix +
                         " exists and is not a directory";
                return false;
            }
            continue;
        }
        if (mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
            *error = "store: cannot create data dir " + dir + ": mkdir " + prefix + ": " +
                     std::strerror(errno);
            return false;
        }
        // mkdir applied the umask; the journal is private whatever it was.
        if (chmod(prefix.c_str(), 0700) != 0) {
            *error = "store: cannot chmod 0700 " + prefix + ": " + std::strerror(errno);
            return false;
        }
    }
    return true;
}

// Runs one statement that returns at most one row and gives its first column
// as text (PRAGMAs). False and *error set on failure.
bool query_text(sqlite3* db, const char* sql, std::string* out, std::string* error) {
    Statement st(db, sql);
    if (!st.ok()) {
        *error = sqlite3_errmsg(db);
        return false;
    }
    out->clear();
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        if (!out->empty()) {
            *out += "; ";
        }
        *out += st.text(0);
    }
    const bool ok = rc == SQLITE_DONE;
    if (!ok) {
        *error = sqlite3_errmsg(db);
    }
    return ok;
}

} // namespace

struct Store::Impl : StoreDb {
    struct Entry {
        uint64_t seq;
        StoreRecord record;
        bool more = false; // the next entry belongs to the same group
    };

    std::array<sqlite3_stmt*, kKinds> inserts{};
    int schema_version = 0;

    std::mutex q_mu;
    std::condition_variable work_cv; // writer: queue not empty or stopping
    std::condition_variable done_cv; // flush: processed_seq advanced or writer gone
    std::deque<Entry> queue;
    uint64_t appended_seq = 0;  // seq of the last appended record
    uint64_t processed_seq = 0; // every record up to here is committed or dropped
    bool stopping = false;
    bool running = false;

    std::mutex life_mu; // start()/stop()
    bool started = false;
    std::thread writer;

    std::atomic<uint64_t> written{0};
    std::atomic<uint64_t> run_id{0};
    std::atomic<uint64_t> dropped{0};

    ~Impl() {
        for (sqlite3_stmt*& st : inserts) {
            sqlite3_finalize(st);
            st = nullptr;
        }
        if (db != nullptr) {
            sqlite3_close(db);
        }
    }

    // One record through its reused prepared statement. Caller holds db_mu
    // and has begun a transaction.
    bool write_one(const StoreRecord& rec) {
        sqlite3_stmt* st = inserts[rec.index()];
        Binder b(st);
        std::visit([&b](const auto& r) { bind_record(b, r); }, rec);
        if (kHasRunId[rec.index()]) {
            b.run(run_id.load());
        }
        int rc = b.rc();
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(st);
        }
        bool ok = rc == SQLITE_DONE;
        if (!ok) {
            fail(db_error(std::string("writing ") + kKindNames[rec.index()] + " record"));
        }
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return ok;
    }

    // One transaction for all of `batch`. On any failure the whole batch is
    // rolled back and counted as dropped: the errors we expect here (disk
    // full, read-only file, schema damage) hit every record alike, and a
    // half-written batch would be harder to reason about than a gap.
    bool write_batch(const std::vector<const StoreRecord*>& batch) {
        if (batch.empty()) {
            return true;
        }
        bool ok = exec("BEGIN IMMEDIATE");
        if (!ok) {
            fail(db_error("beginning a transaction"));
        }
        for (size_t i = 0; ok && i < batch.size(); ++i) {
            ok = write_one(*batch[i]);
        }
        if (ok) {
            ok = exec("COMMIT");
            if (!ok) {
                fail(db_error("committing " + std::to_string(batch.size()) + " records"));
            }
        }
        if (!ok) {
            if (sqlite3_get_autocommit(db) == 0) {
                exec("ROLLBACK");
            }
            dropped.fetch_add(batch.size());
            return false;
        }
        written.fetch_add(batch.size());
        return true;
    }

    // Takes up to kMaxBatch records off the queue. Caller holds db_mu.
    std::vector<Entry> take_batch() {
        std::vector<Entry> batch;
        std::lock_guard lk(q_mu);
        const size_t n = std::min(queue.size(), kMaxBatch);
        batch.reserve(n);
        for (size_t i = 0; i < n || (!batch.empty() && batch.back().more && !queue.empty()); ++i) {
            batch.push_back(std::move(queue.front())); // a group never splits across commits
            queue.pop_front();
        }
        return batch;
    }

    // Writes one batch and publishes the progress to flush() waiters.
    // Caller holds db_mu.
    void process(std::vector<Entry>& batch) {
        if (batch.empty()) {
            return;
        }
        std::vector<const StoreRecord*> recs;
        recs.reserve(batch.size());
        for (const Entry& e : batch) {
            recs.push_back(&e.record);
        }
        write_batch(recs);
        {
            std::lock_guard lk(q_mu);
            processed_seq = batch.back().seq;
        }
        done_cv.notify_all();
    }

    // Writes everything queued, on the caller's thread. Caller holds db_mu.
    void drain_inline() {
        for (;;) {
            std::vector<Entry> batch = take_batch();
            if (batch.empty()) {
                return;
            }
            process(batch);
        }
    }

    void writer_loop() {
        for (;;) {
            {
                std::unique_lock lk(q_mu);
                work_cv.wait(lk, [this] { return !queue.empty() || stopping; });
                if (queue.empty() && stopping) {
                    return;
                }
            }
            std::lock_guard db_lk(db_mu);
            // May come back empty: a synchronous caller drained it meanwhile.
            std::vector<Entry> batch = take_batch();
            process(batch);
        }
    }

    bool open(const std::string& data_dir, std::string* error);
};

bool Store::Impl::open(const std::string& data_dir, std::string* error) {
    if (data_dir.empty()) {
        *error = "store: data_dir is empty";
        return false;
    }
    if (!make_dirs(data_dir, error)) {
        return false;
    }
    path = data_dir;
    while (path.size() > 1 && path.back() == '/') {
        path.pop_back();
    }
    path += "/sniperd.db";

    // NOMUTEX: db_mu serializes all use of the handle already.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
        *error = "store: cannot open " + path + ": " +
                 (db != nullptr ? sqlite3_errmsg(db) : "out of memory");
        return false;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);

    std::string result;
    std::string msg;
    if (!query_text(db, "PRAGMA quick_check", &result, &msg)) {
        *error = "store: " + path + " failed PRAGMA quick_check: " + msg;
        return false;
    }
    if (result != "ok") {
        // quick_check lists up to 100 problems; the first few say enough.
        constexpr size_t kMaxReport = 1000;
        if (result.size() > kMaxReport) {
            result.resize(kMaxReport);
            result += " ...";
        }
        *error = "store: " + path + " failed PRAGMA quick_check: " + result;
        return false;
    }

    // Refuse a newer schema before writing anything to the file (switching
    // to WAL writes its header).
    const int found = store::read_user_version(db, &msg);
    if (found < 0) {
        *error = "store: " + path + ": " + msg;
        return false;
    }
    if (found > store::latest_schema_version()) {
        *error = "store: " + path + ": database schema version " + std::to_string(found) +
                 " is newer than this build knows (" +
                 std::to_string(store::latest_schema_version()) +
                 "); refusing to open it with an older sniperd";
        return false;
    }

    if (!query_text(db, "PRAGMA journal_mode = WAL", &result, &msg)) {
        *error = "store: cannot set WAL on " + path + ": " + msg;
        return false;
    }
    if (result != "wal") {
        *error = "store: " + path + ": journal_mode is '" + result + "', expected 'wal'";
        return false;
    }
    // In WAL mode synchronous=NORMAL syncs at checkpoints, not at every
    // commit: a commit survives the process dying (kill -9, a crash), since
    // it is in the OS page cache, and only an OS crash or power loss can
    // lose the last transactions. That is the trade we want for the event
    // path; the kill switch asks for FULL on its own commit.
    if (!exec("PRAGMA synchronous = NORMAL") || !exec("PRAGMA foreign_keys = ON")) {
        *error = "store: " + path + ": setting pragmas: " + sqlite3_errmsg(db);
        return false;
    }

    if (!store::apply_migrations(db, store::migrations(), &msg)) {
        *error = "store: " + path + ": " + msg;
        return false;
    }
    schema_version = store::read_user_version(db, &msg);
    if (schema_version < 0) {
        *error = "store: " + path + ": " + msg;
        return false;
    }

    for (size_t i = 0; i < kKinds; ++i) {
        if (sqlite3_prepare_v3(db, kInsertSql[i], -1, SQLITE_PREPARE_PERSISTENT, &inserts[i],
                               nullptr) != SQLITE_OK) {
            *error = "store: " + path + ": preparing the " + kKindNames[i] +
                     " insert: " + sqlite3_errmsg(db);
            return false;
        }
    }
    return true;
}

// ---- Store -----------------------------------------------------------------

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

void StoreDb::fail(const std::string& what) {
    bool first = false;
    {
        std::lock_guard lk(err_mu);
        if (last_error.empty()) {
            last_error = what;
            first = true;
        }
    }
    healthy.store(false);
    if (first) {
        log::error("store", "journal failed; records may be missing from here on",
                   {{"path", path}, {"error", what}});
    }
}

StoreDb& Store::conn() { return *impl_; }

std::unique_ptr<Store> Store::open(const std::string& data_dir, std::string* error) {
    std::string local;
    std::string* err = error != nullptr ? error : &local;
    auto impl = std::make_unique<Impl>();
    if (!impl->open(data_dir, err)) {
        return nullptr;
    }
    log::info("store", "journal open",
              {{"path", impl->path}, {"schema_version", impl->schema_version}});
    return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Store::~Store() {
    stop();
}

int Store::schema_version() const {
    return impl_->schema_version;
}

const std::string& Store::path() const {
    return impl_->path;
}

void Store::start() {
    Impl& m = *impl_;
    std::lock_guard life(m.life_mu);
    if (m.started) {
        return;
    }
    m.started = true;
    {
        std::lock_guard lk(m.q_mu);
        m.running = true;
    }
    m.writer = std::thread([&m] {
        pthread_setname_np(pthread_self(), "store-writer");
        m.writer_loop();
    });
}

void Store::append(StoreRecord record) {
    Impl& m = *impl_;
    bool was_empty;
    {
        std::lock_guard lk(m.q_mu);
        was_empty = m.queue.empty();
        m.queue.push_back(Impl::Entry{++m.appended_seq, std::move(record)});
    }
    // The writer only sleeps on an empty queue, so only the first record
    // after it went empty needs to wake it.
    if (was_empty) {
        m.work_cv.notify_one();
    }
}

void Store::append_group(std::vector<StoreRecord> records) {
    if (records.empty()) {
        return;
    }
    Impl& m = *impl_;
    bool was_empty;
    {
        std::lock_guard lk(m.q_mu);
        was_empty = m.queue.empty();
        for (size_t i = 0; i < records.size(); ++i) {
            m.queue.push_back(Impl::Entry{++m.appended_seq, std::move(records[i]), i + 1 < records.size()});
        }
    }
    if (was_empty) {
        m.work_cv.notify_one();
    }
}

void Store::flush() {
    Impl& m = *impl_;
    {
        std::unique_lock lk(m.q_mu);
        const uint64_t ticket = m.appended_seq;
        if (m.processed_seq >= ticket) {
            return;
        }
        if (m.running) {
            m.done_cv.wait(lk, [&] { return m.processed_seq >= ticket || !m.running; });
            if (m.processed_seq >= ticket) {
                return;
            }
        }
    }
    // No writer (not started yet, or stopped): write on this thread.
    std::lock_guard db_lk(m.db_mu);
    m.drain_inline();
}

void Store::stop() {
    Impl& m = *impl_;
    std::lock_guard life(m.life_mu);
    if (m.writer.joinable()) {
        {
            std::lock_guard lk(m.q_mu);
            m.stopping = true;
        }
        m.work_cv.notify_all();
        m.writer.join();
        {
            std::lock_guard lk(m.q_mu);
            m.running = false;
        }
        m.done_cv.notify_all();
    }
    // Records appended while the writer was exiting, or before any start().
    std::lock_guard db_lk(m.db_mu);
    m.drain_inline();
}

bool Store::write_trading_state_sync(const TradingStateRecord& rec) {
    Impl& m = *impl_;
    std::lock_guard db_lk(m.db_mu);
    m.drain_inline();
    // FULL for this one commit: the WAL is synced before COMMIT returns, so
    // the kill survives power loss too. Switched back so the event path
    // keeps its cheap commits.
    m.exec("PRAGMA synchronous = FULL");
    const StoreRecord record = rec;
    const bool ok = m.write_batch({&record});
    m.exec("PRAGMA synchronous = NORMAL");
    return ok;
}

bool Store::healthy() const {
    return impl_->healthy.load();
}

std::string Store::last_error() const {
    std::lock_guard lk(impl_->err_mu);
    return impl_->last_error;
}

uint64_t Store::records_written() const {
    return impl_->written.load();
}

uint64_t Store::records_dropped() const {
    return impl_->dropped.load();
}

uint64_t Store::begin_run(const RunRecord& run, std::string* error) {
    Impl& m = *impl_;
    std::lock_guard db_lk(m.db_mu);
    Statement st(m.db, "INSERT INTO runs (started_ns, mode, clock, feed, config_path, config_sha256, version, pid)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st.ok()) {
        *error = "preparing the runs row: " + std::string(sqlite3_errmsg(m.db));
        return 0;
    }
    Binder b(st.get());
    b.i64(run.started_ns);
    b.text(run.mode);
    b.text(run.clock);
    b.text(run.feed);
    b.text(run.config_path);
    b.text(run.config_sha256);
    b.text(run.version);
    b.i64(run.pid);
    if ((b.rc() == SQLITE_OK ? st.step() : b.rc()) != SQLITE_DONE) {
        *error = "writing the runs row: " + std::string(sqlite3_errmsg(m.db));
        return 0;
    }
    const auto id = static_cast<uint64_t>(sqlite3_last_insert_rowid(m.db));
    m.run_id.store(id);
    return id;
}

void Store::end_run(int64_t stopped_ns) {
    Impl& m = *impl_;
    const uint64_t id = m.run_id.load();
    if (id == 0) {
        return;
    }
    std::lock_guard db_lk(m.db_mu);
    Statement st(m.db, "UPDATE runs SET stopped_ns = ? WHERE run_id = ?");
    if (!st.ok() || !st.bind(1, stopped_ns) || !st.bind(2, to_db(id)) || st.step() != SQLITE_DONE) {
        log::warn("store", "could not record the end of the run", {{"error", sqlite3_errmsg(m.db)}});
    }
}

uint64_t Store::run_id() const {
    return impl_->run_id.load();
}

} // namespace sniper
