// live/live_executor.cpp — the live executor's worker (task queue and
// tick), its reports and landing figures, and the public API; an order's
// life is in order_flow.cpp, the restart in restart.cpp (see
// live_executor.hpp for the whole).
#include "live/executor_impl.hpp"

#include "exec/paper_executor.hpp"

namespace sniper::live {

namespace {

uint64_t percentile(std::vector<uint64_t> v, unsigned pct) {
    if (v.empty()) {
        return 0;
    }
    std::sort(v.begin(), v.end());
    const size_t rank = std::max<size_t>(1, (v.size() * pct + 99) / 100);
    return v[std::min(rank, v.size()) - 1];
}

} // namespace

rpc::RpcClientConfig live_rpc_config(const LiveConfig& live) {
    rpc::RpcClientConfig rc;
    for (size_t i = 0; i < live.rpc_urls.size(); ++i) {
        rpc::EndpointConfig e;
        e.name = "rpc" + std::to_string(i + 1);
        e.url = live.rpc_urls[i];
        e.requests_per_s = live.rpc_requests_per_second;
        e.burst = static_cast<uint32_t>(std::max(1.0, live.rpc_requests_per_second));
        rc.endpoints.push_back(e);
    }
    return rc;
}

LiveExecutor::Impl::Impl(const Config& c, std::unique_ptr<signer::SignerClient> s, Store* st)
    : cfg(c.live), signer_resigns(c.signer.max_resigns), signer(std::move(s)),
      policy(signer::PolicyConfig{signer->wallet(), {}, c.signer.max_tx_lamports, c.signer.max_day_lamports,
                                  c.signer.max_resigns}),
      store(st) {
    std::vector<solana::Pubkey> extra;
    for (const std::string& p : c.signer.allow_programs) {
        if (auto k = solana::pubkey_from_base58(p)) {
            extra.push_back(*k);
        }
    }
    policy = signer::Policy(signer::PolicyConfig{signer->wallet(), extra, c.signer.max_tx_lamports,
                                                 c.signer.max_day_lamports, c.signer.max_resigns});
    rpc::RpcClientConfig rc = live_rpc_config(cfg);
    rpc = std::make_unique<rpc::RpcClient>(rc);
    rpc::RpcClientConfig jc;
    rpc::EndpointConfig je;
    je.name = "jito";
    je.url = cfg.jito_url + "/api/v1/bundles";
    je.requests_per_s = cfg.jito_requests_per_second;
    je.burst = static_cast<uint32_t>(std::max(1.0, cfg.jito_requests_per_second));
    jc.endpoints.push_back(je);
    jito = std::make_unique<rpc::RpcClient>(jc);
    rpc::BlockhashCacheConfig bc;
    bc.refresh_ms = std::clamp<int64_t>(cfg.status_interval_ns / 1'000'000, 100, 2000);
    heights_poll = std::make_unique<rpc::BlockhashCache>(*rpc, bc);
}

void LiveExecutor::Impl::finish(uint64_t id, ExecReport r) {
    auto it = flights.find(id);
    if (it == flights.end()) {
        return;
    }
    Flight& f = it->second;
    forget_attempts(f);
    r.intent_id = id;
    r.attempt = static_cast<uint32_t>(f.attempts.size());
    {
        std::lock_guard lk(stats_mu);
        RouteAcc& a = acc(f.route);
        if (r.status == SNP_ORDER_FILLED) {
            ++a.s.landed;
        } else if (r.status == SNP_ORDER_EXPIRED) {
            ++a.s.expired;
        } else if (r.code == kLiveOnChainError) {
            ++a.s.failed;
        } else {
            ++a.s.refused;
        }
        if ((r.status == SNP_ORDER_FILLED || r.code == kLiveOnChainError) && !f.attempts.empty() &&
            f.attempts.back().first_send_us != 0) {
            const Attempt& at = f.attempts.back();
            a.confirm_ms.push_back(static_cast<uint64_t>(std::max<int64_t>(0, mono_us() - at.first_send_us) / 1000));
            const uint64_t h = rpc->heights().highest();
            if (at.height_at_send != 0) { // the height was known at the send
                a.confirm_blocks.push_back(h > at.height_at_send ? h - at.height_at_send : 0);
            }
            // The slot it landed in, from the slot it was sent at (a landing
            // before the send's slot means the slot now was wrong: no sample).
            if (at.slot_at_send != 0 && f.landed_slot >= at.slot_at_send) {
                a.confirm_slots.push_back(f.landed_slot - at.slot_at_send);
            }
            for (std::vector<uint64_t>* v : {&a.confirm_ms, &a.confirm_blocks, &a.confirm_slots}) {
                if (v->size() > 100'000) { // the latest 50,000 make the percentiles
                    v->erase(v->begin(), v->begin() + 50'000);
                }
            }
        }
    }
    log::info("live", std::string("order ") + order_status_name(r.status),
              {{"intent_id", id}, {"route", route_name(f.route)}, {"attempts", r.attempt},
               {"in", r.in_amount}, {"out", r.out_amount}, {"fee_lamports", r.fee_lamports},
               {"tip_lamports", r.tip_lamports}, {"reason", r.reason}});
    flights.erase(it);
    emit(std::move(r));
}

void LiveExecutor::Impl::run() {
    const int64_t tick_us = std::clamp<int64_t>(
        std::min(cfg.rebroadcast_interval_ns, cfg.status_interval_ns) / 4000, 5'000, 100'000);
    int64_t next_tick = mono_us() + tick_us;
    for (;;) {
        std::function<void()> fn;
        {
            std::unique_lock lk(mu);
            cv.wait_until(lk, Clock::now() + std::chrono::microseconds(std::max<int64_t>(0, next_tick - mono_us())),
                          [&] { return stopping || !tasks.empty(); });
            if (stopping) {
                return;
            }
            if (!tasks.empty()) {
                fn = std::move(tasks.front());
                tasks.pop_front();
            }
        }
        try {
            if (fn) {
                fn();
            }
            if (mono_us() >= next_tick) {
                tick();
                next_tick = mono_us() + tick_us;
            }
        } catch (const std::exception& e) {
            // A bug, not a market condition: logged, the worker goes on
            // (orders in flight keep their state and are polled again).
            log::error("live", "live executor task failed", {{"error", e.what()}});
        }
    }
}

void LiveExecutor::Impl::fail(uint64_t id, int32_t code, std::string reason, uint32_t status) {
    ExecReport r;
    r.status = status;
    r.code = code;
    r.reason = std::move(reason);
    finish(id, std::move(r));
}

LiveExecutor::LiveExecutor(const Config& cfg, std::unique_ptr<signer::SignerClient> signer, Store* store)
    : impl_(std::make_shared<Impl>(cfg, std::move(signer), store)) {
    impl_->worker = std::thread([i = impl_.get()] { i->run(); });
}

LiveExecutor::~LiveExecutor() { shutdown(); }

void LiveExecutor::shutdown() {
    if (!impl_) {
        return;
    }
    {
        std::lock_guard lk(impl_->mu);
        impl_->sink = nullptr;
    }
    if (impl_->sig_watch != nullptr) {
        impl_->sig_watch->set_signature_listener({});
    }
    // The clients first: their callbacks complete (cancelled) and post
    // into a queue that is then dropped with the worker.
    impl_->heights_poll.reset();
    impl_->rpc->stop();
    impl_->jito->stop();
    {
        std::lock_guard lk(impl_->mu);
        impl_->stopping = true;
        impl_->tasks.clear();
    }
    impl_->cv.notify_all();
    if (impl_->worker.joinable()) {
        impl_->worker.join();
    }
}

void LiveExecutor::Impl::watch_attempt(const Flight& f) {
    if (sig_watch == nullptr) {
        return;
    }
    if (f.attempts.size() > 1) {
        // Re-signed only once the previous attempt can no longer land.
        sig_watch->forget_signature(f.attempts[f.attempts.size() - 2].sig.bytes);
    }
    sig_watch->watch_signature(f.attempts.back().sig.bytes);
}

void LiveExecutor::Impl::forget_attempts(const Flight& f) {
    if (sig_watch == nullptr) {
        return;
    }
    for (const Attempt& at : f.attempts) {
        sig_watch->forget_signature(at.sig.bytes);
    }
}

void LiveExecutor::Impl::on_signature_heard(const SignatureBytes& sig) {
    for (auto& [id, f] : flights) {
        if (f.attempts.empty() || f.attempts.back().sig.bytes != sig) {
            continue;
        }
        // Only a flight waiting between polls is looked up now; one whose
        // status, transaction or expiry is being read already will settle
        // from that answer.
        if (f.phase == Phase::Sending && !f.busy) {
            signature_hints.fetch_add(1, std::memory_order_relaxed);
            poll_statuses({id});
        }
        return;
    }
}

void LiveExecutor::use_signature_watch(SignatureWatch* watch) {
    impl_->sig_watch = watch;
    if (watch == nullptr) {
        return;
    }
    watch->follow_slots(); // the slot at each send, for the landing figures
    std::weak_ptr<Impl> w = impl_;
    watch->set_signature_listener([w](const SignatureBytes& sig, uint64_t, bool) {
        if (auto self = w.lock()) {
            self->post([s = self.get(), sig] { s->on_signature_heard(sig); });
        }
    });
}

uint64_t LiveExecutor::signature_hints() const {
    return impl_->signature_hints.load(std::memory_order_relaxed);
}

const solana::Pubkey& LiveExecutor::wallet() const { return impl_->wallet(); }

uint64_t LiveExecutor::quote(const PoolState& pool, uint32_t side, uint64_t amount_in) const {
    return PaperExecutor::quote_pool(pool, side, amount_in);
}

uint64_t LiveExecutor::fees_per_order() const {
    // The most one order pays in fees: two signatures, the priority fee
    // (its cap when it follows the market), and a tip transaction when any
    // strategy may use the jito route. (A token account's rent, paid on a
    // first buy, is part of the buy's cost, not a fee.)
    const LiveConfig& c = impl_->cfg;
    const uint64_t priority = c.priority_fee_percentile > 0 ? c.max_priority_fee_lamports
                                                             : std::min(c.priority_fee_lamports, c.max_priority_fee_lamports);
    bool jito = c.route == SNP_ROUTE_JITO;
    for (const auto& [name, route] : c.strategy_routes) {
        jito = jito || route == SNP_ROUTE_JITO;
    }
    const uint64_t fee = 2 * 5000 + priority;
    return jito ? fee + 5000 + std::min(c.tip_lamports, c.max_tip_lamports) : fee;
}

int64_t LiveExecutor::submit(const Order& order, int64_t now_ns) {
    (void)now_ns;
    const int64_t t = mono_ns();
    impl_->post([i = impl_.get(), order, t]() mutable { i->start(std::move(order), t); });
    return 0;
}

ExecReport LiveExecutor::settle(const Order& order) {
    ExecReport r; // never scheduled: submit() returns 0
    r.intent_id = order.intent_id;
    r.status = SNP_ORDER_FAILED;
    r.code = kLiveRouteUnsupported;
    r.reason = "live orders settle from the chain, not on a schedule";
    return r;
}

std::vector<ExecReport> LiveExecutor::reconcile(const std::vector<UnsettledOrder>& orders) {
    return impl_->reconcile(orders);
}

void LiveExecutor::attach(ReportSink sink) {
    std::lock_guard lk(impl_->mu);
    impl_->sink = std::move(sink);
}

std::optional<uint64_t> LiveExecutor::wallet_lamports() {
    auto r = impl_->sync<rpc::Balance>(
        [&](auto cb) { rpc::get_balance(*impl_->rpc, impl_->wallet(), rpc::Commitment::Confirmed, cb); });
    if (!r.ok()) {
        log::error("live", "the wallet's balance could not be read", {{"error", r.error.to_string()}});
        return std::nullopt;
    }
    return r.value.lamports;
}

std::vector<RouteStats> LiveExecutor::route_stats() const {
    std::lock_guard lk(impl_->stats_mu);
    std::vector<RouteStats> out;
    for (const auto& [name, a] : impl_->stats) {
        RouteStats s = a.s;
        s.route = name;
        s.confirm_ms_p50 = percentile(a.confirm_ms, 50);
        s.confirm_ms_p99 = percentile(a.confirm_ms, 99);
        s.confirm_ms_max = a.confirm_ms.empty() ? 0 : *std::max_element(a.confirm_ms.begin(), a.confirm_ms.end());
        s.confirm_blocks_p50 = percentile(a.confirm_blocks, 50);
        s.confirm_blocks_max =
            a.confirm_blocks.empty() ? 0 : *std::max_element(a.confirm_blocks.begin(), a.confirm_blocks.end());
        s.confirm_slots_n = a.confirm_slots.size();
        s.confirm_slots_p50 = percentile(a.confirm_slots, 50);
        s.confirm_slots_max =
            a.confirm_slots.empty() ? 0 : *std::max_element(a.confirm_slots.begin(), a.confirm_slots.end());
        out.push_back(std::move(s));
    }
    return out;
}

void LiveExecutor::trading_state_changed(uint8_t state) {
    impl_->state.store(state);
    // The signer keeps its own sticky HALTED: told from the worker (the
    // signer client is the worker's).
    impl_->post([i = impl_.get(), state] {
        std::string err;
        if (!i->signer->set_trading_state(state, err)) {
            log::error("live", "the signer was not told the trading state", {{"error", err}});
        }
    });
}

std::vector<int64_t> LiveExecutor::host_send_ns() const {
    std::lock_guard lk(impl_->stats_mu);
    return impl_->host_ns;
}

std::map<std::string, std::vector<int64_t>> LiveExecutor::host_send_stages() const {
    std::lock_guard lk(impl_->stats_mu);
    return impl_->stages;
}

} // namespace sniper::live
