// solfeed/ws_source.hpp — [feeds.ws]: Solana WebSocket `logsSubscribe`
// streams decoded into the host's events (NEW_POOL, POOL_UPDATE, TRADE,
// POOL_SAFETY).
//
// One connection (ws::Connection) per configured URL, each on its own
// thread, all subscribed to the same programs. Every message is decoded
// by the one chain::SolanaWsDecoder of the source (under a mutex, so the
// pools it has seen created are shared by every connection), and an
// accepted transaction's events go to the inbox only the first time its
// signature is seen (SignatureDedup): two endpoints, or a resubscribe,
// deliver each event once. A refused message yields nothing and is
// counted by reason; a notification whose slot is below the connection's
// last one is refused (SLOT_BACKWARDS). Events carry the wall-clock time of
// arrival as source time.
//
// Outages: a lost connection reconnects with exponential back-off and
// jitter (reconnect_min .. reconnect_max), and resubscribes. When no
// connection is up, or none has delivered a notification for
// `stale_after`, every pool this source has delivered is marked stale
// (EventSink::pools_stale): entries on them wait until fresh data comes.
//
// Held pools: the engine names the pools it holds (Feed::watch_pools); each
// connection follows the accounts holding their reserves with
// accountSubscribe (chain::SolanaWsDecoder::follow: a pump.fun curve, an
// AMM pool's two vaults), and a new state becomes a POOL_UPDATE even when
// nobody trades (the same state from two connections, by slot, once). A
// held curve whose creation this run never saw (a position from before a
// restart) is known by its mint (Feed::watch_mints): the mint's PDA. A
// new Raydium AMM v4 pool's vaults are followed the same way for
// feeds.ws.raydium_follow after its NEW_POOL, held or not: its swaps'
// ray_logs name no pool, so nothing else moves its price.
//
// New pools: their token-safety facts are read before they go out
// (solfeed/safety_hold), and what can still change (an AMM pool's LP
// burned share, the token's authorities) is followed for a while after
// (solfeed/safety_follow: the LP mint and the token's mint subscribed like
// a vault; a change becomes a POOL_SAFETY).
//
// Raydium AMM v4 pools created by initialize2 are not described by their
// logs alone: with RPC endpoints configured the transaction is fetched
// with getTransaction (off the connection threads, on the RPC client's
// loop) and decoded like any message; without them they are counted.
// With [feeds.record] raw, every wire message is written as one line that
// `sniperd decode --source solana-ws` reads back.
//
// Signatures (SignatureWatch, for the live executor): each watched
// signature is subscribed on every connection (signatureSubscribe at the
// feed's commitment, within the request budget, again after a reconnect);
// the first notification for it, from any connection, reaches the listener
// (ws_signatures.cpp).
#pragma once

#include "config/config.hpp"
#include "core/signature_watch.hpp"
#include "feeds/source.hpp"

#include <memory>
#include <string>
#include <vector>

namespace sniper::solfeed {

struct WsSourceConfig {
    WsFeedConfig ws;
    std::vector<std::string> rpc_urls; // getTransaction (Raydium pools); empty = none
    std::string raw_path;              // [feeds.record] raw; "" = off
    size_t dedup_capacity = 1u << 17;  // signatures remembered
    // A held pool's top-10 holders' share is measured again this often
    // (0: never); a change of kHoldersChangeBps or more goes out as a
    // POOL_SAFETY. Needs rpc_urls.
    int64_t holders_every_ns = 60'000'000'000;
    // A held pump.fun curve that completed: its coin's migration pool is
    // looked for this long after the completion was seen (the feed's own
    // NEW_POOL of it usually comes first), then again this often while the
    // position stays on the curve. Needs rpc_urls.
    int64_t migration_grace_ns = 5'000'000'000;
    int64_t migration_retry_ns = 10'000'000'000;
};

// The [feeds.ws] source for `cfg` (rpc: feeds.ws.rpc, else [live] rpc).
WsSourceConfig ws_source_config(const Config& cfg);

class SolanaWsSource final : public PushSource, public SignatureWatch {
  public:
    // Throws std::runtime_error naming the problem (a bad URL, an
    // unwritable raw file).
    explicit SolanaWsSource(WsSourceConfig cfg);
    ~SolanaWsSource() override;

    const char* name() const override { return "solana_ws"; }
    void start(EventSink& sink) override;
    void stop() override;
    uint64_t rejected_inputs() const override;
    std::optional<SourceStatus> status() const override;
    void watch_pools(const std::vector<Pubkey>& pools) override;
    void watch_mints(const std::vector<Pubkey>& mints) override;

    // SignatureWatch
    void set_signature_listener(Listener listener) override;
    void watch_signature(const SignatureBytes& signature) override;
    void forget_signature(const SignatureBytes& signature) override;
    uint64_t current_slot() const override;
    void follow_slots() override;

    struct Impl;

  private:
    std::shared_ptr<Impl> impl_;
};

} // namespace sniper::solfeed
