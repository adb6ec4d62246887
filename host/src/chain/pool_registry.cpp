// chain/pool_registry.cpp — the fixed-capacity pool map (4-way buckets).
#include "chain/pool_registry.hpp"

#include "chain/log_stack.hpp"
#include "chain/wire.hpp"
#include "core/solana_key.hpp"
#include "solana/pda.hpp"

#include <cstring>

namespace sniper::chain {
namespace {
constexpr size_t kWays = 4;
}

PoolRegistry::PoolRegistry(size_t cap)
    : slots_(new Slot[cap]), curves_(new CurveSlot[cap]), mask_(cap - 1) {}

size_t PoolRegistry::index(const Pubkey& k) const {
    uint64_t h = 0;
    std::memcpy(&h, k.bytes, sizeof h);
    return static_cast<size_t>(h ^ (h >> 31)) & mask_ & ~(kWays - 1);
}

void PoolRegistry::put(const KnownPool& p) {
    const size_t b = index(p.pool);
    Slot* victim = &slots_[b];
    for (size_t i = 0; i < kWays; ++i) {
        Slot& s = slots_[b + i];
        if (s.stamp != 0 && s.p.pool == p.pool) {
            victim = &s;
            break;
        }
        if (s.stamp < victim->stamp) {
            victim = &s;
        }
    }
    if (victim->stamp == 0) {
        ++count_;
    }
    victim->p = p;
    victim->stamp = ++clock_;
}

const KnownPool* PoolRegistry::find(const Pubkey& pool) const {
    const size_t b = index(pool);
    for (size_t i = 0; i < kWays; ++i) {
        const Slot& s = slots_[b + i];
        if (s.stamp != 0 && s.p.pool == pool) {
            return &s.p;
        }
    }
    if (pinned_.empty()) {
        return nullptr;
    }
    const auto it = pinned_.find(pool);
    return it == pinned_.end() ? nullptr : &it->second;
}

void PoolRegistry::pin(const KnownPool& p) { pinned_[p.pool] = p; }

void PoolRegistry::unpin(const Pubkey& pool) { pinned_.erase(pool); }

void PoolRegistry::mark_complete(const Pubkey& pool) {
    const size_t b = index(pool);
    for (size_t i = 0; i < kWays; ++i) {
        Slot& s = slots_[b + i];
        if (s.stamp != 0 && s.p.pool == pool) {
            s.p.complete = true;
        }
    }
    if (const auto it = pinned_.find(pool); it != pinned_.end()) {
        it->second.complete = true;
    }
}

bool PoolRegistry::bonding_curve_of(const Pubkey& mint, Pubkey& out) {
    CurveSlot& s = curves_[index(mint) | (mint.bytes[31] & (kWays - 1))];
    if (s.used && s.mint == mint) {
        out = s.curve;
        return true;
    }
    static const solana::Pubkey kPump = [] {
        Pubkey p{};
        key_from_base58(kPumpFunId, p);
        return to_solana(p);
    }();
    static constexpr uint8_t kSeed[] = {'b', 'o', 'n', 'd', 'i', 'n', 'g',
                                        '-', 'c', 'u', 'r', 'v', 'e'};
    const auto r = solana::find_program_address(
        {solana::Seed(kSeed, sizeof kSeed), solana::Seed(mint.bytes, 32)}, kPump);
    if (!r) {
        return false;
    }
    out = from_solana(r->address);
    s.mint = mint;
    s.curve = out;
    s.used = true;
    return true;
}

} // namespace sniper::chain
