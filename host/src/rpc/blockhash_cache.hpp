// rpc/blockhash_cache.hpp — the blockhash transactions are signed with.
//
// Every `refresh_ms` (default 2 s) the cache asks the healthiest endpoint
// for getLatestBlockhash at `confirmed`, and every healthy endpoint for
// getBlockHeight at `confirmed` (which feeds the client's HeightTracker).
// All of it runs on the RPC client's loop thread, on its timers; readers
// on any thread get a copy under a mutex.
//
// Rules:
// - The cached blockhash only moves forward: an answer whose
//   lastValidBlockHeight is lower than the cached one (a lagging endpoint)
//   is ignored, so a slow node never hands out an older blockhash.
// - Expiry is decided by `HeightTracker` (the highest confirmed block
//   height any endpoint reported), never by the endpoint that answered
//   last: `expired(lvbh)` is true once that height is above lvbh. A
//   confirmed height is a lower bound of the chain's height, so "expired"
//   is proven, never guessed: re-signing waits for it.
#pragma once

#include "rpc/rpc_client.hpp"
#include "rpc/solana_types.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace sniper::rpc {

struct CachedBlockhash {
    solana::Hash blockhash;
    uint64_t last_valid_block_height = 0;
    uint64_t context_slot = 0;
    int64_t fetched_at_us = 0; // HttpLoop::now_us() when the answer arrived
    std::string endpoint;
};

struct BlockhashCacheConfig {
    int64_t refresh_ms = 2000;
    Commitment commitment = Commitment::Confirmed;
    bool poll_heights = true; // getBlockHeight on every healthy endpoint each refresh
};

struct BlockhashCacheStats {
    uint64_t refreshes = 0;     // answers taken
    uint64_t ignored_older = 0; // answers older than the cached one
    uint64_t failures = 0;
    std::string last_error;
};

class BlockhashCache {
  public:
    // Starts refreshing at once. `client` must outlive the refreshing: stop
    // the client, or destroy the cache, whichever comes first.
    BlockhashCache(RpcClient& client, BlockhashCacheConfig cfg = {});
    ~BlockhashCache(); // stops refreshing (never blocks)
    BlockhashCache(const BlockhashCache&) = delete;
    BlockhashCache& operator=(const BlockhashCache&) = delete;

    // Any thread.
    std::optional<CachedBlockhash> latest() const;
    // Milliseconds since the cached blockhash arrived; -1 when none yet.
    int64_t age_ms() const;
    // Waits (on the caller's thread) for a first blockhash; false on timeout.
    bool wait_ready(int64_t timeout_ms) const;
    // True when the highest block height seen is above `last_valid_block_height`.
    bool expired(uint64_t last_valid_block_height) const;
    // Asks again now (out of schedule).
    void refresh_now();
    BlockhashCacheStats stats() const;

  private:
    struct State;
    std::shared_ptr<State> state_;
};

} // namespace sniper::rpc
