// solfeed/ws_source.cpp — SolanaWsSource (see the header): connection
// threads and their reconnect loop, subscriptions, decode + dedup + push,
// staleness, Raydium getTransaction fetches, the raw recording, status.
#include "solfeed/ws_source.hpp"

#include "chain/solana_ws_decoder.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "rpc/rpc_client.hpp"
#include "solana/base58.hpp"
#include "solfeed/dedup.hpp"
#include "ws/ws_client.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <map>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace sniper::solfeed {

namespace {

constexpr size_t kMaxTrackedPools = 1u << 16;
constexpr int64_t kBackoffResetNs = 10'000'000'000; // a connection up this long resets the back-off
constexpr uint64_t kFirstAccountRequest = 1000;     // request ids below are logsSubscribe's

struct KeyLess {
    bool operator()(const Pubkey& a, const Pubkey& b) const {
        return std::memcmp(a.bytes, b.bytes, sizeof a.bytes) < 0;
    }
};

// The subscription id of a notification: the last "subscription": in it
// (it closes params); 0 when absent or malformed.
uint64_t subscription_of(std::string_view msg) {
    const size_t at = msg.rfind("\"subscription\":");
    if (at == std::string_view::npos) {
        return 0;
    }
    uint64_t v = 0;
    size_t i = at + 15;
    while (i < msg.size() && msg[i] == ' ') {
        ++i;
    }
    const size_t first = i;
    for (; i < msg.size() && msg[i] >= '0' && msg[i] <= '9' && i - first < 19; ++i) {
        v = v * 10 + static_cast<uint64_t>(msg[i] - '0');
    }
    return i > first ? v : 0;
}

// Refusals that are not the decoder's, counted beside its reasons.
constexpr const char* kSlotBackwards = "SLOT_BACKWARDS";
constexpr const char* kSubscribeError = "SUBSCRIBE_ERROR";
constexpr const char* kUnexpectedResponse = "UNEXPECTED_RESPONSE";
constexpr const char* kUnknownSubscription = "UNKNOWN_SUBSCRIPTION";

std::string base58(const Pubkey& k) { return to_base58(k); }

} // namespace

WsSourceConfig ws_source_config(const Config& cfg) {
    WsSourceConfig out;
    out.ws = cfg.feeds.ws;
    out.rpc_urls = !cfg.feeds.ws.rpc_urls.empty() ? cfg.feeds.ws.rpc_urls : cfg.live.rpc_urls;
    out.raw_path = cfg.feeds.record.raw_path;
    return out;
}

struct Endpoint;

struct SolanaWsSource::Impl : std::enable_shared_from_this<SolanaWsSource::Impl> {
    explicit Impl(WsSourceConfig c);

    void run_endpoint(Endpoint& ep);
    void on_open(Endpoint& ep);
    void on_message(Endpoint& ep, std::string_view msg, int64_t recv_mono_ns);
    void on_response(Endpoint& ep, std::string_view msg);
    void on_tick(Endpoint& ep);
    void sync_accounts(Endpoint& ep);
    void decoded(Endpoint* ep, const chain::DecodeResult& r, int64_t recv_mono_ns, bool fetched,
                 const Pubkey* account = nullptr);
    void fetch_transaction(const uint8_t* sig);
    void mark_stale_locked(const std::string& why);
    void count_locked(const std::string& reason, const std::string& detail);
    void record_raw(std::string_view msg);
    bool wait_or_stop(int64_t ns);

    WsSourceConfig cfg;
    std::vector<std::string> subscribe_requests; // one per program, ids 1..n
    std::vector<std::unique_ptr<Endpoint>> endpoints;
    EventSink* sink = nullptr;

    mutable std::mutex mu; // everything below
    chain::SolanaWsDecoder decoder;
    SignatureDedup dedup;
    std::unordered_set<Pubkey, PubkeyHash> pools; // delivered by this source
    std::vector<Pubkey> watched;                  // accounts to follow (Feed::watch_pools)
    std::unordered_map<Pubkey, uint64_t, PubkeyHash> account_slot; // last slot delivered per account
    std::map<std::string, uint64_t> rejected_by_reason;
    uint64_t messages = 0, events = 0, duplicates = 0, rejected = 0, skipped = 0;
    uint64_t outages = 0, stale_marks = 0, fetches = 0, fetch_failures = 0;
    size_t connected = 0;
    bool down = true;      // no connection up (outage logged once)
    bool stalled = false;  // no notification for stale_after while connected
    int64_t last_activity_mono = 0, last_event_mono = 0;
    std::mt19937_64 rng{std::random_device{}()};

    std::mutex stop_mu;
    std::condition_variable stop_cv;
    bool stopping = false;

    std::unique_ptr<rpc::RpcClient> rpc; // getTransaction fetches
    std::mutex raw_mu;
    std::FILE* raw = nullptr;
    int64_t raw_flushed_mono = 0;
};

struct Endpoint {
    ws::Url url;
    std::string display; // without the query
    ws::Connection conn;
    std::thread thread;
    // Connection thread only (reset at each connection).
    uint64_t last_slot = 0;
    uint64_t next_request = kFirstAccountRequest;    // ids of account (un)subscribes
    std::map<uint64_t, Pubkey> pending_accounts;     // request id -> account
    std::map<uint64_t, Pubkey> account_by_sub;       // subscription id -> account
    std::map<Pubkey, uint64_t, KeyLess> sub_by_account;
    // Under Impl::mu.
    bool connected = false;
    uint64_t connects = 0, messages = 0;
    std::string last_error;
};

namespace {

class Handler final : public ws::Connection::Handler {
  public:
    Handler(SolanaWsSource::Impl& impl, Endpoint& ep) : impl_(impl), ep_(ep) {}
    void on_open() override { impl_.on_open(ep_); }
    void on_message(std::string_view m, int64_t recv) override { impl_.on_message(ep_, m, recv); }
    void on_tick() override { impl_.on_tick(ep_); }

  private:
    SolanaWsSource::Impl& impl_;
    Endpoint& ep_;
};

} // namespace

SolanaWsSource::Impl::Impl(WsSourceConfig c)
    : cfg(std::move(c)),
      decoder(chain::DecoderConfig{cfg.ws.max_log_line_bytes, 8u << 20, 1u << 14}),
      dedup(cfg.dedup_capacity) {
    if (cfg.ws.urls.empty()) {
        throw std::runtime_error("[feeds.ws] has no URL");
    }
    for (const std::string& u : cfg.ws.urls) {
        std::string err;
        auto url = ws::parse_url(u, err);
        if (!url) {
            throw std::runtime_error("feeds.ws.url: " + err);
        }
        auto ep = std::make_unique<Endpoint>();
        ep->url = *url;
        ep->display = ws::redacted(u);
        endpoints.push_back(std::move(ep));
    }
    for (size_t i = 0; i < cfg.ws.programs.size(); ++i) {
        subscribe_requests.push_back(
            "{\"jsonrpc\":\"2.0\",\"id\":" + std::to_string(i + 1) +
            ",\"method\":\"logsSubscribe\",\"params\":[{\"mentions\":[\"" +
            base58(cfg.ws.programs[i]) + "\"]},{\"commitment\":\"" + cfg.ws.commitment + "\"}]}");
    }
    if (!cfg.rpc_urls.empty()) {
        rpc::RpcClientConfig rc;
        for (size_t i = 0; i < cfg.rpc_urls.size(); ++i) {
            rpc::EndpointConfig e;
            e.name = "ws-rpc" + std::to_string(i + 1);
            e.url = cfg.rpc_urls[i];
            e.requests_per_s = 10;
            e.burst = 10;
            rc.endpoints.push_back(e);
        }
        rpc = std::make_unique<rpc::RpcClient>(rc);
    }
    if (!cfg.raw_path.empty()) {
        raw = std::fopen(cfg.raw_path.c_str(), "ab");
        if (raw == nullptr) {
            throw std::runtime_error("feeds.record.raw: cannot open " + cfg.raw_path +
                                     " for appending: " + std::strerror(errno));
        }
    }
}

bool SolanaWsSource::Impl::wait_or_stop(int64_t ns) {
    std::unique_lock<std::mutex> lk(stop_mu);
    return stop_cv.wait_for(lk, std::chrono::nanoseconds(ns), [&] { return stopping; });
}

void SolanaWsSource::Impl::run_endpoint(Endpoint& ep) {
    Handler handler(*this, ep);
    ws::Options opts;
    opts.idle_timeout_ns = 2 * cfg.ws.ping_interval_ns;
    opts.connect_timeout_ns = std::max<int64_t>(cfg.ws.ping_interval_ns, 5'000'000'000);
    int64_t backoff = cfg.ws.reconnect_min_ns;
    std::string previous_error;
    for (;;) {
        const int64_t began = mono_ns();
        ep.last_slot = 0;
        ep.pending_accounts.clear();
        ep.account_by_sub.clear();
        ep.sub_by_account.clear();
        std::string why = ep.conn.run(ep.url, opts, handler);
        const int64_t lasted = mono_ns() - began;
        if (why == "stopped") {
            break;
        }
        bool was_connected = false;
        {
            std::lock_guard<std::mutex> lk(mu);
            was_connected = ep.connected;
            ep.connected = false;
            ep.last_error = why;
            if (was_connected && --connected == 0) {
                down = true;
                ++outages;
                log::warn("feed.ws", "every WebSocket connection is down: pools marked stale",
                          {{"endpoint", ep.display}, {"error", why}});
                mark_stale_locked("WebSocket outage: " + why);
            }
        }
        if (was_connected || why != previous_error) {
            log::warn("feed.ws", was_connected ? "WebSocket connection lost; reconnecting"
                                               : "WebSocket connection failed; retrying",
                      {{"endpoint", ep.display}, {"error", why}, {"retry_in_ms", backoff / 1'000'000}});
        }
        previous_error = why;
        if (was_connected && lasted >= kBackoffResetNs) {
            backoff = cfg.ws.reconnect_min_ns;
        }
        int64_t wait = backoff;
        {
            std::lock_guard<std::mutex> lk(mu);
            std::uniform_int_distribution<int64_t> jitter(backoff / 2, backoff);
            wait = jitter(rng);
        }
        backoff = std::min(backoff * 2, cfg.ws.reconnect_max_ns);
        if (wait_or_stop(wait)) {
            break;
        }
    }
}

void SolanaWsSource::Impl::on_open(Endpoint& ep) {
    for (const std::string& req : subscribe_requests) {
        ep.conn.send(req);
    }
    std::lock_guard<std::mutex> lk(mu);
    ep.connected = true;
    ++ep.connects;
    last_activity_mono = mono_ns();
    if (connected++ == 0 && down) {
        down = false;
        log::info("feed.ws", "WebSocket feed up",
                  {{"endpoint", ep.display}, {"programs", static_cast<uint64_t>(subscribe_requests.size())}});
    }
}

void SolanaWsSource::Impl::record_raw(std::string_view msg) {
    std::lock_guard<std::mutex> lk(raw_mu);
    // JSON text holds no raw line break inside a string: outside one it is
    // whitespace, so a line break becomes a space and the line stays one
    // equivalent document.
    for (char c : msg) {
        std::fputc(c == '\n' || c == '\r' ? ' ' : c, raw);
    }
    std::fputc('\n', raw);
    const int64_t now = mono_ns();
    if (now - raw_flushed_mono > 1'000'000'000) {
        std::fflush(raw);
        raw_flushed_mono = now;
    }
}

void SolanaWsSource::Impl::on_message(Endpoint& ep, std::string_view msg, int64_t recv_mono_ns) {
    if (raw != nullptr) {
        record_raw(msg);
    }
    // Notifications name their method near the start; anything else is an
    // answer to one of our requests.
    const std::string_view head = msg.substr(0, 128);
    if (head.find("\"method\"") == std::string_view::npos) {
        on_response(ep, msg);
        return;
    }
    std::lock_guard<std::mutex> lk(mu);
    ++messages;
    ++ep.messages;
    if (head.find("\"accountNotification\"") != std::string_view::npos) {
        const uint64_t sub = subscription_of(msg);
        const auto it = ep.account_by_sub.find(sub);
        if (it == ep.account_by_sub.end()) {
            count_locked(kUnknownSubscription, "an account notification for subscription " +
                                                   std::to_string(sub) + " from " + ep.display);
            return;
        }
        const Pubkey account = it->second;
        decoded(&ep, decoder.decode(msg, account), recv_mono_ns, false, &account);
        return;
    }
    const chain::DecodeResult& r = decoder.decode(msg);
    if (r.ok() && r.slot != 0 && r.slot < ep.last_slot) {
        count_locked(kSlotBackwards, "slot " + std::to_string(r.slot) + " after slot " +
                                         std::to_string(ep.last_slot) + " on " + ep.display);
        return;
    }
    decoded(&ep, r, recv_mono_ns, false);
}

// Answers: subscription ids, subscription errors. A message we cannot read
// is counted, never acted on.
void SolanaWsSource::Impl::on_response(Endpoint& ep, std::string_view msg) {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::lock_guard<std::mutex> lk(mu);
    ++messages;
    ++ep.messages;
    if (parser.parse(msg.data(), msg.size()).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
        count_locked("JSON_INVALID", "an answer that is not a JSON object from " + ep.display);
        return;
    }
    if (doc["method"].error() == simdjson::SUCCESS) { // a notification after all
        const chain::DecodeResult& r = decoder.decode(msg);
        decoded(&ep, r, mono_ns(), false);
        return;
    }
    uint64_t id = 0;
    const bool has_id = doc["id"].get_uint64().get(id) == simdjson::SUCCESS;
    if (doc["error"].error() == simdjson::SUCCESS) {
        std::string text = simdjson::to_string(doc["error"]);
        count_locked(kSubscribeError, "request " + std::to_string(id) + " refused by " +
                                          ep.display + ": " + text.substr(0, 300));
        return;
    }
    uint64_t sub = 0;
    if (has_id && id >= kFirstAccountRequest) { // accountSubscribe / accountUnsubscribe
        const auto it = ep.pending_accounts.find(id);
        if (it == ep.pending_accounts.end()) {
            count_locked(kUnexpectedResponse, "an answer to no request of ours from " + ep.display);
            return;
        }
        const Pubkey account = it->second;
        ep.pending_accounts.erase(it);
        if (doc["result"].get_uint64().get(sub) == simdjson::SUCCESS) {
            ep.account_by_sub[sub] = account;
            ep.sub_by_account[account] = sub;
        }
        return; // an unsubscribe's `true`
    }
    if (!has_id || id == 0 || id > subscribe_requests.size() ||
        doc["result"].get_uint64().get(sub) != simdjson::SUCCESS) {
        count_locked(kUnexpectedResponse, "an answer to no request of ours from " + ep.display);
        return;
    }
    log::info("feed.ws", "subscribed",
              {{"endpoint", ep.display},
               {"program", base58(cfg.ws.programs[id - 1])},
               {"subscription", sub}});
}

void SolanaWsSource::Impl::decoded(Endpoint* ep, const chain::DecodeResult& r, int64_t recv_mono_ns,
                                   bool fetched, const Pubkey* account) {
    if (!r.ok()) {
        count_locked(chain::reject_name(r.reject),
                     std::string("at ") + r.where + (ep != nullptr ? " from " + ep->display : ""));
        return;
    }
    if (ep != nullptr && r.slot > ep->last_slot) {
        ep->last_slot = r.slot;
    }
    last_activity_mono = recv_mono_ns;
    stalled = false;
    for (uint32_t s : r.skipped) {
        skipped += s;
    }
    if (r.has_signature && !fetched && !dedup.insert(r.signature)) {
        ++duplicates;
        return;
    }
    if (account != nullptr) { // the same account state from two connections: once
        uint64_t& last = account_slot[*account];
        if (r.slot <= last) {
            ++duplicates;
            return;
        }
        last = r.slot;
    }
    if (r.needs_transaction && !fetched && r.has_signature) {
        fetch_transaction(r.signature);
    }
    const int64_t recv_wall = wall_ns() - (mono_ns() - recv_mono_ns);
    for (uint32_t i = 0; i < r.n_events; ++i) {
        const chain::ChainEvent& e = r.events[i];
        if (e.h.size > sizeof(EventBuf)) {
            continue; // cannot happen: the decoder emits ABI structs only
        }
        EventBuf ev;
        init_event(ev, e.h.type);
        std::memcpy(static_cast<void*>(&ev), &e, e.h.size);
        ev.h.source_ns = recv_wall;
        const Pubkey& pool = e.h.type == SNP_EVENT_NEW_POOL      ? e.new_pool.pool
                             : e.h.type == SNP_EVENT_POOL_UPDATE ? e.pool_update.pool
                                                              : e.trade.pool;
        if (pools.size() < kMaxTrackedPools) {
            pools.insert(pool);
        }
        ++events;
        last_event_mono = recv_mono_ns;
        if (sink != nullptr) {
            sink->push_market_event(ev);
        }
    }
}

void SolanaWsSource::Impl::fetch_transaction(const uint8_t* sig) {
    if (!rpc) {
        ++skipped;
        count_locked("NO_RPC_FOR_TRANSACTION",
                     "a Raydium pool was created; its accounts need getTransaction and "
                     "feeds.ws.rpc / [live] rpc is not set");
        return;
    }
    ++fetches;
    const std::string params = "[\"" + solana::base58_encode(sig, 64) +
                               "\",{\"encoding\":\"json\",\"maxSupportedTransactionVersion\":0,"
                               "\"commitment\":\"confirmed\"}]";
    std::weak_ptr<Impl> weak = weak_from_this();
    rpc->call("getTransaction", params, [weak](rpc::RpcResponse resp) {
        auto self = weak.lock();
        if (!self) {
            return;
        }
        std::lock_guard<std::mutex> lk(self->mu);
        if (!resp.ok()) {
            ++self->fetch_failures;
            self->count_locked("TRANSACTION_FETCH_FAILED", resp.error.message);
            return;
        }
        const std::string wrapped = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + resp.result_json + "}";
        if (self->raw != nullptr) {
            self->record_raw(wrapped);
        }
        const chain::DecodeResult& r = self->decoder.decode(wrapped);
        if (r.ok() && r.kind == chain::MessageKind::Null) {
            ++self->fetch_failures;
            self->count_locked("TRANSACTION_NOT_FOUND", "getTransaction answered null");
            return;
        }
        self->decoded(nullptr, r, mono_ns(), true);
    });
}

// On the connection's thread: (un)subscribe accounts to match `watched`.
// pump.fun curves only: the pool is the curve account, whose data holds
// the reserves; AMM pools would need their two vaults followed.
void SolanaWsSource::Impl::sync_accounts(Endpoint& ep) {
    // Every tick (the set is small): a pool the decoder learns later is
    // followed then. A refused subscription stays pending (counted as
    // SUBSCRIBE_ERROR) until the next connection: no retry storm.
    std::vector<std::string> out;
    for (const Pubkey& k : watched) {
        const chain::KnownPool* known = decoder.pools().find(k);
        if (known == nullptr || known->dex != SNP_DEX_PUMP_FUN || ep.sub_by_account.count(k) != 0) {
            continue;
        }
        bool pending = false;
        for (const auto& [id, key] : ep.pending_accounts) {
            pending = pending || key == k;
        }
        if (pending) {
            continue;
        }
        const uint64_t id = ep.next_request++;
        ep.pending_accounts[id] = k;
        out.push_back("{\"jsonrpc\":\"2.0\",\"id\":" + std::to_string(id) +
                      ",\"method\":\"accountSubscribe\",\"params\":[\"" + base58(k) +
                      "\",{\"encoding\":\"base64\",\"commitment\":\"" + cfg.ws.commitment + "\"}]}");
    }
    for (auto it = ep.sub_by_account.begin(); it != ep.sub_by_account.end();) {
        if (std::find(watched.begin(), watched.end(), it->first) != watched.end()) {
            ++it;
            continue;
        }
        const uint64_t id = ep.next_request++;
        ep.pending_accounts[id] = it->first;
        out.push_back("{\"jsonrpc\":\"2.0\",\"id\":" + std::to_string(id) +
                      ",\"method\":\"accountUnsubscribe\",\"params\":[" + std::to_string(it->second) + "]}");
        ep.account_by_sub.erase(it->second);
        it = ep.sub_by_account.erase(it);
    }
    for (std::string& m : out) {
        ep.conn.send(std::move(m));
    }
}

void SolanaWsSource::Impl::on_tick(Endpoint& ep) {
    std::lock_guard<std::mutex> lk(mu);
    sync_accounts(ep);
    if (cfg.ws.stale_after_ns <= 0) {
        return;
    }
    const int64_t now = mono_ns();
    if (connected > 0 && !stalled && last_activity_mono != 0 &&
        now - last_activity_mono > cfg.ws.stale_after_ns) {
        stalled = true;
        log::warn("feed.ws", "no notification within feeds.ws.stale_after: pools marked stale",
                  {{"silent_ms", (now - last_activity_mono) / 1'000'000}});
        mark_stale_locked("no notification for " +
                          std::to_string((now - last_activity_mono) / 1'000'000) + " ms");
    }
}

void SolanaWsSource::Impl::mark_stale_locked(const std::string& why) {
    if (pools.empty() || sink == nullptr) {
        return;
    }
    ++stale_marks;
    sink->pools_stale(std::vector<Pubkey>(pools.begin(), pools.end()), why);
}

void SolanaWsSource::Impl::count_locked(const std::string& reason, const std::string& detail) {
    ++rejected;
    uint64_t& n = rejected_by_reason[reason];
    ++n;
    // The first of each reason, then every 1000th: a hostile stream cannot
    // flood the log, and a new kind of refusal is always seen.
    if (n == 1 || n % 1000 == 0) {
        log::warn("feed.ws", "message refused",
                  {{"reason", reason}, {"detail", detail}, {"count", n}});
    }
}

SolanaWsSource::SolanaWsSource(WsSourceConfig cfg) : impl_(std::make_shared<Impl>(std::move(cfg))) {}

SolanaWsSource::~SolanaWsSource() {
    stop();
    if (impl_->raw != nullptr) {
        std::fclose(impl_->raw);
        impl_->raw = nullptr;
    }
}

void SolanaWsSource::start(EventSink& sink) {
    impl_->sink = &sink;
    for (auto& ep : impl_->endpoints) {
        Endpoint* e = ep.get();
        e->thread = std::thread([this, e] { impl_->run_endpoint(*e); });
    }
}

void SolanaWsSource::stop() {
    {
        std::lock_guard<std::mutex> lk(impl_->stop_mu);
        if (impl_->stopping) {
            return;
        }
        impl_->stopping = true;
    }
    impl_->stop_cv.notify_all();
    for (auto& ep : impl_->endpoints) {
        ep->conn.stop();
    }
    for (auto& ep : impl_->endpoints) {
        if (ep->thread.joinable()) {
            ep->thread.join();
        }
    }
    if (impl_->rpc) {
        impl_->rpc->stop();
    }
    if (impl_->raw != nullptr) {
        std::lock_guard<std::mutex> lk(impl_->raw_mu);
        std::fflush(impl_->raw);
    }
    if (impl_->sink != nullptr) {
        impl_->sink->source_ended();
    }
}

void SolanaWsSource::watch_pools(const std::vector<Pubkey>& pools) {
    std::lock_guard<std::mutex> lk(impl_->mu);
    impl_->watched = pools;
}

uint64_t SolanaWsSource::rejected_inputs() const {
    std::lock_guard<std::mutex> lk(impl_->mu);
    return impl_->rejected;
}

std::optional<SourceStatus> SolanaWsSource::status() const {
    const Impl& im = *impl_;
    std::lock_guard<std::mutex> lk(im.mu);
    SourceStatus s;
    s.name = "solana_ws";
    s.state = im.connected == 0                  ? "down"
              : im.stalled                       ? "stalled"
              : im.connected < im.endpoints.size() ? "degraded"
                                                   : "up";
    s.messages = im.messages;
    s.events = im.events;
    s.duplicates = im.duplicates;
    s.rejected = im.rejected;
    s.skipped = im.skipped;
    s.outages = im.outages;
    s.stale_marks = im.stale_marks;
    s.last_event_age_ms = im.last_event_mono == 0 ? -1 : (mono_ns() - im.last_event_mono) / 1'000'000;
    s.rejected_by_reason = im.rejected_by_reason;
    for (const auto& ep : im.endpoints) {
        SourceStatus::Endpoint e;
        e.url = ep->display;
        e.connected = ep->connected;
        e.connects = ep->connects;
        e.messages = ep->messages;
        e.last_error = ep->last_error;
        s.endpoints.push_back(std::move(e));
    }
    return s;
}

} // namespace sniper::solfeed
