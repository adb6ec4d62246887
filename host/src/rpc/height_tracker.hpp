// rpc/height_tracker.hpp — the highest block height any endpoint reported.
//
// The rule: whether a blockhash has expired is decided by the HIGHEST block
// height seen from any endpoint, never by the endpoint that happened to
// answer last. A lagging node reports an old height; trusting it would keep
// rebroadcasting a transaction that can no longer land (or, with a node
// that lags and then catches up, flip between "valid" and "expired").
// Heights only go up here: a lower report never lowers the maximum.
// `expired(lvbh)` is `highest() > lvbh` (a blockhash made at height h is
// valid while the block height is at most h + 150 = lastValidBlockHeight).
// Until a height is known, nothing is expired.
//
// Thread-safe (atomics): fed on the RPC loop thread, read anywhere.
#pragma once

#include <atomic>
#include <cstdint>

namespace sniper::rpc {

class HeightTracker {
  public:
    // Raises the maximum to `h` when higher. Returns the maximum after.
    uint64_t observe(uint64_t h) {
        uint64_t cur = highest_.load(std::memory_order_relaxed);
        while (h > cur && !highest_.compare_exchange_weak(cur, h, std::memory_order_release,
                                                          std::memory_order_relaxed)) {
        }
        return h > cur ? h : cur;
    }
    // 0 until the first report.
    uint64_t highest() const { return highest_.load(std::memory_order_acquire); }
    bool known() const { return highest() != 0; }
    bool expired(uint64_t last_valid_block_height) const {
        const uint64_t h = highest();
        return h != 0 && h > last_valid_block_height;
    }
    // Blocks left before expiry by the highest height (0 when expired or unknown).
    uint64_t blocks_left(uint64_t last_valid_block_height) const {
        const uint64_t h = highest();
        return h == 0 || h > last_valid_block_height ? 0 : last_valid_block_height - h;
    }

  private:
    std::atomic<uint64_t> highest_{0};
};

} // namespace sniper::rpc
