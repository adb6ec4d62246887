// solfeed/dedup.hpp — the transactions a source has already delivered, by
// signature: the same transaction from two endpoints, or again after a
// resubscribe, is delivered once. Fixed capacity, oldest forgotten first
// (a ring of keys beside a hash set); 128 bits of the signature are the
// key (a signature is an Ed25519 output: nobody picks its bytes).
#pragma once

#include <cstdint>
#include <cstring>
#include <unordered_set>
#include <vector>

namespace sniper::solfeed {

class SignatureDedup {
  public:
    explicit SignatureDedup(size_t capacity) : ring_(capacity == 0 ? 1 : capacity) {
        seen_.reserve(ring_.size() * 2);
    }

    // True when `sig` (64 bytes) was not seen among the last `capacity`
    // signatures; it is remembered from now on.
    bool insert(const uint8_t* sig) {
        Key k{};
        std::memcpy(&k.a, sig, 8);
        std::memcpy(&k.b, sig + 32, 8); // R and S halves: independent bytes
        if (seen_.count(k) != 0) {
            return false;
        }
        if (filled_ == ring_.size()) {
            seen_.erase(ring_[next_]);
        } else {
            ++filled_;
        }
        ring_[next_] = k;
        next_ = (next_ + 1) % ring_.size();
        seen_.insert(k);
        return true;
    }
    size_t size() const { return seen_.size(); }

  private:
    struct Key {
        uint64_t a = 0, b = 0;
        bool operator==(const Key& o) const { return a == o.a && b == o.b; }
    };
    struct KeyHash {
        size_t operator()(const Key& k) const { return static_cast<size_t>(k.a ^ (k.b * 0x9e3779b97f4a7c15ull)); }
    };
    std::vector<Key> ring_;
    size_t next_ = 0, filled_ = 0;
    std::unordered_set<Key, KeyHash> seen_;
};

} // namespace sniper::solfeed
