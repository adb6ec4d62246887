// rpc/blockhash_cache.cpp — the refresh tick on the client's loop thread.
// Timers and handlers hold the shared State, never the cache object, and
// check `alive` first: destroying the cache just switches them off.
#include "rpc/blockhash_cache.hpp"

#include "rpc/solana_calls.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace sniper::rpc {

struct BlockhashCache::State {
    RpcClient* client = nullptr;
    BlockhashCacheConfig cfg;
    std::atomic<bool> alive{true};
    mutable std::mutex mu;
    mutable std::condition_variable cv;
    std::optional<CachedBlockhash> latest;
    BlockhashCacheStats stats;
    bool fetch_in_flight = false; // loop thread only

    static void tick(const std::shared_ptr<State>& s, bool reschedule) {
        if (!s->alive.load()) {
            return;
        }
        s->fetch();
        if (reschedule) {
            s->client->loop().after(s->cfg.refresh_ms, [s] { tick(s, true); });
        }
    }

    void fetch() {
        if (cfg.poll_heights) {
            client->broadcast(
                "getBlockHeight", params::commitment_only(cfg.commitment),
                [](std::vector<RpcResponse>) {}, CallOptions{cfg.refresh_ms, 1});
        }
        if (fetch_in_flight) {
            return; // the previous answer is still coming; never pile up
        }
        fetch_in_flight = true;
        std::weak_ptr<State> weak = self;
        get_latest_blockhash(
            *client, cfg.commitment,
            [weak](RpcResult<LatestBlockhash> r) {
                auto s = weak.lock();
                if (!s) {
                    return;
                }
                s->fetch_in_flight = false;
                s->take(std::move(r));
            },
            CallOptions{cfg.refresh_ms, 0});
    }

    void take(RpcResult<LatestBlockhash> r) {
        std::lock_guard lock(mu);
        if (!r.ok()) {
            ++stats.failures;
            stats.last_error = r.error.to_string();
            return;
        }
        if (latest && r.value.last_valid_block_height < latest->last_valid_block_height) {
            ++stats.ignored_older;
            return;
        }
        CachedBlockhash c;
        c.blockhash = r.value.blockhash;
        c.last_valid_block_height = r.value.last_valid_block_height;
        c.context_slot = r.value.context_slot;
        c.fetched_at_us = HttpLoop::now_us();
        c.endpoint = r.error.endpoint;
        latest = c;
        ++stats.refreshes;
        cv.notify_all();
    }

    std::weak_ptr<State> self;
};

BlockhashCache::BlockhashCache(RpcClient& client, BlockhashCacheConfig cfg)
    : state_(std::make_shared<State>()) {
    state_->client = &client;
    state_->cfg = cfg;
    state_->self = state_;
    auto s = state_;
    client.loop().post([s] { State::tick(s, true); });
}

BlockhashCache::~BlockhashCache() {
    state_->alive.store(false);
}

std::optional<CachedBlockhash> BlockhashCache::latest() const {
    std::lock_guard lock(state_->mu);
    return state_->latest;
}

int64_t BlockhashCache::age_ms() const {
    std::lock_guard lock(state_->mu);
    if (!state_->latest) {
        return -1;
    }
    return (HttpLoop::now_us() - state_->latest->fetched_at_us) / 1000;
}

bool BlockhashCache::wait_ready(int64_t timeout_ms) const {
    std::unique_lock lock(state_->mu);
    return state_->cv.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                               [&] { return state_->latest.has_value(); });
}

bool BlockhashCache::expired(uint64_t lvbh) const {
    return state_->client->heights().expired(lvbh);
}

void BlockhashCache::refresh_now() {
    auto s = state_;
    s->client->loop().post([s] { State::tick(s, false); });
}

BlockhashCacheStats BlockhashCache::stats() const {
    std::lock_guard lock(state_->mu);
    return state_->stats;
}

} // namespace sniper::rpc
