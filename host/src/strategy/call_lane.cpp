#include "strategy/call_lane.hpp"

#include <chrono>
#include <sched.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

namespace sniper {

void park_abandoned_thread() {
    // The strategy call this thread made was abandoned and another thread
    // runs the event path now: this one must never touch host state again.
    for (;;) {
        std::this_thread::sleep_for(std::chrono::hours(24));
    }
}

int current_thread_id() { return static_cast<int>(::syscall(SYS_gettid)); }

bool demote_thread(int tid) {
    sched_param p{};
    p.sched_priority = 0;
    return ::sched_setscheduler(tid, SCHED_IDLE, &p) == 0;
}

} // namespace sniper
