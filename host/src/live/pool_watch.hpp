// live/pool_watch.hpp — a live market-data source that polls configured
// constant-product pools over JSON-RPC ([feeds.watch]) and pushes their
// reserves as events.
//
// Every `interval` the source's thread asks getMultipleAccounts (confirmed)
// for each pool's mint, token vault and SOL account — one request per 33
// pools, so the three accounts of a pool are always read at one slot — and
// waits for the answers (the I/O runs on the RPC client's loop thread;
// nothing here touches the event path). Each pool's read is checked
// (pool_accounts.hpp) and then:
//   - the first valid read pushes SNP_EVENT_NEW_POOL;
//   - later reads push SNP_EVENT_POOL_UPDATE when the reserves changed, when
//     `heartbeat` has passed since the pool's last event (so the engine's
//     price age stays fresh in a quiet pool), or when the pool comes back
//     from being stale.
// Events carry base = the token, quote = SOL in lamports, source_ns = the
// wall-clock time the answer arrived, slot = the answer's context slot;
// NEW_POOL's dex and fee come from the config, decimals, supply and the
// authority flags from the mint; lp_burned_bps (0) and top10_holder_bps
// (10000) are not read and carry their worst values, so a risk limit on
// them refuses these pools rather than passing them blind.
//
// Refusals, each counted by reason (rejected(), rejected_inputs()) and
// logged when a pool's reason changes, never per poll: a missing account,
// a wrong owner or layout, a token account of another mint, decimals
// that differ from the configured ones, a zero reserve, an answer older
// (context slot) than one already used for that pool, an answer that could
// not be read.
//
// A failing RPC is logged once per outage with the error (and once when it
// recovers), counted in rpc_errors(), and polled with a back-off doubling
// from `interval` up to min(8 x interval, 5 s). A pool with no valid read
// for `stale_after` (default 3 x interval) is stale: logged once, no event
// until a valid read, and that read is pushed at once. Events are only
// ever made from the read just answered, never from remembered reserves,
// so a stale pool's price ages and the engine's max_price_age refuses
// entries on it.
#pragma once

#include "config/config.hpp"
#include "feeds/source.hpp"
#include "live/pool_accounts.hpp"
#include "rpc/rpc_types.hpp"

#include <array>
#include <atomic>
#include <memory>
#include <thread>

namespace sniper::rpc {
class RpcClient;
}

namespace sniper::live {

class PoolWatchSource final : public PushSource {
  public:
    // Throws std::invalid_argument when `rpc` is invalid (rpc::validate) or
    // `cfg` lists no pool.
    PoolWatchSource(WatchFeedConfig cfg, rpc::RpcClientConfig rpc);
    ~PoolWatchSource() override; // stop()
    PoolWatchSource(const PoolWatchSource&) = delete;
    PoolWatchSource& operator=(const PoolWatchSource&) = delete;

    const char* name() const override { return "pool_watch"; }
    void start(EventSink& sink) override;
    void stop() override;

    // Any thread.
    uint64_t rejected_inputs() const override; // pool reads refused, all reasons
    uint64_t rejected(WatchReject reason) const;
    uint64_t rpc_errors() const {
        return rpc_errors_.load(std::memory_order_relaxed);
    } // failed requests
    uint64_t polls() const {
        return polls_.load(std::memory_order_relaxed);
    } // polls answered or failed
    uint64_t events() const { return events_.load(std::memory_order_relaxed); } // events pushed

  private:
    struct Shared; // state the RPC callbacks share with the thread
    struct PoolState;
    struct Chunk;

    void run(EventSink& sink);
    bool poll_once(EventSink& sink);
    void apply_read(EventSink& sink, size_t index, const PoolRead& read, uint64_t slot,
                    int64_t recv_wall_ns, int64_t now_mono_ns);
    void note_reject(size_t index, WatchReject reason, const std::string& detail);
    void check_stale(int64_t now_mono_ns);
    int64_t next_delay_ns() const;

    WatchFeedConfig cfg_;
    std::unique_ptr<rpc::RpcClient> client_;
    std::shared_ptr<Shared> shared_;
    std::vector<PoolState> pools_; // the thread's only
    std::vector<Chunk> chunks_;
    std::thread thread_;
    bool started_ = false;

    // Outage bookkeeping (the thread's only).
    uint32_t failed_polls_ = 0; // consecutive polls whose every request failed
    bool in_outage_ = false;
    int64_t outage_started_mono_ns_ = 0;
    uint64_t outage_failed_requests_ = 0;

    std::array<std::atomic<uint64_t>, static_cast<size_t>(WatchReject::Count)> rejects_{};
    std::atomic<uint64_t> rpc_errors_{0};
    std::atomic<uint64_t> polls_{0};
    std::atomic<uint64_t> events_{0};
};

// The RPC client configuration [feeds.watch] polls with: feeds.watch.rpc,
// or [live] rpc when that is empty, each at [live] rpc_requests_per_second.
rpc::RpcClientConfig watch_rpc_config(const Config& cfg);

// The push feed for [feeds.watch]: a SourceSet holding one PoolWatchSource.
// Throws std::invalid_argument when there is no endpoint or no pool.
// The [feeds.watch] source alone (to run beside others in one SourceSet).
std::unique_ptr<PushSource> make_watch_source(const Config& cfg);
std::unique_ptr<Feed> make_watch_feed(const Config& cfg);

} // namespace sniper::live
