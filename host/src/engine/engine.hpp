// engine/engine.hpp — the event path: feed -> pool book -> protection ->
// strategies -> risk gate -> executor -> ledger and journal, in one
// timeline. The engine coordinates; each job is a class of its own:
//
//   LaneWatchdog      the lane thread and the hang watchdog
//   StrategyRegistry  the strategies, and the reload steps
//   OrderManager      orders in flight and their reservations (exec/)
//   Portfolio         the ledger: the only thing reports move (ledger/)
//   RiskInputs        exposure, today's figures, equity and its peak
//   CircuitBreaker    drawdown tiers; decides, the engine changes the state
//   HostExits         the host's own SELL_ALLs, shared by the next two
//   Flatten           kill --flatten
//   Protection        stop loss, take profit, trailing stop, max hold
//   SnapshotPublisher what other threads see, built from the parts above
//   Restore           start-up from the journal: positions, PnL, ids, and
//                     the orders in flight at the last stop, settled
//
// Time is the host Clock's (core/clock.hpp). With a pull feed (sim,
// replay) it is simulated: the events' source time, read inline, and
// landings and timers are scheduled on it, so a run is deterministic (same
// seed and config => same journal); at speed > 0 a PacedFeed
// (feeds/paced.hpp) holds events to wall time, and a wall-clock limit
// stops the run. With a push feed (live sources on their own threads) it
// is the wall clock: the loop waits on the inbox with a deadline at the
// next landing, timer or protection scan, so those run on time whether or
// not a market event arrives. Recording wraps the feed (feeds/recording.hpp,
// set up by the daemon).
//
// Everything other threads hand the event path goes through one inbox
// (core/inbox.hpp): market events from push sources, posted work (reload,
// enable/disable, flatten, asynchronous executor reports) and tool results.
//
// The loop runs on a lane thread watched by the thread that called run()
// (every 5 ms): it flags a strategy callback over its budget and abandons
// one past its hang timeout, after which a new lane thread resumes the loop
// where it was (the loop's state is in members, see loop()).
//
// The engine is the only writer of trading data. Other threads see it
// through snapshot() (republished every ~100 ms of wall time and at the end)
// and change it only through post() (work run between two events) and
// set_trading_state(), which takes effect on the next risk check: an
// atomic, so a kill needs no lock held by the event path. Journal writes
// are queued to the store's writer thread; the lane waits for the commit
// only at a fill (write-ahead).
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/histogram.hpp"
#include "core/inbox.hpp"
#include "engine/circuit_breaker.hpp"
#include "engine/flatten.hpp"
#include "engine/host_exits.hpp"
#include "engine/lane_watchdog.hpp"
#include "engine/protection.hpp"
#include "engine/reload.hpp"
#include "engine/risk_inputs.hpp"
#include "engine/snapshot.hpp"
#include "engine/snapshot_publisher.hpp"
#include "engine/strategy_registry.hpp"
#include "exec/executor.hpp"
#include "exec/order_manager.hpp"
#include "exec/paper_executor.hpp"
#include "market/pool_book.hpp"
#include "ledger/portfolio.hpp"
#include "feeds/feed.hpp"
#include "feeds/paced.hpp"
#include "risk/risk_gate.hpp"
#include "store/store.hpp"
#include "strategy/instance.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <set>
#include <thread>
#include <string>
#include <vector>

namespace sniper {

class Store;
namespace tools {
class ToolHost;
struct ToolResult;
struct ToolStats;
} // namespace tools

struct EngineOptions {
    bool print_status = false;          // status lines on stdout
    int64_t status_interval_ns = 1'000'000'000;
    int64_t wall_limit_ns = 0;          // stop after this much wall time; 0 = none
    bool measure_latency = false;       // per-event latency histogram (benchmark)
    std::string plugin_cache_dir;       // where plugin copies are loaded from
    // External tools strategies may call (call_tool); null = none. Owned by
    // the caller; the engine stops it in its destructor, before the inbox
    // its callbacks push into goes away.
    tools::ToolHost* tools = nullptr;
};

// A message into the event path (see Inbox).
struct InboxMessage {
    enum class Kind : uint8_t { Invalid = 0, Market = 1, Work = 2, ToolResult = 3 };
    Kind kind = Kind::Invalid;
    EventBuf ev;                // Market: the event as the source made it
    std::function<void()> work; // Work: run on the event path between events
    std::shared_ptr<const tools::ToolResult> tool; // ToolResult: a call's answer
};

class Engine final : public StrategyHost, private EventSink {
  public:
    // `executor`: who executes approved orders; null = the paper executor
    // on this engine's pool book (tests pass a fake).
    Engine(const Config& cfg, Feed& feed, Store* store, EngineOptions opts,
           std::unique_ptr<Executor> executor = nullptr);
    ~Engine() override;

    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Restores trading state, positions, PnL and the next intent id from the
    // store (if any). Call before load_strategies().
    void restore();
    // Discovers *.so in cfg.plugins_dir and starts those the config does not
    // disable. Refused plugins are logged and listed in load_errors().
    size_t load_strategies();
    // Adds one instance of an already-loaded plugin (benchmark, tests).
    bool add_strategy(std::shared_ptr<StrategyCode> plugin, const std::string& name,
                      const std::string& params_json);
    const std::vector<std::string>& load_errors() const { return registry_.load_errors(); }

    // Runs until the feed ends, the wall limit passes or stop is requested.
    void run();

    // Thread-safe: runs `fn` on the engine thread between two events (work
    // posted before run() starts waits for it; work posted while run()
    // finishes runs on the engine thread before run() returns; after that
    // it runs at once on the caller). Used by reload and enable/disable.
    void post(std::function<void()> fn);
    bool running() const { return running_.load(std::memory_order_acquire); }

    // kill --flatten (engine thread, via post): a SELL_ALL for every open
    // position through the risk gate; HALTED once they have all landed or
    // failed. The caller sets REDUCING first. Returns the orders sent.
    size_t flatten_all(const std::string& reason);

    // The saved state of a strategy (diagnostics and tests); engine thread
    // or after run(). False when there is no such strategy.
    bool strategy_state(const std::string& name, std::vector<uint8_t>& out);

    // Reloader thread, before apply_reload: creates the new instances the
    // plan needs (new and changed files, new params) off the event path,
    // each under the hang watchdog, and adopts the new config's [runtime]
    // and [strategies] tables.
    void prepare_instances(ReloadPlan& plan);
    // Engine thread only (through post()), in two steps between events:
    // the swaps themselves, then everything else (config, refusals, rows,
    // log lines, the report, the snapshot). apply_reload does both at once.
    ReloadReport apply_reload_swaps(ReloadPlan& plan);
    void apply_reload_bookkeeping(ReloadPlan& plan, ReloadReport& rep);
    ReloadReport apply_reload(ReloadPlan& plan);
    bool set_enabled(const std::string& name, bool enabled, std::string* error);
    const std::string& plugins_dir() const { return cfg_.plugins_dir; }
    const std::string& plugin_cache_dir() const { return opts_.plugin_cache_dir; }
    // Async-signal-safe.
    void request_stop() { stop_.store(true, std::memory_order_relaxed); }

    // Thread-safe. Persists the change (synchronously when a store is set)
    // before returning. Returns false with *error when persisting failed
    // (the state is changed anyway: failing safe beats failing silent).
    bool set_trading_state(TradingState s, const std::string& reason, const std::string& actor,
                           std::string* error);
    TradingState trading_state() const {
        return static_cast<TradingState>(state_.load(std::memory_order_acquire));
    }

    EngineSnapshot snapshot() const; // thread-safe copy
    // Per external tool: state, workers, calls, errors, latency (thread-safe;
    // empty without tools).
    std::vector<tools::ToolStats> tool_stats() const;
    const LatencyHistogram& latency() const { return latency_; }
    uint64_t events_processed() const { return events_; }
    // Per-strategy results (engine thread, or after run()).
    std::vector<StrategyRow> strategy_rows() const;

    // StrategyHost
    int64_t host_now_ns() override { return now_ns_; }
    snp_status host_position(StrategyInstance& s, const Pubkey& mint, snp_position* out) override;
    snp_status host_set_timer(StrategyInstance& s, int64_t delay_ns, uint64_t tag,
                              uint64_t* out_id) override;
    int32_t host_trading_state() override { return state_.load(std::memory_order_relaxed); }
    uint64_t host_next_intent_id() override { return next_intent_id_++; }
    snp_status host_call_tool(StrategyInstance& s, std::string_view tool, std::string_view request_json,
                              int64_t timeout_ns, uint64_t* out_id) override;

  private:
    // EventSink (push sources' threads).
    void push_market_event(const EventBuf& ev) override;
    void pools_stale(std::vector<Pubkey> pools, std::string why) override;
    void reference_prices(std::vector<ReferencePrice> prices) override;
    void source_ended() override;
    // Event path: a held pool whose price strays from the price endpoint's
    // by more than [feeds.price] max_deviation_pct is marked stale.
    void check_reference_prices(const std::vector<ReferencePrice>& prices);
    void run_posted();
    // Wall clock: waits on the inbox until a market event (true, in
    // cur_ev_) or the end of every source / a stop (false), running due
    // landings, timers, protection and posted work meanwhile.
    bool fetch_wall();
    // The host clock moves to `t_ns` (simulated) or to now (wall).
    void sync_clock(int64_t t_ns);
    // Once a second of host time: protection scan, breaker, equity sample.
    void clock_tick();
    // Tool answers (engine_tools.cpp). Wall clock: delivered when they
    // arrive. Simulated clock: delivered at call time + the call's timeout
    // of host time, waiting for the answer in wall time if it is not there
    // yet, so a run is deterministic given the tools' answers.
    void on_tool_message(InboxMessage& m);
    void deliver_tool_result(uint64_t call_id);
    void await_tool_result(uint64_t call_id);
    // Simulated clock: waits (wall time) for the next tool answer and keeps
    // it for its due time; false after 120 s without one.
    bool await_any_tool_message();
    // The loop (see run()): a state machine whose state is in members, so a
    // new lane thread can resume it after a strategy call hung.
    enum class Step : uint8_t { Fetch, Due, Dispatch, Strategies, Drain, Finish, Done };
    void loop();
    void finish();
    void take_over(StrategyInstance* hung);

    struct Scheduled {
        int64_t t_ns;
        uint64_t order;
        uint8_t kind; // 1 = land order, 2 = timer, 3 = tool answer due (simulated clock)
        uint64_t id;  // intent id or timer id
        bool operator>(const Scheduled& o) const {
            return t_ns != o.t_ns ? t_ns > o.t_ns : order > o.order;
        }
    };
    struct Timer {
        uint32_t strategy;
        uint64_t tag;
    };
    struct Delivery { // an event for one strategy (order update / timer / tool result)
        uint32_t strategy;
        EventBuf ev;
        std::string reason; // backing store for order_update.reason, tool_result.error_message
        std::shared_ptr<const tools::ToolResult> tool; // backing store of a tool result's strings
    };

    void apply_feed_event(EventBuf& ev); // book, protection; strategies follow
    void deliver(uint32_t strategy, EventBuf& ev);
    void commit_intents(StrategyInstance& s);
    void decide_intent(const std::string& strategy, uint32_t strategy_index, PendingIntent& p);
    int64_t equity_lamports() const { return risk_inputs_.equity_lamports(); }
    // A host exit (flatten, protection) through the risk gate: its intent
    // id, or 0 if refused.
    uint64_t submit_host_exit(const std::string& strategy, const snp_intent& intent, std::string reason);
    // kill --flatten sent its last exit: HALTED.
    void finish_flatten_if_done();
    // Protection checks, unless kill --flatten is exiting everything already.
    void check_protection_pool(const Pubkey& pool);
    // A NEW_POOL for a coin whose held positions sit on a completed bonding
    // curve (its migration): those positions move to the new pool, so the
    // host's exits and marks follow the coin (journaled).
    void follow_migration(const snp_ev_new_pool& np);
    // A POOL_UPDATE or CURVE_COMPLETE for a pool this run saw no NEW_POOL
    // of, that a position holds (from before a restart; the source learned
    // the pool again): the pool book takes it (PoolBook::adopt), so the
    // position has a price, protection and exits (or, for a completed
    // curve, none sent in vain). Events of other unknown pools stay out.
    void adopt_held_pool(const Pubkey& pool, const Pubkey& mint);
    void check_protection_all();
    void process_due(int64_t until_ns, bool include_timers);
    void drain_deliveries();
    void land(uint64_t intent_id);
    // The one place a final executor report changes anything: the order
    // manager releases the order, the ledger applies the report, the journal
    // records it write-ahead, then strategies and protection hear of it.
    void apply_report(ExecReport report);
    // A report an asynchronous executor delivered (through post()): SENT
    // progress is journaled and told to the strategy; a final one applied.
    void on_exec_report(ExecReport report);
    // Copies a live report's signature, slot and attempt into the order
    // update queued last.
    void stamp_transaction(const ExecReport& r);
    void queue_order_update(uint32_t strategy, uint64_t intent_id, uint64_t client_tag,
                            const Pubkey& mint, uint32_t side, uint32_t status, uint64_t in_amount,
                            uint64_t out_amount, uint64_t fee, uint64_t tip, int32_t code,
                            std::string reason);
    void schedule(int64_t t_ns, uint8_t kind, uint64_t id);
    void publish_snapshot();
    void print_status_line();
    void periodic(bool force);
    // False once the journal failed a write; the first call after the
    // failure HALTS trading (before anything is approved or reported).
    bool journal_ok();
    // Appends to the open group (land()) or to the store.
    void journal(StoreRecord r);
    void sample_equity();
    void check_breaker();
    // The journal row of one step of an order (status, detail, now).
    OrderRecord order_row(const Order& o, uint32_t status, std::string detail) const;
    void journal_position(const std::string& strategy, const Pubkey& mint, const Pubkey& pool);
    void journal_pnl(const std::string& strategy);

    const Config& cfg_;
    Feed& feed_;
    std::unique_ptr<PacedFeed> paced_; // a pull feed at speed > 0: paced onto wall time
    Store* store_;
    EngineOptions opts_;

    int64_t next_protect_scan_ns_ = 0;
    bool restoring_ = false; // restore() applying settlements: no peak or breaker yet
    int64_t next_equity_sample_ns_ = 0;
    std::vector<StoreRecord>* group_ = nullptr; // records of one landing

    std::unique_ptr<Clock> clock_; // SimClock for pull feeds, WallClock for push feeds
    bool wall_ = false;            // clock_ is the wall clock
    Inbox<InboxMessage> inbox_;
    std::deque<InboxMessage> held_work_; // work popped while awaiting a tool answer (sim)
    struct ToolCall {
        uint32_t strategy = 0;
        std::shared_ptr<const tools::ToolResult> result; // once it arrived
    };
    std::map<uint64_t, ToolCall> tool_calls_; // by call id, until delivered
    uint64_t dropped_at_stop_ = 0; // market events still queued when the run ended
    std::mutex post_mu_;
    std::recursive_mutex inline_mu_; // posts run inline once run() has returned
    std::atomic<bool> running_{false};
    bool finished_ = false;    // guarded by post_mu_: the inbox takes no more work
    bool finish_done_ = false; // guarded by post_mu_: finish() has returned
    std::vector<std::function<void()>> late_work_; // guarded by post_mu_: posted during finish()
    PoolBook pools_;
    Portfolio portfolio_;
    RiskGate risk_;
    std::unique_ptr<Executor> executor_;
    OrderManager orders_; // orders in flight and their reservations
    RiskInputs risk_inputs_; // exposure, today's figures, equity and its peak
    CircuitBreaker breaker_;
    HostExits exits_;        // the host's own exits in flight (flatten, protection)
    Flatten flatten_;        // kill --flatten
    std::atomic<int32_t> state_{SNP_TRADING_ACTIVE};
    Protection protection_;  // stop loss, take profit, trailing stop, max hold

    std::atomic<bool> stop_{false};
    mutable std::mutex state_mu_;
    std::string state_reason_;

    std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<Scheduled>> timeline_;
    uint64_t sched_order_ = 0;
    std::map<uint64_t, Timer> timers_;
    uint64_t next_timer_id_ = 1;
    std::deque<Delivery> deliveries_;

    // The loop's state (see loop()) and the lane watchdog.
    std::shared_ptr<CallLane> lane_ = std::make_shared<CallLane>();
    LaneWatchdog watchdog_{lane_};
    StrategyRegistry registry_{this, lane_, cfg_}; // cleared first in ~Engine
    Step step_ = Step::Fetch;
    EventBuf cur_ev_;
    size_t dispatch_next_ = 0;
    int64_t lat_t0_ = 0;
    uint32_t tick_ = 0;

    uint64_t next_intent_id_ = 1;
    int64_t now_ns_ = 0;
    int64_t first_source_ns_ = -1;
    uint64_t seq_ = 0;
    uint64_t events_ = 0, intents_ = 0, rejections_ = 0, fills_ = 0, failed_orders_ = 0;

    int64_t wall_start_ns_ = 0;
    int64_t next_periodic_ns_ = 0;
    int64_t next_status_ns_ = 0;
    LatencyHistogram latency_;

    std::vector<Pubkey> watched_pools_; // last set handed to Feed::watch_pools (sorted)
    std::vector<Pubkey> watched_mints_; // last set handed to Feed::watch_mints (sorted)

    SnapshotPublisher snapshots_{{cfg_, feed_, *executor_, registry_, portfolio_, pools_, risk_, risk_inputs_,
                                  breaker_, protection_, watchdog_}};
};

} // namespace sniper
