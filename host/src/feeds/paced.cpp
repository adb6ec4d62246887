// feeds/paced.cpp — see paced.hpp.
#include "feeds/paced.hpp"

#include "core/clock.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace sniper {

bool PacedFeed::next(EventBuf& out) {
    if (!has_pending_) {
        if (!inner_.next(pending_)) {
            return false;
        }
        has_pending_ = true;
    }
    const int64_t src = pending_.h.source_ns;
    if (first_source_ns_ < 0) {
        first_source_ns_ = src;
        first_wall_ns_ = mono_ns();
    }
    const int64_t target =
        first_wall_ns_ + static_cast<int64_t>(static_cast<double>(src - first_source_ns_) / speed_);
    for (;;) {
        const int64_t now = mono_ns();
        if (now >= target || !idle_()) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<int64_t>(target - now, 50'000'000)));
    }
    out = pending_;
    has_pending_ = false;
    return true;
}

} // namespace sniper
