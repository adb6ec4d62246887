// live/executor_impl.hpp — the live executor's state (LiveExecutor::Impl)
// and the helpers its three files share: live_executor.cpp (the worker's
// task queue, reports and figures, the public API), order_flow.cpp (an
// order's life: route, checks, sign, journal, send, rebroadcast, expiry,
// outcome) and restart.cpp (reconcile at start). Private to the live
// module; live_executor.hpp says what the executor does.
#pragma once

#include "core/solana_key.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "exec/executor.hpp"
#include "live/jupiter.hpp"
#include "live/outcome.hpp"
#include "live/live_executor.hpp"
#include "rpc/blockhash_cache.hpp"
#include "rpc/rpc_client.hpp"
#include "rpc/rpc_types.hpp"
#include "rpc/solana_calls.hpp"
#include "signer/policy.hpp"
#include "signer/signer_client.hpp"
#include "solana/program_ids.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sniper::live {

namespace detail {

using Clock = std::chrono::steady_clock;

inline int64_t mono_us() { return rpc::HttpLoop::now_us(); }
inline int64_t mono_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

inline const char* route_name(uint32_t r) { return r == SNP_ROUTE_JITO ? "jito" : "jupiter"; }

// The tip transaction of an intent's bundle is signed under its own intent
// id in the signer (its re-sign rules are per message lineage).
constexpr uint64_t kTipIntentBit = 1ull << 63;

} // namespace detail

using namespace detail;

struct LiveExecutor::Impl : std::enable_shared_from_this<Impl> {
    struct Attempt {
        uint32_t n = 0;
        solana::Signature sig{};
        solana::Signature tip_sig{};
        std::vector<uint8_t> tx, tip_tx;
        uint64_t lvbh = 0;
        solana::Hash blockhash{};
        int64_t first_send_us = 0, last_send_us = 0;
        uint64_t height_at_send = 0;
        uint64_t slot_at_send = 0; // the watcher's slot at the first send (0: unknown)
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
        uint32_t tip_lookups = 0;   // failed lookups of a landed bundle's tip transaction
        int64_t next_check_us = 0; // expiry look-ups at most every 250 ms
        bool busy = false;
        uint64_t priority_fee = 0, tip = 0;
        uint64_t landed_slot = 0; // the confirmed transaction's slot (getTransaction)
    };
    struct RouteAcc {
        RouteStats s;
        std::vector<uint64_t> confirm_ms, confirm_blocks, confirm_slots;
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
    // An answer for flight `id` came back: the flight (no longer busy, back
    // to Sending), or nullptr when it has settled meanwhile.
    Flight* resume(uint64_t id) {
        const auto it = flights.find(id);
        if (it == flights.end()) {
            return nullptr;
        }
        it->second.busy = false;
        it->second.phase = Phase::Sending;
        return &it->second;
    }
    int64_t next_status_us = 0;
    int64_t next_fee_us = 0;
    // [feeds.ws] connections as a SignatureWatch (null: polling only). The
    // latest attempt of each flight is watched; set before the first submit.
    SignatureWatch* sig_watch = nullptr;
    std::atomic<uint64_t> signature_hints{0};
    void watch_attempt(const Flight& f);           // after an attempt is added
    void forget_attempts(const Flight& f);         // when the flight settles
    void on_signature_heard(const SignatureBytes& sig); // worker: look it up now
    size_t status_calls = 0; // getSignatureStatuses in flight
    uint64_t percentile_fee = 0; // lamports, from getRecentPrioritizationFees
    uint64_t tip_pick = 0;

    mutable std::mutex stats_mu;
    std::map<std::string, RouteAcc> stats;
    std::vector<int64_t> host_ns;
    std::map<std::string, std::vector<int64_t>> stages; // host_ns by stage

    Impl(const Config& c, std::unique_ptr<signer::SignerClient> s, Store* st);

    const solana::Pubkey& wallet() const { return signer->wallet(); }

    // The block height endpoint `name` last reported (0 = unknown). A
    // "not found" only proves expiry from a node that is itself past the
    // blockhash's last valid height: a lagging node has not seen the
    // blocks the transaction could have landed in.
    uint64_t endpoint_height(const std::string& name) const {
        for (const rpc::EndpointStatus& e : rpc->endpoint_status()) {
            if (e.name == name) {
                return e.block_height;
            }
        }
        return 0;
    }

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

    void run();

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

    void finish(uint64_t id, ExecReport r);

    void fail(uint64_t id, int32_t code, std::string reason, uint32_t status = SNP_ORDER_FAILED);

    // ---- an order's life ---------------------------------------------------

    void start(Order o, int64_t submitted_ns);

    void request_quote(uint64_t id);

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
    bool route_retry(uint64_t id, const rpc::HttpResponse& r, const std::string& what);

    void on_quote(uint64_t id, const QuoteRequest& q, rpc::HttpResponse r);

    // What the wallet may lose to this order: its input (buy), the fee caps,
    // and the rent of a token account the swap may create.
    uint64_t max_outflow(const Flight& f) const;

    void on_swap(uint64_t id, rpc::HttpResponse r);

    // `meanwhile`: runs while the signer works (SignerClient::sign).
    std::optional<std::array<uint8_t, 64>> sign(uint64_t intent, const std::vector<uint8_t>& message, uint64_t lvbh,
                                                uint64_t earlier, uint64_t height, std::string& err,
                                                const std::function<void()>& meanwhile = nullptr);

    void send(Flight& f, bool again);

    // Rebroadcasts per tick are capped (oldest send first) so that a burst
    // of orders in flight cannot flood the endpoints or starve the status
    // polls; every order in flight still gets its turn.
    static constexpr size_t kMaxRebroadcastsPerTick = 32;

    void tick();

    void poll_statuses(std::vector<uint64_t> ids);

    static bool settled(const std::optional<rpc::SignatureStatus>& st) {
        return st && (st->err_json || st->confirmation_status == rpc::Commitment::Confirmed ||
                      st->confirmation_status == rpc::Commitment::Finalized);
    }

    // The latest attempt's blockhash expired by the highest height seen: is
    // it really not on chain? Asked with history, answered by a node past
    // the last valid height, and the blockhash itself no longer valid
    // there (Jupiter's lastValidBlockHeight is a third party's number).
    void check_expired(uint64_t id);

    void confirm_blockhash_dead(uint64_t id);

    // The latest attempt can never land: a new one, or EXPIRED.
    void attempt_dead(uint64_t id);

    void fetch(uint64_t id);

    void fetch_tip(uint64_t id, rpc::TransactionInfo swap);

    // ---- restart -------------------------------------------------------------

    template <class T, class Call> rpc::RpcResult<T> sync(Call call) {
        auto p = std::make_shared<std::promise<rpc::RpcResult<T>>>();
        auto f = p->get_future();
        call([p](rpc::RpcResult<T> r) { p->set_value(std::move(r)); });
        return f.get();
    }

    // Every attempt's blockhash is refused by a node past its height.
    bool blockhashes_dead(const std::vector<SendAttemptRecord>& attempts);
    std::vector<ExecReport> reconcile(const std::vector<UnsettledOrder>& orders);
};

} // namespace sniper::live
