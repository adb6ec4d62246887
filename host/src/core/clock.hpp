// core/clock.hpp — the clocks: monotonic for durations, wall for records,
// the CPU's tick counter for what is timed on every callback (a callback's
// duration and the hang watchdog's start mark: reading it costs a few ns
// where the monotonic clock costs tens), and the engine's Clock: simulated
// (moved by the feed's source time, so sim and replay are deterministic)
// or wall (live sources: timers, landings and protection run on real time
// whether or not an event arrives).
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>

namespace sniper {

inline int64_t mono_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
inline int64_t wall_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// CPU time the calling thread has used (ns): what a Lua budget counts.
// A system call, unlike the others here; read it sparingly.
inline int64_t thread_cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The CPU tick counter (TSC on x86-64, constant-rate on the machines we
// run on; the monotonic clock in ns elsewhere).
inline uint64_t cpu_ticks() {
#if defined(__x86_64__)
    return __builtin_ia32_rdtsc();
#else
    return static_cast<uint64_t>(mono_ns());
#endif
}
// Ticks per ns, measured once against the monotonic clock (~5 ms, on the
// first call; thread-safe).
double ticks_per_ns();
inline uint64_t ns_to_ticks(int64_t ns) {
    return ns <= 0 ? 0 : static_cast<uint64_t>(static_cast<double>(ns) * ticks_per_ns());
}
inline int64_t ticks_to_ns(uint64_t ticks) { return static_cast<int64_t>(static_cast<double>(ticks) / ticks_per_ns()); }

// The host clock the event path runs on (what strategies read as now_ns).
class Clock {
  public:
    virtual ~Clock() = default;
    // True when time moves only with the events (sim, replay).
    virtual bool simulated() const = 0;
    // Host time in ns since the epoch.
    virtual int64_t now_ns() const = 0;
    // Simulated clocks move forward to `t_ns` (never back); wall clocks
    // ignore it.
    virtual void advance_to(int64_t t_ns) = 0;
};

class SimClock final : public Clock {
  public:
    bool simulated() const override { return true; }
    int64_t now_ns() const override { return now_ns_; }
    void advance_to(int64_t t_ns) override {
        if (t_ns > now_ns_) {
            now_ns_ = t_ns;
        }
    }

  private:
    int64_t now_ns_ = 0;
};

class WallClock final : public Clock {
  public:
    bool simulated() const override { return false; }
    int64_t now_ns() const override { return wall_ns(); }
    void advance_to(int64_t) override {}
};

} // namespace sniper
