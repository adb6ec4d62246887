// solana/le_bytes.hpp — little-endian integer packing for instruction data
// (internal to the codec).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sniper::solana::detail {

inline void put_le(std::vector<uint8_t>& out, uint64_t v, size_t bytes) {
    for (size_t i = 0; i < bytes; ++i) {
        out.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
}

inline uint64_t get_le(const uint8_t* p, size_t bytes) {
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; ++i) {
        v |= static_cast<uint64_t>(p[i]) << (8 * i);
    }
    return v;
}

} // namespace sniper::solana::detail
