// feeds/recording.hpp — recording wraps any feed: every event the inner
// feed produces is written as a replay JSON Lines line (the replay feed
// reads a recording back into a backtest), for a pull feed as it is pulled
// and for a push feed as its sources push it (on their threads). Lines are
// buffered under a mutex and written at 1 MiB (outside it, so the sources
// keep buffering while the file is written), at stop() and at destruction. Everything else (venue truth, status, watched pools) passes
// through to the inner feed unchanged.
#pragma once

#include "feeds/forwarding.hpp"

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace sniper {

class RecordingFeed final : public ForwardingFeed, private EventSink {
  public:
    // Opens (truncates) `path`; ok() is false, with error(), when it could not.
    RecordingFeed(Feed& inner, const std::string& path);
    ~RecordingFeed() override;
    RecordingFeed(const RecordingFeed&) = delete;
    RecordingFeed& operator=(const RecordingFeed&) = delete;

    bool ok() const { return file_ != nullptr; }
    const std::string& error() const { return error_; }
    uint64_t recorded() const; // events written or buffered so far

    bool next(EventBuf& out) override;
    void start(EventSink& sink) override;
    void stop() override;

  private:
    // EventSink: the inner push feed's sources deliver here first.
    void push_market_event(const EventBuf& ev) override;
    void source_ended() override { sink_->source_ended(); }
    void pools_stale(std::vector<Pubkey> pools, std::string why) override {
        sink_->pools_stale(std::move(pools), std::move(why));
    }
    void reference_prices(std::vector<ReferencePrice> prices) override {
        sink_->reference_prices(std::move(prices));
    }
    void record(const EventBuf& ev);
    void flush_locked(bool force); // mu_ held
    static constexpr size_t kWriteAt = size_t{1} << 20;

    EventSink* sink_ = nullptr;
    std::string error_;
    mutable std::mutex mu_; // guards the buffer
    std::mutex write_mu_;   // one write to the file at a time; taken under mu_
    std::FILE* file_ = nullptr;
    std::string buf_;
    uint64_t recorded_ = 0;
};

} // namespace sniper
