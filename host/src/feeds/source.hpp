// feeds/source.hpp — live market-data sources that run on their own
// threads, and the push feed that runs several of them at once.
//
// A PushSource (a WebSocket subscription, an HTTP poller, a price check, a test's quiet
// source) owns its I/O thread: start() begins pushing validated events into
// the sink, stop() asks it to end and joins it. SourceSet is the Feed the
// engine sees: it starts every source, and is ended() once all of them have
// ended. The engine stamps seq and recv_ns (wall clock) as events come out
// of its inbox; a source sets source_ns (block time or receive time).
#pragma once

#include "feeds/feed.hpp"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sniper {

class PushSource {
  public:
    virtual ~PushSource() = default;
    virtual const char* name() const = 0;
    // Starts the source's thread; it pushes into `sink` until it ends or
    // stop() is called, then calls sink.source_ended() once.
    virtual void start(EventSink& sink) = 0;
    // Asks the thread to end and joins it. Idempotent.
    virtual void stop() = 0;
    virtual uint64_t rejected_inputs() const { return 0; }
    // Any thread: the source's state for `sniperctl status`; nullopt when
    // it has nothing to say beyond rejected_inputs().
    virtual std::optional<SourceStatus> status() const { return std::nullopt; }
    // Any thread: the pools the host holds (see Feed::watch_pools).
    virtual void watch_pools(const std::vector<Pubkey>& pools) { (void)pools; }
    // Any thread: the mints of the pools the host holds (Feed::watch_mints).
    virtual void watch_mints(const std::vector<Pubkey>& mints) { (void)mints; }
};

class SourceSet final : public Feed {
  public:
    explicit SourceSet(std::vector<std::unique_ptr<PushSource>> sources) : sources_(std::move(sources)) {}
    ~SourceSet() override { stop(); }

    bool next(EventBuf&) override { return false; }
    const char* name() const override { return "live"; }
    bool sell_blocked(const Pubkey&) const override { return false; } // a chain reveals it only on a failed sell
    bool pushes() const override { return true; }
    void start(EventSink& sink) override;
    void stop() override;
    bool ended() const override { return ended_.load(std::memory_order_acquire) >= sources_.size(); }
    uint64_t rejected_inputs() const override;
    std::vector<SourceStatus> sources() const override;
    void watch_pools(std::vector<Pubkey> pools) override;
    void watch_mints(std::vector<Pubkey> mints) override;

  private:
    class Counting; // counts source_ended() before passing it on
    std::vector<std::unique_ptr<PushSource>> sources_;
    std::unique_ptr<EventSink> counting_;
    std::atomic<size_t> ended_{0};
    bool started_ = false;
};

} // namespace sniper
