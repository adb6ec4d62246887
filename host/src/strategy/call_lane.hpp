// strategy/call_lane.hpp — the hang watchdog's view of one thread that
// calls strategy code (the event path, or a thread running a create).
//
// Strategy code is not trusted to return. Before each call the lane
// publishes which instance it calls and when it started; a watchdog that
// finds a call older than its hang timeout abandons it with one
// compare-and-swap. From then on the calling thread belongs to the
// strategy: when (if ever) the call returns, leave() fails and the thread
// parks forever without touching host state, and every host API call it
// makes is refused (host_enter() fails) — so a new thread can take over the
// event path while the stuck one is still inside plugin code. An abandoned
// instance is never called or destroyed again (its memory and code stay
// mapped until exit).
//
// The word packs a call sequence number and a state, so a watchdog that
// read an old call cannot abandon a newer one. Lanes are shared_ptr-owned
// by the engine and by every instance attached to them, so a stuck thread
// never touches freed memory even after the engine is gone.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace sniper {

class StrategyInstance;

class CallLane {
  public:
    enum : uint64_t { kIdle = 0, kInCall = 1, kInHost = 2, kAbandoned = 3 };

    // Lane thread: before calling into strategy code, at cpu_ticks() =
    // now; abandonable after hang_timeout (ticks). Returns the call's
    // sequence number (the instance keeps it for host_enter/leave).
    uint64_t enter(StrategyInstance* s, uint64_t now, uint64_t hang_timeout, int64_t budget_ns) {
        const uint64_t seq = ++seq_;
        current_.store(s, std::memory_order_relaxed);
        start_.store(now, std::memory_order_relaxed);
        timeout_.store(hang_timeout, std::memory_order_relaxed);
        budget_ns_.store(budget_ns, std::memory_order_relaxed);
        word_.store(seq << 2 | kInCall, std::memory_order_release);
        return seq;
    }
    // Lane thread: after the call returned. False: the call was abandoned
    // and this thread must not touch host state again (park it).
    bool leave(uint64_t seq) {
        uint64_t w = seq << 2 | kInCall;
        return word_.compare_exchange_strong(w, seq << 2 | kIdle, std::memory_order_acq_rel);
    }
    // Host API entry from inside call `seq`. False: refuse (abandoned, or
    // not called from within a callback of this lane).
    bool host_enter(uint64_t seq) {
        uint64_t w = seq << 2 | kInCall;
        return word_.compare_exchange_strong(w, seq << 2 | kInHost, std::memory_order_acq_rel);
    }
    void host_leave(uint64_t seq) { word_.store(seq << 2 | kInCall, std::memory_order_release); }

    // Watchdog: abandons the call in progress if it started more than its
    // hang timeout before `now` (cpu_ticks()). Returns the abandoned
    // instance, or nullptr. A call inside a host API function is never
    // abandoned (host code returns; it is the strategy's own code that may
    // not).
    StrategyInstance* try_abandon(uint64_t now) {
        uint64_t w = word_.load(std::memory_order_acquire);
        const uint64_t start = start_.load(std::memory_order_relaxed);
        if ((w & 3) != kInCall || now < start || now - start < timeout_.load(std::memory_order_relaxed)) {
            return nullptr;
        }
        if (!word_.compare_exchange_strong(w, (w & ~uint64_t{3}) | kAbandoned, std::memory_order_acq_rel)) {
            return nullptr;
        }
        return current_.load(std::memory_order_relaxed);
    }
    // Watchdog, every tick (~5 ms), with the lane thread's total run-queue
    // wait so far (/proc schedstat): flags the call in progress as over its
    // budget once the time it has run reaches the budget. "Run" counts
    // sleeping or blocking (the event path waits either way) but not
    // waiting for a CPU (preemption is not the strategy's doing): from the
    // first tick that saw the call it is wall time less run-queue wait;
    // before that tick (unmeasured) it counts at most one tick, so a
    // watchdog that was itself descheduled cannot charge the strategy for
    // it. Zero cost to the lane: it reads the flag when the call returns.
    void sample_budget(uint64_t now, int64_t runq_wait_ns, double ticks_per_ns, int64_t tick_ns) {
        const uint64_t w = word_.load(std::memory_order_acquire);
        if ((w & 3) != kInCall && (w & 3) != kInHost) {
            sampled_seq_ = 0;
            return;
        }
        const uint64_t seq = w >> 2;
        const auto ns_between = [ticks_per_ns](uint64_t a, uint64_t b) {
            return b > a ? static_cast<int64_t>(static_cast<double>(b - a) / ticks_per_ns) : 0;
        };
        if (seq != sampled_seq_) {
            sampled_seq_ = seq;
            sampled_at_ = now;
            sampled_wait_ns_ = runq_wait_ns;
            sampled_before_ns_ = std::min(ns_between(start_.load(std::memory_order_relaxed), now), tick_ns);
            return;
        }
        const int64_t ran = sampled_before_ns_ + ns_between(sampled_at_, now) - (runq_wait_ns - sampled_wait_ns_);
        if (ran >= budget_ns_.load(std::memory_order_relaxed)) {
            over_budget_seq_.store(seq, std::memory_order_release);
        }
    }
    // Lane thread, after call `seq` returned: did the watchdog flag it?
    bool over_budget(uint64_t seq) const { return over_budget_seq_.load(std::memory_order_acquire) == seq; }

  private:
    std::atomic<uint64_t> word_{kIdle};
    std::atomic<uint64_t> start_{0};   // cpu_ticks()
    std::atomic<uint64_t> timeout_{0}; // ticks
    std::atomic<int64_t> budget_ns_{0};
    std::atomic<uint64_t> over_budget_seq_{0};
    uint64_t sampled_seq_ = 0; // watchdog only: the call seen at the last tick,
    uint64_t sampled_at_ = 0;  // when it was first seen, the thread's run-queue
    int64_t sampled_wait_ns_ = 0; // wait then, and its time before that tick
    int64_t sampled_before_ns_ = 0;
    std::atomic<StrategyInstance*> current_{nullptr};
    uint64_t seq_ = 0; // lane threads only, one at a time
};

// Parks the calling thread forever (an abandoned lane thread whose
// strategy call finally returned). Never returns.
[[noreturn]] void park_abandoned_thread();

// The kernel thread id of the calling thread.
int current_thread_id();
// Moves a thread that is stuck in strategy code to SCHED_IDLE, so a
// spinning callback only gets CPU nobody else wants. False if refused.
bool demote_thread(int tid);

} // namespace sniper
