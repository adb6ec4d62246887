// core/histogram.hpp — a fixed-size latency histogram: 10 ns buckets up to
// 100 us, then an overflow bucket that keeps the maximum. Recording is a
// few instructions and never allocates, so it can sit on the event path of
// the benchmark.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace sniper {

class LatencyHistogram {
  public:
    static constexpr int64_t kBucketNs = 10;
    static constexpr size_t kBuckets = 10000; // 100 us

    void record(int64_t ns) {
        if (ns < 0) {
            ns = 0;
        }
        const auto b = static_cast<size_t>(ns / kBucketNs);
        if (b < kBuckets) {
            ++buckets_[b];
        } else {
            ++overflow_;
        }
        max_ = std::max(max_, ns);
        ++count_;
        sum_ += ns;
    }
    uint64_t count() const { return count_; }
    int64_t max() const { return max_; }
    double mean() const { return count_ != 0 ? static_cast<double>(sum_) / static_cast<double>(count_) : 0; }
    // Upper edge of the bucket holding quantile q (0..1); max() beyond range.
    int64_t percentile(double q) const {
        if (count_ == 0) {
            return 0;
        }
        const auto rank = static_cast<uint64_t>(q * static_cast<double>(count_ - 1)) + 1;
        uint64_t seen = 0;
        for (size_t i = 0; i < kBuckets; ++i) {
            seen += buckets_[i];
            if (seen >= rank) {
                return static_cast<int64_t>(i + 1) * kBucketNs;
            }
        }
        return max_;
    }

  private:
    std::array<uint64_t, kBuckets> buckets_{};
    uint64_t overflow_ = 0;
    uint64_t count_ = 0;
    int64_t sum_ = 0;
    int64_t max_ = 0;
};

} // namespace sniper
