// core/solana_key.hpp — the one conversion between the host's ABI key
// (Pubkey, as events and strategies carry it) and the transaction layer's
// solana::Pubkey: the same 32 bytes.
#pragma once

#include "core/types.hpp"
#include "solana/types.hpp"

#include <cstring>

namespace sniper {

inline solana::Pubkey to_solana(const Pubkey& k) {
    solana::Pubkey out{};
    std::memcpy(out.bytes.data(), k.bytes, 32);
    return out;
}

inline Pubkey from_solana(const solana::Pubkey& k) {
    Pubkey out{};
    std::memcpy(out.bytes, k.bytes.data(), 32);
    return out;
}

} // namespace sniper
