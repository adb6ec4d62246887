#include "core/clock.hpp"

namespace sniper {

double ticks_per_ns() {
    static const double rate = [] {
#if defined(__x86_64__)
        // Spin ~5 ms: long enough that the two reads' own costs vanish.
        const int64_t n0 = mono_ns();
        const uint64_t t0 = cpu_ticks();
        int64_t n1 = n0;
        while (n1 - n0 < 5'000'000) {
            n1 = mono_ns();
        }
        const uint64_t t1 = cpu_ticks();
        const double r = static_cast<double>(t1 - t0) / static_cast<double>(n1 - n0);
        return r > 0.01 ? r : 1.0;
#else
        return 1.0;
#endif
    }();
    return rate;
}

} // namespace sniper
