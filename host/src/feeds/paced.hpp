// feeds/paced.hpp — pacing wraps a pull feed (sim, replay): each event is
// handed out no earlier than its source time allows at `speed` times real
// time, measured from the first event. While it waits it calls `idle`
// (the engine runs posted work and its periodic jobs there) at least every
// 50 ms; `idle` returning false ends the wait at once (a stop request).
// The event being waited for is kept inside, so a wait interrupted by a
// hung callback resumes on the next next() without losing it. Push feeds
// are paced by the world and are passed through.
#pragma once

#include "feeds/feed.hpp"

#include <functional>

namespace sniper {

class PacedFeed final : public Feed {
  public:
    using Idle = std::function<bool()>;
    // speed > 0: simulated seconds per wall second.
    PacedFeed(Feed& inner, double speed, Idle idle) : inner_(inner), speed_(speed), idle_(std::move(idle)) {}

    bool next(EventBuf& out) override;
    bool pushes() const override { return inner_.pushes(); }
    void start(EventSink& sink) override { inner_.start(sink); }
    void stop() override { inner_.stop(); }
    bool ended() const override { return inner_.ended(); }
    const char* name() const override { return inner_.name(); }
    uint64_t rejected_inputs() const override { return inner_.rejected_inputs(); }
    std::vector<SourceStatus> sources() const override { return inner_.sources(); }
    void watch_pools(std::vector<Pubkey> pools) override { inner_.watch_pools(std::move(pools)); }
    void watch_mints(std::vector<Pubkey> mints) override { inner_.watch_mints(std::move(mints)); }
    bool sell_blocked(const Pubkey& mint) const override { return inner_.sell_blocked(mint); }
    void on_own_swap(const Pubkey& pool, uint32_t side, uint64_t in_amount, uint64_t out_amount) override {
        inner_.on_own_swap(pool, side, in_amount, out_amount);
    }

  private:
    Feed& inner_;
    double speed_;
    Idle idle_;
    EventBuf pending_{};
    bool has_pending_ = false;
    int64_t first_source_ns_ = -1;
    int64_t first_wall_ns_ = 0;
};

} // namespace sniper
