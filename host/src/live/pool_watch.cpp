// live/pool_watch.cpp — the polling loop of PoolWatchSource and the
// [feeds.watch] feed factory.
//
// Why the thread waits for the answers instead of handling them in the RPC
// callbacks: the pools' state (last slot, reserves, staleness) then lives
// on one thread and needs no lock, and a poll never overlaps the next one —
// a slow node stretches the period instead of piling requests up. The
// callbacks only store the answer in `Shared`, which they co-own, so one
// still pending when the source is destroyed writes into live memory.
#include "live/pool_watch.hpp"

#include "core/solana_key.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "rpc/rpc_client.hpp"
#include "rpc/solana_calls.hpp"
#include "solana/program_ids.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace sniper::live {

namespace {

constexpr const char* kLog = "pool_watch";
constexpr size_t kPoolsPerRequest = 33; // 3 accounts each; nodes take at most 100 keys
constexpr int64_t kMaxBackoffNs = 5'000'000'000;

Pubkey wrapped_sol_mint() { return from_solana(solana::kWrappedSolMint); }

int64_t ms_of(int64_t ns) {
    return ns / 1'000'000;
}

} // namespace

struct PoolWatchSource::Shared {
    std::mutex mu;
    std::condition_variable cv;
    bool stopping = false;
    uint64_t generation = 0; // of the poll in progress; older answers are ignored
    size_t pending = 0;
    std::vector<rpc::RpcResult<rpc::MultipleAccounts>> answers;
    std::vector<int64_t> recv_wall_ns;
};

struct PoolWatchSource::PoolState {
    std::string label; // the pool's base58 id, for logs
    bool announced = false;
    bool has_slot = false;
    uint64_t last_slot = 0;
    PoolReserves last;
    int64_t last_event_mono_ns = 0;
    int64_t last_good_mono_ns = 0;
    bool stale = false;
    WatchReject last_reject = WatchReject::Invalid; // logged on change only
};

struct PoolWatchSource::Chunk {
    size_t first_pool = 0;
    size_t pool_count = 0;
    std::vector<solana::Pubkey> keys; // per pool: mint, token vault, SOL account
};

PoolWatchSource::PoolWatchSource(WatchFeedConfig cfg, rpc::RpcClientConfig rpc)
    : cfg_(std::move(cfg)), shared_(std::make_shared<Shared>()) {
    if (cfg_.pools.empty()) {
        throw std::invalid_argument("pool watch: no pool to watch");
    }
    if (cfg_.interval_ns <= 0 || cfg_.heartbeat_ns <= 0) {
        throw std::invalid_argument("pool watch: interval and heartbeat must be > 0");
    }
    client_ =
        std::make_unique<rpc::RpcClient>(std::move(rpc)); // throws on an invalid configuration
    pools_.resize(cfg_.pools.size());
    for (size_t i = 0; i < cfg_.pools.size(); ++i) {
        pools_[i].label = to_base58(cfg_.pools[i].pool);
        if (i % kPoolsPerRequest == 0) {
            chunks_.emplace_back();
            chunks_.back().first_pool = i;
        }
        Chunk& c = chunks_.back();
        const WatchPoolConfig& p = cfg_.pools[i];
        c.keys.push_back(to_solana(p.mint));
        c.keys.push_back(to_solana(p.token_vault));
        c.keys.push_back(to_solana(p.sol_account));
        ++c.pool_count;
    }
}

PoolWatchSource::~PoolWatchSource() {
    stop();
}

void PoolWatchSource::start(EventSink& sink) {
    if (started_) {
        return;
    }
    started_ = true;
    thread_ = std::thread([this, &sink] { run(sink); });
}

void PoolWatchSource::stop() {
    {
        std::lock_guard<std::mutex> lk(shared_->mu);
        shared_->stopping = true;
    }
    shared_->cv.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
    client_->stop(); // completes anything still pending with Cancelled
}

uint64_t PoolWatchSource::rejected_inputs() const {
    uint64_t n = 0;
    for (const auto& c : rejects_) {
        n += c.load(std::memory_order_relaxed);
    }
    return n;
}

uint64_t PoolWatchSource::rejected(WatchReject reason) const {
    const auto i = static_cast<size_t>(reason);
    return i < rejects_.size() ? rejects_[i].load(std::memory_order_relaxed) : 0;
}

void PoolWatchSource::run(EventSink& sink) {
    log::info(kLog, "watching pools over JSON-RPC",
              {{"pools", static_cast<uint64_t>(cfg_.pools.size())},
               {"interval_ms", ms_of(cfg_.interval_ns)},
               {"heartbeat_ms", ms_of(cfg_.heartbeat_ns)},
               {"stale_after_ms", ms_of(cfg_.effective_stale_after_ns())}});
    try {
        int64_t next_ns = mono_ns();
        for (;;) {
            {
                std::unique_lock<std::mutex> lk(shared_->mu);
                const int64_t wait_ns = std::max<int64_t>(0, next_ns - mono_ns());
                shared_->cv.wait_for(lk, std::chrono::nanoseconds(wait_ns),
                                     [&] { return shared_->stopping; });
                if (shared_->stopping) {
                    break;
                }
            }
            const int64_t started_ns = mono_ns();
            if (!poll_once(sink)) {
                break; // stopping
            }
            next_ns = started_ns + next_delay_ns();
        }
    } catch (const std::exception& e) {
        log::error(kLog, "the pool watch stopped on an unexpected error", {{"error", e.what()}});
    }
    sink.source_ended();
}

int64_t PoolWatchSource::next_delay_ns() const {
    if (failed_polls_ == 0) {
        return cfg_.interval_ns;
    }
    const int64_t cap = std::max(cfg_.interval_ns, std::min(8 * cfg_.interval_ns, kMaxBackoffNs));
    const uint32_t doublings = std::min<uint32_t>(failed_polls_, 3);
    return std::min(cfg_.interval_ns << doublings, cap);
}

bool PoolWatchSource::poll_once(EventSink& sink) {
    const size_t n = chunks_.size();
    uint64_t gen = 0;
    {
        std::lock_guard<std::mutex> lk(shared_->mu);
        gen = ++shared_->generation;
        shared_->pending = n;
        shared_->answers.assign(n, {});
        shared_->recv_wall_ns.assign(n, 0);
    }
    // A poll is bounded: at most 4 intervals, within 1..5 s.
    rpc::CallOptions opts;
    opts.timeout_ms = std::clamp<int64_t>(ms_of(4 * cfg_.interval_ns), 1000, 5000);
    for (size_t c = 0; c < n; ++c) {
        rpc::get_multiple_accounts(
            *client_, chunks_[c].keys, rpc::Commitment::Confirmed,
            [sh = shared_, gen, c](rpc::RpcResult<rpc::MultipleAccounts> r) {
                const int64_t t = wall_ns();
                bool done = false;
                {
                    std::lock_guard<std::mutex> lk(sh->mu);
                    if (sh->generation != gen || c >= sh->answers.size()) {
                        return;
                    }
                    sh->answers[c] = std::move(r);
                    sh->recv_wall_ns[c] = t;
                    done = --sh->pending == 0;
                }
                if (done) {
                    sh->cv.notify_all();
                }
            },
            opts);
    }
    std::vector<rpc::RpcResult<rpc::MultipleAccounts>> answers;
    std::vector<int64_t> recv_wall_ns;
    {
        std::unique_lock<std::mutex> lk(shared_->mu);
        shared_->cv.wait(lk, [&] { return shared_->stopping || shared_->pending == 0; });
        if (shared_->stopping) {
            return false;
        }
        answers.swap(shared_->answers);
        recv_wall_ns.swap(shared_->recv_wall_ns);
    }
    polls_.fetch_add(1, std::memory_order_relaxed);

    const int64_t now = mono_ns();
    size_t failed = 0;
    std::string first_error;
    for (size_t c = 0; c < n; ++c) {
        const Chunk& chunk = chunks_[c];
        const auto& a = answers[c];
        if (!a.ok()) {
            ++failed;
            if (first_error.empty()) {
                first_error = a.error.to_string();
            }
            if (a.error.status == rpc::RpcStatus::Malformed) {
                for (size_t k = 0; k < chunk.pool_count; ++k) {
                    note_reject(chunk.first_pool + k, WatchReject::Malformed, a.error.message);
                }
            }
            continue;
        }
        const rpc::MultipleAccounts& m = a.value;
        for (size_t k = 0; k < chunk.pool_count; ++k) {
            const size_t i = chunk.first_pool + k;
            const PoolState& ps = pools_[i];
            if (ps.has_slot && m.context_slot < ps.last_slot) {
                note_reject(i, WatchReject::SlotRegressed,
                            "expected a context slot >= " + std::to_string(ps.last_slot) +
                                " (already used for this pool), found " +
                                std::to_string(m.context_slot));
                continue;
            }
            const PoolRead read = read_pool_accounts(cfg_.pools[i], m.accounts[3 * k],
                                                     m.accounts[3 * k + 1], m.accounts[3 * k + 2]);
            if (!read.ok()) {
                note_reject(i, read.reject, read.detail);
                continue;
            }
            apply_read(sink, i, read, m.context_slot, recv_wall_ns[c], now);
        }
    }
    rpc_errors_.fetch_add(failed, std::memory_order_relaxed);

    if (failed > 0) {
        outage_failed_requests_ += failed;
        if (!in_outage_) {
            in_outage_ = true;
            outage_started_mono_ns_ = now;
            log::warn(
                kLog,
                "RPC reads of the watched pools are failing; polling on with back-off (logged once "
                "until they recover)",
                {{"error", first_error},
                 {"failed_requests", static_cast<uint64_t>(failed)},
                 {"requests", static_cast<uint64_t>(n)}});
        }
    } else if (in_outage_) {
        log::info(kLog, "RPC reads of the watched pools recovered",
                  {{"failed_requests", outage_failed_requests_},
                   {"outage_ms", ms_of(now - outage_started_mono_ns_)}});
        in_outage_ = false;
        outage_failed_requests_ = 0;
    }
    failed_polls_ = failed == n ? failed_polls_ + 1 : 0;
    check_stale(now);
    return true;
}

void PoolWatchSource::note_reject(size_t index, WatchReject reason, const std::string& detail) {
    rejects_[static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
    PoolState& ps = pools_[index];
    if (ps.last_reject != reason) {
        ps.last_reject = reason;
        log::warn(kLog,
                  "a read of a watched pool was refused; no event from it (logged when the reason "
                  "changes)",
                  {{"pool", ps.label}, {"reason", watch_reject_name(reason)}, {"detail", detail}});
    }
}

void PoolWatchSource::apply_read(EventSink& sink, size_t index, const PoolRead& read, uint64_t slot,
                                 int64_t recv_wall_ns, int64_t now_mono_ns) {
    PoolState& ps = pools_[index];
    const WatchPoolConfig& cfg = cfg_.pools[index];
    const PoolReserves& r = read.reserves;
    if (ps.last_reject != WatchReject::Invalid) {
        log::info(kLog, "reads of a watched pool are valid again",
                  {{"pool", ps.label}, {"was", watch_reject_name(ps.last_reject)}});
        ps.last_reject = WatchReject::Invalid;
    }
    const bool was_stale = ps.stale;
    if (was_stale) {
        log::info(kLog, "a stale watched pool has a valid read again",
                  {{"pool", ps.label}, {"without_ms", ms_of(now_mono_ns - ps.last_good_mono_ns)}});
        ps.stale = false;
    }
    ps.has_slot = true;
    ps.last_slot = slot;
    ps.last_good_mono_ns = now_mono_ns;

    EventBuf ev;
    if (!ps.announced) {
        init_event(ev, SNP_EVENT_NEW_POOL);
        snp_ev_new_pool& np = ev.new_pool;
        np.pool = cfg.pool;
        np.base_mint = cfg.mint;
        np.quote_mint = wrapped_sol_mint();
        np.dex = cfg.dex;
        np.flags = r.flags | SNP_POOL_HOLDERS_UNKNOWN | SNP_POOL_LP_UNKNOWN; // read: the mint only
        np.base_reserve_atoms = r.base_reserve_atoms;
        np.quote_reserve_lamports = r.quote_reserve_lamports;
        np.token_supply_atoms = r.token_supply_atoms;
        np.fee_bps = cfg.fee_bps;
        np.lp_burned_bps = 0;        // not read: the worst value
        np.top10_holder_bps = 10000; // not read: the worst value
        np.base_decimals = r.decimals;
    } else {
        const bool changed = r.base_reserve_atoms != ps.last.base_reserve_atoms ||
                             r.quote_reserve_lamports != ps.last.quote_reserve_lamports;
        const bool heartbeat = now_mono_ns - ps.last_event_mono_ns >= cfg_.heartbeat_ns;
        if (!changed && !heartbeat && !was_stale) {
            return;
        }
        init_event(ev, SNP_EVENT_POOL_UPDATE);
        snp_ev_pool_update& pu = ev.pool_update;
        pu.pool = cfg.pool;
        pu.base_mint = cfg.mint;
        pu.base_reserve_atoms = r.base_reserve_atoms;
        pu.quote_reserve_lamports = r.quote_reserve_lamports;
        pu.price_lamports_per_atom = static_cast<double>(r.quote_reserve_lamports) /
                                     static_cast<double>(r.base_reserve_atoms);
    }
    ev.h.source_ns = recv_wall_ns;
    ev.h.slot = slot;
    events_.fetch_add(
        1, std::memory_order_relaxed); // counted first: a reader that saw the event sees the count
    sink.push_market_event(ev);
    ps.announced = true;
    ps.last = r;
    ps.last_event_mono_ns = now_mono_ns;
}

void PoolWatchSource::check_stale(int64_t now_mono_ns) {
    const int64_t stale_after = cfg_.effective_stale_after_ns();
    for (PoolState& ps : pools_) {
        if (ps.announced && !ps.stale && now_mono_ns - ps.last_good_mono_ns > stale_after) {
            ps.stale = true;
            log::warn(
                kLog, "a watched pool is stale: no valid read, so no event, until one arrives",
                {{"pool", ps.label}, {"without_ms", ms_of(now_mono_ns - ps.last_good_mono_ns)}});
        }
    }
}

rpc::RpcClientConfig watch_rpc_config(const Config& cfg) {
    const std::vector<std::string>& urls =
        cfg.feeds.watch.rpc_urls.empty() ? cfg.live.rpc_urls : cfg.feeds.watch.rpc_urls;
    rpc::RpcClientConfig rc;
    for (size_t i = 0; i < urls.size(); ++i) {
        rpc::EndpointConfig e;
        e.name = "watch" + std::to_string(i + 1);
        e.url = urls[i];
        e.requests_per_s = cfg.live.rpc_requests_per_second;
        rc.endpoints.push_back(e);
    }
    return rc;
}

std::unique_ptr<PushSource> make_watch_source(const Config& cfg) {
    rpc::RpcClientConfig rc = watch_rpc_config(cfg);
    if (rc.endpoints.empty()) {
        throw std::invalid_argument(
            "[feeds.watch] has no JSON-RPC endpoint: set feeds.watch.rpc or [live] rpc");
    }
    return std::make_unique<PoolWatchSource>(cfg.feeds.watch, std::move(rc));
}

std::unique_ptr<Feed> make_watch_feed(const Config& cfg) {
    std::vector<std::unique_ptr<PushSource>> sources;
    sources.push_back(make_watch_source(cfg));
    return std::make_unique<SourceSet>(std::move(sources));
}

} // namespace sniper::live
