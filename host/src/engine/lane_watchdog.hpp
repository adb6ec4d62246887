// engine/lane_watchdog.hpp — the event path's lane thread and its
// watchdog. run() starts the loop on a lane thread and watches it from the
// calling thread every 5 ms: it samples the strategy call in progress
// against its time budget and, when a call is past its hang timeout,
// abandons it (the stuck thread is detached and demoted to SCHED_IDLE),
// tells the owner, and starts a new lane thread that runs the loop again —
// the loop keeps its state in its owner's members, so it resumes where it
// was. Only one lane thread runs the loop at a time.
#pragma once

#include "strategy/call_lane.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace sniper {

class LaneWatchdog {
  public:
    explicit LaneWatchdog(std::shared_ptr<CallLane> lane) : lane_(std::move(lane)) {}
    ~LaneWatchdog();
    LaneWatchdog(const LaneWatchdog&) = delete;
    LaneWatchdog& operator=(const LaneWatchdog&) = delete;

    // Runs `loop` on a lane thread until it returns. `on_hung` runs on the
    // watchdog's thread for each abandoned call, before the new lane thread
    // starts (no loop code runs anywhere meanwhile).
    void run(std::function<void()> loop, std::function<void(StrategyInstance* hung)> on_hung);
    // Strategy calls abandoned so far (any thread).
    uint64_t hung_callbacks() const { return hung_.load(std::memory_order_relaxed); }

  private:
    void start_thread();
    // Total time thread `tid` has waited on a run queue (ns); 0 when the
    // kernel does not say.
    static int64_t runq_wait_ns(int tid);

    std::shared_ptr<CallLane> lane_;
    std::function<void()> loop_;
    std::thread thread_;
    std::atomic<int> tid_{0};
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false; // guarded by mu_
    std::atomic<uint64_t> hung_{0};
};

} // namespace sniper
