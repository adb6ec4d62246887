// engine/engine.cpp — construction, restore from the journal at start,
// the host API the strategies call (position, timers), and the trading
// state. The rest of the engine is in engine_*.cpp, one job per file.
#include "engine/engine.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "market/amm.hpp"
#include "feeds/event_json.hpp"
#include "risk/utc_day.hpp"
#include "store/store.hpp"
#include "tools/tool_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <filesystem>
#include <thread>

namespace sniper {

Engine::Engine(const Config& cfg, Feed& feed, Store* store, EngineOptions opts, std::unique_ptr<Executor> executor)
    : cfg_(cfg), feed_(feed), store_(store), opts_(std::move(opts)),
      portfolio_(cfg.paper.starting_balance_lamports), risk_(cfg.risk),
      executor_(executor != nullptr ? std::move(executor)
                                    : std::make_unique<PaperExecutor>(cfg.paper, pools_, feed_, portfolio_)),
      risk_inputs_(store, portfolio_, orders_, pools_), breaker_(cfg.risk.circuit_breaker),
      exits_([this](const std::string& strategy, const snp_intent& intent, std::string reason) {
          return submit_host_exit(strategy, intent, std::move(reason));
      }),
      flatten_(portfolio_, orders_, exits_),
      protection_(cfg.protection, portfolio_, pools_, exits_, state_) {
    wall_ = feed_.pushes();
    if (wall_) {
        clock_ = std::make_unique<WallClock>();
    } else {
        clock_ = std::make_unique<SimClock>();
    }
    const double speed = cfg_.feeds.sim.enabled ? cfg_.feeds.sim.speed : cfg_.feeds.replay.speed;
    if (!wall_ && speed > 0) {
        // While an event waits for its time, posted work and the periodic
        // jobs run; a stop request ends the wait.
        paced_ = std::make_unique<PacedFeed>(feed_, speed, [this] {
            if (stop_.load(std::memory_order_relaxed)) {
                return false;
            }
            periodic(false);
            run_posted();
            return true;
        });
    }
    if (opts_.plugin_cache_dir.empty()) {
        opts_.plugin_cache_dir = cfg_.data_dir + "/plugin-cache";
    }
    {
        EngineSnapshot first;
        first.mode = cfg_.mode;
        first.feed = feed_.name();
        first.executor = executor_->name();
        board_.publish(std::move(first));
    }
    // Reports of an asynchronous executor reach the event path as posted
    // work: between two events, in the order they arrived.
    executor_->attach([this](ExecReport r) {
        post([this, r = std::move(r)]() mutable { on_exec_report(std::move(r)); });
    });
}

Engine::~Engine() {
    executor_->shutdown(); // no report may be posted after this
    if (opts_.tools != nullptr) {
        opts_.tools->stop(); // no callback may push into this inbox after it is gone
    }
    registry_.clear(); // instances go while their host is whole
}

void Engine::restore() {
    if (store_ == nullptr) {
        return;
    }
    if (auto ts = store_->load_trading_state()) {
        state_.store(static_cast<int32_t>(ts->state));
        executor_->trading_state_changed(static_cast<uint8_t>(ts->state));
        std::lock_guard<std::mutex> lk(state_mu_);
        state_reason_ = ts->reason;
        if (ts->state != TradingState::Active) {
            log::warn("engine", "trading state restored from the journal: not trading until resumed",
                      {{"trading_state", trading_state_name(ts->state)}, {"reason", ts->reason},
                       {"hint", "sniperctl resume --confirm"}});
        }
    }
    int64_t spent_on_open = 0;
    for (const Position& p : store_->load_open_positions()) {
        portfolio_.restore_position(p);
        spent_on_open += static_cast<int64_t>(p.cost_lamports);
    }
    int64_t realized = 0;
    for (const StrategyPnlRecord& r : store_->load_strategy_pnl()) {
        portfolio_.restore_stats(r.strategy, r);
        realized += r.realized_pnl_lamports;
    }
    // Paper balance = start + realized PnL - cost of what is still held.
    const int64_t bal = static_cast<int64_t>(cfg_.paper.starting_balance_lamports) + realized - spent_on_open;
    portfolio_.set_balance(bal > 0 ? static_cast<uint64_t>(bal) : 0);
    next_intent_id_ = store_->max_intent_id() + 1;
    if (auto peak = store_->max_equity()) {
        risk_inputs_.set_equity_peak(*peak); // the drawdown limits measure from the journal's peak
        breaker_.set_peak(*peak);
    }
    // Orders in flight when the process stopped: the executor settles each
    // (paper: expired, its simulated pool is gone; live: looked up on
    // chain) before anything else, so no order stays open forever and none
    // is applied later. A settlement is applied like any report: a fill
    // found on chain moves the position, the balance and the PnL.
    std::vector<InFlightOrderRecord> unsettled = store_->unsettled_orders();
    std::vector<UnsettledOrder> ask;
    ask.reserve(unsettled.size());
    for (const InFlightOrderRecord& f : unsettled) {
        ask.push_back(UnsettledOrder{f.order.intent_id, f.order.strategy, f.order.side, f.order.mint});
    }
    const std::vector<ExecReport> settled = executor_->reconcile(ask);
    restoring_ = true;
    std::vector<uint64_t> open_outcomes;
    for (const InFlightOrderRecord& f : unsettled) {
        auto r = std::find_if(settled.begin(), settled.end(),
                              [&](const ExecReport& x) { return x.intent_id == f.order.intent_id; });
        if (r == settled.end() || !r->final()) {
            open_outcomes.push_back(f.order.intent_id); // its outcome on chain is unknown
            continue;
        }
        log::warn("engine", "order in flight at the last stop settled at start-up",
                  {{"strategy", f.order.strategy}, {"intent_id", f.order.intent_id},
                   {"mint", to_base58(f.order.mint)}, {"status", order_status_name(r->status)},
                   {"reason", r->reason}});
        Order o;
        o.intent_id = f.order.intent_id;
        o.strategy_index = UINT32_MAX; // no strategy is told: none is loaded yet
        o.strategy = f.order.strategy;
        o.side = f.order.side;
        o.mint = f.order.mint;
        o.pool = f.pool;
        o.amount_in = f.amount_in;
        o.min_out = f.order.min_out;
        o.submit_ns = f.order.ts_ns;
        now_ns_ = wall_ns();
        orders_.add(o, 0, false);
        apply_report(*r);
    }
    // The run's clock starts when run() does: today's figures are read
    // again then (with what was just settled) on the run's own clock.
    now_ns_ = 0;
    risk_inputs_.forget_day();
    restoring_ = false;
    const bool live = std::string_view(executor_->name()) == "live";
    std::string halt_why;
    if (!open_outcomes.empty()) {
        halt_why = std::to_string(open_outcomes.size()) +
                   " order(s) in flight at the last stop could not be settled from the chain (first: intent " +
                   std::to_string(open_outcomes.front()) + "); check the wallet, then `sniperctl resume --confirm`";
    }
    if (auto chain = executor_->wallet_lamports()) {
        // Live: the wallet's balance on chain is the ledger's balance.
        portfolio_.set_balance(*chain);
    } else if (live) {
        halt_why = "the wallet's balance could not be read from the chain at start";
    }
    if (!halt_why.empty()) {
        std::string err;
        set_trading_state(TradingState::Halted, halt_why, "startup", &err);
        log::error("engine", "starting HALTED", {{"reason", halt_why}});
    }
    store_->flush();
    if (portfolio_.open_positions() > 0) {
        log::info("engine", "positions restored from the journal",
                  {{"open_positions", static_cast<uint64_t>(portfolio_.open_positions())}});
    }
    publish_snapshot();
}
// ------------------------------------------------------------- host calls

snp_status Engine::host_position(StrategyInstance& s, const Pubkey& mint, snp_position* out) {
    const Position* p = portfolio_.find(s.name(), mint);
    if (p == nullptr || p->amount_atoms == 0) {
        return SNP_ERR_NOT_FOUND;
    }
    out->mint = mint;
    out->amount_atoms = p->amount_atoms;
    out->cost_lamports = p->cost_lamports;
    out->realized_pnl_lamports = p->realized_pnl_lamports;
    out->opened_ns = p->opened_ns;
    const PoolState* pool = pools_.find(p->pool);
    out->last_quote_lamports =
        pool != nullptr ? amm::mark_value(p->amount_atoms, pool->base_reserve_atoms, pool->quote_reserve_lamports) : 0;
    return SNP_OK;
}

snp_status Engine::host_set_timer(StrategyInstance& s, int64_t delay_ns, uint64_t tag, uint64_t* out_id) {
    if (timers_.size() >= 100000) {
        return SNP_ERR_REJECTED;
    }
    const uint64_t id = next_timer_id_++;
    timers_.emplace(id, Timer{s.index(), tag});
    schedule(now_ns_ + std::max<int64_t>(delay_ns, 1), 2, id);
    *out_id = id;
    return SNP_OK;
}

// ------------------------------------------------------- state + snapshot

bool Engine::set_trading_state(TradingState s, const std::string& reason, const std::string& actor,
                               std::string* error) {
    if (s == TradingState::Active) {
        breaker_.reset(); // the breaker starts over from here
    }
    state_.store(static_cast<int32_t>(s), std::memory_order_release);
    executor_->trading_state_changed(static_cast<uint8_t>(s));
    {
        std::lock_guard<std::mutex> lk(state_mu_);
        state_reason_ = reason;
    }
    board_.set_state(s, reason);
    log::warn("engine", "trading state changed",
              {{"trading_state", trading_state_name(s)}, {"reason", reason}, {"actor", actor}});
    if (store_ == nullptr) {
        return true;
    }
    TradingStateRecord rec;
    rec.state = s;
    rec.reason = reason;
    rec.actor = actor;
    rec.ts_ns = wall_ns();
    AuditRecord audit;
    audit.ts_ns = rec.ts_ns;
    audit.actor = actor;
    audit.action = std::string("trading_state=") + trading_state_name(s);
    audit.detail = reason;
    store_->append(audit);
    if (!store_->write_trading_state_sync(rec)) {
        *error = "trading state changed but could not be persisted: " + store_->last_error();
        return false;
    }
    return true;
}
} // namespace sniper
