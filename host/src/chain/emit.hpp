// chain/emit.hpp — (internal to chain) builds normalized events from
// decoded program events: token always base, SOL always quote, reserves
// positive, price finite. Shared by the logs and the transaction paths.
#pragma once

#include "chain/pump_fun.hpp"
#include "chain/pump_swap.hpp"
#include "chain/raydium_v4.hpp"
#include "chain/solana_ws_decoder.hpp"

namespace sniper::chain {

class Emitter {
  public:
    // Pools created by this message are held in `pending` (capacity
    // kMaxEvents) and reach the registry only if the message is accepted.
    Emitter(DecodeResult& r, PoolRegistry& reg, KnownPool* pending, size_t& n_pending,
            int64_t block_time_ns)
        : r_(r), reg_(reg), pending_(pending), n_pending_(n_pending), block_ns_(block_time_ns) {}

    void skip(Skip s) { ++r_.skipped[static_cast<size_t>(s)]; }

    // pump.fun events (from the pump.fun frame).
    Reject pump(const pump::Event& e);
    // PumpSwap events.
    Reject pump_swap(const pump_swap::Event& e);
    // Raydium: a pool created by initialize2, with its accounts resolved.
    struct RaydiumPool {
        Pubkey amm{}, coin_mint{}, pc_mint{}, user{}, coin_vault{}, pc_vault{};
        raydium::InitLog init;
    };
    Reject raydium_new_pool(const RaydiumPool& p);
    // Raydium: a swap on pool `amm`.
    Reject raydium_swap(const Pubkey& amm, const raydium::SwapLog& s);

    Reject pool_update(const Pubkey& pool, const Pubkey& mint, uint64_t base, uint64_t quote,
                       int64_t t);
    // A pump.fun bonding curve completed (its CompleteEvent, or its account
    // with `complete` set).
    Reject curve_complete(const Pubkey& curve, const Pubkey& mint, int64_t t);
    // A PumpSwap pool the caller found and read itself (a held coin's
    // migration pool, chain::pump_swap_canonical_pool) as a NEW_POOL, as
    // its create_pool would have made it: `k` as learn_amm_pool knows it,
    // its vaults' amounts, the token's decimals and program.
    Reject found_pump_swap_pool(const KnownPool& k, const Pubkey& creator, uint64_t token, uint64_t sol,
                                uint8_t decimals, bool token_2022);
    // A pool created earlier in this message, or known to the registry.
    const KnownPool* find(const Pubkey& pool) const;

  private:
    // The NEW_POOL of PumpSwap pool `k` (token as base) holding `token` /
    // `sol`, with the token program `flags`; `k` is remembered.
    Reject pump_swap_new_pool(const KnownPool& k, const Pubkey& creator, uint64_t token, uint64_t sol,
                              uint32_t flags, int64_t event_time_s);
    ChainEvent* add(uint16_t type, int64_t event_time_s);
    void remember(const KnownPool& p);
    Reject trade(const Pubkey& pool, const Pubkey& mint, const Pubkey& trader, bool buy,
                 uint64_t base, uint64_t quote, int64_t t);
    DecodeResult& r_;
    PoolRegistry& reg_;
    KnownPool* pending_;
    size_t& n_pending_;
    int64_t block_ns_;
};

const Pubkey& wsol_mint();
const Pubkey& token_2022_program();
const Pubkey& token_program(); // SPL Token

} // namespace sniper::chain
