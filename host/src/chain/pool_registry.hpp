// chain/pool_registry.hpp — the pools a decoder has seen created (or was
// told about), so later messages that name only a pool (a Raydium swap, a
// PumpSwap trade, a bonding-curve account update) can be normalized with
// the token side first. Fixed capacity, allocated once: a full slot set
// evicts the oldest entry of the bucket; pinned pools (the ones the host
// holds) are kept beside the buckets and never evicted. Also caches
// pump.fun bonding-curve addresses by mint (a PDA derivation costs two
// SHA-256 and a curve check).
#pragma once

#include "core/types.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace sniper::chain {

struct KnownPool {
    Pubkey pool{};
    Pubkey base_mint{}; // the token
    uint32_t dex = 0;   // SNP_DEX_*
    bool token_is_quote =
        false; // Raydium: token is pc (coin = WSOL); PumpSwap: token is quote (base = WSOL)
    uint8_t base_decimals = 0;
    // Raydium AMM v4: the token's and the WSOL vault (from initialize2's
    // accounts); zero where not known (PumpSwap derives them, pump.fun has
    // none).
    Pubkey token_vault{}, sol_vault{};
    // pump.fun: its CURVE_COMPLETE went out; later notices of the same
    // completion are not sent again.
    bool complete = false;
};

class PoolRegistry {
  public:
    explicit PoolRegistry(size_t capacity_pow2 = 1u << 14);
    void put(const KnownPool& p);
    // Found in the buckets, else among the pinned pools.
    const KnownPool* find(const Pubkey& pool) const;
    // A pool that must stay known whatever newer pools push out of its
    // bucket (one the host holds): kept beside the buckets until unpinned.
    // Off the event path (allocates).
    void pin(const KnownPool& p);
    void unpin(const Pubkey& pool);
    // Marks a known pool's curve complete (in the buckets and among the
    // pinned); an unknown pool is left unknown.
    void mark_complete(const Pubkey& pool);
    size_t pinned() const { return pinned_.size(); }
    // pump.fun: the bonding curve of `mint` (cached derivation).
    bool bonding_curve_of(const Pubkey& mint, Pubkey& out);
    size_t size() const { return count_; }

  private:
    struct Slot {
        KnownPool p;
        uint64_t stamp = 0; // 0 = empty
    };
    struct CurveSlot {
        Pubkey mint{}, curve{};
        bool used = false;
    };
    size_t index(const Pubkey& k) const;
    std::unique_ptr<Slot[]> slots_;
    std::unique_ptr<CurveSlot[]> curves_;
    size_t mask_;
    size_t count_ = 0;
    uint64_t clock_ = 0;
    std::unordered_map<Pubkey, KnownPool, PubkeyHash> pinned_;
};

} // namespace sniper::chain
