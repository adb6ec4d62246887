#include "signer/journal.hpp"

#include "core/clock.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>

namespace sniper::signer {

namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS signer_decisions ("
    // Rows are never deleted, so rowid max + 1 keeps seq in order without
    // AUTOINCREMENT (whose sqlite_sequence is one more page per commit).
    " seq INTEGER PRIMARY KEY,"
    " ts_ns INTEGER NOT NULL,"
    " utc_day INTEGER NOT NULL,"
    " request_id INTEGER NOT NULL,"
    " intent_id INTEGER NOT NULL,"
    " message_sha256 BLOB NOT NULL,"
    " message_len INTEGER NOT NULL,"
    " outflow_lamports INTEGER NOT NULL,"
    " counted_lamports INTEGER NOT NULL,"
    " decision TEXT NOT NULL CHECK (decision IN ('signed', 'refused')),"
    " reason_code INTEGER NOT NULL,"
    " reason TEXT NOT NULL,"
    " last_valid_block_height INTEGER NOT NULL,"
    " current_block_height INTEGER NOT NULL,"
    " host_state INTEGER NOT NULL,"
    " signature BLOB);"
    // No index: each is one more page written per commit (a commit with
    // one page takes half the time of one with two). The only queries,
    // day_totals() and intents(), scan the table once, at start; the
    // signer keeps both up to date in memory from then on. Journals made
    // by earlier builds had two.
    "DROP INDEX IF EXISTS signer_decisions_day;"
    "DROP INDEX IF EXISTS signer_decisions_intent;";

// Durability. The writer runs WAL with synchronous=NORMAL: a commit is in
// the WAL file, in the OS page cache, when append() returns, so the row
// survives a crash or kill -9 of the signer or of sniperd; it is not yet
// on the platter. The syncer thread (its own connection) runs a PASSIVE
// checkpoint every kSyncInterval when rows were added: a checkpoint syncs
// the WAL, then the database. A power loss or kernel crash can therefore
// lose the rows of about the last kSyncInterval (plus one fsync). FULL
// would sync at every commit: 0.2 to 4 ms on the benchmark disk, the
// whole budget ten times over. docs/signer-protocol.md ("The journal")
// says what a lost row means for the day cap and for re-signs.
constexpr auto kSyncInterval = std::chrono::milliseconds(50);
// A checkpoint (two fsyncs, page copies) on a small machine takes the CPU
// the signer and its caller need: during a burst of signs it pushed the
// round trip's p99 from ~75 to ~130 us. So it waits for a pause: no row
// for kQuietFor, or kMaxDefer since the syncer first found rows to sync
// (up to kSyncInterval after the oldest), whichever comes first (the power-loss window grows to at most kMaxDefer plus
// kSyncInterval under sustained signing).
constexpr auto kQuietFor = std::chrono::milliseconds(3);
constexpr auto kMaxDefer = std::chrono::milliseconds(250);

// If the syncer cannot keep up (a reader pins the WAL, the disk stalls),
// the writer checkpoints itself past this many WAL pages (about 40 MB).
constexpr int kInlineCheckpointPages = 10'000;

// SQLite integers are signed 64-bit; amounts above that are stored clamped
// (they are far above any cap, so the day total stays conservative).
int64_t to_db(uint64_t v) {
    return v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
               ? std::numeric_limits<int64_t>::max()
               : static_cast<int64_t>(v);
}

std::string db_error(sqlite3* db, const char* what) {
    return std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : "no database");
}

} // namespace

std::unique_ptr<Journal> Journal::open(const std::string& path, std::string& err) {
    // Create the file 0600 ourselves: SQLite would use 0644 less the umask.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        err = "cannot create signer journal " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    ::close(fd);
    std::unique_ptr<Journal> j(new Journal());
    if (sqlite3_open_v2(path.c_str(), &j->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        err = db_error(j->db_, ("cannot open signer journal " + path).c_str());
        return nullptr;
    }
    char* msg = nullptr;
    // synchronous=NORMAL: see kSyncInterval above.
    const std::string setup =
        std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") + kSchema;
    if (sqlite3_exec(j->db_, setup.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
        err = "signer journal " + path + ": " + (msg != nullptr ? msg : "setup failed");
        sqlite3_free(msg);
        return nullptr;
    }
    if (sqlite3_prepare_v2(j->db_,
                           "INSERT INTO signer_decisions (ts_ns, utc_day, request_id, intent_id, message_sha256,"
                           " message_len, outflow_lamports, counted_lamports, decision, reason_code, reason,"
                           " last_valid_block_height, current_block_height, host_state, signature)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &j->insert_, nullptr) != SQLITE_OK) {
        err = db_error(j->db_, "signer journal: prepare insert");
        return nullptr;
    }
    // Checkpoints move to the syncer; the hook only notes that there is
    // something to sync (no syscall on the commit path).
    sqlite3_wal_hook(j->db_, &Journal::on_commit, j.get());
    if (sqlite3_open_v2(path.c_str(), &j->sync_db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK ||
        sqlite3_exec(j->sync_db_, "PRAGMA synchronous=NORMAL;", nullptr, nullptr, nullptr) !=
            SQLITE_OK) {
        err = db_error(j->sync_db_,
                       ("cannot open signer journal " + path + " for its syncer").c_str());
        return nullptr;
    }
    j->syncer_ = std::thread([p = j.get()] { p->sync_loop(); });
    return j;
}

Journal::~Journal() {
    if (syncer_.joinable()) {
        {
            std::lock_guard lk(mu_);
            stop_ = true;
        }
        cv_.notify_one();
        syncer_.join();
    }
    sqlite3_close(sync_db_);
    sqlite3_finalize(insert_);
    sqlite3_close(db_); // the last connection: checkpoints and syncs what is left
}

int Journal::on_commit(void* self, sqlite3* db, const char* name, int wal_pages) {
    auto* j = static_cast<Journal*>(self);
    j->dirty_.store(true, std::memory_order_release);
    if (wal_pages > kInlineCheckpointPages) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
    return SQLITE_OK;
}

void Journal::sync_loop() {
    std::unique_lock lk(mu_);
    int64_t dirty_since = 0; // when a round first found unsynced rows (0: none waiting)
    const int64_t quiet_ns = std::chrono::nanoseconds(kQuietFor).count();
    const int64_t max_defer_ns = std::chrono::nanoseconds(kMaxDefer).count();
    int64_t wait_ns = std::chrono::nanoseconds(kSyncInterval).count();
    while (!stop_) {
        cv_.wait_for(lk, std::chrono::nanoseconds(wait_ns), [this] { return stop_; });
        wait_ns = std::chrono::nanoseconds(kSyncInterval).count();
        if (stop_) {
            break;
        }
        if (dirty_.load(std::memory_order_acquire)) {
            const int64_t now = mono_ns();
            dirty_since = dirty_since != 0 ? dirty_since : now;
            const int64_t since_append = now - last_append_ns_.load(std::memory_order_relaxed);
            if (since_append < quiet_ns && now - dirty_since < max_defer_ns) {
                // Signing in progress: look again when the burst may be over.
                wait_ns = std::max<int64_t>(quiet_ns - since_append, 500'000);
                continue;
            }
        }
        dirty_since = 0;
        if (dirty_.exchange(false, std::memory_order_acq_rel)) {
            lk.unlock();
            sync_now();
            lk.lock();
        }
    }
}

bool Journal::sync_now() {
    int wal_frames = 0;
    int done_frames = 0;
    const int rc = sqlite3_wal_checkpoint_v2(sync_db_, "main", SQLITE_CHECKPOINT_PASSIVE,
                                             &wal_frames, &done_frames);
    if (rc != SQLITE_OK || done_frames < wal_frames) {
        // A writer or a reader was in the way: next round.
        dirty_.store(true, std::memory_order_release);
        return false;
    }
    return true;
}

bool Journal::append(const JournalRow& r, std::string& err) {
    sqlite3_stmt* s = insert_;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, r.ts_ns);
    sqlite3_bind_int64(s, 2, r.utc_day);
    sqlite3_bind_int64(s, 3, to_db(r.request_id));
    sqlite3_bind_int64(s, 4, to_db(r.intent_id));
    sqlite3_bind_blob(s, 5, r.message_sha256.data(), 32, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, r.message_len);
    sqlite3_bind_int64(s, 7, to_db(r.outflow_lamports));
    sqlite3_bind_int64(s, 8, to_db(r.counted_lamports));
    sqlite3_bind_text(s, 9, r.signed_ok ? "signed" : "refused", -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 10, r.reason_code);
    sqlite3_bind_text(s, 11, r.reason.c_str(), static_cast<int>(r.reason.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s, 12, to_db(r.last_valid_block_height));
    sqlite3_bind_int64(s, 13, to_db(r.current_block_height));
    sqlite3_bind_int(s, 14, r.host_state);
    if (r.signed_ok) {
        sqlite3_bind_blob(s, 15, r.signature.data(), 64, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(s, 15);
    }
    // Before the step: its commit marks the journal dirty, and the syncer
    // must already see a signing in progress then.
    last_append_ns_.store(mono_ns(), std::memory_order_relaxed);
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) {
        err = db_error(db_, "signer journal: insert");
        return false;
    }
    return true;
}

bool Journal::day_totals(int64_t from_day, std::map<int64_t, uint64_t>& out, std::string& err) {
    out.clear();
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_,
                           "SELECT utc_day, counted_lamports FROM signer_decisions"
                           " WHERE utc_day >= ? AND decision = 'signed'",
                           -1, &s, nullptr) != SQLITE_OK) {
        err = db_error(db_, "signer journal: day totals");
        return false;
    }
    sqlite3_bind_int64(s, 1, from_day);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        uint64_t& t = out[sqlite3_column_int64(s, 0)];
        const uint64_t v = static_cast<uint64_t>(std::max<int64_t>(0, sqlite3_column_int64(s, 1)));
        t = t > std::numeric_limits<uint64_t>::max() - v ? std::numeric_limits<uint64_t>::max() : t + v;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        err = db_error(db_, "signer journal: day totals");
        return false;
    }
    return true;
}

bool Journal::intents(std::map<uint64_t, IntentHistory>& out, std::string& err) {
    out.clear();
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_,
                           "SELECT intent_id, message_sha256, last_valid_block_height, signature"
                           " FROM signer_decisions WHERE decision = 'signed' ORDER BY seq",
                           -1, &s, nullptr) != SQLITE_OK) {
        err = db_error(db_, "signer journal: intents");
        return false;
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        IntentHistory& h = out[static_cast<uint64_t>(sqlite3_column_int64(s, 0))];
        std::array<uint8_t, 32> hash{};
        std::array<uint8_t, 64> sig{};
        if (sqlite3_column_bytes(s, 1) == 32) {
            std::memcpy(hash.data(), sqlite3_column_blob(s, 1), 32);
        }
        if (sqlite3_column_bytes(s, 3) == 64) {
            std::memcpy(sig.data(), sqlite3_column_blob(s, 3), 64);
        }
        if (std::find(h.signed_hashes.begin(), h.signed_hashes.end(), hash) == h.signed_hashes.end()) {
            h.signed_hashes.push_back(hash);
            h.signatures.push_back(sig);
        }
        h.max_last_valid_block_height =
            std::max(h.max_last_valid_block_height, static_cast<uint64_t>(sqlite3_column_int64(s, 2)));
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        err = db_error(db_, "signer journal: intents");
        return false;
    }
    return true;
}

uint64_t Journal::row_count() {
    sqlite3_stmt* s = nullptr;
    uint64_t n = 0;
    if (sqlite3_prepare_v2(db_, "SELECT COUNT(*) FROM signer_decisions", -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        n = static_cast<uint64_t>(sqlite3_column_int64(s, 0));
    }
    sqlite3_finalize(s);
    return n;
}

} // namespace sniper::signer
