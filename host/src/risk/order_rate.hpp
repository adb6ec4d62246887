// risk/order_rate.hpp — approved entries in a rolling 60 s window, for
// risk.max_orders_per_minute (per strategy) and
// risk.max_orders_per_minute_total. Driven only by the now_ns the host
// passes in (simulated time in sim/replay), never by a wall clock, so a
// replay decides the same way every time.
#pragma once

#include <cstdint>
#include <deque>

namespace sniper {

class OrderRateWindow {
  public:
    static constexpr int64_t kWindowNs = 60'000'000'000LL;

    // Entries recorded at t with now_ns - kWindowNs < t: an entry leaves
    // the window exactly 60 s after it was made. Entries stamped after
    // now_ns (a clock that went back) still count: the count errs high.
    uint64_t count(int64_t now_ns) const {
        uint64_t n = 0;
        for (const int64_t t : times_) {
            if (t > now_ns - kWindowNs) {
                ++n;
            }
        }
        return n;
    }
    void record(int64_t now_ns) {
        while (!times_.empty() && times_.front() <= now_ns - kWindowNs) {
            times_.pop_front();
        }
        times_.push_back(now_ns);
    }

  private:
    std::deque<int64_t> times_; // in the order recorded
};

} // namespace sniper
