// store/store.cpp — the journal's writer: the queue, the writer thread,
// flush/stop, the synchronous kill-switch write, and the runs rows (opening
// is in store_open.cpp, the INSERTs in store_records.cpp, the readers in
// store_reader.cpp).
//
// Locking: db_mu_ serializes every use of the sqlite3 handle (writer
// batches, the synchronous kill-switch write, reads). q_mu_ guards the
// queue and the sequence counters. The order is always db_mu_ then q_mu_,
// and a batch is taken off the queue only while db_mu_ is held, so whoever
// writes (writer thread or a caller draining inline) writes records in
// queue order.
#include "store/store.hpp"

#include "core/log.hpp"
#include "store/statement.hpp"
#include "store/store_db.hpp"
#include "store/store_impl.hpp"
#include "store/store_records.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <mutex>
#include <pthread.h>
#include <thread>
#include <variant>

namespace sniper {
namespace {

// Bounds how long one transaction holds db_mu_ (and so how long a kill
// switch waits behind the writer); large enough to amortize the commit.
constexpr size_t kMaxBatch = 512;

} // namespace

bool Store::Impl::write_one(const StoreRecord& rec) {
    sqlite3_stmt* st = inserts[rec.index()];
    store::Binder b(st);
    std::visit([&b](const auto& r) { store::bind_record(b, r); }, rec);
    if (store::kHasRunId[rec.index()]) {
        b.run(run_id.load());
    }
    int rc = b.rc();
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
    }
    bool ok = rc == SQLITE_DONE;
    if (!ok) {
        fail(db_error(std::string("writing ") + store::kKindNames[rec.index()] + " record"));
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return ok;
}

bool Store::Impl::write_batch(const std::vector<const StoreRecord*>& batch) {
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

std::vector<Store::Impl::Entry> Store::Impl::take_batch() {
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

void Store::Impl::process(std::vector<Entry>& batch) {
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

void Store::Impl::drain_inline() {
    for (;;) {
        std::vector<Entry> batch = take_batch();
        if (batch.empty()) {
            return;
        }
        process(batch);
    }
}

void Store::Impl::writer_loop() {
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

void Store::commit(StoreRecord record) {
    Impl& m = *impl_;
    // db_mu first (the lock order), so the record is queued and written in
    // one hold: the writer cannot take a batch in between, and it is not
    // woken for a record it would find already written.
    std::lock_guard db_lk(m.db_mu);
    uint64_t ticket = 0;
    {
        std::lock_guard lk(m.q_mu);
        m.queue.push_back(Impl::Entry{++m.appended_seq, std::move(record)});
        ticket = m.appended_seq;
    }
    for (;;) {
        std::vector<Impl::Entry> batch = m.take_batch();
        if (batch.empty()) {
            return;
        }
        const bool mine = batch.back().seq >= ticket;
        m.process(batch);
        if (mine) {
            return;
        }
    }
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
    store::Binder b(st.get());
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
