// engine/lane_watchdog.cpp — see lane_watchdog.hpp.
#include "engine/lane_watchdog.hpp"

#include "core/clock.hpp"

#include <chrono>
#include <cstdio>

namespace sniper {

LaneWatchdog::~LaneWatchdog() {
    if (thread_.joinable()) {
        thread_.join();
    }
}

int64_t LaneWatchdog::runq_wait_ns(int tid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", tid);
    std::FILE* f = std::fopen(path, "r");
    if (f == nullptr) {
        return 0;
    }
    unsigned long long run = 0, wait = 0;
    const int n = std::fscanf(f, "%llu %llu", &run, &wait);
    std::fclose(f);
    return n == 2 ? static_cast<int64_t>(wait) : 0;
}

void LaneWatchdog::start_thread() {
    thread_ = std::thread([this] {
        tid_.store(current_thread_id(), std::memory_order_relaxed);
        loop_();
        std::lock_guard<std::mutex> lk(mu_);
        done_ = true;
        cv_.notify_all();
    });
}

void LaneWatchdog::run(std::function<void()> loop, std::function<void(StrategyInstance* hung)> on_hung) {
    loop_ = std::move(loop);
    {
        std::lock_guard<std::mutex> lk(mu_);
        done_ = false;
    }
    start_thread();
    std::unique_lock<std::mutex> lk(mu_);
    const double tpn = ticks_per_ns();
    while (!cv_.wait_for(lk, std::chrono::milliseconds(5), [&] { return done_; })) {
        lane_->sample_budget(cpu_ticks(), runq_wait_ns(tid_.load(std::memory_order_relaxed)), tpn, 5'000'000);
        if (StrategyInstance* hung = lane_->try_abandon(cpu_ticks())) {
            lk.unlock();
            thread_.detach(); // stuck in strategy code; parks if the call ever returns
            demote_thread(tid_.load(std::memory_order_relaxed));
            hung_.fetch_add(1, std::memory_order_relaxed);
            on_hung(hung);
            start_thread();
            lk.lock();
        }
    }
    lk.unlock();
    thread_.join();
}

} // namespace sniper
