// core/inbox.hpp — the one multi-producer queue into the event path.
//
// Producers on any thread (feed sources on their I/O threads, the control
// and reloader threads posting work, executors reporting, the tool runner
// answering) push typed messages; the event path alone pops them, in the
// order they were pushed. The consumer can wait with a deadline so that
// the engine's clock (timers, landings, protection, the breaker) moves
// whether or not a message arrives. A mutex and a condition variable:
// producers are few and the event path spends its time elsewhere; the
// size is mirrored in an atomic so the consumer's "anything there?" check
// costs no lock.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>

namespace sniper {

template <class T> class Inbox {
  public:
    // Any thread. Wakes a waiting consumer.
    void push(T msg) {
        {
            std::lock_guard<std::mutex> lk(mu_);
            q_.push_back(std::move(msg));
            size_.store(q_.size(), std::memory_order_release);
        }
        cv_.notify_one();
    }
    // Wakes a waiting consumer without a message (it re-checks its clock).
    void wake() {
        {
            std::lock_guard<std::mutex> lk(mu_);
            woken_ = true;
        }
        cv_.notify_one();
    }
    // Consumer: the oldest message, without waiting.
    bool try_pop(T& out) {
        if (size_.load(std::memory_order_acquire) == 0) {
            return false;
        }
        std::lock_guard<std::mutex> lk(mu_);
        return pop_locked(out);
    }
    // Consumer: the oldest message, waiting until `deadline` (steady clock)
    // at most. False on timeout or wake() with nothing queued.
    bool pop_wait_until(T& out, std::chrono::steady_clock::time_point deadline) {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait_until(lk, deadline, [&] { return !q_.empty() || woken_; });
        woken_ = false;
        return pop_locked(out);
    }
    size_t size() const { return size_.load(std::memory_order_acquire); }
    bool empty() const { return size() == 0; }

  private:
    bool pop_locked(T& out) {
        if (q_.empty()) {
            return false;
        }
        out = std::move(q_.front());
        q_.pop_front();
        size_.store(q_.size(), std::memory_order_release);
        return true;
    }

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<T> q_;
    std::atomic<size_t> size_{0};
    bool woken_ = false;
};

} // namespace sniper
