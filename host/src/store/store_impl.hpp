// store/store_impl.hpp — Store::Impl: the journal's connection (StoreDb)
// plus what the writer owns: the prepared inserts, the queue with its
// sequence counters, and the writer thread. Opening is in store_open.cpp,
// the writer in store.cpp. Private to the store module; the locking rules
// are at the top of store.cpp.
#pragma once

#include "store/store.hpp"
#include "store/store_db.hpp"
#include "store/store_records.hpp"

#include <sqlite3.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sniper {

struct Store::Impl : StoreDb {
    struct Entry {
        uint64_t seq;
        StoreRecord record;
        bool more = false; // the next entry belongs to the same group
    };

    std::array<sqlite3_stmt*, store::kKinds> inserts{};
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
    bool write_one(const StoreRecord& rec);

    // One transaction for all of `batch`. On any failure the whole batch is
    // rolled back and counted as dropped: the errors we expect here (disk
    // full, read-only file, schema damage) hit every record alike, and a
    // half-written batch would be harder to reason about than a gap.
    bool write_batch(const std::vector<const StoreRecord*>& batch);

    // Takes up to kMaxBatch records off the queue. Caller holds db_mu.
    std::vector<Entry> take_batch();

    // Writes one batch and publishes the progress to flush() waiters.
    // Caller holds db_mu.
    void process(std::vector<Entry>& batch);

    // Writes everything queued, on the caller's thread. Caller holds db_mu.
    void drain_inline();

    void writer_loop();

    // Creates the data dir, opens and checks the file, migrates it and
    // prepares the inserts (store_open.cpp).
    bool open(const std::string& data_dir, std::string* error);
};

} // namespace sniper
