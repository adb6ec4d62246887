// solfeed/ws_held.cpp — what the WebSocket source reads over JSON-RPC about
// the pools the host holds (off its connection threads; answers arrive on
// the RPC client's thread and take the source's mutex): the pool account
// of a held AMM pool it never saw created (a position from before a
// restart), the state of accounts as they join the followed set (a
// subscription says nothing until an account changes), and the migration
// pool of a held pump.fun curve that completed (its canonical PumpSwap
// pool), sent as a NEW_POOL when the feed never saw it created. The
// followed accounts are read again when the feed is back from an outage.
#include "solfeed/ws_source_impl.hpp"

#include "chain/accounts.hpp"
#include "chain/emit.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/solana_key.hpp"
#include "rpc/solana_parse.hpp"
#include "solana/base58.hpp"
#include "solana/program_ids.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace sniper::solfeed {

namespace {

constexpr size_t kMaxKeysPerRead = 100; // getMultipleAccounts' limit

// A PumpSwap vault (token account) as read: its amount, when it is the
// pool's account of `mint`; nullopt and `why` otherwise.
std::optional<uint64_t> vault_amount(const std::optional<rpc::AccountInfo>& a, const Pubkey& pool, const Pubkey& mint,
                                     std::string& why) {
    if (!a) {
        why = "the vault " + base58(mint) + " does not exist";
        return std::nullopt;
    }
    const bool t22 = a->owner == solana::kToken2022Program;
    if (!t22 && a->owner != solana::kTokenProgram) {
        why = "a vault is owned by " + solana::to_base58(a->owner) + ", not a token program";
        return std::nullopt;
    }
    chain::TokenAccount ta;
    if (const chain::Reject r = chain::decode_token_account(a->data.data(), a->data.size(), t22, ta);
        r != chain::Reject::None) {
        why = std::string("a vault does not decode: ") + chain::reject_name(r);
        return std::nullopt;
    }
    if (!(ta.mint == mint) || !(ta.owner == pool)) {
        why = "a vault holds mint " + base58(ta.mint) + " for " + base58(ta.owner) + ", expected " + base58(mint) +
              " for the pool";
        return std::nullopt;
    }
    return ta.amount;
}

// The feed's commitment (feeds.ws.commitment) for a read whose state joins
// its notifications'.
rpc::Commitment commitment_of(const std::string& c) {
    return c == "processed" ? rpc::Commitment::Processed
           : c == "finalized" ? rpc::Commitment::Finalized
                              : rpc::Commitment::Confirmed;
}

} // namespace

std::string multiple_accounts_of(const rpc::RpcResponse& resp, size_t n, rpc::MultipleAccounts& accs) {
    if (!resp.ok()) {
        return resp.error.message.empty() ? std::string("the call failed") : resp.error.message;
    }
    if (auto e = rpc::parse_multiple_accounts(resp.result_json, n, accs)) {
        return e->empty() ? std::string("a malformed answer") : *e;
    }
    return "";
}

void SolanaWsSource::Impl::fetch_held_pools_locked(const std::vector<Pubkey>& pools) {
    const int64_t now = mono_ns();
    if (!rpc) {
        for (const Pubkey& p : pools) {
            held_pool_asked[p] = std::numeric_limits<int64_t>::max(); // said once
            log::warn("feed.ws", "a held pool is not followed: reading its pool account needs feeds.ws.rpc or [live] rpc",
                      {{"pool", base58(p)}});
        }
        return;
    }
    std::vector<solana::Pubkey> keys;
    for (const Pubkey& p : pools) {
        if (keys.size() == 100) { // getMultipleAccounts' limit; the rest on a later tick
            break;
        }
        held_pool_asked[p] = now + kHeldPoolRetryNs; // one read in flight, or the back-off
        keys.push_back(to_solana(p));
    }
    rpc->call(
        "getMultipleAccounts", rpc::params::get_multiple_accounts(keys, rpc::Commitment::Confirmed),
        under_lock(weak_from_this(), [keys](Impl& self, const rpc::RpcResponse& resp) {
            rpc::MultipleAccounts accs;
            std::string why = multiple_accounts_of(resp, keys.size(), accs);
            if (!why.empty()) {
                self.enrich_failed_locked("held pool", why);
                return; // asked again after kHeldPoolRetryNs
            }
            for (size_t i = 0; i < keys.size(); ++i) {
                const Pubkey pool = from_solana(keys[i]);
                const std::optional<rpc::AccountInfo>& a = accs.accounts[i];
                std::string problem;
                uint32_t dex = 0;
                bool lasting = true; // a fact of the account, not of this read: not asked again
                if (!a) {
                    problem = "the account does not exist";
                    lasting = false; // not yet visible to this node, perhaps
                } else if (a->owner == solana::kRaydiumAmmV4Program) {
                    dex = SNP_DEX_RAYDIUM_AMM_V4;
                } else if (a->owner == solana::kPumpSwapProgram) {
                    dex = SNP_DEX_PUMP_SWAP;
                } else {
                    problem = "owned by " + solana::to_base58(a->owner) +
                              ", not an AMM the feed decodes (a pump.fun curve is known by its mint)";
                }
                if (problem.empty() && !self.decoder.learn_amm_pool(pool, dex, a->data.data(), a->data.size(), problem,
                                                                    &self.watched_mints)) {
                    problem = "its pool account: " + problem;
                }
                if (!problem.empty()) {
                    if (lasting) {
                        self.held_pool_asked[pool] = std::numeric_limits<int64_t>::max(); // until held anew
                    }
                    log::warn("feed.ws", "a held pool cannot be followed: its price comes from trades only",
                              {{"pool", base58(pool)},
                               {"error", problem},
                               {"asked_again", lasting ? std::string("when held anew")
                                                       : std::to_string(kHeldPoolRetryNs / 1'000'000'000) + " s"}});
                    continue;
                }
                self.held_pool_asked.erase(pool);
                self.follow_dirty = true; // followed on the next tick
                if (const chain::KnownPool* k = self.decoder.pools().find(pool)) {
                    std::string lp_why; // none: its LP share stays unknown (fetch_held_facts_locked)
                    if (const auto lp = pool_lp(a, dex, k->base_mint, lp_why)) {
                        self.held_lp_mint[pool] = lp->lp_mint;
                    }
                }
                log::info("feed.ws", "a held pool from before the restart is followed again",
                          {{"pool", base58(pool)}, {"dex", dex == SNP_DEX_RAYDIUM_AMM_V4 ? "raydium_amm_v4" : "pump_swap"},
                           {"slot", accs.context_slot}});
            }
        }));
}

void SolanaWsSource::Impl::fetch_followed_now_locked(const std::vector<Pubkey>& accounts) {
    if (!rpc) {
        return; // their state comes with their next change
    }
    for (size_t at = 0; at < accounts.size(); at += kMaxKeysPerRead) {
        std::vector<solana::Pubkey> keys;
        for (size_t i = at; i < accounts.size() && i < at + kMaxKeysPerRead; ++i) {
            keys.push_back(to_solana(accounts[i]));
        }
        rpc->call("getMultipleAccounts", rpc::params::get_multiple_accounts(keys, commitment_of(cfg.ws.commitment)),
                  under_lock(weak_from_this(), [keys](Impl& self, const rpc::RpcResponse& resp) {
                      rpc::MultipleAccounts accs;
                      std::string why = multiple_accounts_of(resp, keys.size(), accs);
                      if (!why.empty()) {
                          self.enrich_failed_locked("followed accounts", why); // their next change tells
                          return;
                      }
                      for (size_t i = 0; i < keys.size(); ++i) {
                          const std::optional<rpc::AccountInfo>& a = accs.accounts[i];
                          const Pubkey key = from_solana(keys[i]);
                          if (!a || self.following.count(key) == 0) {
                              continue; // a vault candidate that does not exist; or no longer followed
                          }
                          const chain::DecodeResult& r = self.decoder.decode_account(
                              key, from_solana(a->owner), a->data.data(), a->data.size(), accs.context_slot);
                          // Reserves older than the trades already delivered
                          // would move the price back: dropped (the next
                          // change tells). A completion is final whenever read.
                          bool older = false;
                          for (uint32_t e = 0; e < r.n_events; ++e) {
                              older = older || (r.events[e].h.type == SNP_EVENT_POOL_UPDATE &&
                                                accs.context_slot < self.logs_slot);
                          }
                          if (!older) {
                              self.decoded(nullptr, r, mono_ns(), true, &key);
                          }
                      }
                  }));
    }
}

void SolanaWsSource::Impl::find_migrations_locked() {
    const int64_t now = mono_ns();
    for (auto it = migrations.begin(); it != migrations.end();) { // moved off the curve, or sold
        it = std::find(watched.begin(), watched.end(), it->first) == watched.end() ? migrations.erase(it)
                                                                                   : std::next(it);
    }
    for (const Pubkey& pool : watched) {
        const chain::KnownPool* k = decoder.pools().find(pool);
        if (k != nullptr && k->dex == SNP_DEX_PUMP_FUN && k->complete && migrations.count(pool) == 0) {
            migrations[pool] = MigrationLookup{k->base_mint, now + cfg.migration_grace_ns, false, false};
        }
    }
    for (auto& [curve, m] : migrations) {
        if (m.in_flight || now < m.next_mono) {
            continue;
        }
        if (!rpc) {
            m.next_mono = std::numeric_limits<int64_t>::max(); // said once
            log::warn("feed.ws",
                      "a held curve completed: finding its coin's migration pool needs feeds.ws.rpc or [live] rpc",
                      {{"curve", base58(curve)}, {"mint", base58(m.mint)}});
            continue;
        }
        fetch_migration_locked(curve, m.mint);
    }
}

// The canonical pool and the mint in one read; then the pool's vaults.
void SolanaWsSource::Impl::fetch_migration_locked(const Pubkey& curve, const Pubkey& mint) {
    const std::optional<Pubkey> pool = chain::pump_swap_canonical_pool(mint);
    MigrationLookup& m = migrations.at(curve);
    if (!pool) {
        m.next_mono = std::numeric_limits<int64_t>::max();
        return;
    }
    if (pools.count(*pool) != 0 || hold.holds(*pool)) {
        // Its create_pool was seen: the NEW_POOL is out (the engine moves
        // the positions) or waits for its safety facts.
        m.next_mono = mono_ns() + cfg.migration_retry_ns;
        return;
    }
    m.in_flight = true;
    const std::vector<solana::Pubkey> keys = {to_solana(*pool), to_solana(mint)};
    const Pubkey p = *pool;
    rpc->call(
        "getMultipleAccounts", rpc::params::get_multiple_accounts(keys, rpc::Commitment::Confirmed),
        under_lock(weak_from_this(), [curve, mint, p](Impl& self, const rpc::RpcResponse& resp) {
            const auto it = self.migrations.find(curve);
            if (it == self.migrations.end()) {
                return; // no longer held on the curve
            }
            MigrationLookup& m = it->second;
            m.in_flight = false;
            m.next_mono = mono_ns() + self.cfg.migration_retry_ns;
            rpc::MultipleAccounts accs;
            std::string why = multiple_accounts_of(resp, 2, accs);
            if (!why.empty()) {
                self.enrich_failed_locked("migration pool", why); // asked again after migration_retry_ns
                return;
            }
            const std::optional<rpc::AccountInfo>& a = accs.accounts[0];
            if (!a) {
                if (!m.said_waiting) {
                    m.said_waiting = true;
                    log::info("feed.ws", "a held coin's curve completed; its migration pool does not exist yet "
                                         "(looked for again)",
                              {{"curve", base58(curve)},
                               {"mint", base58(mint)},
                               {"pool", base58(p)},
                               {"every_s", self.cfg.migration_retry_ns / 1'000'000'000}});
                }
                return;
            }
            std::string problem;
            std::optional<MintFacts> facts = mint_facts(accs.accounts[1], problem);
            chain::AmmPoolAccount acc;
            if (a->owner != solana::kPumpSwapProgram) {
                problem = "owned by " + solana::to_base58(a->owner) + ", not PumpSwap";
            } else if (!facts) {
                problem = "the mint: " + (problem.empty() ? std::string("does not exist") : problem);
            } else if (!self.decoder.learn_amm_pool(p, SNP_DEX_PUMP_SWAP, a->data.data(), a->data.size(), problem,
                                                    &self.watched_mints) ||
                       chain::decode_pump_swap_pool_lp(a->data.data(), a->data.size(), acc) != chain::Reject::None) {
                problem = "its pool account: " + problem;
            }
            if (!problem.empty()) {
                m.next_mono = std::numeric_limits<int64_t>::max(); // a fact of the account: not asked again
                log::warn("feed.ws", "a held coin's migration pool cannot be used: its position stays on the "
                                     "completed curve",
                          {{"curve", base58(curve)}, {"pool", base58(p)}, {"error", problem}});
                return;
            }
            m.in_flight = true;
            self.read_migration_vaults_locked(curve, p, acc.creator, facts->decimals, facts->token_2022);
        }));
}

void SolanaWsSource::Impl::read_migration_vaults_locked(const Pubkey& curve, const Pubkey& pool,
                                                        const Pubkey& creator, uint8_t decimals, bool token_2022) {
    const chain::KnownPool* k = decoder.pools().find(pool);
    if (k == nullptr) {
        migrations.at(curve).in_flight = false;
        return;
    }
    const Pubkey mint = k->base_mint, token_vault = k->token_vault, sol_vault = k->sol_vault;
    const std::vector<solana::Pubkey> keys = {to_solana(token_vault), to_solana(sol_vault)};
    rpc->call(
        "getMultipleAccounts", rpc::params::get_multiple_accounts(keys, rpc::Commitment::Confirmed),
        under_lock(weak_from_this(), [=](Impl& self, const rpc::RpcResponse& resp) {
            const auto it = self.migrations.find(curve);
            if (it == self.migrations.end()) {
                return;
            }
            MigrationLookup& m = it->second;
            m.in_flight = false;
            rpc::MultipleAccounts accs;
            std::string why = multiple_accounts_of(resp, 2, accs);
            std::optional<uint64_t> token, sol;
            if (why.empty()) {
                token = vault_amount(accs.accounts[0], pool, mint, why);
            }
            if (token) {
                sol = vault_amount(accs.accounts[1], pool, chain::wsol_mint(), why);
            }
            if (!sol) {
                self.enrich_failed_locked("migration pool vaults", why); // asked again after migration_retry_ns
                return;
            }
            if (self.pools.count(pool) != 0 || self.hold.holds(pool)) {
                return; // its create_pool came through the logs meanwhile
            }
            const chain::DecodeResult& r =
                self.decoder.found_pump_swap_pool(pool, creator, *token, *sol, decimals, token_2022, accs.context_slot);
            if (!r.ok()) {
                self.enrich_failed_locked("migration pool", std::string(chain::reject_name(r.reject)) + " at " +
                                                                 r.where);
                return;
            }
            m.next_mono = std::numeric_limits<int64_t>::max(); // found: the engine moves the positions
            ++self.migrations_found;
            log::info("feed.ws", "a held coin's migration pool was found (its creation not seen by the feed): "
                                 "it goes out as a new pool, and the position follows it",
                      {{"curve", base58(curve)},
                       {"pool", base58(pool)},
                       {"mint", base58(mint)},
                       {"slot", accs.context_slot}});
            self.decoded(nullptr, r, mono_ns(), true); // through the safety step, as a seen create_pool
            self.found_pools.insert(pool);             // its create_pool, seen later, is a repeat
        }));
}

void SolanaWsSource::Impl::measure_held_facts_locked() {
    if (!rpc) {
        return; // their facts stay unknown (the worst)
    }
    const int64_t now = mono_ns();
    for (auto it = held_facts_asked.begin(); it != held_facts_asked.end();) { // no longer held
        it = std::find(watched.begin(), watched.end(), it->first) == watched.end() ? held_facts_asked.erase(it)
                                                                                   : std::next(it);
    }
    for (auto it = held_lp_mint.begin(); it != held_lp_mint.end();) {
        it = std::find(watched.begin(), watched.end(), it->first) == watched.end() ? held_lp_mint.erase(it)
                                                                                   : std::next(it);
    }
    for (const Pubkey& pool : watched) {
        if (pool_facts.count(pool) != 0 || hold.holds(pool)) {
            continue; // seen created (or measured): its facts are known or on their way
        }
        const chain::KnownPool* k = decoder.pools().find(pool);
        const auto asked = held_facts_asked.find(pool);
        if (k == nullptr || (asked != held_facts_asked.end() && now < asked->second)) {
            continue; // not learned yet; or a read in flight, or its back-off
        }
        held_facts_asked[pool] = now + kHeldPoolRetryNs;
        fetch_held_facts_locked(*k);
    }
}

// The mint, and an AMM pool's account and LP mint, in one read (so at one
// slot). The LP mint is the one the held-pool read found in the pool
// account (held_lp_mint); a pool whose account gave none has its LP share
// unknown.
void SolanaWsSource::Impl::fetch_held_facts_locked(const chain::KnownPool& k) {
    const Pubkey pool = k.pool, mint = k.base_mint;
    const uint32_t dex = k.dex;
    const bool amm = dex != SNP_DEX_PUMP_FUN;
    std::optional<Pubkey> lp_mint;
    if (const auto it = held_lp_mint.find(pool); amm && it != held_lp_mint.end()) {
        lp_mint = it->second;
    }
    std::vector<solana::Pubkey> keys = {to_solana(mint)};
    if (lp_mint) {
        keys.push_back(to_solana(pool));
        keys.push_back(to_solana(*lp_mint));
    }
    rpc->call(
        "getMultipleAccounts", rpc::params::get_multiple_accounts(keys, rpc::Commitment::Confirmed),
        under_lock(weak_from_this(), [pool, mint, dex, amm, lp_mint, n = keys.size()](Impl& self,
                                                                                     const rpc::RpcResponse& resp) {
            rpc::MultipleAccounts accs;
            std::string why = multiple_accounts_of(resp, n, accs);
            std::optional<MintFacts> m;
            if (why.empty()) {
                m = mint_facts(accs.accounts[0], why);
                if (!accs.accounts[0]) {
                    why = "the mint does not exist";
                }
            }
            if (!m) {
                self.enrich_failed_locked("held pool's mint", why); // asked again after kHeldPoolRetryNs
                return;
            }
            if (!amm) { // a pump.fun curve: its liquidity is the program's
                self.held_facts_known_locked(pool, mint, dex, *m, 10000, false);
                return;
            }
            std::optional<uint32_t> bps;
            if (lp_mint) {
                SafetyFollow::Check c;
                c.pool = pool;
                c.token = mint;
                c.lp_mint = *lp_mint;
                c.dex = dex;
                c.decimals = m->decimals;
                c.lp = true;
                bps = lp_share(accs.accounts[1], accs.accounts[2], c, why);
            } else {
                why = "its pool account named no LP mint when the pool was learned";
            }
            if (!bps) {
                self.enrich_failed_locked("held pool's lp", why);
            }
            self.held_facts_known_locked(pool, mint, dex, *m, bps.value_or(0), !bps);
        }));
}

void SolanaWsSource::Impl::held_facts_known_locked(const Pubkey& pool, const Pubkey& mint, uint32_t dex,
                                                   const MintFacts& m, uint32_t lp_bps, bool lp_unknown) {
    if (pool_facts.count(pool) != 0 || std::find(watched.begin(), watched.end(), pool) == watched.end()) {
        return; // measured meanwhile, or no longer held
    }
    EventBuf ev;
    init_event(ev, SNP_EVENT_POOL_SAFETY);
    snp_ev_pool_safety& f = ev.pool_safety;
    f.pool = pool;
    f.base_mint = mint;
    f.dex = dex;
    // The holders are measured next (remeasure_holders_locked): unknown
    // until then, at the worst value.
    f.flags = (m.mint_authority ? SNP_POOL_MINT_AUTHORITY_PRESENT : 0u) |
              (m.freeze_authority ? SNP_POOL_FREEZE_AUTHORITY_PRESENT : 0u) | SNP_POOL_HOLDERS_UNKNOWN |
              (lp_unknown ? SNP_POOL_LP_UNKNOWN : 0u) | (m.token_2022 ? SNP_POOL_TOKEN_2022 : 0u);
    f.lp_burned_bps = lp_unknown ? 0 : lp_bps;
    f.top10_holder_bps = 10000;
    PoolFacts& pf = pool_facts[pool];
    pf.last = f;
    pf.decimals = m.decimals;
    pf.holders_due_mono = mono_ns(); // due now
    ev.h.source_ns = wall_ns();
    log::info("feed.ws", "a held pool from before the restart has its safety facts read again",
              {{"pool", base58(pool)},
               {"mint_authority", m.mint_authority ? "present" : "none"},
               {"freeze_authority", m.freeze_authority ? "present" : "none"},
               {"lp_burned_bps", lp_unknown ? std::string("unknown") : std::to_string(lp_bps)}});
    deliver_locked(ev, mono_ns());
}

} // namespace sniper::solfeed
