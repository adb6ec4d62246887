// engine/engine.cpp — construction, restore from the journal at start,
// the host API the strategies call (position, timers), and the trading
// state. The rest of the engine is in engine_*.cpp, one job per file.
#include "engine/engine.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "engine/restore.hpp"
#include "market/amm.hpp"
#include "store/store.hpp"
#include "tools/tool_runner.hpp"


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
    Restore restore({*store_, portfolio_, risk_inputs_, breaker_, orders_, *executor_},
                    cfg_.paper.starting_balance_lamports);
    Restore::Outcome out = restore.read();
    if (out.state) {
        state_.store(static_cast<int32_t>(out.state->state));
        executor_->trading_state_changed(static_cast<uint8_t>(out.state->state));
        {
            std::lock_guard<std::mutex> lk(state_mu_);
            state_reason_ = out.state->reason;
        }
        if (out.state->state != TradingState::Active) {
            log::warn("engine", "trading state restored from the journal: not trading until resumed",
                      {{"trading_state", trading_state_name(out.state->state)}, {"reason", out.state->reason},
                       {"hint", "sniperctl resume --confirm"}});
        }
    }
    next_intent_id_ = out.next_intent_id;
    // Settlements are applied on the wall clock, with no peak or breaker
    // yet (the balance and prices are not known).
    restoring_ = true;
    restore.settle(out, [this](const ExecReport& r) {
        now_ns_ = wall_ns();
        apply_report(r);
    });
    restoring_ = false;
    // The run's clock starts when run() does: today's figures are read
    // again then (with what was just settled) on the run's own clock.
    now_ns_ = 0;
    risk_inputs_.forget_day();
    if (!out.halt_why.empty()) {
        std::string err;
        set_trading_state(TradingState::Halted, out.halt_why, "startup", &err);
        log::error("engine", "starting HALTED", {{"reason", out.halt_why}});
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
    snapshots_.set_state(s, reason);
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
