// signer/journal.hpp — the signer's own SQLite file: one row per request
// and decision (time, intent, message SHA-256, outflow bound, decision,
// reason), committed before the answer leaves the signer. The commit is in
// the WAL (WAL, synchronous=NORMAL) when append() returns, so it survives
// any process dying; a syncer thread with its own connection checkpoints
// (fsync) within about 50 ms, so a power loss can lose only the last rows
// (journal.cpp, kSyncInterval; docs/signer-protocol.md). On start the
// signer rebuilds from it the lamports signed this UTC day and, per intent,
// the messages it signed. The file is created 0600 and never holds key
// material (signatures are public).
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace sniper::signer {

struct JournalRow {
    int64_t ts_ns = 0;
    int64_t utc_day = 0;
    uint64_t request_id = 0;
    uint64_t intent_id = 0;          // 0 when the request could not be read
    std::array<uint8_t, 32> message_sha256{};
    uint32_t message_len = 0;
    uint64_t outflow_lamports = 0;   // the bound computed (0 if none)
    uint64_t counted_lamports = 0;   // added to the day's total (0 for a refusal or a repeat)
    bool signed_ok = false;
    uint16_t reason_code = 0;
    std::string reason;              // name: detail
    uint64_t last_valid_block_height = 0;
    uint64_t current_block_height = 0;
    uint8_t host_state = 0;
    std::array<uint8_t, 64> signature{}; // zero when refused
};

// What a restart needs per intent.
struct IntentHistory {
    std::vector<std::array<uint8_t, 32>> signed_hashes; // distinct messages signed, oldest first
    std::vector<std::array<uint8_t, 64>> signatures;    // same order
    uint64_t max_last_valid_block_height = 0;
};

class Journal {
  public:
    // Opens or creates the file; nullptr and `err` on failure.
    static std::unique_ptr<Journal> open(const std::string& path, std::string& err);
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    // Committed to the WAL when it returns true (survives a crash of any
    // process; synced to disk by the syncer about 50 ms after a pause in
    // the appends, at most ~300 ms after the row under sustained signing).
    bool append(const JournalRow& row, std::string& err);
    // Checkpoints now from the syncer's connection (syncs the WAL, then the
    // database). True when every committed row is on disk.
    bool sync_now();
    // Per UTC day from `from_day` on, the sum of counted_lamports of the
    // signed rows (a full scan: for start-up).
    bool day_totals(int64_t from_day, std::map<int64_t, uint64_t>& out, std::string& err);
    // Every intent's signed messages.
    bool intents(std::map<uint64_t, IntentHistory>& out, std::string& err);
    uint64_t row_count();

  private:
    Journal() = default;
    static int on_commit(void* self, sqlite3* db, const char* name, int wal_pages);
    void sync_loop();

    sqlite3* db_ = nullptr; // the signer's thread only
    sqlite3_stmt* insert_ = nullptr;
    sqlite3* sync_db_ =
        nullptr; // the syncer's connection (sync_now may also run on the caller's thread)
    std::atomic<bool> dirty_{false};
    std::atomic<int64_t> last_append_ns_{0}; // steady clock of the latest append (the syncer waits for a pause)
    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false; // guarded by mu_
    std::thread syncer_;
};

} // namespace sniper::signer
