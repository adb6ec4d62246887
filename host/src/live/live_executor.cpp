// live/live_executor.cpp — the live order lifecycle (see live_executor.hpp).
#include "live/live_executor.hpp"

#include "core/clock.hpp"
#include "rpc/rpc_types.hpp"
#include "core/log.hpp"
#include "exec/paper_executor.hpp"
#include "live/jupiter.hpp"
#include "live/outcome.hpp"
#include "live/tx_check.hpp"
#include "rpc/blockhash_cache.hpp"
#include "rpc/rpc_client.hpp"
#include "rpc/solana_calls.hpp"
#include "signer/signer_client.hpp"
#include "solana/base64.hpp"
#include "solana/jito_tip.hpp"
#include "solana/message_compile.hpp"
#include "solana/program_ids.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace sniper::live {

namespace {

using Clock = std::chrono::steady_clock;

int64_t mono_us() { return rpc::HttpLoop::now_us(); }
int64_t mono_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

solana::Pubkey to_sol(const Pubkey& k) {
    solana::Pubkey p;
    std::copy(std::begin(k.bytes), std::end(k.bytes), p.bytes.begin());
    return p;
}

const char* route_name(uint32_t r) { return r == SNP_ROUTE_JITO ? "jito" : "jupiter"; }

// The tip transaction of an intent's bundle is signed under its own intent
// id in the signer (its re-sign rules are per message lineage).
constexpr uint64_t kTipIntentBit = 1ull << 63;

uint64_t percentile(std::vector<uint64_t> v, unsigned pct) {
    if (v.empty()) {
        return 0;
    }
    std::sort(v.begin(), v.end());
    const size_t rank = std::max<size_t>(1, (v.size() * pct + 99) / 100);
    return v[std::min(rank, v.size()) - 1];
}

template <class T> T wait_for(std::future<T> f) { return f.get(); }

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

struct LiveExecutor::Impl : std::enable_shared_from_this<Impl> {
    struct Attempt {
        uint32_t n = 0;
        solana::Signature sig{};
        solana::Signature tip_sig{};
        std::vector<uint8_t> tx, tip_tx;
        uint64_t lvbh = 0;
        int64_t first_send_us = 0, last_send_us = 0;
        uint64_t height_at_send = 0;
    };
    enum class Phase : uint8_t { Routing, Sending, Checking, Fetching };
    struct Flight {
        Order o;
        uint32_t route = SNP_ROUTE_JUPITER;
        Phase phase = Phase::Routing;
        std::vector<Attempt> attempts;
        int64_t give_up_ns = 0; // wall: no new attempt after this
        int64_t submitted_ns = 0; // mono
        int64_t host_ns = 0;      // host time spent before the first send
        uint32_t route_tries = 0;
        bool busy = false;
        uint64_t priority_fee = 0, tip = 0;
    };
    struct RouteAcc {
        RouteStats s;
        std::vector<uint64_t> confirm_ms, confirm_blocks;
    };

    LiveConfig cfg;
    uint32_t signer_resigns = 0;
    std::unique_ptr<signer::SignerClient> signer;
    signer::Policy policy;
    Store* store = nullptr;
    std::unique_ptr<rpc::RpcClient> rpc;
    std::unique_ptr<rpc::RpcClient> jito;
    std::unique_ptr<rpc::BlockhashCache> heights_poll;
    std::atomic<uint8_t> state{SNP_TRADING_ACTIVE};

    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::function<void()>> tasks;
    bool stopping = false;
    ReportSink sink;
    std::thread worker;

    // Worker thread only.
    std::map<uint64_t, Flight> flights;
    int64_t next_status_us = 0;
    int64_t next_fee_us = 0;
    size_t status_calls = 0; // getSignatureStatuses in flight
    uint64_t percentile_fee = 0; // lamports, from getRecentPrioritizationFees
    uint64_t tip_pick = 0;

    mutable std::mutex stats_mu;
    std::map<std::string, RouteAcc> stats;
    std::vector<int64_t> host_ns;
    std::map<std::string, std::vector<int64_t>> stages; // host_ns by stage

    Impl(const Config& c, std::unique_ptr<signer::SignerClient> s, Store* st)
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
        je.requests_per_s = 5;
        je.burst = 5;
        jc.endpoints.push_back(je);
        jito = std::make_unique<rpc::RpcClient>(jc);
        rpc::BlockhashCacheConfig bc;
        bc.refresh_ms = std::clamp<int64_t>(cfg.status_interval_ns / 1'000'000, 100, 2000);
        heights_poll = std::make_unique<rpc::BlockhashCache>(*rpc, bc);
    }

    const solana::Pubkey& wallet() const { return signer->wallet(); }

    // ---- the task queue --------------------------------------------------

    void post(std::function<void()> fn) {
        {
            std::lock_guard lk(mu);
            if (stopping) {
                return;
            }
            tasks.push_back(std::move(fn));
        }
        cv.notify_one();
    }

    void run() {
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
            if (fn) {
                fn();
            }
            if (mono_us() >= next_tick) {
                tick();
                next_tick = mono_us() + tick_us;
            }
        }
    }

    // Runs `fn` on the worker thread with the answer (from the RPC loop).
    template <class T> std::function<void(T)> back(std::function<void(Impl&, T)> fn) {
        std::weak_ptr<Impl> w = weak_from_this();
        return [w, fn = std::move(fn)](T v) {
            if (auto self = w.lock()) {
                self->post([self_raw = self.get(), fn, v = std::move(v)]() mutable { fn(*self_raw, std::move(v)); });
            }
        };
    }

    // ---- reports and figures ---------------------------------------------

    void emit(ExecReport r) {
        ReportSink s;
        {
            std::lock_guard lk(mu);
            s = sink;
        }
        if (s) {
            s(std::move(r));
        }
    }

    RouteAcc& acc(uint32_t route) { return stats[route_name(route)]; }

    void finish(uint64_t id, ExecReport r) {
        auto it = flights.find(id);
        if (it == flights.end()) {
            return;
        }
        Flight& f = it->second;
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
                for (std::vector<uint64_t>* v : {&a.confirm_ms, &a.confirm_blocks}) {
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

    void fail(uint64_t id, int32_t code, std::string reason, uint32_t status = SNP_ORDER_FAILED) {
        ExecReport r;
        r.status = status;
        r.code = code;
        r.reason = std::move(reason);
        finish(id, std::move(r));
    }

    // ---- an order's life ---------------------------------------------------

    void start(Order o, int64_t submitted_ns) {
        const uint64_t id = o.intent_id;
        Flight f;
        f.submitted_ns = submitted_ns;
        f.route = o.route;
        if (f.route == SNP_ROUTE_DEFAULT) {
            auto it = cfg.strategy_routes.find(o.strategy);
            f.route = it != cfg.strategy_routes.end() ? it->second : cfg.route;
        }
        const int64_t timeout_at = wall_ns() + cfg.order_timeout_ns;
        f.give_up_ns = o.deadline_ns > 0 ? std::min(o.deadline_ns, timeout_at) : timeout_at;
        const uint64_t fee_cap = o.max_priority_fee_lamports != 0
                                     ? std::min(o.max_priority_fee_lamports, cfg.max_priority_fee_lamports)
                                     : cfg.max_priority_fee_lamports;
        const uint64_t fee = cfg.priority_fee_percentile > 0 && percentile_fee > 0 ? percentile_fee
                                                                                   : cfg.priority_fee_lamports;
        f.priority_fee = std::min(fee, fee_cap);
        const uint64_t tip_cap = o.max_tip_lamports != 0 ? std::min(o.max_tip_lamports, cfg.max_tip_lamports)
                                                         : cfg.max_tip_lamports;
        f.tip = std::min(cfg.tip_lamports, tip_cap);
        const uint32_t route = f.route;
        f.o = std::move(o);
        flights.emplace(id, std::move(f));
        {
            std::lock_guard lk(stats_mu);
            ++acc(route).s.intents;
        }
        if (route != SNP_ROUTE_JUPITER && route != SNP_ROUTE_JITO) {
            fail(id, kLiveRouteUnsupported,
                 "route " + std::to_string(route) + " is not served live (jupiter and jito are)");
            return;
        }
        if (route == SNP_ROUTE_JITO && flights[id].tip < 1000) {
            fail(id, kLiveRouteRefused, "jito route: the tip (" + std::to_string(flights[id].tip) +
                                            " lamports, after caps) is below the block engine's 1000-lamport minimum");
            return;
        }
        flights[id].host_ns += mono_ns() - submitted_ns;
        request_quote(id);
    }

    void request_quote(uint64_t id) {
        Flight& f = flights.at(id);
        if (wall_ns() > f.give_up_ns) {
            fail(id, f.o.deadline_ns > 0 ? int32_t{kExecDeadline} : int32_t{kLiveExpired},
                 f.attempts.empty() ? "deadline passed before a transaction could be sent"
                                    : "expired; the deadline leaves no time for a new attempt",
                 SNP_ORDER_EXPIRED);
            return;
        }
        f.phase = Phase::Routing;
        f.busy = true;
        QuoteRequest q;
        const solana::Pubkey mint = to_sol(f.o.mint);
        q.input_mint = f.o.side == SNP_SIDE_BUY ? solana::kWrappedSolMint : mint;
        q.output_mint = f.o.side == SNP_SIDE_BUY ? mint : solana::kWrappedSolMint;
        q.amount = f.o.amount_in;
        q.slippage_bps = f.o.max_slippage_bps;
        rpc::HttpRequest req;
        req.url = quote_url(cfg.jupiter_url, q);
        req.get = true;
        http(std::move(req), [id, q](Impl& s, rpc::HttpResponse r) { s.on_quote(id, q, std::move(r)); });
    }

    // Route requests (quote, swap) in flight at once are capped: an
    // aggregator's API is rate-limited, and a burst of orders must queue
    // here rather than time out in a connection queue.
    static constexpr size_t kMaxRouteRequests = 8;
    size_t route_requests = 0;
    std::deque<std::pair<rpc::HttpRequest, std::function<void(Impl&, rpc::HttpResponse)>>> route_waiting;

    void http(rpc::HttpRequest req, std::function<void(Impl&, rpc::HttpResponse)> fn) {
        if (route_requests >= kMaxRouteRequests) {
            route_waiting.emplace_back(std::move(req), std::move(fn));
            return;
        }
        ++route_requests;
        auto done = back<rpc::HttpResponse>([fn = std::move(fn)](Impl& s, rpc::HttpResponse r) {
            --s.route_requests;
            fn(s, std::move(r));
            while (s.route_requests < kMaxRouteRequests && !s.route_waiting.empty()) {
                auto next = std::move(s.route_waiting.front());
                s.route_waiting.pop_front();
                s.http(std::move(next.first), std::move(next.second));
            }
        });
        rpc::HttpLoop& loop = rpc->loop();
        if (!loop.post([&loop, req = std::move(req), done]() mutable { loop.start(std::move(req), done); })) {
            rpc::HttpResponse r;
            r.outcome = rpc::HttpOutcome::Cancelled;
            done(std::move(r));
        }
    }

    // A route answer that failed: retried (nothing was signed yet) a few
    // times, then the order fails with the reason.
    bool route_retry(uint64_t id, const rpc::HttpResponse& r, const std::string& what) {
        Flight& f = flights.at(id);
        const bool transient = r.outcome == rpc::HttpOutcome::Transport || r.outcome == rpc::HttpOutcome::Timeout ||
                               (r.outcome == rpc::HttpOutcome::Done && (r.status == 429 || r.status >= 500));
        if (transient && ++f.route_tries < 4 && wall_ns() < f.give_up_ns) {
            const int64_t delay_ms = r.retry_after_ms > 0 ? std::min<int64_t>(r.retry_after_ms, 2000) : 200;
            std::weak_ptr<Impl> w = weak_from_this();
            rpc->loop().post([w, id, delay_ms, loop = &rpc->loop()] {
                loop->after(delay_ms, [w, id] {
                    if (auto self = w.lock()) {
                        self->post([s = self.get(), id] {
                            if (s->flights.count(id) != 0) {
                                s->request_quote(id);
                            }
                        });
                    }
                });
            });
            return true;
        }
        std::string why = what + ": ";
        if (r.outcome == rpc::HttpOutcome::Done) {
            why += "HTTP " + std::to_string(r.status) + ": " + error_text(r.body);
        } else {
            why += r.outcome == rpc::HttpOutcome::Timeout ? "timed out" : "no answer (" + r.error + ")";
        }
        fail(id, kLiveRouteRefused, why);
        return false;
    }

    void on_quote(uint64_t id, const QuoteRequest& q, rpc::HttpResponse r) {
        if (flights.count(id) == 0) {
            return;
        }
        if (r.outcome != rpc::HttpOutcome::Done || r.status != 200) {
            route_retry(id, r, "jupiter quote");
            return;
        }
        std::string err;
        auto quote = parse_quote(r.body, q, err);
        Flight& f = flights.at(id);
        if (!quote) {
            fail(id, kLiveRouteRefused, "jupiter quote refused: " + err);
            return;
        }
        if (quote->out_amount < f.o.min_out) {
            fail(id, kExecSlippage,
                 "route quotes " + std::to_string(quote->out_amount) + " out, below the host's bound " +
                     std::to_string(f.o.min_out) + " (pool moved beyond the slippage allowed)");
            return;
        }
        rpc::HttpRequest req;
        req.url = swap_url(cfg.jupiter_url);
        req.body = swap_body(*quote, wallet(), f.priority_fee);
        http(std::move(req), [id](Impl& s, rpc::HttpResponse a) { s.on_swap(id, std::move(a)); });
    }

    // What the wallet may lose to this order: its input (buy), the fee caps,
    // and the rent of a token account the swap may create.
    uint64_t max_outflow(const Flight& f) const {
        const uint64_t base = f.o.side == SNP_SIDE_BUY ? f.o.amount_in : 0;
        return base + f.priority_fee + 5000 * 4 + signer::kToken2022AccountRentBoundLamports;
    }

    void on_swap(uint64_t id, rpc::HttpResponse r) {
        if (flights.count(id) == 0) {
            return;
        }
        if (r.outcome != rpc::HttpOutcome::Done || r.status != 200) {
            route_retry(id, r, "jupiter swap");
            return;
        }
        const int64_t t0 = mono_ns();
        Flight& f = flights.at(id);
        std::string err;
        auto answer = parse_swap(r.body, err);
        if (!answer) {
            fail(id, kLiveRouteRefused, "jupiter swap refused: " + err);
            return;
        }
        auto checked = check_route_tx(answer->tx, policy, max_outflow(f), err);
        if (!checked) {
            fail(id, kLiveRouteRefused, err);
            return;
        }
        const int64_t t_checked = mono_ns();
        const uint64_t height = rpc->heights().highest();
        if (height != 0 && height > answer->last_valid_block_height) {
            fail(id, kLiveRouteRefused, "route transaction's blockhash expired already (valid to height " +
                                            std::to_string(answer->last_valid_block_height) + ", chain at " +
                                            std::to_string(height) + ")");
            return;
        }
        Attempt at;
        at.n = static_cast<uint32_t>(f.attempts.size() + 1);
        at.lvbh = answer->last_valid_block_height;
        const uint64_t earlier = f.attempts.empty() ? 0 : f.attempts.back().lvbh;
        auto sig = sign(id, checked->message, at.lvbh, earlier, height, err);
        if (!sig) {
            fail(id, kLiveSignerRefused, "signer: " + err);
            return;
        }
        at.sig.bytes = *sig;
        at.tx = with_wallet_signature(*checked, *sig);
        const int64_t t_signed = mono_ns();
        if (f.route == SNP_ROUTE_JITO) {
            const solana::Instruction tip = solana::jito_tip(wallet(), f.tip, tip_pick++);
            auto msg = solana::compile_message(wallet(), std::span<const solana::Instruction>(&tip, 1),
                                               checked->tx.message.recent_blockhash, solana::MessageVersion::Legacy);
            auto bytes = msg ? solana::serialize_message(*msg) : solana::Result<std::vector<uint8_t>>(msg.error());
            if (!bytes) {
                fail(id, kLiveRouteRefused, "jito tip transaction: " + bytes.error().to_string());
                return;
            }
            const uint64_t earlier_tip = f.attempts.empty() ? 0 : f.attempts.back().lvbh;
            auto tsig = sign(id | kTipIntentBit, *bytes, at.lvbh, earlier_tip, height, err);
            if (!tsig) {
                fail(id, kLiveSignerRefused, "signer (tip): " + err);
                return;
            }
            solana::Transaction ttx;
            ttx.message = std::move(*msg);
            ttx.signatures.push_back(solana::Signature{*tsig});
            auto tw = solana::serialize_transaction(ttx);
            if (!tw) {
                fail(id, kLiveRouteRefused, "jito tip transaction: " + tw.error().to_string());
                return;
            }
            at.tip_tx = std::move(*tw);
            at.tip_sig.bytes = *tsig;
        }
        // Write-ahead: the attempt is durable before anything is sent.
        if (store != nullptr) {
            SendAttemptRecord rec;
            rec.intent_id = id;
            rec.attempt = at.n;
            rec.route = route_name(f.route);
            rec.signature = solana::to_base58(at.sig);
            rec.tx = at.tx;
            rec.tip_tx = at.tip_tx;
            rec.last_valid_block_height = at.lvbh;
            rec.ts_ns = wall_ns();
            store->append(std::move(rec));
            store->flush();
            if (!store->healthy()) {
                fail(id, kLiveJournalFailed, "the attempt could not be journaled (" + store->last_error() +
                                                 "); nothing was sent");
                return;
            }
        }
        const int64_t t_journaled = mono_ns();
        at.height_at_send = height;
        f.attempts.push_back(std::move(at));
        f.phase = Phase::Sending;
        f.busy = false;
        send(f, false);
        if (f.attempts.size() == 1) {
            const int64_t t_sent = mono_ns();
            f.host_ns += t_sent - t0;
            std::lock_guard lk(stats_mu);
            host_ns.push_back(f.host_ns);
            stages["queue"].push_back(f.host_ns - (t_sent - t0));
            stages["check"].push_back(t_checked - t0);
            stages["sign"].push_back(t_signed - t_checked);
            stages["journal"].push_back(t_journaled - t_signed);
            stages["send"].push_back(t_sent - t_journaled);
        } else {
            std::lock_guard lk(stats_mu);
            ++acc(f.route).s.resigns;
        }
        ExecReport sent;
        sent.intent_id = id;
        sent.status = SNP_ORDER_SENT;
        sent.attempt = f.attempts.back().n;
        sent.signature = f.attempts.back().sig.bytes;
        sent.reason = std::string(route_name(f.route)) + " attempt " + std::to_string(sent.attempt) + " " +
                      solana::to_base58(f.attempts.back().sig);
        emit(std::move(sent));
    }

    std::optional<std::array<uint8_t, 64>> sign(uint64_t intent, const std::vector<uint8_t>& message, uint64_t lvbh,
                                                uint64_t earlier, uint64_t height, std::string& err) {
        signer::SignRequest req;
        req.intent_id = intent;
        req.host_state = state.load();
        req.last_valid_block_height = lvbh;
        req.earlier_last_valid_block_height = earlier;
        req.current_block_height = height;
        req.message = message;
        auto res = signer->sign(req, err);
        if (!res) {
            err = "no answer: " + err;
            return std::nullopt;
        }
        if (!res->signed_ok()) {
            err = std::string(signer::reason_name(res->reason)) + ": " + res->detail;
            return std::nullopt;
        }
        return res->signature;
    }

    void send(Flight& f, bool again) {
        Attempt& at = f.attempts.back();
        const int64_t now = mono_us();
        const int64_t gap = at.last_send_us == 0 ? 0 : now - at.last_send_us;
        if (at.first_send_us == 0) {
            at.first_send_us = now;
        }
        at.last_send_us = now;
        {
            std::lock_guard lk(stats_mu);
            RouteAcc& a = acc(f.route);
            if (again) {
                ++a.s.rebroadcasts;
                if (gap > 2 * cfg.rebroadcast_interval_ns / 1000) {
                    ++a.s.late_rebroadcasts;
                }
            } else {
                ++a.s.sent;
            }
        }
        if (f.route == SNP_ROUTE_JITO) {
            const std::string params = "[[\"" + solana::base64_encode(at.tx) + "\",\"" +
                                       solana::base64_encode(at.tip_tx) + "\"],{\"encoding\":\"base64\"}]";
            jito->call("sendBundle", params, [](rpc::RpcResponse) {});
        } else {
            rpc::broadcast_transaction(*rpc, at.tx, [](std::vector<rpc::RpcResult<solana::Signature>>) {});
        }
    }

    // Rebroadcasts per tick are capped (oldest send first) so that a burst
    // of orders in flight cannot flood the endpoints or starve the status
    // polls; every order in flight still gets its turn.
    static constexpr size_t kMaxRebroadcastsPerTick = 32;

    void tick() {
        const int64_t now = mono_us();
        const rpc::HeightTracker& h = rpc->heights();
        std::vector<uint64_t> poll;
        std::vector<std::pair<int64_t, uint64_t>> due; // (last send, id)
        for (auto& [id, f] : flights) {
            if (f.phase != Phase::Sending || f.busy || f.attempts.empty()) {
                continue;
            }
            const Attempt& at = f.attempts.back();
            if (h.expired(at.lvbh)) {
                check_expired(id);
                continue;
            }
            if (now - at.last_send_us >= cfg.rebroadcast_interval_ns / 1000) {
                due.emplace_back(at.last_send_us, id);
            }
            poll.push_back(id);
        }
        if (due.size() > kMaxRebroadcastsPerTick) {
            std::partial_sort(due.begin(), due.begin() + kMaxRebroadcastsPerTick, due.end());
            due.resize(kMaxRebroadcastsPerTick);
        }
        for (const auto& [last, id] : due) {
            send(flights.at(id), true);
        }
        if (!poll.empty() && status_calls == 0 && now >= next_status_us) {
            next_status_us = now + cfg.status_interval_ns / 1000;
            for (size_t i = 0; i < poll.size(); i += 256) {
                poll_statuses(std::vector<uint64_t>(poll.begin() + static_cast<std::ptrdiff_t>(i),
                                                    poll.begin() + static_cast<std::ptrdiff_t>(std::min(poll.size(), i + 256))));
            }
        }
        if (cfg.priority_fee_percentile > 0 && now >= next_fee_us) {
            next_fee_us = now + 10'000'000;
            rpc::get_recent_prioritization_fees(
                *rpc, {}, back<rpc::RpcResult<std::vector<rpc::PrioritizationFee>>>(
                              [](Impl& s, rpc::RpcResult<std::vector<rpc::PrioritizationFee>> r) {
                                  if (r.ok()) {
                                      const uint64_t micro = rpc::fee_percentile(r.value, s.cfg.priority_fee_percentile);
                                      s.percentile_fee = (micro * s.cfg.compute_unit_estimate + 999'999) / 1'000'000;
                                  }
                              }));
        }
    }

    void poll_statuses(std::vector<uint64_t> ids) {
        std::vector<solana::Signature> sigs;
        for (uint64_t id : ids) {
            sigs.push_back(flights.at(id).attempts.back().sig);
        }
        ++status_calls;
        rpc::get_signature_statuses(
            *rpc, sigs, false,
            back<rpc::RpcResult<rpc::SignatureStatuses>>(
                [ids, sigs](Impl& s, rpc::RpcResult<rpc::SignatureStatuses> r) {
                    --s.status_calls;
                    if (!r.ok()) {
                        return;
                    }
                    for (size_t i = 0; i < ids.size() && i < r.value.statuses.size(); ++i) {
                        auto it = s.flights.find(ids[i]);
                        if (it == s.flights.end() || it->second.phase != Phase::Sending || it->second.busy ||
                            !(it->second.attempts.back().sig == sigs[i])) {
                            continue;
                        }
                        if (s.settled(r.value.statuses[i])) {
                            s.fetch(ids[i]);
                        }
                    }
                }));
    }

    static bool settled(const std::optional<rpc::SignatureStatus>& st) {
        return st && (st->err_json || st->confirmation_status == rpc::Commitment::Confirmed ||
                      st->confirmation_status == rpc::Commitment::Finalized);
    }

    // The latest attempt's blockhash expired: is it really not on chain?
    void check_expired(uint64_t id) {
        Flight& f = flights.at(id);
        f.busy = true;
        f.phase = Phase::Checking;
        const solana::Signature sig = f.attempts.back().sig;
        rpc::get_signature_statuses(
            *rpc, {sig}, true,
            back<rpc::RpcResult<rpc::SignatureStatuses>>([id, sig](Impl& s, rpc::RpcResult<rpc::SignatureStatuses> r) {
                auto it = s.flights.find(id);
                if (it == s.flights.end()) {
                    return;
                }
                Flight& fl = it->second;
                fl.busy = false;
                fl.phase = Phase::Sending;
                if (!r.ok() || r.value.statuses.empty()) {
                    return; // asked again on the next tick
                }
                const auto& st = r.value.statuses[0];
                if (s.settled(st)) {
                    s.fetch(id);
                    return;
                }
                if (st) {
                    return; // processed, not yet confirmed: wait
                }
                // Not on chain and can never be: the attempt is dead.
                const size_t resigns = fl.attempts.size() - 1;
                const uint32_t max = std::min(s.cfg.max_resigns, s.signer_resigns);
                if (resigns < max && wall_ns() < fl.give_up_ns && s.state.load() != SNP_TRADING_HALTED) {
                    log::info("live", "attempt expired without landing; signing a new one",
                              {{"intent_id", id}, {"attempt", static_cast<uint64_t>(fl.attempts.size())},
                               {"signature", solana::to_base58(sig)}});
                    fl.route_tries = 0;
                    s.request_quote(id);
                } else {
                    s.fail(id, kLiveExpired,
                           "no attempt landed before its blockhash expired (" +
                               std::to_string(fl.attempts.size()) + " attempt(s))",
                           SNP_ORDER_EXPIRED);
                }
            }));
    }

    void fetch(uint64_t id) {
        Flight& f = flights.at(id);
        f.busy = true;
        f.phase = Phase::Fetching;
        const Attempt& at = f.attempts.back();
        rpc::get_transaction(
            *rpc, at.sig, rpc::Commitment::Confirmed,
            back<rpc::RpcResult<std::optional<rpc::TransactionInfo>>>(
                [id](Impl& s, rpc::RpcResult<std::optional<rpc::TransactionInfo>> r) {
                    auto it = s.flights.find(id);
                    if (it == s.flights.end()) {
                        return;
                    }
                    Flight& fl = it->second;
                    if (!r.ok() || !r.value) {
                        fl.busy = false;
                        fl.phase = Phase::Sending; // not visible yet: the next poll asks again
                        return;
                    }
                    if (fl.route == SNP_ROUTE_JITO) {
                        s.fetch_tip(id, std::move(*r.value));
                        return;
                    }
                    s.finish(id, outcome_from_tx(id, fl.o.side, s.wallet(), to_sol(fl.o.mint), *r.value, nullptr));
                }));
    }

    void fetch_tip(uint64_t id, rpc::TransactionInfo swap) {
        const Attempt& at = flights.at(id).attempts.back();
        rpc::get_transaction(
            *rpc, at.tip_sig, rpc::Commitment::Confirmed,
            back<rpc::RpcResult<std::optional<rpc::TransactionInfo>>>(
                [id, swap = std::move(swap)](Impl& s, rpc::RpcResult<std::optional<rpc::TransactionInfo>> r) {
                    auto it = s.flights.find(id);
                    if (it == s.flights.end()) {
                        return;
                    }
                    Flight& fl = it->second;
                    if (!r.ok() || !r.value) {
                        fl.busy = false;
                        fl.phase = Phase::Sending;
                        return;
                    }
                    s.finish(id, outcome_from_tx(id, fl.o.side, s.wallet(), to_sol(fl.o.mint), swap, &*r.value));
                }));
    }

    // ---- restart -------------------------------------------------------------

    template <class T, class Call> rpc::RpcResult<T> sync(Call call) {
        auto p = std::make_shared<std::promise<rpc::RpcResult<T>>>();
        auto f = p->get_future();
        call([p](rpc::RpcResult<T> r) { p->set_value(std::move(r)); });
        return f.get();
    }

    std::vector<ExecReport> reconcile(const std::vector<UnsettledOrder>& orders) {
        std::vector<ExecReport> out;
        struct Pending {
            UnsettledOrder o;
            std::vector<SendAttemptRecord> attempts;
            std::vector<solana::Signature> sigs, tip_sigs;
            uint64_t max_lvbh = 0;
        };
        std::vector<Pending> pending;
        for (const UnsettledOrder& o : orders) {
            Pending p{o, store != nullptr ? store->send_attempts(o.intent_id) : std::vector<SendAttemptRecord>{}, {}, {}, 0};
            if (p.attempts.empty()) {
                ExecReport r;
                r.intent_id = o.intent_id;
                r.status = SNP_ORDER_EXPIRED;
                r.code = kExecStoppedInFlight;
                r.reason = "the process stopped before any transaction of this order was sent";
                out.push_back(std::move(r));
                continue;
            }
            for (const SendAttemptRecord& a : p.attempts) {
                auto s = solana::signature_from_base58(a.signature);
                p.sigs.push_back(s ? *s : solana::Signature{});
                solana::Signature ts{};
                if (!a.tip_tx.empty()) {
                    solana::Transaction t;
                    if (!solana::parse_transaction(a.tip_tx, t) && !t.signatures.empty()) {
                        ts = t.signatures[0];
                    }
                }
                p.tip_sigs.push_back(ts);
                p.max_lvbh = std::max(p.max_lvbh, a.last_valid_block_height);
            }
            pending.push_back(std::move(p));
        }
        if (!pending.empty()) {
            log::warn("live", "looking up orders in flight at the last stop before trading",
                      {{"orders", static_cast<uint64_t>(pending.size())}});
        }
        const int64_t give_up = mono_us() + 10LL * 60 * 1'000'000; // 150 blocks are ~1 minute on mainnet
        while (!pending.empty()) {
            std::vector<solana::Signature> all;
            for (const Pending& p : pending) {
                all.insert(all.end(), p.sigs.begin(), p.sigs.end());
            }
            auto st = sync<rpc::SignatureStatuses>([&](auto cb) { rpc::get_signature_statuses(*rpc, all, true, cb); });
            auto bh = sync<uint64_t>([&](auto cb) { rpc::get_block_height(*rpc, rpc::Commitment::Confirmed, cb); });
            const uint64_t height = std::max(bh.ok() ? bh.value : 0, rpc->heights().highest());
            size_t k = 0;
            std::vector<Pending> still;
            for (Pending& p : pending) {
                std::optional<size_t> landed;
                bool processed = false;
                for (size_t i = 0; i < p.sigs.size(); ++i, ++k) {
                    if (st.ok() && k < st.value.statuses.size() && st.value.statuses[k]) {
                        if (settled(st.value.statuses[k])) {
                            landed = i;
                        } else {
                            processed = true;
                        }
                    }
                }
                if (landed) {
                    auto tx = sync<std::optional<rpc::TransactionInfo>>([&](auto cb) {
                        rpc::get_transaction(*rpc, p.sigs[*landed], rpc::Commitment::Confirmed, cb);
                    });
                    std::optional<rpc::TransactionInfo> tip;
                    if (tx.ok() && tx.value && !p.attempts[*landed].tip_tx.empty()) {
                        auto t = sync<std::optional<rpc::TransactionInfo>>([&](auto cb) {
                            rpc::get_transaction(*rpc, p.tip_sigs[*landed], rpc::Commitment::Confirmed, cb);
                        });
                        if (!t.ok() || !t.value) {
                            still.push_back(std::move(p));
                            continue;
                        }
                        tip = std::move(t.value);
                    }
                    if (tx.ok() && tx.value) {
                        ExecReport r = outcome_from_tx(p.o.intent_id, p.o.side, wallet(), to_sol(p.o.mint), *tx.value,
                                                       tip ? &*tip : nullptr);
                        r.attempt = static_cast<uint32_t>(*landed + 1);
                        r.reason = (r.reason.empty() ? "" : r.reason + "; ") +
                                   std::string("found on chain after a restart (attempt ") +
                                   std::to_string(*landed + 1) + ")";
                        out.push_back(std::move(r));
                        continue;
                    }
                    still.push_back(std::move(p));
                    continue;
                }
                if (st.ok() && bh.ok() && !processed && height > p.max_lvbh) {
                    ExecReport r;
                    r.intent_id = p.o.intent_id;
                    r.status = SNP_ORDER_EXPIRED;
                    r.code = kLiveExpired;
                    r.attempt = static_cast<uint32_t>(p.attempts.size());
                    r.reason = "no attempt landed before its blockhash expired (looked up after a restart)";
                    out.push_back(std::move(r));
                    continue;
                }
                still.push_back(std::move(p));
            }
            pending = std::move(still);
            if (pending.empty()) {
                break;
            }
            if (mono_us() > give_up) {
                for (const Pending& p : pending) {
                    log::error("live", "order in flight could not be settled at start; it stays open",
                               {{"intent_id", p.o.intent_id}});
                }
                break;
            }
            // The same bytes again while it may still land (a send lost in
            // the crash): they can land once at most.
            for (const Pending& p : pending) {
                const SendAttemptRecord& a = p.attempts.back();
                if (a.tip_tx.empty()) {
                    rpc::broadcast_transaction(*rpc, a.tx, [](std::vector<rpc::RpcResult<solana::Signature>>) {});
                } else {
                    jito->call("sendBundle",
                               "[[\"" + solana::base64_encode(a.tx) + "\",\"" + solana::base64_encode(a.tip_tx) +
                                   "\"],{\"encoding\":\"base64\"}]",
                               [](rpc::RpcResponse) {});
                }
            }
            std::this_thread::sleep_for(std::chrono::nanoseconds(std::max<int64_t>(cfg.status_interval_ns, 50'000'000)));
        }
        return out;
    }
};

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

const solana::Pubkey& LiveExecutor::wallet() const { return impl_->wallet(); }

uint64_t LiveExecutor::quote(const PoolState& pool, uint32_t side, uint64_t amount_in) const {
    return PaperExecutor::quote_pool(pool, side, amount_in);
}

uint64_t LiveExecutor::fees_per_order() const {
    const LiveConfig& c = impl_->cfg;
    const uint64_t fee = 2 * 5000 + std::min(c.priority_fee_lamports, c.max_priority_fee_lamports);
    return c.route == SNP_ROUTE_JITO ? fee + 5000 + std::min(c.tip_lamports, c.max_tip_lamports) : fee;
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
        out.push_back(std::move(s));
    }
    return out;
}

void LiveExecutor::trading_state_changed(uint8_t state) { impl_->state.store(state); }

std::vector<int64_t> LiveExecutor::host_send_ns() const {
    std::lock_guard lk(impl_->stats_mu);
    return impl_->host_ns;
}

std::map<std::string, std::vector<int64_t>> LiveExecutor::host_send_stages() const {
    std::lock_guard lk(impl_->stats_mu);
    return impl_->stages;
}

} // namespace sniper::live
