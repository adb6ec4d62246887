// Helpers for the chain decoder tests: fixture files (copied into
// tests/chain/fixtures, see its README), keys, and event lookups.
#pragma once

#include "chain/solana_ws_decoder.hpp"
#include "chain/wire.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace chain_test {

inline std::string fixture(const std::string& rel) {
    const std::string path = std::string(SNIPER_TEST_DATA) + "/chain/fixtures/" + rel;
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        throw std::runtime_error("missing fixture " + path);
    }
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

inline sniper::Pubkey key(const char* b58) {
    sniper::Pubkey k{};
    if (!sniper::chain::key_from_base58(b58, k)) {
        throw std::runtime_error(std::string("bad key literal ") + b58);
    }
    return k;
}

inline size_t count_type(const sniper::chain::DecodeResult& r, uint16_t type) {
    size_t n = 0;
    for (uint32_t i = 0; i < r.n_events; ++i) {
        n += r.events[i].h.type == type ? 1 : 0;
    }
    return n;
}

inline const sniper::chain::ChainEvent* nth(const sniper::chain::DecodeResult& r, uint16_t type,
                                            size_t k = 0) {
    for (uint32_t i = 0; i < r.n_events; ++i) {
        if (r.events[i].h.type == type && k-- == 0) {
            return &r.events[i];
        }
    }
    return nullptr;
}

inline uint32_t skipped(const sniper::chain::DecodeResult& r, sniper::chain::Skip s) {
    return r.skipped[static_cast<size_t>(s)];
}

} // namespace chain_test
