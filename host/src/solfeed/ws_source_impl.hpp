// solfeed/ws_source_impl.hpp — (internal to solfeed) the state of one
// SolanaWsSource, shared by its parts: ws_source.cpp (connections,
// subscriptions, decode, dedup, staleness, status), ws_fetch.cpp (what
// it reads over JSON-RPC: Raydium transactions, token-safety facts, and
// the facts of followed pools) and ws_held.cpp (held pools from before a
// restart, followed accounts' state as they join, and the migration pool
// of a held completed curve).
#pragma once

#include "solfeed/ws_source.hpp"

#include "chain/accounts.hpp"
#include "chain/solana_ws_decoder.hpp"
#include "rpc/rpc_client.hpp"
#include "rpc/solana_types.hpp"
#include "solfeed/dedup.hpp"
#include "solfeed/safety_follow.hpp"
#include "solfeed/safety_hold.hpp"
#include "ws/ws_client.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace sniper::solfeed {

inline constexpr size_t kMaxTrackedPools = 1u << 16;
// New Raydium pools whose vaults are followed at once (two subscriptions
// each, within feeds.ws.requests_per_s).
inline constexpr size_t kMaxRaydiumFollowed = 256;
inline constexpr size_t kMaxSafetyFollowed = 1024; // pools whose safety facts are followed at once
inline constexpr int64_t kBackoffResetNs = 10'000'000'000; // a connection up this long resets the back-off
inline constexpr uint64_t kFirstAccountRequest = 1000;     // request ids below are logsSubscribe's
inline constexpr uint64_t kSlotRequest = kFirstAccountRequest - 1; // the connection's slotSubscribe
// The slot now: a report more than kMaxSlotJump ahead of it is refused
// (a node on another cluster, or lying) unless no report was taken for
// kSlotStaleNs; after kSlotStaleNs without one the slot is unknown (0).
inline constexpr uint64_t kMaxSlotJump = 10'000;
inline constexpr int64_t kSlotStaleNs = 2'000'000'000;
inline constexpr int64_t kMaxRetryAfterNs = 600'000'000'000; // a longer Retry-After is cut to 10 min
inline constexpr int64_t kHeldPoolRetryNs = 30'000'000'000;  // a held pool's account read again after a failure
inline constexpr uint32_t kHoldersChangeBps = 100;           // a re-measured top-10 share this far off goes out

struct KeyLess {
    bool operator()(const Pubkey& a, const Pubkey& b) const {
        return std::memcmp(a.bytes, b.bytes, sizeof a.bytes) < 0;
    }
};

// The subscription id of a notification: the last "subscription": in it
// (it closes params); 0 when absent or malformed.
inline uint64_t subscription_of(std::string_view msg) {
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
inline constexpr const char* kSlotBackwards = "SLOT_BACKWARDS";
inline constexpr const char* kSubscribeError = "SUBSCRIBE_ERROR";
inline constexpr const char* kUnexpectedResponse = "UNEXPECTED_RESPONSE";
inline constexpr const char* kUnknownSubscription = "UNKNOWN_SUBSCRIPTION";
inline constexpr const char* kSignatureNotification = "SIGNATURE_NOTIFICATION_INVALID";
inline constexpr const char* kSlotNotification = "SLOT_NOTIFICATION_INVALID";
inline constexpr size_t kMaxWatchedSignatures = 4096;

inline std::string base58(const Pubkey& k) { return to_base58(k); }

// A JSON-RPC request over the socket; `params` is the array's inside.
inline std::string ws_request(uint64_t id, const char* method, const std::string& params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + std::to_string(id) + ",\"method\":\"" + method + "\",\"params\":[" +
           params + "]}";
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
    // ws_signatures.cpp: signatureSubscribe per connection (under mu), the
    // answers to those requests (under mu; false: not one of them), and a
    // signatureNotification (takes mu; calls the listener without it).
    void sync_signatures(Endpoint& ep);
    bool signature_answer_locked(Endpoint& ep, uint64_t id, bool refused, uint64_t sub, const std::string& error);
    void on_signature_notification(Endpoint& ep, std::string_view msg);
    // A slotNotification: raises `highest_slot` (takes mu only to count a
    // malformed one).
    void on_slot_notification(Endpoint& ep, std::string_view msg);
    void observe_slot(uint64_t slot);
    void decoded(Endpoint* ep, const chain::DecodeResult& r, int64_t recv_mono_ns, bool fetched,
                 const Pubkey* account = nullptr);
    void fetch_transaction(const uint8_t* sig);
    void deliver_locked(const EventBuf& ev, int64_t recv_mono_ns);
    void fetch_safety(const snp_ev_new_pool& np);
    void fetch_lp(const snp_ev_new_pool& np);
    // safety_follow: a followed account (an LP mint, a token's mint)
    // changed or was (re)subscribed; what its pools follow read in one
    // getMultipleAccounts (ws_fetch.cpp). Under `mu`.
    void follow_trigger_locked(const Pubkey& account);
    void fetch_follow_check(const SafetyFollow::Check& c);
    // Held pools the decoder does not know (positions from before a
    // restart): their pool accounts in one getMultipleAccounts; an AMM
    // pool's account makes it known (learn_amm_pool), so it is followed on
    // the next tick. Under `mu`.
    void fetch_held_pools_locked(const std::vector<Pubkey>& pools);
    // Held pools whose top-10 holders' share is due to be measured again
    // (cfg.holders_every_ns): the mint (its supply), then the largest
    // holders. Under `mu`, on a tick.
    void remeasure_holders_locked();
    // Accounts that just joined the followed set (a held curve, an AMM
    // pool's vaults): their state now in one getMultipleAccounts, decoded
    // as their notifications would be (accountSubscribe sends nothing
    // until an account changes: a curve that completed while the host was
    // down would never say so). Under `mu`.
    void fetch_followed_now_locked(const std::vector<Pubkey>& accounts);
    // Held curves known complete whose position has not moved to the
    // coin's migration pool: its canonical PumpSwap pool is read, and when
    // it exists, its vaults and the mint, and it goes out as a NEW_POOL
    // (through the safety step) so the engine moves the positions
    // (Engine::follow_migration). Under `mu`, on a tick.
    void find_migrations_locked();
    void fetch_migration_locked(const Pubkey& curve, const Pubkey& mint);
    // Held pools this source has no safety facts for (learned after a
    // restart, not seen created): the mint (authorities, decimals, token
    // program) and, for an AMM pool, its LP burned share are read and sent
    // as a POOL_SAFETY; the pool's facts are then kept, so its holders are
    // measured (remeasure_holders_locked). Under `mu`, on a tick.
    void measure_held_facts_locked();
    void fetch_held_facts_locked(const chain::KnownPool& k);
    void held_facts_known_locked(const Pubkey& pool, const Pubkey& mint, uint32_t dex, const MintFacts& m,
                                 uint32_t lp_bps, bool lp_unknown);
    void read_migration_vaults_locked(const Pubkey& curve, const Pubkey& pool, const Pubkey& creator, uint8_t decimals,
                                      bool token_2022);
    void fetch_holders_locked(const Pubkey& pool);
    void enrich_failed_locked(const char* fact, const std::string& why);
    void release_ready_locked();
    void mark_stale_locked(const std::string& why);
    // A logs notification's slot: a jump past max_slot_gap marks the pools
    // stale (the nodes dropped what lay between).
    void logs_slot_locked(uint64_t slot);
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
    std::vector<Pubkey> watched;                  // pools to follow (Feed::watch_pools)
    std::vector<Pubkey> watched_mints;            // their mints (Feed::watch_mints)
    std::unordered_set<Pubkey, PubkeyHash> following; // their accounts (the decoder's follow())
    std::vector<Pubkey> wanted_accounts;          // the same, in follow()'s order
    std::vector<Pubkey> reserve_accounts;         // of those, the ones that hold the pools' reserves
    bool reread_followed = false;                 // a connection came back after an outage: read them again
    bool follow_dirty = true; // watched changed, or a watched pool's accounts are not known yet
    std::unordered_map<Pubkey, uint64_t, PubkeyHash> account_slot; // last slot delivered per account
    SafetyHold hold;                              // new pools waiting for their safety facts
    std::unordered_map<Pubkey, Pubkey, PubkeyHash> lp_mint_of; // held pool -> its LP mint (fetch_lp)
    // Held pools whose account was asked for: not asked again before the
    // mono ns here (a failed or refused read waits kHeldPoolRetryNs).
    std::unordered_map<Pubkey, int64_t, PubkeyHash> held_pool_asked;
    // The same for held pools' safety facts (measure_held_facts_locked).
    std::unordered_map<Pubkey, int64_t, PubkeyHash> held_facts_asked;
    // A held AMM pool's LP mint, from the pool account the held-pool read
    // learned it from: its facts are then read in one getMultipleAccounts
    // (mint, pool, LP mint). Dropped once no longer held.
    std::unordered_map<Pubkey, Pubkey, PubkeyHash> held_lp_mint;
    // The safety facts last delivered per pool (NEW_POOL, POOL_SAFETY), so a
    // re-measured holders' share goes out with the other facts as they
    // were; at most kMaxTrackedPools pools (when full, all but the held
    // pools' are dropped).
    struct PoolFacts {
        snp_ev_pool_safety last{};   // h unused
        uint8_t decimals = 0;
        int64_t holders_due_mono = 0; // the next measure
        bool holders_in_flight = false;
    };
    std::unordered_map<Pubkey, PoolFacts, PubkeyHash> pool_facts;
    uint64_t holders_measured = 0, holders_changed = 0;
    struct MigrationLookup {
        Pubkey mint{};
        int64_t next_mono = 0; // INT64_MAX: found, or cannot be found
        bool in_flight = false;
        bool said_waiting = false; // "not migrated yet" logged
    };
    std::unordered_map<Pubkey, MigrationLookup, PubkeyHash> migrations; // by held completed curve
    uint64_t migrations_found = 0;
    std::unordered_set<Pubkey, PubkeyHash> found_pools; // the migration pools sent (their create_pool not seen)
    SafetyFollow safety_follow;                   // new pools whose LP share or authorities are followed
    // New Raydium AMM v4 pools whose vaults are followed for their prices
    // (cfg.ws.raydium_follow_ns after their NEW_POOL; their swaps' logs
    // name no pool): (pool, until mono ns), oldest first, at most
    // kMaxRaydiumFollowed (the oldest leaves first).
    std::deque<std::pair<Pubkey, int64_t>> raydium_followed;
    // The pools whose reserve accounts are followed: the held ones, then
    // the new Raydium pools.
    std::vector<Pubkey> followed_pools_locked() const;
    // Watched signatures (SignatureWatch): true once a notification for it
    // reached the listener (not subscribed again, not told twice).
    std::map<SignatureBytes, bool> signatures;
    SignatureWatch::Listener signature_listener;
    std::atomic<uint64_t> highest_slot{0}; // SignatureWatch::current_slot (no lock)
    std::atomic<int64_t> slot_seen_mono{0}; // when highest_slot last took a report
    bool slots_wanted = false;             // follow_slots() was called
    uint64_t slot_notifications = 0;
    uint64_t signature_notifications = 0;
    uint64_t enriched = 0, enrich_failures = 0;
    std::map<std::string, uint64_t> rejected_by_reason;
    uint64_t messages = 0, events = 0, duplicates = 0, rejected = 0, skipped = 0;
    uint64_t outages = 0, stale_marks = 0, fetches = 0, fetch_failures = 0;
    // The highest slot of a logs notification from any connection since
    // the last outage (0: none), and the jumps past cfg.ws.max_slot_gap.
    uint64_t logs_slot = 0, slot_gaps = 0;
    size_t connected = 0;
    bool down = true;      // no connection up (outage logged once)
    bool stalled = false;  // no notification for stale_after while connected
    int64_t last_activity_mono = 0, last_event_mono = 0;
    std::mt19937_64 rng{std::random_device{}()};

    std::mutex stop_mu;
    std::condition_variable stop_cv;
    bool stopping = false;
    std::atomic<bool> closed{false}; // stop() began: RPC answers are dropped

    std::unique_ptr<rpc::RpcClient> rpc; // getTransaction fetches
    std::mutex raw_mu;
    std::FILE* raw = nullptr;
    int64_t raw_flushed_mono = 0;
};

// An RPC answer handled under the source's mutex, unless the source is gone
// or stopping (nothing more goes out then).
template <class F> rpc::RpcCallback under_lock(std::weak_ptr<SolanaWsSource::Impl> weak, F f) {
    return [weak = std::move(weak), f = std::move(f)](rpc::RpcResponse resp) {
        auto self = weak.lock();
        if (!self || self->closed.load()) {
            return;
        }
        std::lock_guard<std::mutex> lk(self->mu);
        f(*self, resp);
    };
}

// A mint account -> its facts; nullopt and `why` when it is not an
// initialized SPL Token / Token-2022 mint (ws_fetch.cpp).
std::optional<MintFacts> mint_facts(const std::optional<rpc::AccountInfo>& acc, std::string& why);
// An AMM pool account (`dex`) -> its LP bookkeeping; nullopt and `why` when
// it is not a pool of that program pairing `token` with WSOL.
std::optional<chain::AmmPoolAccount> pool_lp(const std::optional<rpc::AccountInfo>& acc, uint32_t dex,
                                             const Pubkey& token, std::string& why);
// A pool account and its LP mint read at one slot -> the LP burned share;
// nullopt and `why` when either does not validate or the pool names
// another LP mint than `c.lp_mint`.
std::optional<uint32_t> lp_share(const std::optional<rpc::AccountInfo>& pool,
                                 const std::optional<rpc::AccountInfo>& lp_mint, const SafetyFollow::Check& c,
                                 std::string& why);
// A getMultipleAccounts answer for `n` keys into `accs`; what went wrong
// (the call or the answer's shape), or "" (ws_held.cpp).
std::string multiple_accounts_of(const rpc::RpcResponse& resp, size_t n, rpc::MultipleAccounts& accs);

struct Endpoint {
    ws::Url url;
    std::string display; // without the query
    ws::Connection conn;
    std::thread thread;
    // Connection thread only (reset at each connection).
    uint64_t last_slot = 0;
    uint64_t next_request = kFirstAccountRequest;    // ids of account (un)subscribes
    struct PendingAccount {
        Pubkey key;
        bool subscribe = true; // false: an accountUnsubscribe
        uint64_t sub = 0;      // the subscription an accountUnsubscribe ends
    };
    std::map<uint64_t, PendingAccount> pending_accounts; // request id -> account
    std::map<uint64_t, Pubkey> account_by_sub;           // subscription id -> account
    std::map<Pubkey, uint64_t, KeyLess> sub_by_account;
    // A refused accountSubscribe is asked again at `at` (mono ns); `wait`
    // doubles per refusal from reconnect_min to reconnect_max.
    struct AccountRetry {
        int64_t at = 0;
        int64_t wait = 0;
    };
    std::map<Pubkey, AccountRetry, KeyLess> account_retry;
    std::unordered_set<uint64_t> unsubscribing; // subscriptions whose unsubscribe is unanswered
    // Signature subscriptions on this connection: request id -> signature
    // (a subscribe) or subscription (an unsubscribe: the signature's zero);
    // live ones both ways; refused ones are not asked again on it.
    struct PendingSignature {
        SignatureBytes sig{};
        bool subscribe = true;
        uint64_t sub = 0;
    };
    std::map<uint64_t, PendingSignature> pending_signatures;
    std::map<uint64_t, SignatureBytes> signature_by_sub;
    std::map<SignatureBytes, uint64_t> sub_by_signature;
    std::set<SignatureBytes> signatures_refused;
    bool slot_asked = false;     // slotSubscribe sent on this connection (and not refused)
    int64_t slot_retry_mono = 0; // a refused slotSubscribe is asked again from then on
    double tokens = 0;                          // request budget left (feeds.ws.requests_per_s)
    int64_t tokens_mono = 0;
    // One request from the budget, with its id; false (counted as delayed)
    // when the budget is spent: the request waits for a later tick.
    bool spend(uint64_t& id) {
        if (tokens < 1) {
            ++requests_delayed;
            return false;
        }
        tokens -= 1;
        id = next_request++;
        return true;
    }
    // Under Impl::mu.
    bool connected = false;
    uint64_t connects = 0, messages = 0, rate_limited = 0, requests_delayed = 0;
    std::string last_error;
};

} // namespace sniper::solfeed
