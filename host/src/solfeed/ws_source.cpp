// solfeed/ws_source.cpp — SolanaWsSource (see the header): connection
// threads and their reconnect loop, log and account subscriptions, decode +
// dedup + safety hold + push, staleness, the raw recording, status. What it
// reads over JSON-RPC is in ws_fetch.cpp; signature subscriptions (for the
// live executor) in ws_signatures.cpp.
#include "solfeed/ws_source_impl.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <stdexcept>

namespace sniper::solfeed {

WsSourceConfig ws_source_config(const Config& cfg) {
    WsSourceConfig out;
    out.ws = cfg.feeds.ws;
    out.rpc_urls = !cfg.feeds.ws.rpc_urls.empty() ? cfg.feeds.ws.rpc_urls : cfg.live.rpc_urls;
    out.raw_path = cfg.feeds.record.raw_path;
    return out;
}

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
      dedup(cfg.dedup_capacity),
      hold(cfg.rpc_urls.empty() ? 0 : cfg.ws.enrich_timeout_ns),
      safety_follow(cfg.rpc_urls.empty() ? 0 : cfg.ws.safety_follow_ns, kMaxSafetyFollowed) {
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
        ep.account_retry.clear();
        ep.unsubscribing.clear();
        ep.pending_signatures.clear();
        ep.signature_by_sub.clear();
        ep.sub_by_signature.clear();
        ep.signatures_refused.clear();
        ep.slot_asked = false;
        ep.slot_retry_mono = 0;
        std::string why = ep.conn.run(ep.url, opts, handler);
        const int64_t lasted = mono_ns() - began;
        if (why == "stopped") {
            break;
        }
        // A node that refuses the upgrade with 429 (or 503) asks us to come
        // back later: its Retry-After, when given, is the least we wait.
        const int refused = ep.conn.refused_status();
        const int64_t retry_after =
            refused == 429 || refused == 503 ? std::min(ep.conn.retry_after_ns(), kMaxRetryAfterNs) : 0;
        bool was_connected = false;
        {
            std::lock_guard<std::mutex> lk(mu);
            was_connected = ep.connected;
            ep.connected = false;
            ep.last_error = why;
            if (refused == 429) {
                ++ep.rate_limited;
            }
            if (was_connected && --connected == 0) {
                down = true;
                ++outages;
                log::warn("feed.ws", "every WebSocket connection is down: pools marked stale",
                          {{"endpoint", ep.display}, {"error", why}});
                mark_stale_locked("WebSocket outage: " + why);
                logs_slot = 0; // the outage is the gap: not counted again at the next notification
            }
        }
        if (was_connected || why != previous_error) {
            log::warn("feed.ws", was_connected ? "WebSocket connection lost; reconnecting"
                                               : "WebSocket connection failed; retrying",
                      {{"endpoint", ep.display},
                       {"error", why},
                       {"retry_in_ms", std::max(backoff, retry_after) / 1'000'000}});
        }
        previous_error = why;
        if (was_connected && lasted >= kBackoffResetNs) {
            backoff = cfg.ws.reconnect_min_ns;
        }
        int64_t wait = backoff;
        {
            std::lock_guard<std::mutex> lk(mu);
            std::uniform_int_distribution<int64_t> jitter(backoff / 2, backoff);
            wait = std::max(jitter(rng), retry_after);
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
    // The logs subscriptions are the connection's first requests: they
    // spend its budget (below zero when there are more programs than it).
    ep.tokens = static_cast<double>(cfg.ws.requests_per_s) - static_cast<double>(subscribe_requests.size());
    ep.tokens_mono = mono_ns();
    std::lock_guard<std::mutex> lk(mu);
    ep.connected = true;
    ++ep.connects;
    last_activity_mono = mono_ns();
    if (connected++ == 0 && down) {
        down = false;
        log::info("feed.ws", "WebSocket feed up",
                  {{"endpoint", ep.display}, {"programs", static_cast<uint64_t>(subscribe_requests.size())}});
        // Back after an outage: what changed meanwhile was not notified,
        // so the held pools' accounts are read again (their pools were
        // marked stale; the read is fresh data).
        reread_followed = outages > 0;
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
    if (head.find("\"signatureNotification\"") != std::string_view::npos) {
        on_signature_notification(ep, msg); // the live executor's (ws_signatures.cpp)
        return;
    }
    if (head.find("\"slotNotification\"") != std::string_view::npos) {
        on_slot_notification(ep, msg); // the slot now, for the live executor (ws_signatures.cpp)
        return;
    }
    std::lock_guard<std::mutex> lk(mu);
    ++messages;
    ++ep.messages;
    if (head.find("\"accountNotification\"") != std::string_view::npos) {
        const uint64_t sub = subscription_of(msg);
        const auto it = ep.account_by_sub.find(sub);
        if (ep.unsubscribing.count(sub) != 0 ||
            (it != ep.account_by_sub.end() && following.count(it->second) == 0)) {
            return; // sent before our unsubscribe (or one waiting for budget) took effect
        }
        if (it == ep.account_by_sub.end()) {
            count_locked(kUnknownSubscription, "an account notification for subscription " +
                                                   std::to_string(sub) + " from " + ep.display);
            return;
        }
        const Pubkey account = it->second;
        if (safety_follow.follows(account)) {
            follow_trigger_locked(account); // a trigger only: the facts are read over RPC
            return;
        }
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
    const bool refused = doc["error"].error() == simdjson::SUCCESS;
    std::string what = "request " + std::to_string(id);
    uint64_t sub = 0;
    if (has_id && id == kSlotRequest) {
        uint64_t slot_sub = 0;
        if (!ep.slot_asked) {
            count_locked(kUnexpectedResponse, "a slotSubscribe answer not asked for from " + ep.display);
        } else if (refused || doc["result"].get_uint64().get(slot_sub) != simdjson::SUCCESS) {
            // Asked again after the longest reconnect back-off, not at once.
            ep.slot_asked = false;
            ep.slot_retry_mono = mono_ns() + cfg.ws.reconnect_max_ns;
            count_locked(kSubscribeError, "slotSubscribe refused by " + ep.display + ": " +
                                              (refused ? simdjson::to_string(doc["error"]).substr(0, 300)
                                                       : std::string("no subscription id")) +
                                              " (asked again in " +
                                              std::to_string(cfg.ws.reconnect_max_ns / 1'000'000) + " ms)");
        }
        return;
    }
    if (has_id && id >= kFirstAccountRequest) { // account or signature (un)subscribe
        uint64_t answered = 0; // stays 0 when the result is not a subscription id
        if (!refused && doc["result"].get_uint64().get(answered) != simdjson::SUCCESS) {
            answered = 0;
        }
        if (signature_answer_locked(ep, id, refused, answered,
                                    refused ? simdjson::to_string(doc["error"]) : std::string())) {
            return;
        }
        const auto it = ep.pending_accounts.find(id);
        if (it == ep.pending_accounts.end()) {
            count_locked(kUnexpectedResponse, "an answer to no request of ours from " + ep.display);
            return;
        }
        const Endpoint::PendingAccount p = it->second;
        ep.pending_accounts.erase(it);
        if (!p.subscribe) {
            ep.unsubscribing.erase(p.sub); // the node answers after its last notification
        }
        if (refused && p.subscribe) {
            // Asked again after a back-off (sync_accounts), not at once:
            // a node that refuses keeps refusing for a while.
            Endpoint::AccountRetry& r = ep.account_retry[p.key];
            r.wait = r.wait == 0 ? cfg.ws.reconnect_min_ns : std::min(2 * r.wait, cfg.ws.reconnect_max_ns);
            r.at = mono_ns() + r.wait;
            what = "accountSubscribe " + base58(p.key) + " (asked again in " +
                   std::to_string(r.wait / 1'000'000) + " ms)";
        } else if (!refused && p.subscribe && doc["result"].get_uint64().get(sub) == simdjson::SUCCESS) {
            ep.account_by_sub[sub] = p.key;
            ep.sub_by_account[p.key] = sub;
            ep.account_retry.erase(p.key);
            // A followed account may have changed before this subscription
            // stood (since the pool's first read, or during an outage).
            follow_trigger_locked(p.key);
        }
        if (!refused) {
            return; // a subscription id, or an unsubscribe's `true`
        }
    }
    if (refused) {
        std::string text = simdjson::to_string(doc["error"]);
        count_locked(kSubscribeError, what + " refused by " + ep.display + ": " + text.substr(0, 300));
        return;
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
    if (ep != nullptr && !fetched) {
        observe_slot(r.slot); // a notification's context slot: the node's slot now
        if (account == nullptr) {
            logs_slot_locked(r.slot);
        }
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
        if (e.h.type == SNP_EVENT_CURVE_COMPLETE) {
            decoder.completion_delivered(e.curve_complete.pool); // on its way: later notices are repeats
        }
        if (e.h.type == SNP_EVENT_NEW_POOL && found_pools.count(e.new_pool.pool) != 0) {
            // The migration pool this source found itself, now seen created
            // in the logs too: it went out once already.
            ++duplicates;
            continue;
        }
        switch (hold.offer(ev, recv_mono_ns)) {
        case SafetyHold::Verdict::Pass:
            deliver_locked(ev, recv_mono_ns);
            break;
        case SafetyHold::Verdict::Held:
            break;
        case SafetyHold::Verdict::Started:
            fetch_safety(ev.new_pool);
            break;
        }
    }
}

void SolanaWsSource::Impl::deliver_locked(const EventBuf& ev, int64_t recv_mono_ns) {
    if (pools.size() < kMaxTrackedPools) {
        pools.insert(event_pool(ev));
    }
    if (ev.h.type == SNP_EVENT_NEW_POOL) {
        if (pool_facts.size() >= kMaxTrackedPools) { // full: keep the held pools' facts only
            for (auto it = pool_facts.begin(); it != pool_facts.end();) {
                it = std::find(watched.begin(), watched.end(), it->first) == watched.end() ? pool_facts.erase(it)
                                                                                           : std::next(it);
            }
        }
        PoolFacts& f = pool_facts[ev.new_pool.pool];
        f.last.pool = ev.new_pool.pool;
        f.last.base_mint = ev.new_pool.base_mint;
        f.last.dex = ev.new_pool.dex;
        f.last.flags = ev.new_pool.flags;
        f.last.lp_burned_bps = ev.new_pool.lp_burned_bps;
        f.last.top10_holder_bps = ev.new_pool.top10_holder_bps;
        f.decimals = ev.new_pool.base_decimals;
        f.holders_due_mono = mono_ns() + cfg.holders_every_ns; // just measured (the safety hold)
    } else if (ev.h.type == SNP_EVENT_POOL_SAFETY) {
        if (auto it = pool_facts.find(ev.pool_safety.pool); it != pool_facts.end()) {
            it->second.last = ev.pool_safety; // the measuring schedule stands
        }
    }
    if (ev.h.type == SNP_EVENT_NEW_POOL) {
        Pubkey lp_mint{};
        if (const auto m = lp_mint_of.find(ev.new_pool.pool); m != lp_mint_of.end()) {
            lp_mint = m->second;
            lp_mint_of.erase(m);
        }
        if (safety_follow.start(ev.new_pool, lp_mint, mono_ns())) {
            follow_dirty = true; // its LP mint or token mint joins the subscriptions
        }
        if (ev.new_pool.dex == SNP_DEX_RAYDIUM_AMM_V4 && cfg.ws.raydium_follow_ns > 0) {
            if (raydium_followed.size() == kMaxRaydiumFollowed) {
                raydium_followed.pop_front();
            }
            raydium_followed.emplace_back(ev.new_pool.pool, mono_ns() + cfg.ws.raydium_follow_ns);
            follow_dirty = true; // its vaults join the subscriptions
        }
    }
    ++events;
    last_event_mono = std::max(last_event_mono, recv_mono_ns);
    if (sink != nullptr) {
        sink->push_market_event(ev);
    }
}

void SolanaWsSource::Impl::release_ready_locked() {
    if (hold.held() == 0) {
        return;
    }
    std::vector<EventBuf> ready;
    hold.take_ready(mono_ns(), ready);
    for (const EventBuf& ev : ready) {
        deliver_locked(ev, mono_ns());
    }
}

// On the connection's thread: (un)subscribe accounts to match the followed
// pools (`watched`, and the new Raydium pools of raydium_followed): the
// accounts that hold each pool's reserves (chain::SolanaWsDecoder::follow:
// a pump.fun curve, or an AMM pool's vaults).
void SolanaWsSource::Impl::sync_accounts(Endpoint& ep) {
    // The accounts are named again when the watched set changed, and on
    // every tick while a watched pool's accounts are not known (a pool the
    // decoder learns later is followed then). A refused subscription
    // (counted as SUBSCRIBE_ERROR) is asked again once its back-off has
    // passed (on_response).
    std::vector<std::string> out;
    const int64_t now = mono_ns();
    if (follow_dirty) {
        // A held pump.fun curve the decoder never saw created (a position
        // from before a restart) is known by its mint: the curve is the
        // mint's PDA. A held AMM pool is known from its pool account, read
        // over RPC (fetch_held_pools_locked).
        std::vector<Pubkey> unknown;
        for (auto it = held_pool_asked.begin(); it != held_pool_asked.end();) { // pools no longer held
            it = std::find(watched.begin(), watched.end(), it->first) == watched.end() ? held_pool_asked.erase(it)
                                                                                       : std::next(it);
        }
        for (const Pubkey& pool : watched) {
            if (decoder.pools().find(pool) == nullptr) {
                bool curve = false;
                for (const Pubkey& mint : watched_mints) {
                    if (decoder.learn_curve(pool, mint)) {
                        curve = true;
                        break;
                    }
                }
                const auto asked = held_pool_asked.find(pool);
                if (!curve && (asked == held_pool_asked.end() || now >= asked->second)) {
                    unknown.push_back(pool);
                }
            }
        }
        if (!unknown.empty()) {
            fetch_held_pools_locked(unknown);
        }
        wanted_accounts = decoder.follow(followed_pools_locked());
        std::vector<Pubkey> fresh; // joined now: read once, as a subscription sends nothing until a change
        for (const Pubkey& k : wanted_accounts) {
            if (following.count(k) == 0) {
                fresh.push_back(k);
            }
        }
        reserve_accounts = wanted_accounts;
        if (!fresh.empty() && !reread_followed) {
            fetch_followed_now_locked(fresh);
        }
        safety_follow.accounts(wanted_accounts);
        following.clear();
        following.insert(wanted_accounts.begin(), wanted_accounts.end());
        follow_dirty = !std::all_of(watched.begin(), watched.end(),
                                    [&](const Pubkey& p) { return decoder.follows(p); });
    }
    if (reread_followed) {
        reread_followed = false;
        if (!reserve_accounts.empty()) {
            fetch_followed_now_locked(reserve_accounts);
        }
    }
    const std::vector<Pubkey>& wanted = wanted_accounts;
    // The per-connection request budget (feeds.ws.requests_per_s, a token
    // bucket as deep as one second): what does not fit waits for a later tick.
    const double rate = static_cast<double>(cfg.ws.requests_per_s);
    ep.tokens = std::min(rate, ep.tokens + static_cast<double>(now - ep.tokens_mono) * rate / 1e9);
    ep.tokens_mono = now;
    for (const Pubkey& k : wanted) {
        if (ep.sub_by_account.count(k) != 0) {
            continue;
        }
        bool pending = false;
        for (const auto& [id, p] : ep.pending_accounts) {
            pending = pending || p.key == k;
        }
        const auto retry = ep.account_retry.find(k);
        if (pending || (retry != ep.account_retry.end() && now < retry->second.at)) {
            continue;
        }
        uint64_t id = 0;
        if (!ep.spend(id)) {
            break;
        }
        ep.pending_accounts[id] = {k, true};
        out.push_back(ws_request(id, "accountSubscribe",
                                 "\"" + base58(k) + "\",{\"encoding\":\"base64\",\"commitment\":\"" +
                                     cfg.ws.commitment + "\"}"));
    }
    for (auto it = ep.sub_by_account.begin(); it != ep.sub_by_account.end();) {
        if (following.count(it->first) != 0) {
            ++it;
            continue;
        }
        uint64_t id = 0;
        if (!ep.spend(id)) {
            break;
        }
        ep.pending_accounts[id] = {it->first, false, it->second};
        out.push_back(ws_request(id, "accountUnsubscribe", std::to_string(it->second)));
        ep.account_by_sub.erase(it->second);
        ep.unsubscribing.insert(it->second);
        it = ep.sub_by_account.erase(it);
    }
    for (std::string& m : out) {
        ep.conn.send(std::move(m));
    }
}

std::vector<Pubkey> SolanaWsSource::Impl::followed_pools_locked() const {
    std::vector<Pubkey> out = watched;
    for (const auto& [pool, until] : raydium_followed) {
        if (std::find(watched.begin(), watched.end(), pool) == watched.end()) {
            out.push_back(pool);
        }
    }
    return out;
}

void SolanaWsSource::Impl::on_tick(Endpoint& ep) {
    std::lock_guard<std::mutex> lk(mu);
    if (safety_follow.expire(mono_ns())) {
        follow_dirty = true; // accounts no longer followed leave the subscriptions
    }
    while (!raydium_followed.empty() && raydium_followed.front().second <= mono_ns()) {
        raydium_followed.pop_front(); // its vaults leave the subscriptions (unless held)
        follow_dirty = true;
    }
    std::vector<SafetyFollow::Check> due;
    safety_follow.due(mono_ns(), due);
    for (const SafetyFollow::Check& c : due) {
        fetch_follow_check(c);
    }
    sync_accounts(ep);
    sync_signatures(ep);
    remeasure_holders_locked();
    find_migrations_locked();
    measure_held_facts_locked();
    release_ready_locked(); // pools past their safety deadline
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
        logs_slot = 0; // the silence is the gap: not counted again when notifications resume
    }
}

void SolanaWsSource::Impl::mark_stale_locked(const std::string& why) {
    if (pools.empty() || sink == nullptr) {
        return;
    }
    ++stale_marks;
    sink->pools_stale(std::vector<Pubkey>(pools.begin(), pools.end()), why);
}

void SolanaWsSource::Impl::logs_slot_locked(uint64_t slot) {
    if (slot <= logs_slot) {
        return; // the same slot, or another connection's older one
    }
    const uint64_t before = logs_slot;
    logs_slot = slot;
    if (before == 0 || cfg.ws.max_slot_gap == 0 || slot - before <= cfg.ws.max_slot_gap) {
        return;
    }
    // Busy programs log in every slot: a jump means notifications the
    // nodes dropped (a slow reader, a node resyncing), so trades are
    // missing and the reserves we hold may be wrong.
    ++slot_gaps;
    log::warn("feed.ws", "the logs notifications skipped slots (feeds.ws.max_slot_gap): pools marked stale",
              {{"from_slot", before}, {"to_slot", slot}, {"max_slot_gap", cfg.ws.max_slot_gap}});
    mark_stale_locked("notifications skipped from slot " + std::to_string(before) + " to slot " +
                      std::to_string(slot));
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
    impl_->closed.store(true);
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
    if (impl_->watched != pools) {
        impl_->watched = pools;
        impl_->follow_dirty = true;
    }
}

void SolanaWsSource::watch_mints(const std::vector<Pubkey>& mints) {
    std::lock_guard<std::mutex> lk(impl_->mu);
    if (impl_->watched_mints != mints) {
        impl_->watched_mints = mints;
        impl_->follow_dirty = true;
    }
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
    s.slot_gaps = im.slot_gaps;
    s.migrations_found = im.migrations_found;
    s.migrations_waiting = static_cast<uint64_t>(
        std::count_if(im.migrations.begin(), im.migrations.end(), [](const auto& m) {
            return m.second.next_mono != std::numeric_limits<int64_t>::max();
        }));
    s.safety_followed = im.safety_follow.size();
    s.raydium_followed = im.raydium_followed.size();
    s.safety_updates = im.safety_follow.updates();
    s.last_event_age_ms = im.last_event_mono == 0 ? -1 : (mono_ns() - im.last_event_mono) / 1'000'000;
    s.rejected_by_reason = im.rejected_by_reason;
    for (const auto& ep : im.endpoints) {
        SourceStatus::Endpoint e;
        e.url = ep->display;
        e.connected = ep->connected;
        e.connects = ep->connects;
        e.messages = ep->messages;
        e.rate_limited = ep->rate_limited;
        e.requests_delayed = ep->requests_delayed;
        e.last_error = ep->last_error;
        s.endpoints.push_back(std::move(e));
    }
    return s;
}

} // namespace sniper::solfeed

