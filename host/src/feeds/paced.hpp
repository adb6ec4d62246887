// feeds/paced.hpp — pacing wraps a pull feed (sim, replay): each event is
// handed out no earlier than its source time allows at `speed` times real
// time, measured from the first event. While it waits it calls `idle`
// (the engine runs posted work and its periodic jobs there) at least every
// 50 ms; `idle` returning false ends the wait at once (a stop request).
// The event being waited for is kept inside, so a wait interrupted by a
// hung callback resumes on the next next() without losing it. Push feeds
// are paced by the world and are passed through.
#pragma once

#include "feeds/forwarding.hpp"

#include <functional>

namespace sniper {

class PacedFeed final : public ForwardingFeed {
  public:
    using Idle = std::function<bool()>;
    // speed > 0: simulated seconds per wall second.
    PacedFeed(Feed& inner, double speed, Idle idle) : ForwardingFeed(inner), speed_(speed), idle_(std::move(idle)) {}

    bool next(EventBuf& out) override;

  private:
    double speed_;
    Idle idle_;
    EventBuf pending_{};
    bool has_pending_ = false;
    int64_t first_source_ns_ = -1;
    int64_t first_wall_ns_ = 0;
};

} // namespace sniper
