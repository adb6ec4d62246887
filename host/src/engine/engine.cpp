#include "engine/engine.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "market/amm.hpp"
#include "feeds/event_json.hpp"
#include "risk/utc_day.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <filesystem>
#include <thread>

namespace sniper {

Engine::Engine(const Config& cfg, Feed& feed, Store* store, EngineOptions opts, std::unique_ptr<Executor> executor)
    : cfg_(cfg), feed_(feed), store_(store), opts_(std::move(opts)),
      protection_(cfg.protection), portfolio_(cfg.paper.starting_balance_lamports), risk_(cfg.risk),
      executor_(executor != nullptr ? std::move(executor)
                                    : std::make_unique<PaperExecutor>(cfg.paper, pools_, feed_, portfolio_)) {
    wall_ = feed_.pushes();
    if (wall_) {
        clock_ = std::make_unique<WallClock>();
    } else {
        clock_ = std::make_unique<SimClock>();
    }
    if (opts_.plugin_cache_dir.empty()) {
        opts_.plugin_cache_dir = cfg_.data_dir + "/plugin-cache";
    }
    if (!opts_.record_path.empty()) {
        record_ = std::fopen(opts_.record_path.c_str(), "wb");
        if (record_ == nullptr) {
            log::error("engine", "cannot open the record file; not recording",
                       {{"path", opts_.record_path}});
        }
    }
    snap_.mode = cfg_.mode;
    snap_.feed = feed_.name();
    risk_cfg_breaker_ = cfg_.risk.circuit_breaker;
    strategy_cfg_ = cfg_.strategies;
    runtime_ = cfg_.runtime;
}

Engine::~Engine() {
    flush_record(true);
    if (record_ != nullptr) {
        std::fclose(record_);
    }
    for (auto& s : strategies_) {
        if (s && s->hung()) {
            leak_hung_instance(std::move(s)); // its thread may still run in it
        }
    }
    strategies_.clear(); // destroy instances before their plugins unload
}

void Engine::restore() {
    if (store_ == nullptr) {
        return;
    }
    if (auto ts = store_->load_trading_state()) {
        state_.store(static_cast<int32_t>(ts->state));
        std::lock_guard<std::mutex> lk(state_mu_);
        state_reason_ = ts->reason;
        if (ts->state != TradingState::Active) {
            log::warn("engine", "trading state restored from the journal: not trading until resumed",
                      {{"trading_state", trading_state_name(ts->state)}, {"reason", ts->reason},
                       {"hint", "sniperctl resume --confirm"}});
        }
    }
    int64_t spent_on_open = 0;
    for (const PositionRecord& r : store_->load_open_positions()) {
        Position p;
        p.strategy = r.strategy;
        p.mint = r.mint;
        p.pool = r.pool;
        p.amount_atoms = r.amount_atoms;
        p.cost_lamports = r.cost_lamports;
        p.realized_pnl_lamports = r.realized_pnl_lamports;
        p.opened_ns = r.opened_ns;
        p.updated_ns = r.updated_ns;
        p.stop_loss_bps = r.stop_loss_bps;
        p.take_profit_bps = r.take_profit_bps;
        p.trailing_stop_bps = r.trailing_stop_bps;
        p.max_hold_ns = r.max_hold_ns;
        p.peak_value_lamports = r.peak_value_lamports;
        portfolio_.restore_position(p);
        spent_on_open += static_cast<int64_t>(r.cost_lamports);
    }
    int64_t realized = 0;
    for (const StrategyPnlRecord& r : store_->load_strategy_pnl()) {
        StrategyStats s;
        s.trades = r.trades;
        s.wins = r.wins;
        s.realized_pnl_lamports = r.realized_pnl_lamports;
        s.peak_pnl_lamports = r.peak_pnl_lamports;
        s.max_drawdown_lamports = r.max_drawdown_lamports;
        s.fees_lamports = r.fees_lamports;
        portfolio_.restore_stats(r.strategy, s);
        realized += r.realized_pnl_lamports;
    }
    // Paper balance = start + realized PnL - cost of what is still held.
    const int64_t bal = static_cast<int64_t>(cfg_.paper.starting_balance_lamports) + realized - spent_on_open;
    portfolio_.set_balance(bal > 0 ? static_cast<uint64_t>(bal) : 0);
    next_intent_id_ = store_->max_intent_id() + 1;
    if (auto peak = store_->max_equity()) {
        equity_peak_ = *peak; // the drawdown limits measure from the journal's peak
        breaker_peak_ = *peak;
    }
    // Orders in flight when the process stopped: the executor settles each
    // (paper: expired, its simulated pool is gone) before anything else,
    // so no order stays open forever and none is applied later.
    std::vector<OrderRecord> unsettled = store_->unsettled_orders();
    std::vector<UnsettledOrder> ask;
    ask.reserve(unsettled.size());
    for (const OrderRecord& o : unsettled) {
        ask.push_back(UnsettledOrder{o.intent_id, o.strategy, o.side, o.mint});
    }
    const std::vector<ExecReport> settled = executor_->reconcile(ask);
    for (OrderRecord o : unsettled) {
        auto r = std::find_if(settled.begin(), settled.end(),
                              [&](const ExecReport& x) { return x.intent_id == o.intent_id; });
        if (r == settled.end() || !r->final()) {
            continue; // the executor still tracks it (live): its report comes later
        }
        o.status = r->status;
        o.detail = r->reason;
        o.code = r->code;
        o.ts_ns = wall_ns();
        log::warn("engine", "order in flight at the last stop settled at start-up",
                  {{"strategy", o.strategy}, {"intent_id", o.intent_id}, {"mint", to_base58(o.mint)},
                   {"status", order_status_name(r->status)}, {"reason", r->reason}});
        store_->append(o);
    }
    store_->flush();
    if (portfolio_.open_positions() > 0) {
        log::info("engine", "positions restored from the journal",
                  {{"open_positions", static_cast<uint64_t>(portfolio_.open_positions())}});
    }
    publish_snapshot();
}

bool Engine::add_strategy(std::shared_ptr<StrategyCode> plugin, const std::string& name,
                          const std::string& params_json) {
    for (const auto& s : strategies_) {
        if (s->name() == name) {
            load_errors_.push_back(plugin->source_path() + ": a strategy named \"" + name +
                                   "\" is already loaded from " + s->plugin().source_path());
            refused_.push_back({plugin->source_path(), load_errors_.back()});
            log::error("strategy", "duplicate strategy name; plugin refused",
                       {{"strategy", name}, {"file", plugin->source_path()}});
            return false;
        }
    }
    PreparedInstance p = prepare_instance(std::move(plugin), name, params_json);
    return add_prepared(p);
}

Engine::PreparedInstance Engine::prepare_instance(std::shared_ptr<StrategyCode> code, const std::string& name,
                                                  const std::string& params_json) {
    PreparedInstance p;
    p.name = name;
    p.code = code;
    p.params = params_json;
    RuntimeLimits limits;
    {
        std::lock_guard<std::mutex> lk(reg_mu_);
        limits = runtime_.limits_for(name);
    }
    code->set_limits(limits);
    p.inst = std::make_unique<StrategyInstance>(std::move(code), name, this, limits);
    p.inst->set_load_time_ns(wall_ns());
    CreateOutcome out = create_watched(p.inst, params_json, lane_);
    if (!out.ok) {
        p.error = out.error;
    }
    return p;
}

bool Engine::add_prepared(PreparedInstance& p) {
    const std::string& file = p.code->source_path();
    if (!p.inst) { // hung in create: leaked; show a placeholder row
        refused_.push_back({file, p.error});
        load_errors_.push_back(file + ": " + p.error);
        log::error("strategy", "strategy failed to start; the host runs on",
                   {{"strategy", p.name}, {"file", file}, {"error", p.error}});
        return false;
    }
    p.inst->set_index(static_cast<uint32_t>(strategies_.size()));
    const bool ok = p.error.empty();
    if (!ok) {
        load_errors_.push_back(file + ": " + p.inst->last_error());
        log::error("strategy", "strategy failed to start; disabled, the host runs on",
                   {{"strategy", p.name}, {"file", file}, {"error", p.inst->last_error()}});
    } else {
        log::info("strategy", "strategy loaded",
                  {{"strategy", p.name}, {"kind", p.code->kind()}, {"version", p.code->version()},
                   {"file", file}, {"hash", p.code->content_hash()}});
    }
    std::lock_guard<std::mutex> lk(reg_mu_);
    strategies_.push_back(std::move(p.inst)); // kept (failed) so status shows it
    return ok;
}

void Engine::dispose(std::unique_ptr<StrategyInstance> inst) {
    if (!inst) {
        return;
    }
    if (inst->hung()) {
        leak_hung_instance(std::move(inst));
    } else {
        retired_.push_back(std::move(inst)); // destroyed off the event path
    }
}

size_t Engine::load_strategies() {
    size_t loaded = 0;
    std::set<std::string> found;
    for (const std::string& path : discover_strategy_files(cfg_.plugins_dir)) {
        std::string err;
        auto plugin = load_strategy_code(path, opts_.plugin_cache_dir, &err);
        if (!plugin) {
            load_errors_.push_back(err);
            refused_.push_back({path, err});
            log::error("strategy", "plugin refused; the host runs on", {{"file", path}, {"error", err}});
            continue;
        }
        const std::string name = plugin->name();
        found.insert(name);
        bool enabled = true;
        const std::string params = params_for(name, &enabled);
        if (!enabled) {
            log::info("strategy", "strategy disabled in the config; not started",
                      {{"strategy", name}, {"file", path}});
            continue;
        }
        if (strategy_cfg_.count(name) == 0) {
            log::info("strategy", "plugin has no [strategies] section; starting with defaults",
                      {{"strategy", name}, {"file", path}});
        }
        if (add_strategy(std::move(plugin), name, params)) {
            ++loaded;
        }
    }
    for (const auto& [name, sc] : cfg_.strategies) {
        if (sc.enabled && found.count(name) == 0) {
            log::warn("strategy", "configured strategy has no plugin in the plugins directory",
                      {{"strategy", name}, {"plugins_dir", cfg_.plugins_dir}});
        }
    }
    publish_snapshot();
    return loaded;
}

std::string Engine::params_for(const std::string& name, bool* enabled) const {
    std::lock_guard<std::mutex> lk(reg_mu_);
    auto it = strategy_cfg_.find(name);
    if (it == strategy_cfg_.end()) {
        *enabled = true;
        return "{}";
    }
    *enabled = it->second.enabled;
    return it->second.params_json;
}

// ------------------------------------------------------------ hot reload

void Engine::post(std::function<void()> fn) {
    {
        std::lock_guard<std::mutex> lk(post_mu_);
        if (!finished_) {
            // Before run() starts the work waits for it; during run() it is
            // picked up between two events (or at once, waking the wall
            // clock's wait).
            InboxMessage m;
            m.kind = InboxMessage::Kind::Work;
            m.work = std::move(fn);
            inbox_.push(std::move(m));
            return;
        }
    }
    // run() has returned: no event path left to race with. Run it here,
    // one poster at a time (a posted task may post again).
    std::lock_guard<std::recursive_mutex> lk(inline_mu_);
    fn();
}

void Engine::push_market_event(const EventBuf& ev) {
    InboxMessage m;
    m.kind = InboxMessage::Kind::Market;
    m.ev = ev;
    inbox_.push(std::move(m));
}

void Engine::source_ended() { inbox_.wake(); }

void Engine::run_posted() {
    if (inbox_.empty()) {
        return;
    }
    // One at a time, taken off the queue before it runs: if a strategy
    // call inside one hangs, the thread that takes over runs the rest.
    // Only what was queued when this began: a task that posts a follow-up
    // (a reload's second step) gets it run after the next event. With a
    // pull feed the inbox holds only work; a market event still queued
    // here (a push feed at the end of the run) is dropped and counted.
    for (size_t budget = inbox_.size(); budget > 0; --budget) {
        InboxMessage m;
        if (!inbox_.try_pop(m)) {
            break;
        }
        if (m.kind == InboxMessage::Kind::Work) {
            m.work();
        } else {
            ++dropped_at_stop_;
        }
    }
}

bool Engine::swap_instance(size_t idx, std::unique_ptr<StrategyInstance>& inst, std::string* error) {
    StrategyInstance& old = *strategies_[idx];
    std::vector<uint8_t> state;
    if (old.running() && !old.save_state(state, error)) {
        *error = "old version: " + *error;
        return false;
    }
    if (!inst->load_state(state, old.plugin().state_version(), error)) {
        *error = "new version: " + *error;
        return false; // the old one keeps running
    }
    inst->set_index(static_cast<uint32_t>(idx));
    inst->adopt_counters(old);
    if (!old.running()) {
        inst->set_state(old.state() == StrategyState::Disabled ? StrategyState::Disabled
                                                               : StrategyState::Running);
    }
    std::unique_ptr<StrategyInstance> gone;
    {
        std::lock_guard<std::mutex> lk(reg_mu_);
        gone = std::move(strategies_[idx]);
        strategies_[idx] = std::move(inst);
    }
    dispose(std::move(gone));
    return true;
}

void Engine::prepare_instances(ReloadPlan& plan) {
    if (plan.config_invalid) {
        return;
    }
    struct Running {
        std::string name, file, params;
        std::shared_ptr<StrategyCode> code;
    };
    std::vector<Running> running;
    std::map<std::string, StrategyConfig> scfg;
    {
        std::lock_guard<std::mutex> lk(reg_mu_);
        if (plan.config) {
            runtime_ = plan.config->runtime; // limits for what is created from now on
            strategy_cfg_ = plan.config->strategies;
        }
        scfg = strategy_cfg_;
        for (const auto& s : strategies_) {
            running.push_back({s->name(), s->plugin().source_path(), s->params_json(), s->plugin_ptr()});
        }
    }
    auto params_of = [&](const std::string& name, bool* enabled) {
        auto it = scfg.find(name);
        *enabled = it == scfg.end() || it->second.enabled;
        return it == scfg.end() ? std::string("{}") : it->second.params_json;
    };
    std::set<std::string> touched;
    for (auto& code : plan.plugins) {
        const std::string name = code->name();
        touched.insert(name);
        bool enabled = true;
        const std::string params = params_of(name, &enabled);
        const auto it = std::find_if(running.begin(), running.end(), [&](const Running& r) { return r.name == name; });
        if ((it == running.end() && !enabled) || (it != running.end() && it->file != code->source_path())) {
            PreparedInstance p; // decided on the event path (disabled / duplicate)
            p.name = name;
            p.code = code;
            p.params = params;
            p.enabled = enabled;
            plan.prepared.push_back(std::move(p));
            continue;
        }
        PreparedInstance p = prepare_instance(code, name, params);
        p.enabled = enabled;
        plan.prepared.push_back(std::move(p));
    }
    // Unchanged files whose [strategies] table has new params.
    for (const Running& r : running) {
        bool enabled = true;
        const std::string params = params_of(r.name, &enabled);
        if (touched.count(r.name) != 0 || !enabled || params == r.params) {
            continue;
        }
        PreparedInstance p = prepare_instance(r.code, r.name, params);
        p.params_only = true;
        plan.prepared.push_back(std::move(p));
    }
}

ReloadReport Engine::apply_reload(ReloadPlan& plan) {
    ReloadReport rep = apply_reload_swaps(plan);
    apply_reload_bookkeeping(plan, rep);
    return rep;
}

// Step 1, between two events: only what must happen at one instant — carry
// each old instance's state into its new one and swap, or add a new one.
// No logging, no report text; outcomes are recorded on the plan.
ReloadReport Engine::apply_reload_swaps(ReloadPlan& plan) {
    ReloadReport rep;
    const uint64_t t0 = cpu_ticks();
    if (plan.config_invalid) {
        rep.ok = false;
        rep.errors = plan.errors;
        return rep;
    }
    for (PreparedInstance& p : plan.prepared) {
        size_t idx = 0;
        while (idx < strategies_.size() && strategies_[idx]->name() != p.name) {
            ++idx;
        }
        if (idx == strategies_.size()) {
            if (!p.enabled) {
                p.outcome = PreparedInstance::Outcome::NotStarted;
            } else if (!p.inst || !p.error.empty()) {
                p.outcome = PreparedInstance::Outcome::Failed;
                if (p.inst) {
                    p.inst->set_index(static_cast<uint32_t>(strategies_.size()));
                    std::lock_guard<std::mutex> lk(reg_mu_);
                    strategies_.push_back(std::move(p.inst)); // kept (failed) so status shows it
                }
            } else {
                p.outcome = PreparedInstance::Outcome::Added;
                p.inst->set_index(static_cast<uint32_t>(strategies_.size()));
                std::lock_guard<std::mutex> lk(reg_mu_);
                strategies_.push_back(std::move(p.inst));
            }
            continue;
        }
        if (strategies_[idx]->plugin().source_path() != p.code->source_path()) {
            p.outcome = PreparedInstance::Outcome::Duplicate;
            continue;
        }
        if (p.inst && p.error.empty() && swap_instance(idx, p.inst, &p.error)) {
            p.outcome = PreparedInstance::Outcome::Swapped;
            if (!p.enabled) {
                strategies_[idx]->set_state(StrategyState::Disabled);
            }
        } else {
            p.outcome = PreparedInstance::Outcome::Failed;
        }
    }
    rep.apply_ns = ticks_to_ns(cpu_ticks() - t0);
    return rep;
}

// Step 2, between two (later) events: config, removed files, refusals,
// rows' errors, log lines, and the report.
void Engine::apply_reload_bookkeeping(ReloadPlan& plan, ReloadReport& rep) {
    const uint64_t t0 = cpu_ticks();
    if (plan.config_invalid) {
        return;
    }
    if (plan.config) {
        const Config& nc = *plan.config;
        if (nc.plugins_dir != cfg_.plugins_dir || nc.data_dir != cfg_.data_dir || nc.mode != cfg_.mode) {
            rep.errors.push_back("mode, data_dir and plugins_dir take effect on restart only");
        }
        risk_.set_limits(nc.risk);
        risk_cfg_breaker_ = nc.risk.circuit_breaker;
        protection_ = nc.protection; // defaults for buys that land from now on
    }
    auto row_of = [&](const std::string& name) -> StrategyInstance* {
        for (auto& sp : strategies_) {
            if (sp->name() == name) {
                return sp.get();
            }
        }
        return nullptr;
    };
    std::set<std::string> touched;
    for (PreparedInstance& p : plan.prepared) {
        const std::string& file = p.code->source_path();
        touched.insert(p.name);
        if (!p.params_only && p.outcome != PreparedInstance::Outcome::Duplicate) {
            // A refused earlier version of this file is superseded.
            std::erase_if(refused_, [&](const auto& r) { return r.first == file; });
        }
        switch (p.outcome) {
        case PreparedInstance::Outcome::NotStarted:
            rep.unchanged.push_back(p.name + " (disabled in config)");
            break;
        case PreparedInstance::Outcome::Added:
            log::info("strategy", "strategy loaded",
                      {{"strategy", p.name}, {"kind", p.code->kind()}, {"version", p.code->version()},
                       {"file", file}, {"hash", p.code->content_hash()}});
            rep.loaded.push_back(p.name);
            break;
        case PreparedInstance::Outcome::Duplicate: {
            StrategyInstance* cur = row_of(p.name);
            rep.refused.push_back(file + ": strategy \"" + p.name + "\" is already loaded from " +
                                  (cur != nullptr ? cur->plugin().source_path() : std::string("another file")));
            refused_.push_back({file, rep.refused.back()});
            dispose(std::move(p.inst));
            break;
        }
        case PreparedInstance::Outcome::Swapped:
            rep.reloaded.push_back(p.params_only ? p.name + " (new params)" : p.name + " " + p.code->version());
            break;
        case PreparedInstance::Outcome::Failed:
        case PreparedInstance::Outcome::Pending: {
            StrategyInstance* cur = row_of(p.name);
            const bool is_new = cur == nullptr || cur->plugin_ptr() == p.code;
            if (is_new) { // a new strategy that did not start: shown failed (or refused, if hung)
                if (cur == nullptr) {
                    refused_.push_back({file, p.error});
                }
                load_errors_.push_back(file + ": " + p.error);
                log::error("strategy", "strategy failed to start; the host runs on",
                           {{"strategy", p.name}, {"file", file}, {"error", p.error}});
            } else {
                cur->set_last_error((p.params_only ? "new params refused, old ones kept: "
                                                   : "reload failed, old version kept: ") +
                                    p.error);
            }
            dispose(std::move(p.inst));
            rep.refused.push_back(p.name + ": " + p.error);
            break;
        }
        }
    }
    for (const std::string& file : plan.removed) {
        for (auto& s : strategies_) {
            if (s->plugin().source_path() == file && s->state() != StrategyState::Removed) {
                s->set_state(StrategyState::Removed);
                s->set_last_error("plugin file removed; its positions stay under host protection");
                rep.removed.push_back(s->name());
            }
        }
        std::erase_if(refused_, [&](const auto& r) { return r.first == file; });
    }
    // Unchanged files: the config may have disabled them.
    for (auto& sp : strategies_) {
        StrategyInstance& s = *sp;
        if (touched.count(s.name()) != 0 || s.state() == StrategyState::Failed ||
            s.state() == StrategyState::Removed) {
            continue;
        }
        bool enabled = true;
        params_for(s.name(), &enabled);
        if (!enabled && s.running()) {
            s.set_state(StrategyState::Disabled);
            rep.reloaded.push_back(s.name() + " (disabled by config)");
        } else {
            rep.unchanged.push_back(s.name());
        }
    }
    for (auto& [file, why] : plan.refused) {
        std::erase_if(refused_, [&](const auto& r) { return r.first == file; });
        refused_.push_back({file, why});
        // A running older version of this file keeps running; say why the
        // new one is not.
        for (auto& s : strategies_) {
            if (s->plugin().source_path() == file) {
                s->set_last_error("new file refused, old version kept: " + why);
            }
        }
        rep.refused.push_back(why);
    }
    for (auto& old : retired_) {
        plan.retired.push_back(std::move(old));
    }
    retired_.clear();
    publish_snapshot(); // the next reload must see the new hashes
    rep.bookkeeping_ns = ticks_to_ns(cpu_ticks() - t0);
}

size_t Engine::flatten_all(const std::string& reason) {
    // Exits go through the risk gate like any intent (REDUCING lets them
    // pass); they are the host's, so strategies see order updates for
    // intents they never submitted (client_tag 0).
    flatten_reason_ = reason;
    flattening_ = true;
    std::vector<std::pair<std::string, Position>> todo;
    for (const auto& [key, p] : portfolio_.positions()) {
        todo.emplace_back(key.first, p);
    }
    size_t sent = 0;
    for (const auto& [strategy, pos] : todo) {
        sent += send_flatten_exit(strategy, pos.mint, pos.pool, 1) ? 1 : 0;
    }
    finish_flatten_if_done();
    log::warn("engine", "flattening every position, then HALTED",
              {{"orders", static_cast<uint64_t>(sent)}, {"reason", reason}});
    drain_deliveries();
    return sent;
}

void Engine::finish_flatten_if_done() {
    if (!flattening_ || !flatten_orders_.empty()) {
        return;
    }
    bool buy_in_flight = false;
    orders_.each([&](const Order& o) { buy_in_flight = buy_in_flight || o.side == SNP_SIDE_BUY; });
    if (buy_in_flight) {
        return; // a buy sent before the flatten: exit it when it lands
    }
    flattening_ = false;
    publish_snapshot(); // whoever sees HALTED must also see the positions gone
    std::string err;
    set_trading_state(TradingState::Halted, flatten_reason_ + " (flattened)", "sniperctl", &err);
}

uint64_t Engine::send_host_exit(const std::string& strategy, const Pubkey& mint, const Pubkey& pool,
                                std::string reason) {
    // The host's own SELL_ALL: through the risk gate like any intent.
    PendingIntent p;
    p.intent.struct_size = sizeof(snp_intent);
    p.intent.side = SNP_SIDE_SELL;
    p.intent.mint = mint;
    p.intent.pool = pool;
    p.intent.flags = SNP_INTENT_SELL_ALL;
    p.intent.max_slippage_bps = 10000;
    p.reason = std::move(reason);
    p.intent_id = next_intent_id_++;
    const size_t before = orders_.size();
    decide_intent(strategy, strategy_index_of(strategy), p);
    return orders_.size() == before ? 0 : p.intent_id; // 0: refused, nothing in flight
}

bool Engine::send_flatten_exit(const std::string& strategy, const Pubkey& mint, const Pubkey& pool,
                               uint32_t attempt) {
    const uint64_t id = send_host_exit(strategy, mint, pool, "flatten: " + flatten_reason_);
    if (id == 0) {
        return false; // refused (e.g. HALTED meanwhile)
    }
    flatten_orders_[id] = FlattenExit{strategy, mint, pool, attempt};
    return true;
}

// ------------------------------------------------------ position protection

uint32_t Engine::strategy_index_of(const std::string& strategy) const {
    for (const auto& s : strategies_) {
        if (s->name() == strategy) {
            return s->index();
        }
    }
    return UINT32_MAX;
}

void Engine::set_protection(const Order& o) {
    Position* pos = portfolio_.find_mut(o.strategy, o.mint);
    if (pos == nullptr) {
        return;
    }
    // Intent value > 0: that value; 0: the [protection] default; < 0: none.
    const auto pick = [](int32_t v, const std::optional<uint32_t>& def) -> uint32_t {
        return v > 0 ? static_cast<uint32_t>(v) : v < 0 ? 0u : def.value_or(0u);
    };
    pos->stop_loss_bps = pick(o.stop_loss_bps, protection_.stop_loss_bps);
    pos->take_profit_bps = pick(o.take_profit_bps, protection_.take_profit_bps);
    pos->trailing_stop_bps = pick(o.trailing_stop_bps, protection_.trailing_stop_bps);
    pos->max_hold_ns = o.max_hold_ns > 0 ? o.max_hold_ns
                       : o.max_hold_ns < 0 ? 0
                                           : protection_.max_hold_ns.value_or(0);
    if (const PoolState* pool = pools_.find(pos->pool)) {
        pos->peak_value_lamports = std::max<uint64_t>(
            pos->peak_value_lamports,
            amm::mark_value(pos->amount_atoms, pool->base_reserve_atoms, pool->quote_reserve_lamports));
    }
    protect_state_.erase({o.strategy, o.mint}); // new limits: a fresh start
}

void Engine::check_protection_pool(const Pubkey& pool) {
    std::vector<std::pair<std::string, Pubkey>> keys;
    for (const auto& [key, p] : portfolio_.positions()) {
        if (p.pool == pool && p.protected_any()) {
            keys.push_back(key);
        }
    }
    for (const auto& [strategy, mint] : keys) {
        check_protection(strategy, mint);
    }
}

void Engine::check_protection_all() {
    std::vector<std::pair<std::string, Pubkey>> keys;
    for (const auto& [key, p] : portfolio_.positions()) {
        if (p.protected_any()) {
            keys.push_back(key);
        }
    }
    for (const auto& [strategy, mint] : keys) {
        check_protection(strategy, mint);
    }
}

void Engine::check_protection(const std::string& strategy, const Pubkey& mint) {
    if (flattening_) {
        return; // kill --flatten is exiting everything already
    }
    Position* p = portfolio_.find_mut(strategy, mint);
    if (p == nullptr || p->amount_atoms == 0 || !p->protected_any()) {
        return;
    }
    uint64_t value = 0;
    const PoolState* pool = pools_.find(p->pool);
    if (pool != nullptr) {
        value = amm::mark_value(p->amount_atoms, pool->base_reserve_atoms, pool->quote_reserve_lamports);
        p->peak_value_lamports = std::max(p->peak_value_lamports, value);
    }
    for (const auto& [id, x] : protect_orders_) {
        if (x.strategy == strategy && x.mint == mint) {
            return; // one exit in flight per position
        }
    }
    const auto key = std::make_pair(strategy, mint);
    auto st = protect_state_.find(key);
    if (st != protect_state_.end() && now_ns_ < st->second.retry_at_ns &&
        (st->second.failed || st->second.refused_state == host_trading_state())) {
        return; // backing off: no resend on every event
    }
    using u128 = unsigned __int128;
    const auto scaled = [](uint64_t base, uint64_t num) {
        const u128 v = static_cast<u128>(base) * num / 10000u;
        return v > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(v);
    };
    const char* rule = nullptr;
    if (pool != nullptr) {
        if (p->stop_loss_bps != 0 &&
            value <= scaled(p->cost_lamports, 10000u - std::min<uint32_t>(p->stop_loss_bps, 10000u))) {
            rule = "stop_loss";
        } else if (p->trailing_stop_bps != 0 && p->peak_value_lamports > 0 &&
                   value <= scaled(p->peak_value_lamports,
                                   10000u - std::min<uint32_t>(p->trailing_stop_bps, 10000u))) {
            rule = "trailing_stop";
        } else if (p->take_profit_bps != 0 &&
                   value >= scaled(p->cost_lamports, 10000ull + p->take_profit_bps)) {
            rule = "take_profit";
        }
    }
    if (rule == nullptr && p->max_hold_ns != 0 && now_ns_ - p->opened_ns >= p->max_hold_ns) {
        rule = "max_hold";
    }
    if (rule == nullptr) {
        return;
    }
    ProtectState& ps = protect_state_[key];
    if (!ps.logged) {
        ps.logged = true;
        ++protection_exits_[rule];
        log::warn("protection", "position protection triggered: exiting",
                  {{"strategy", strategy}, {"mint", to_base58(mint)}, {"rule", rule},
                   {"value_lamports", value}, {"cost_lamports", p->cost_lamports},
                   {"peak_lamports", p->peak_value_lamports},
                   {"held_ns", static_cast<uint64_t>(std::max<int64_t>(0, now_ns_ - p->opened_ns))}});
    }
    // After every attempt failed: one attempt per retry period.
    send_protection_exit(strategy, mint, p->pool, rule, ps.failed ? 3 : 1);
}

bool Engine::send_protection_exit(const std::string& strategy, const Pubkey& mint, const Pubkey& pool,
                                  const std::string& rule, uint32_t attempt) {
    constexpr int64_t kBackoffNs = 60 * kNsPerSec;
    const uint64_t id = send_host_exit(strategy, mint, pool, "protection: " + rule);
    if (id == 0) {
        // Refused (HALTED, an order of the strategy in flight, ...): wait
        // for the state to change or the back-off to pass.
        ProtectState& ps = protect_state_[{strategy, mint}];
        ps.retry_at_ns = now_ns_ + kBackoffNs;
        ps.refused_state = host_trading_state();
        return false;
    }
    protect_orders_[id] = ProtectExit{strategy, mint, pool, rule, attempt};
    return true;
}

bool Engine::strategy_state(const std::string& name, std::vector<uint8_t>& out) {
    for (auto& s : strategies_) {
        if (s->name() == name && !s->hung()) {
            std::string err;
            return s->save_state(out, &err);
        }
    }
    return false;
}

bool Engine::set_enabled(const std::string& name, bool enabled, std::string* error) {
    for (auto& s : strategies_) {
        if (s->name() != name) {
            continue;
        }
        if (s->state() == StrategyState::Removed) {
            *error = "strategy \"" + name + "\" was removed; put its file back and reload";
            return false;
        }
        if (s->hung()) {
            *error = "strategy \"" + name + "\" hung in a callback and cannot be called again; "
                     "fix it and reload its file (or restart)";
            return false;
        }
        if (enabled) {
            s->reset_faults();
            s->set_state(StrategyState::Running);
        } else {
            s->set_state(StrategyState::Disabled);
        }
        log::warn("strategy", enabled ? "strategy enabled" : "strategy disabled", {{"strategy", name}});
        publish_snapshot();
        return true;
    }
    *error = "no strategy named \"" + name + "\"";
    return false;
}

// ---------------------------------------------------------------- the loop

// The loop runs on a lane thread; the caller of run() is its watchdog. A
// strategy callback still running after its hang timeout is abandoned on
// that thread, and a new lane thread resumes the loop from the step it was
// in (loop state lives in members, never on the stack): the rest of the
// host — protection, other strategies, landings, reloads — goes on.
void Engine::run() {
    running_.store(true, std::memory_order_release);
    wall_start_ns_ = mono_ns();
    next_periodic_ns_ = wall_start_ns_;
    next_status_ns_ = wall_start_ns_ + opts_.status_interval_ns;
    step_ = Step::Fetch;
    {
        std::lock_guard<std::mutex> lk(loop_mu_);
        loop_done_ = false;
    }
    if (wall_) {
        feed_.start(*this); // sources push from their own threads from here on
    }
    start_lane_thread();
    std::unique_lock<std::mutex> lk(loop_mu_);
    const double tpn = ticks_per_ns();
    while (!loop_cv_.wait_for(lk, std::chrono::milliseconds(5), [&] { return loop_done_; })) {
        lane_->sample_budget(cpu_ticks(), runq_wait_ns(lane_tid_.load(std::memory_order_relaxed)), tpn,
                             5'000'000);
        if (StrategyInstance* hung = lane_->try_abandon(cpu_ticks())) {
            lk.unlock();
            take_over(hung); // no engine code runs anywhere until the new thread starts
            lk.lock();
        }
    }
    lk.unlock();
    lane_thread_.join();
    if (wall_) {
        feed_.stop();
        if (dropped_at_stop_ > 0) {
            log::info("engine", "market events still queued at the end of the run were not processed",
                      {{"events", dropped_at_stop_}});
        }
    }
}

// Total time thread `tid` of this process has waited on a run queue (ns);
// 0 when the kernel does not say.
int64_t Engine::runq_wait_ns(int tid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", tid);
    std::FILE* f = std::fopen(path, "r");
    if (f == nullptr) {
        return 0;
    }
    unsigned long long run = 0, wait = 0;
    const int n = std::fscanf(f, "%llu %llu", &run, &wait);
    std::fclose(f);
    return n == 2 ? static_cast<int64_t>(wait) : 0;
}

void Engine::start_lane_thread() {
    lane_thread_ = std::thread([this] {
        lane_tid_.store(current_thread_id(), std::memory_order_relaxed);
        loop();
        std::lock_guard<std::mutex> lk(loop_mu_);
        loop_done_ = true;
        loop_cv_.notify_all();
    });
}

void Engine::take_over(StrategyInstance* hung) {
    lane_thread_.detach(); // stuck in strategy code; parks if the call ever returns
    demote_thread(lane_tid_.load(std::memory_order_relaxed));
    ++hung_callbacks_;
    hung->mark_hung("a callback did not return within " +
                    std::to_string(hung->limits().hang_timeout_ns / 1'000'000) +
                    " ms (hang_timeout); it was abandoned on its thread and the strategy failed. "
                    "Fix the strategy and reload its file, or restart to reclaim the thread");
    publish_snapshot();
    start_lane_thread();
}

void Engine::loop() {
    for (;;) {
        switch (step_) {
        case Step::Fetch:
            if (wall_) {
                step_ = fetch_wall() ? Step::Due : Step::Finish;
                break;
            }
            if (stop_.load(std::memory_order_relaxed) || !feed_.next(cur_ev_)) {
                step_ = Step::Finish;
                break;
            }
            if ((++tick_ & 63u) == 0) {
                periodic(false);
            }
            step_ = Step::Due;
            run_posted(); // between two events: nothing is half-delivered
            break;
        case Step::Due:
            if (first_source_ns_ < 0) {
                first_source_ns_ = cur_ev_.h.source_ns;
            }
            drain_deliveries(); // resuming: what a stuck call left queued
            if (wall_) {
                sync_clock(0);
                process_due(now_ns_, true);
            } else {
                process_due(cur_ev_.h.source_ns, true);
                sync_clock(cur_ev_.h.source_ns);
            }
            if (!wall_ && (cfg_.feeds.sim.enabled ? cfg_.feeds.sim.speed > 0 : cfg_.feeds.replay.speed > 0)) {
                pace(cur_ev_.h.source_ns);
            }
            if (record_ != nullptr) {
                encode_event_json(cur_ev_,
                                  cur_ev_.h.type == SNP_EVENT_NEW_POOL && feed_.sell_blocked(cur_ev_.new_pool.base_mint),
                                  record_buf_);
                flush_record(false);
            }
            step_ = Step::Dispatch;
            break;
        case Step::Dispatch:
            apply_feed_event(cur_ev_);
            dispatch_next_ = 0;
            step_ = Step::Strategies;
            break;
        case Step::Strategies:
            while (dispatch_next_ < strategies_.size()) {
                StrategyInstance& s = *strategies_[dispatch_next_++];
                if (s.running() && s.wants(cur_ev_.h.type) && s.on_event(cur_ev_.h) && !s.pending().empty()) {
                    commit_intents(s);
                }
            }
            if (opts_.measure_latency) {
                latency_.record(mono_ns() - lat_t0_);
            }
            step_ = Step::Drain;
            break;
        case Step::Drain:
            drain_deliveries();
            step_ = Step::Fetch;
            break;
        case Step::Finish:
            // Let orders already sent land, so the journal ends settled;
            // timers past the end are not fired.
            drain_deliveries();
            process_due(INT64_MAX, false);
            finish();
            step_ = Step::Done;
            return;
        case Step::Done:
            return;
        }
    }
}

void Engine::finish() {
    running_.store(false, std::memory_order_release);
    {
        std::lock_guard<std::mutex> lk(post_mu_);
        finished_ = true; // later posts run inline on their caller
    }
    run_posted(); // what was posted before that
    if (first_source_ns_ >= 0) {
        sample_equity(); // the curve ends where the run did
    }
    periodic(true);
    if (opts_.print_status) {
        print_status_line();
    }
    if (store_ != nullptr) {
        store_->flush();
    }
    publish_snapshot();
}

void Engine::pace(int64_t source_ns) {
    const double speed = cfg_.feeds.sim.enabled ? cfg_.feeds.sim.speed : cfg_.feeds.replay.speed;
    const auto target = wall_start_ns_ + static_cast<int64_t>(
                                             static_cast<double>(source_ns - first_source_ns_) / speed);
    for (;;) {
        const int64_t now = mono_ns();
        if (now >= target || stop_.load(std::memory_order_relaxed)) {
            return;
        }
        periodic(false);
        run_posted();
        std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<int64_t>(target - now, 50'000'000)));
    }
}

void Engine::periodic(bool force) {
    const int64_t now = mono_ns();
    if (opts_.wall_limit_ns > 0 && now - wall_start_ns_ >= opts_.wall_limit_ns) {
        stop_.store(true, std::memory_order_relaxed);
    }
    if (!force && now < next_periodic_ns_) {
        return;
    }
    next_periodic_ns_ = now + 100'000'000;
    if (store_ != nullptr && !store_->healthy() && trading_state() != TradingState::Halted) {
        std::string err;
        set_trading_state(TradingState::Halted, "journal write failed: " + store_->last_error(),
                          "engine", &err);
        log::error("engine", "journal write failed: trading HALTED", {{"error", store_->last_error()}});
    }
    publish_snapshot();
    if (opts_.print_status && now >= next_status_ns_) {
        next_status_ns_ = now + opts_.status_interval_ns;
        print_status_line();
    }
}

void Engine::apply_feed_event(EventBuf& ev) {
    lat_t0_ = opts_.measure_latency ? mono_ns() : 0;
    ev.h.seq = ++seq_;
    ev.h.recv_ns = now_ns_;
    ++events_;
    switch (ev.h.type) {
    case SNP_EVENT_NEW_POOL:
        pools_.on_new_pool(ev.new_pool);
        break;
    case SNP_EVENT_POOL_UPDATE:
        pools_.on_pool_update(ev.pool_update);
        // Protection runs before strategies see the price, whatever state
        // the owning strategy is in.
        check_protection_pool(ev.pool_update.pool);
        break;
    default:
        break;
    }
    clock_tick();
}

void Engine::clock_tick() {
    if (now_ns_ >= next_protect_scan_ns_) {
        // Once per second of host time: max hold (a pool that stopped
        // updating still times out) and retries after a back-off; the
        // circuit breaker on marked equity; an equity sample a minute.
        next_protect_scan_ns_ = now_ns_ + kNsPerSec;
        check_protection_all();
        check_breaker();
        if (now_ns_ >= next_equity_sample_ns_) {
            next_equity_sample_ns_ = now_ns_ + 60 * kNsPerSec;
            sample_equity();
        }
    }
}

void Engine::sync_clock(int64_t t_ns) {
    clock_->advance_to(t_ns);
    const int64_t now = clock_->now_ns();
    if (now > now_ns_) {
        now_ns_ = now;
    }
}

bool Engine::fetch_wall() {
    for (;;) {
        if (stop_.load(std::memory_order_relaxed)) {
            return false;
        }
        sync_clock(0);
        drain_deliveries(); // resuming: what a stuck call left queued
        process_due(now_ns_, true);
        clock_tick();
        periodic(false);
        if (feed_.ended() && inbox_.empty()) {
            return false;
        }
        // Sleep until the next thing the clock owes someone, at most 50 ms
        // (a stop request is an atomic flag: noticed within that).
        int64_t next = std::min(now_ns_ + 50'000'000, next_protect_scan_ns_);
        if (!timeline_.empty()) {
            next = std::min(next, timeline_.top().t_ns);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(std::max<int64_t>(0, next - now_ns_));
        InboxMessage m;
        if (!inbox_.pop_wait_until(m, deadline)) {
            continue;
        }
        if (m.kind == InboxMessage::Kind::Work) {
            m.work(); // taken off the queue first: a hang inside resumes here without it
            continue;
        }
        if (m.kind != InboxMessage::Kind::Market) {
            continue;
        }
        cur_ev_ = m.ev;
        if ((++tick_ & 63u) == 0) {
            periodic(false);
        }
        return true;
    }
}

void Engine::deliver(uint32_t strategy, EventBuf& ev) {
    if (strategy >= strategies_.size()) {
        return; // a host-initiated order for a strategy that is gone
    }
    StrategyInstance& s = *strategies_[strategy];
    if (!s.running() || !s.wants(ev.h.type)) {
        return;
    }
    ev.h.seq = ++seq_;
    ev.h.recv_ns = now_ns_;
    ev.h.source_ns = now_ns_;
    if (s.on_event(ev.h) && !s.pending().empty()) {
        commit_intents(s);
    }
}

void Engine::drain_deliveries() {
    // Bounded so a strategy that answers every rejection with a new intent
    // cannot spin the loop: the rest waits for the next feed event.
    for (int budget = 10000; budget > 0 && !deliveries_.empty(); --budget) {
        Delivery d = std::move(deliveries_.front());
        deliveries_.pop_front();
        if (d.ev.h.type == SNP_EVENT_ORDER_UPDATE) {
            d.ev.order_update.reason = snp_str{d.reason.data(), d.reason.size()};
        }
        deliver(d.strategy, d.ev);
    }
}

void Engine::schedule(int64_t t_ns, uint8_t kind, uint64_t id) {
    timeline_.push(Scheduled{t_ns, sched_order_++, kind, id});
}

void Engine::process_due(int64_t until_ns, bool include_timers) {
    while (!timeline_.empty() && timeline_.top().t_ns <= until_ns) {
        const Scheduled s = timeline_.top();
        timeline_.pop();
        if (now_ns_ < s.t_ns) {
            clock_->advance_to(s.t_ns);
            now_ns_ = s.t_ns;
        }
        if (s.kind == 1) {
            land(s.id);
        } else if (include_timers) {
            auto it = timers_.find(s.id);
            if (it != timers_.end()) {
                Delivery d;
                d.strategy = it->second.strategy;
                init_event(d.ev, SNP_EVENT_TIMER);
                d.ev.timer.timer_id = s.id;
                d.ev.timer.tag = it->second.tag;
                timers_.erase(it);
                deliveries_.push_back(std::move(d));
            }
        }
        drain_deliveries();
    }
}

// ------------------------------------------------------------ risk + orders

void Engine::commit_intents(StrategyInstance& s) {
    std::vector<PendingIntent> batch;
    batch.swap(s.pending());
    for (PendingIntent& p : batch) {
        decide_intent(s.name(), s.index(), p);
    }
}

void Engine::decide_intent(const std::string& strategy, uint32_t strategy_index, PendingIntent& p) {
    {
        ++intents_;
        if (breaker_tier_ == BreakerTier::Warning && p.intent.side == SNP_SIDE_BUY && p.intent.amount_in > 1) {
            p.reason += (p.reason.empty() ? "" : " ") + std::string("[circuit breaker warning: size halved from ") +
                        std::to_string(p.intent.amount_in) + "]";
            p.intent.amount_in /= 2;
        }
        if (is_zero(p.intent.pool)) { // ABI 1.1: the route finds the pool (jupiter)
            if (const PoolState* best = pools_.best_for_mint(p.intent.mint)) {
                p.intent.pool = best->pool;
            }
        }
        const snp_intent& in = p.intent;
        const bool sell_all = (in.flags & SNP_INTENT_SELL_ALL) != 0;
        RiskInput ri;
        ri.strategy = &strategy;
        ri.intent = &in;
        ri.state = trading_state();
        ri.pool = pools_.find(in.pool);
        ri.position = portfolio_.find(strategy, in.mint);
        ri.order_in_flight = orders_.in_flight(strategy_index, in.mint);
        ri.open_positions = static_cast<uint32_t>(portfolio_.open_positions()) + orders_.new_buys();
        const uint64_t bal = portfolio_.balance_lamports();
        const uint64_t reserved = orders_.reserved_lamports();
        ri.available_lamports = bal > reserved ? bal - reserved : 0;
        ri.fees_per_order_lamports = executor_->fees_per_order();
        fill_limit_inputs(strategy, in.mint, ri);
        const RiskDecision d = risk_.check(ri);

        IntentRecord rec;
        rec.intent_id = p.intent_id;
        rec.strategy = strategy;
        rec.side = in.side;
        rec.mint = in.mint;
        rec.pool = in.pool;
        rec.amount_in = in.amount_in;
        rec.max_slippage_bps = in.max_slippage_bps;
        rec.flags = in.flags;
        rec.client_tag = in.client_tag;
        rec.accepted = d.approved();
        rec.reason_code = static_cast<int32_t>(d.reason);
        rec.reason = d.approved() || p.reason.empty() ? (d.approved() ? p.reason : d.message)
                                                      : d.message + " (strategy: " + p.reason + ")";
        rec.ts_ns = now_ns_;
        if (store_ != nullptr) {
            store_->append(rec);
        }
        if (!d.approved()) {
            ++rejections_;
            log::debug("risk", "intent rejected",
                       {{"strategy", strategy}, {"intent_id", p.intent_id},
                        {"mint", to_base58(in.mint)}, {"reason", risk_reason_name(d.reason)},
                        {"detail", d.message}});
            queue_order_update(strategy_index, p.intent_id, in.client_tag, in.mint, in.side,
                               SNP_ORDER_REJECTED, in.amount_in, 0, 0, 0,
                               static_cast<int32_t>(d.reason),
                               std::string(risk_reason_name(d.reason)) + ": " + d.message);
            return;
        }
        Order o;
        o.intent_id = p.intent_id;
        o.strategy_index = strategy_index;
        o.strategy = strategy;
        o.side = in.side;
        o.mint = in.mint;
        o.pool = in.pool;
        o.sell_all = sell_all;
        o.amount_in = (in.side == SNP_SIDE_SELL && sell_all) ? ri.position->amount_atoms : in.amount_in;
        o.client_tag = in.client_tag;
        o.submit_ns = now_ns_;
        o.route = in.route;
        o.stop_loss_bps = in.stop_loss_bps;
        o.take_profit_bps = in.take_profit_bps;
        o.trailing_stop_bps = in.trailing_stop_bps;
        o.max_hold_ns = in.max_hold_ns;
        o.deadline_ns = in.deadline_ns;
        o.max_priority_fee_lamports = in.max_priority_fee_lamports;
        o.max_tip_lamports = in.max_tip_lamports;
        o.min_out = amm::min_out_for(executor_->quote(*ri.pool, in.side, o.amount_in),
                                     in.max_slippage_bps);
        const bool is_buy = in.side == SNP_SIDE_BUY;
        const uint64_t reserve = is_buy ? in.amount_in + executor_->fees_per_order() : 0;
        const bool opens_position = is_buy && ri.position == nullptr;
        OrderRecord orec;
        orec.intent_id = o.intent_id;
        orec.strategy = o.strategy;
        orec.status = SNP_ORDER_ACCEPTED;
        orec.side = o.side;
        orec.mint = o.mint;
        orec.min_out = o.min_out;
        orec.ts_ns = now_ns_;
        if (store_ != nullptr) {
            store_->append(orec);
        }
        o.land_ns = executor_->submit(o, now_ns_);
        if (o.land_ns != 0) {
            schedule(o.land_ns, 1, o.intent_id); // a simulated venue settles it then
        }
        queue_order_update(strategy_index, o.intent_id, o.client_tag, o.mint, o.side, SNP_ORDER_ACCEPTED,
                           o.amount_in, 0, 0, 0, 0, {});
        orders_.add(std::move(o), reserve, opens_position);
    }
}

// ------------------------------------------------------ risk limit inputs

void Engine::roll_day() {
    const int64_t day = utc_day(now_ns_);
    if (day != today_) {
        const bool first = today_ == INT64_MIN;
        today_ = day;
        day_stats_.clear();
        if (first && store_ != nullptr) {
            // After a restart, today's realized PnL and fees count on: the
            // daily limits do not reset because the process did.
            for (const auto& [name, t] : store_->fill_totals(day * kNsPerUtcDay, (day + 1) * kNsPerUtcDay)) {
                day_stats_[name] = DayStats{t.realized_pnl_lamports, t.fees_lamports};
            }
        }
    }
}

int64_t Engine::equity_lamports() const {
    int64_t equity = static_cast<int64_t>(portfolio_.balance_lamports());
    for (const auto& [key, p] : portfolio_.positions()) {
        if (const PoolState* pool = pools_.find(p.pool)) {
            equity += static_cast<int64_t>(
                amm::mark_value(p.amount_atoms, pool->base_reserve_atoms, pool->quote_reserve_lamports));
        }
    }
    // Buys in flight hold their lamports aside; count them at cost.
    return equity + static_cast<int64_t>(orders_.reserved_lamports());
}

void Engine::fill_limit_inputs(const std::string& strategy, const Pubkey& mint, RiskInput& ri) {
    roll_day();
    ri.now_ns = now_ns_;
    ri.position_cost_lamports = ri.position != nullptr ? ri.position->cost_lamports : 0;
    uint64_t total = 0, mine = 0;
    for (const auto& [key, p] : portfolio_.positions()) {
        total += p.cost_lamports;
        if (key.first == strategy) {
            mine += p.cost_lamports;
        }
    }
    orders_.each([&](const Order& o) {
        if (o.side == SNP_SIDE_BUY) {
            total += o.amount_in;
            if (o.strategy == strategy) {
                mine += o.amount_in;
            }
        }
    });
    ri.exposure_lamports = total;
    ri.strategy_exposure_lamports = mine;
    for (const auto& [name, d] : day_stats_) {
        ri.realized_pnl_today_lamports += d.realized_pnl_lamports;
        ri.fees_today_lamports += d.fees_lamports;
        if (name == strategy) {
            ri.strategy_realized_pnl_today_lamports = d.realized_pnl_lamports;
            ri.strategy_fees_today_lamports = d.fees_lamports;
        }
    }
    ri.equity_lamports = equity_lamports();
    equity_peak_ = std::max(equity_peak_, ri.equity_lamports);
    ri.equity_peak_lamports = equity_peak_;
    auto it = last_loss_exit_.find({strategy, mint});
    ri.last_loss_exit_ns = it != last_loss_exit_.end() ? it->second : 0;
}

void Engine::land(uint64_t intent_id) {
    const Order* held = orders_.find(intent_id);
    if (held == nullptr) {
        return;
    }
    ExecReport out = executor_->settle(*held);
    apply_report(std::move(out));
}

void Engine::apply_report(ExecReport out) {
    if (!out.final()) {
        return; // progress (live): nothing for the ledger yet
    }
    std::optional<Order> taken = orders_.take(out.intent_id);
    if (!taken) {
        return; // already settled: a report is applied once
    }
    Order o = std::move(*taken);
    if (o.land_ns == 0) {
        o.land_ns = now_ns_;
    }
    // The order's outcome, fill, position and PnL commit together, and
    // before anyone hears of the fill (write-ahead): a crash either loses
    // the landing as a whole (settled as expired at the next start) or
    // keeps it whole.
    std::vector<StoreRecord> group;
    group_ = &group;
    const StrategyStats before = portfolio_.stats(o.strategy);
    const LedgerChange change = portfolio_.apply(o, out);
    {
        // Today's realized PnL and fees, for the daily limits.
        roll_day();
        const StrategyStats& after = portfolio_.stats(o.strategy);
        DayStats& d = day_stats_[o.strategy];
        d.realized_pnl_lamports += after.realized_pnl_lamports - before.realized_pnl_lamports;
        d.fees_lamports += after.fees_lamports - before.fees_lamports;
        if (o.side == SNP_SIDE_SELL && out.status == SNP_ORDER_FILLED && change.realized_pnl_lamports < 0) {
            last_loss_exit_[{o.strategy, o.mint}] = now_ns_;
        }
        equity_peak_ = std::max(equity_peak_, equity_lamports());
    }
    if (o.side == SNP_SIDE_BUY && out.status == SNP_ORDER_FILLED) {
        set_protection(o);
    }
    OrderRecord orec;
    orec.intent_id = o.intent_id;
    orec.strategy = o.strategy;
    orec.status = out.status;
    orec.side = o.side;
    orec.mint = o.mint;
    orec.min_out = o.min_out;
    orec.detail = out.reason;
    orec.ts_ns = now_ns_;
    orec.fee_lamports = out.fee_lamports + out.tip_lamports;
    orec.code = out.code;
    if (store_ != nullptr) {
        journal(orec);
    }
    if (out.status == SNP_ORDER_FILLED) {
        ++fills_;
        if (store_ != nullptr) {
            FillRecord f;
            f.intent_id = o.intent_id;
            f.strategy = o.strategy;
            f.side = o.side;
            f.mint = o.mint;
            f.pool = o.pool;
            f.in_amount = out.in_amount;
            f.out_amount = out.out_amount;
            f.fee_lamports = out.fee_lamports;
            f.tip_lamports = out.tip_lamports;
            f.realized_pnl_lamports = change.realized_pnl_lamports;
            f.ts_ns = now_ns_;
            journal(f);
        }
        log::info("exec", o.side == SNP_SIDE_BUY ? "paper buy filled" : "paper sell filled",
                  {{"strategy", o.strategy}, {"intent_id", o.intent_id}, {"mint", to_base58(o.mint)},
                   {"in", out.in_amount}, {"out", out.out_amount},
                   {"fee_lamports", out.fee_lamports + out.tip_lamports},
                   {"pnl_lamports", change.realized_pnl_lamports}});
    } else {
        ++failed_orders_;
        log::info("exec", "paper order failed",
                  {{"strategy", o.strategy}, {"intent_id", o.intent_id}, {"mint", to_base58(o.mint)},
                   {"side", side_name(o.side)}, {"code", out.code}, {"reason", out.reason}});
    }
    if (out.fee_lamports != 0 || out.status == SNP_ORDER_FILLED) {
        journal_position(o.strategy, o.mint, o.pool);
        journal_pnl(o.strategy);
    }
    group_ = nullptr;
    if (store_ != nullptr) {
        store_->append_group(std::move(group));
        if (out.status == SNP_ORDER_FILLED) {
            store_->flush(); // durable before the strategy, the snapshot or a retry sees it
        }
    }
    check_breaker();
    if (auto fl = flatten_orders_.find(o.intent_id); fl != flatten_orders_.end()) {
        const FlattenExit exit = fl->second;
        flatten_orders_.erase(fl);
        if (out.status != SNP_ORDER_FILLED && portfolio_.find(exit.strategy, exit.mint) != nullptr) {
            constexpr uint32_t kMaxAttempts = 3;
            if (exit.attempt < kMaxAttempts) {
                send_flatten_exit(exit.strategy, exit.mint, exit.pool, exit.attempt + 1);
            } else {
                log::error("engine", "flatten: position could not be exited; it stays open",
                           {{"strategy", exit.strategy}, {"mint", to_base58(exit.mint)},
                            {"attempts", exit.attempt}, {"reason", out.reason}});
            }
        }
    }
    if (auto pe = protect_orders_.find(o.intent_id); pe != protect_orders_.end()) {
        const ProtectExit exit = pe->second;
        protect_orders_.erase(pe);
        if (out.status != SNP_ORDER_FILLED && portfolio_.find(exit.strategy, exit.mint) != nullptr) {
            constexpr uint32_t kMaxAttempts = 3;
            if (exit.attempt < kMaxAttempts) {
                send_protection_exit(exit.strategy, exit.mint, exit.pool, exit.rule, exit.attempt + 1);
            } else {
                ProtectState& ps = protect_state_[{exit.strategy, exit.mint}];
                if (!ps.failed) {
                    ps.failed = true;
                    ++protection_exit_failures_;
                    log::error("protection",
                               "position protection: exit failed every attempt; the position stays "
                               "open, retried every 60 s",
                               {{"strategy", exit.strategy}, {"mint", to_base58(exit.mint)},
                                {"rule", exit.rule}, {"attempts", exit.attempt}, {"reason", out.reason}});
                }
                ps.retry_at_ns = now_ns_ + 60 * kNsPerSec;
            }
        }
    }
    if (portfolio_.find(o.strategy, o.mint) == nullptr) {
        protect_state_.erase({o.strategy, o.mint});
    }
    if (flattening_ && o.side == SNP_SIDE_BUY && out.status == SNP_ORDER_FILLED) {
        send_flatten_exit(o.strategy, o.mint, o.pool, 1); // landed after the flatten began
    }
    finish_flatten_if_done();
    queue_order_update(o.strategy_index, o.intent_id, o.client_tag, o.mint, o.side, out.status,
                       out.in_amount, out.out_amount, out.fee_lamports, out.tip_lamports, out.code,
                       out.reason);
}

void Engine::sample_equity() {
    if (store_ == nullptr) {
        return;
    }
    EquitySampleRecord r;
    r.ts_ns = now_ns_;
    r.equity_lamports = equity_lamports();
    r.balance_lamports = portfolio_.balance_lamports();
    int64_t realized = 0;
    for (const auto& [name, st] : portfolio_.all_stats()) {
        realized += st.realized_pnl_lamports;
    }
    r.realized_pnl_lamports = realized;
    int64_t cost = 0;
    for (const auto& [key, p] : portfolio_.positions()) {
        cost += static_cast<int64_t>(p.cost_lamports);
    }
    r.unrealized_pnl_lamports = r.equity_lamports - static_cast<int64_t>(r.balance_lamports) -
                                static_cast<int64_t>(orders_.reserved_lamports()) - cost;
    r.open_positions = static_cast<uint32_t>(portfolio_.open_positions());
    store_->append(r);
}

// The circuit breaker: drawdown of marked equity from its peak (since the
// last resume) moves the trading state by tier. It only escalates.
void Engine::check_breaker() {
    const CircuitBreakerConfig& cb = risk_cfg_breaker_;
    const int64_t equity = equity_lamports();
    if (breaker_reset_.exchange(false, std::memory_order_acq_rel)) {
        breaker_tier_ = BreakerTier::Normal;
        breaker_peak_ = equity;
        breaker_reason_.clear();
    }
    equity_peak_ = std::max(equity_peak_, equity);
    breaker_peak_ = std::max(breaker_peak_, equity);
    breaker_drawdown_bps_ =
        breaker_peak_ > 0 && equity < breaker_peak_
            ? static_cast<uint32_t>((static_cast<__int128>(breaker_peak_ - equity) * 10000) / breaker_peak_)
            : 0;
    if (cb.warning_bps == 0 && cb.reduce_bps == 0 && cb.halt_bps == 0) {
        return;
    }
    BreakerTier tier = BreakerTier::Normal;
    if (cb.halt_bps != 0 && breaker_drawdown_bps_ >= cb.halt_bps) {
        tier = BreakerTier::Halt;
    } else if (cb.reduce_bps != 0 && breaker_drawdown_bps_ >= cb.reduce_bps) {
        tier = BreakerTier::Reduce;
    } else if (cb.warning_bps != 0 && breaker_drawdown_bps_ >= cb.warning_bps) {
        tier = BreakerTier::Warning;
    }
    if (tier <= breaker_tier_) {
        return;
    }
    breaker_tier_ = tier;
    const char* names[] = {"normal", "warning", "reduce", "halt"};
    const uint32_t limit = tier == BreakerTier::Halt ? cb.halt_bps : tier == BreakerTier::Reduce ? cb.reduce_bps : cb.warning_bps;
    char pct[64];
    std::snprintf(pct, sizeof pct, "%.2f%% >= %.2f%%", breaker_drawdown_bps_ / 100.0, limit / 100.0);
    breaker_reason_ = std::string("circuit breaker ") + names[static_cast<int>(tier)] + ": drawdown " + pct +
                      " (equity " + std::to_string(equity) + " lamports, peak " + std::to_string(breaker_peak_) + ")";
    std::string err;
    if (tier == BreakerTier::Warning) {
        log::warn("risk", "circuit breaker warning: entries at half size", {{"reason", breaker_reason_}});
        if (store_ != nullptr) {
            store_->append(AuditRecord{wall_ns(), "circuit_breaker", "warning", breaker_reason_});
        }
    } else if (tier == BreakerTier::Reduce) {
        if (trading_state() == TradingState::Active) {
            set_trading_state(TradingState::Reducing, breaker_reason_, "circuit_breaker", &err);
        }
        log::error("risk", "circuit breaker: REDUCING, exits only", {{"reason", breaker_reason_}});
    } else {
        if (trading_state() != TradingState::Halted) {
            set_trading_state(TradingState::Halted, breaker_reason_, "circuit_breaker", &err);
        }
        log::error("risk", "circuit breaker: HALTED", {{"reason", breaker_reason_}});
    }
}

void Engine::journal(StoreRecord r) {
    if (group_ != nullptr) {
        group_->push_back(std::move(r));
    } else if (store_ != nullptr) {
        store_->append(std::move(r));
    }
}

void Engine::journal_position(const std::string& strategy, const Pubkey& mint, const Pubkey& pool) {
    if (store_ == nullptr) {
        return;
    }
    PositionRecord r;
    r.strategy = strategy;
    r.mint = mint;
    r.pool = pool;
    r.updated_ns = now_ns_;
    if (const Position* p = portfolio_.find(strategy, mint)) {
        r.amount_atoms = p->amount_atoms;
        r.cost_lamports = p->cost_lamports;
        r.realized_pnl_lamports = p->realized_pnl_lamports;
        r.opened_ns = p->opened_ns;
        r.stop_loss_bps = p->stop_loss_bps;
        r.take_profit_bps = p->take_profit_bps;
        r.trailing_stop_bps = p->trailing_stop_bps;
        r.max_hold_ns = p->max_hold_ns;
        r.peak_value_lamports = p->peak_value_lamports;
    }
    journal(r);
}

void Engine::journal_pnl(const std::string& strategy) {
    if (store_ == nullptr) {
        return;
    }
    const StrategyStats& s = portfolio_.stats(strategy);
    StrategyPnlRecord r;
    r.strategy = strategy;
    r.trades = s.trades;
    r.wins = s.wins;
    r.realized_pnl_lamports = s.realized_pnl_lamports;
    r.peak_pnl_lamports = s.peak_pnl_lamports;
    r.max_drawdown_lamports = s.max_drawdown_lamports;
    r.fees_lamports = s.fees_lamports;
    r.updated_ns = now_ns_;
    journal(r);
}

void Engine::queue_order_update(uint32_t strategy, uint64_t intent_id, uint64_t client_tag,
                                const Pubkey& mint, uint32_t side, uint32_t status,
                                uint64_t in_amount, uint64_t out_amount, uint64_t fee, uint64_t tip,
                                int32_t code, std::string reason) {
    Delivery d;
    d.strategy = strategy;
    init_event(d.ev, SNP_EVENT_ORDER_UPDATE);
    auto& u = d.ev.order_update;
    u.intent_id = intent_id;
    u.client_tag = client_tag;
    u.mint = mint;
    u.status = status;
    u.side = side;
    u.in_amount = in_amount;
    u.out_amount = out_amount;
    u.fee_lamports = fee;
    u.tip_lamports = tip;
    u.reason_code = code;
    d.reason = std::move(reason);
    deliveries_.push_back(std::move(d));
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
        breaker_reset_.store(true, std::memory_order_release); // the breaker starts over from here
    }
    state_.store(static_cast<int32_t>(s), std::memory_order_release);
    {
        std::lock_guard<std::mutex> lk(state_mu_);
        state_reason_ = reason;
    }
    {
        std::lock_guard<std::mutex> lk(snap_mu_);
        snap_.state = s;
        snap_.state_reason = reason;
    }
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

std::vector<StrategyRow> Engine::strategy_rows() const {
    std::vector<StrategyRow> rows;
    for (const auto& s : strategies_) {
        StrategyRow r;
        r.name = s->name();
        r.kind = s->plugin().kind();
        r.file = s->plugin().source_path();
        r.version = s->plugin().version();
        r.build = s->plugin().build_info();
        r.slowest_call_ns = s->slowest_call_ns();
        r.state = strategy_state_name(s->state());
        r.hash = s->plugin().content_hash();
        r.load_time_ns = s->load_time_ns();
        r.last_error = s->last_error();
        r.events = s->events();
        r.intents = s->intents();
        r.errors = s->errors();
        auto it = portfolio_.all_stats().find(s->name());
        if (it != portfolio_.all_stats().end()) {
            r.trades = it->second.trades;
            r.wins = it->second.wins;
            r.fees_lamports = it->second.fees_lamports;
            r.realized_pnl_lamports = it->second.realized_pnl_lamports;
            r.max_drawdown_lamports = it->second.max_drawdown_lamports;
        }
        rows.push_back(std::move(r));
    }
    // Files the loader refused stay visible, so `sniperctl strategies`
    // says why a dropped-in plugin is not running.
    for (const auto& [file, error] : refused_) {
        StrategyRow r;
        r.name = std::filesystem::path(file).stem().string();
        r.kind = std::filesystem::path(file).extension() == ".lua" ? "lua" : "native";
        r.file = file;
        r.state = "refused";
        r.last_error = error;
        rows.push_back(std::move(r));
    }
    return rows;
}

void Engine::publish_snapshot() {
    EngineSnapshot s;
    s.mode = cfg_.mode;
    s.state = trading_state();
    {
        std::lock_guard<std::mutex> lk(state_mu_);
        s.state_reason = state_reason_;
    }
    s.feed = feed_.name();
    s.events = events_;
    s.intents = intents_;
    s.rejections = rejections_;
    s.fills = fills_;
    s.failed_orders = failed_orders_;
    s.feed_rejected_inputs = feed_.rejected_inputs();
    s.balance_lamports = portfolio_.balance_lamports();
    s.sim_elapsed_ns = first_source_ns_ >= 0 ? now_ns_ - first_source_ns_ : 0;
    s.strategies = strategy_rows();
    for (const auto& r : s.strategies) {
        s.realized_pnl_lamports += r.realized_pnl_lamports;
        if (r.state == "running") {
            ++s.strategies_loaded;
        }
    }
    for (const auto& [key, p] : portfolio_.positions()) {
        PositionRow r;
        r.strategy = p.strategy;
        r.mint = p.mint;
        r.amount_atoms = p.amount_atoms;
        r.cost_lamports = p.cost_lamports;
        r.opened_ns = p.opened_ns;
        r.stop_loss_bps = p.stop_loss_bps;
        r.take_profit_bps = p.take_profit_bps;
        r.trailing_stop_bps = p.trailing_stop_bps;
        r.max_hold_ns = p.max_hold_ns;
        r.peak_value_lamports = p.peak_value_lamports;
        if (auto ps = protect_state_.find(key); ps != protect_state_.end()) {
            r.protection_exit_failed = ps->second.failed;
        }
        if (const PoolState* pool = pools_.find(p.pool)) {
            r.value_lamports = amm::mark_value(p.amount_atoms, pool->base_reserve_atoms,
                                               pool->quote_reserve_lamports);
        }
        s.positions.push_back(std::move(r));
    }
    const auto& by_reason = risk_.rejections_by_reason();
    for (size_t i = 1; i < by_reason.size(); ++i) {
        if (by_reason[i] != 0) {
            s.rejections_by_reason[risk_reason_name(static_cast<RiskReason>(1000 + static_cast<int32_t>(i)))] =
                by_reason[i];
        }
    }
    s.protection_exits = protection_exits_;
    s.protection_exit_failures = protection_exit_failures_;
    // Risk view (sniperctl risk).
    RiskSnapshot& rv = s.risk;
    rv.limits = risk_.limits();
    rv.breaker = risk_cfg_breaker_;
    static constexpr const char* kTier[] = {"normal", "warning", "reduce", "halt"};
    rv.breaker_tier = kTier[static_cast<int>(breaker_tier_)];
    rv.breaker_reason = breaker_reason_;
    rv.drawdown_bps = breaker_drawdown_bps_;
    rv.equity_lamports = equity_lamports();
    rv.equity_peak_lamports = equity_peak_;
    rv.breaker_peak_lamports = breaker_peak_;
    for (const auto& [name, d] : day_stats_) {
        rv.today_realized_pnl_lamports += d.realized_pnl_lamports;
        rv.today_fees_lamports += d.fees_lamports;
        rv.today_by_strategy[name] = {d.realized_pnl_lamports, d.fees_lamports};
    }
    for (const auto& [name, counts] : risk_.rejections_by_strategy()) {
        for (size_t i = 1; i < counts.size(); ++i) {
            if (counts[i] != 0) {
                rv.rejections_by_strategy[name][risk_reason_name(
                    static_cast<RiskReason>(1000 + static_cast<int32_t>(i)))] = counts[i];
            }
        }
    }
    rv.approved = risk_.approved_count();
    rv.rejected = risk_.rejected_count();
    s.hung_callbacks = hung_callbacks_;
    std::lock_guard<std::mutex> lk(snap_mu_);
    snap_ = std::move(s);
}

EngineSnapshot Engine::snapshot() const {
    std::lock_guard<std::mutex> lk(snap_mu_);
    return snap_;
}

void Engine::print_status_line() {
    const int64_t sim_s = first_source_ns_ >= 0 ? (now_ns_ - first_source_ns_) / kNsPerSec : 0;
    int64_t pnl = 0;
    for (const auto& [name, st] : portfolio_.all_stats()) {
        pnl += st.realized_pnl_lamports;
    }
    std::printf("[sim %02" PRId64 ":%02" PRId64 ":%02" PRId64 "] events=%" PRIu64 " pools=%zu open=%zu "
                "intents=%" PRIu64 " fills=%" PRIu64 " rejected=%" PRIu64 " pnl=%s SOL state=%s\n",
                sim_s / 3600, (sim_s / 60) % 60, sim_s % 60, events_, pools_.size(),
                portfolio_.open_positions(), intents_, fills_, rejections_,
                format_sol(pnl, true).c_str(), trading_state_name(trading_state()));
    std::fflush(stdout);
}

void Engine::flush_record(bool force) {
    if (record_ == nullptr || record_buf_.empty() || (!force && record_buf_.size() < (1u << 20))) {
        return;
    }
    std::fwrite(record_buf_.data(), 1, record_buf_.size(), record_);
    record_buf_.clear();
    if (force) {
        std::fflush(record_);
    }
}

} // namespace sniper
