// engine/engine_loop.cpp — the event path itself: run() under the lane
// watchdog (and what a hung callback leaves behind), the inbox (posted
// work, push sources), the clock (simulated or wall), the loop state
// machine, deliveries and the timeline.
#include "engine/engine.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "feeds/event_json.hpp"
#include "tools/tool_runner.hpp"
#include "market/amm.hpp"
#include "risk/utc_day.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cinttypes>
#include <cstring>
#include <filesystem>
#include <thread>

namespace sniper {

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
        if (!finish_done_) {
            // finish() is still reading and writing the engine's state on
            // its thread (the last snapshot, the store's flush): run there,
            // before it returns, not here beside it.
            late_work_.push_back(std::move(fn));
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

void Engine::pools_stale(std::vector<Pubkey> pools, std::string why) {
    post([this, pools = std::move(pools), why = std::move(why)] {
        uint64_t marked = 0;
        for (const Pubkey& p : pools) {
            marked += pools_.mark_stale(p) ? 1 : 0;
        }
        log::warn("engine", "pools marked stale: entries on them wait for fresh data",
                  {{"pools", marked}, {"why", why}});
    });
}

void Engine::reference_prices(std::vector<ReferencePrice> prices) {
    post([this, prices = std::move(prices)] { check_reference_prices(prices); });
}

void Engine::check_reference_prices(const std::vector<ReferencePrice>& prices) {
    const double limit = cfg_.feeds.price.max_deviation_pct;
    std::vector<Pubkey> checked;
    for (const auto& [key, pos] : portfolio_.positions()) {
        PoolState* pool = pools_.find(pos.pool);
        if (pos.amount_atoms == 0 || pool == nullptr || pool->base_reserve_atoms == 0 || !pool->facts_known ||
            std::find(checked.begin(), checked.end(), pos.pool) != checked.end()) {
            continue;
        }
        checked.push_back(pos.pool);
        const auto ref = std::find_if(prices.begin(), prices.end(),
                                      [&](const ReferencePrice& r) { return r.mint == pool->mint; });
        if (ref == prices.end()) {
            continue;
        }
        // SOL per whole token from the reserves; a ratio, so doubles suffice.
        const double ours = static_cast<double>(pool->quote_reserve_lamports) / 1e9 /
                            (static_cast<double>(pool->base_reserve_atoms) / std::pow(10.0, pool->decimals));
        const double deviation = std::fabs(ours - ref->sol_per_token) / ref->sol_per_token * 100.0;
        if (deviation > limit && !pool->stale) {
            pools_.mark_stale(pos.pool);
            char buf[96];
            std::snprintf(buf, sizeof buf, "%.3g%% (limit %.3g%%)", deviation, limit);
            log::warn("engine", "the pool's price disagrees with the price endpoint: marked stale, entries wait "
                                "for its next update",
                      {{"pool", to_base58(pos.pool)},
                       {"pool_sol_per_token", std::to_string(ours)},
                       {"endpoint_sol_per_token", std::to_string(ref->sol_per_token)},
                       {"deviation", std::string(buf)}});
        }
    }
}

void Engine::source_ended() { inbox_.wake(); }

void Engine::run_posted() {
    // Work popped while the event path awaited a tool answer goes first: it
    // was queued before anything still in the inbox.
    while (!held_work_.empty()) {
        InboxMessage m = std::move(held_work_.front());
        held_work_.pop_front();
        m.work();
    }
    if (inbox_.empty()) {
        return;
    }
    // One at a time, taken off the queue before it runs: if a strategy
    // call inside one hangs, the thread that takes over runs the rest.
    // Only what was queued when this began: a task that posts a follow-up
    // (a reload's second step) gets it run after the next event. With a
    // pull feed the inbox holds work and tool answers; a market event still
    // queued here (a push feed at the end of the run) is dropped and counted.
    for (size_t budget = inbox_.size(); budget > 0; --budget) {
        InboxMessage m;
        if (!inbox_.try_pop(m)) {
            break;
        }
        if (m.kind == InboxMessage::Kind::Work) {
            m.work();
        } else if (m.kind == InboxMessage::Kind::ToolResult) {
            on_tool_message(m);
        } else {
            ++dropped_at_stop_;
        }
    }
}

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
    if (wall_) {
        feed_.start(*this); // sources push from their own threads from here on
    }
    watchdog_.run([this] { loop(); }, [this](StrategyInstance* hung) { take_over(hung); });
    if (wall_) {
        feed_.stop();
        if (dropped_at_stop_ > 0) {
            log::info("engine", "market events still queued at the end of the run were not processed",
                      {{"events", dropped_at_stop_}});
        }
    }
}

void Engine::take_over(StrategyInstance* hung) {
    hung->mark_hung("a callback did not return within " +
                    std::to_string(hung->limits().hang_timeout_ns / 1'000'000) +
                    " ms (hang_timeout); it was abandoned on its thread and the strategy failed. "
                    "Fix the strategy and reload its file, or restart to reclaim the thread");
    publish_snapshot();
}

void Engine::loop() {
    for (;;) {
        switch (step_) {
        case Step::Fetch:
            if (wall_) {
                step_ = fetch_wall() ? Step::Due : Step::Finish;
                break;
            }
            if (stop_.load(std::memory_order_relaxed) || !(paced_ ? *paced_ : feed_).next(cur_ev_)) {
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
            step_ = Step::Dispatch;
            break;
        case Step::Dispatch:
            apply_feed_event(cur_ev_);
            dispatch_next_ = 0;
            step_ = Step::Strategies;
            break;
        case Step::Strategies:
            while (dispatch_next_ < registry_.size()) {
                StrategyInstance& s = registry_.at(dispatch_next_++);
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
            // An asynchronous (live) executor stops here, on the event
            // path: no report arrives once the run is over. What it still
            // had in flight stays SENT in the journal and is looked up on
            // chain at the next start.
            executor_->shutdown();
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
    // Work posted while the above ran (a reload's steps, a kill): here, one
    // batch at a time, as a task may post a follow-up; then posts run on
    // their callers.
    for (;;) {
        std::vector<std::function<void()>> late;
        {
            std::lock_guard<std::mutex> lk(post_mu_);
            if (late_work_.empty()) {
                finish_done_ = true;
                return;
            }
            late.swap(late_work_);
        }
        for (auto& fn : late) {
            fn();
        }
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
    journal_ok();
    if (wall_) {
        // Push feeds follow the pools we hold (e.g. accountSubscribe), so
        // protection sees prices even when nobody trades them, and price
        // sources ask for their mints.
        std::vector<Pubkey> held, mints;
        for (const auto& [key, p] : portfolio_.positions()) {
            if (p.amount_atoms > 0) {
                held.push_back(p.pool);
                mints.push_back(p.mint);
            }
        }
        const auto sorted_unique = [](std::vector<Pubkey>& v) {
            std::sort(v.begin(), v.end(), [](const Pubkey& a, const Pubkey& b) {
                return std::memcmp(a.bytes, b.bytes, sizeof a.bytes) < 0;
            });
            v.erase(std::unique(v.begin(), v.end()), v.end());
        };
        sorted_unique(held);
        sorted_unique(mints);
        if (held != watched_pools_) {
            watched_pools_ = held;
            feed_.watch_pools(std::move(held));
        }
        if (mints != watched_mints_) {
            watched_mints_ = mints;
            feed_.watch_mints(std::move(mints));
        }
    }
    publish_snapshot();
    if (opts_.print_status && now >= next_status_ns_) {
        next_status_ns_ = now + opts_.status_interval_ns;
        print_status_line();
    }
}

bool Engine::journal_ok() {
    if (store_ == nullptr || store_->healthy()) {
        return true;
    }
    if (trading_state() != TradingState::Halted) {
        std::string err;
        set_trading_state(TradingState::Halted, "journal write failed: " + store_->last_error(),
                          "engine", &err);
        log::error("engine", "journal write failed: trading HALTED", {{"error", store_->last_error()}});
    }
    return false;
}

void Engine::apply_feed_event(EventBuf& ev) {
    lat_t0_ = opts_.measure_latency ? mono_ns() : 0;
    ev.h.seq = ++seq_;
    ev.h.recv_ns = now_ns_;
    ++events_;
    switch (ev.h.type) {
    case SNP_EVENT_NEW_POOL:
        pools_.on_new_pool(ev.new_pool);
        follow_migration(ev.new_pool);
        break;
    case SNP_EVENT_POOL_SAFETY:
        if (pools_.find(ev.pool_safety.pool) == nullptr) {
            adopt_held_pool(ev.pool_safety.pool, ev.pool_safety.base_mint); // its facts read again after a restart
        }
        pools_.on_pool_safety(ev.pool_safety);
        break;
    case SNP_EVENT_CURVE_COMPLETE:
        if (pools_.find(ev.curve_complete.pool) == nullptr) {
            adopt_held_pool(ev.curve_complete.pool, ev.curve_complete.base_mint);
        }
        pools_.on_curve_complete(ev.curve_complete);
        break;
    case SNP_EVENT_POOL_UPDATE:
        if (pools_.find(ev.pool_update.pool) == nullptr) {
            adopt_held_pool(ev.pool_update.pool, ev.pool_update.base_mint);
        }
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
        if (m.kind == InboxMessage::Kind::ToolResult) {
            on_tool_message(m); // delivered at the top of the loop
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
    if (strategy >= registry_.size()) {
        return; // a host-initiated order for a strategy that is gone
    }
    StrategyInstance& s = registry_.at(strategy);
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
        } else if (d.ev.h.type == SNP_EVENT_TOOL_RESULT && d.tool != nullptr) {
            auto str = [](const std::string& v) { return snp_str{v.data(), v.size()}; };
            d.ev.tool_result.tool = str(d.tool->tool);
            d.ev.tool_result.output_json = str(d.tool->output_json);
            d.ev.tool_result.error_code = str(d.tool->error_code);
            d.ev.tool_result.error_message = str(d.reason);
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
        } else if (s.kind == 3) {
            if (include_timers) {
                await_tool_result(s.id);
            }
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

} // namespace sniper
