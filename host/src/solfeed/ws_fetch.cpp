// solfeed/ws_fetch.cpp — what the WebSocket source reads over JSON-RPC, off
// its connection threads (answers arrive on the RPC client's thread and
// take the source's mutex): the transaction of a Raydium pool seen in logs,
// and new tokens' safety facts (the mint account; the largest holders
// without the pool's own account; an AMM pool's LP burned share from its
// pool account and its LP mint), and then, while a pool is followed, its
// LP share and its token's authorities (solfeed/safety_follow).
#include "solfeed/ws_source_impl.hpp"

#include "chain/accounts.hpp"
#include "chain/emit.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/solana_key.hpp"
#include "rpc/solana_parse.hpp"
#include "solana/associated_token.hpp"
#include "solana/base58.hpp"
#include "solana/program_ids.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace sniper::solfeed {

namespace {

// getAccountInfo's result -> the account; nullopt and `why` when malformed
// or when there is no such account.
std::optional<rpc::AccountInfo> account_of(const std::string& result_json, std::string& why) {
    uint64_t slot = 0;
    std::optional<rpc::AccountInfo> acc;
    if (auto e = rpc::parse_account_info(result_json, slot, acc)) {
        why = *e;
        return std::nullopt;
    }
    if (!acc) {
        why = "no such account";
    }
    return acc;
}

// getAccountInfo of a mint -> its facts (mint_facts).
std::optional<MintFacts> parse_mint(const std::string& result_json, std::string& why) {
    return mint_facts(account_of(result_json, why), why);
}

// getAccountInfo of an AMM pool -> its LP bookkeeping (pool_lp).
std::optional<chain::AmmPoolAccount> parse_pool_lp(const std::string& result_json, uint32_t dex, const Pubkey& token,
                                          std::string& why) {
    return pool_lp(account_of(result_json, why), dex, token, why);
}

// A followed token's mint account -> its authorities; nullopt and `why`
// when it is no initialized mint or its decimals are not the token's.
std::optional<SafetyFollow::Authorities> token_authorities(const std::optional<rpc::AccountInfo>& mint,
                                                           const SafetyFollow::Check& c, std::string& why) {
    if (!mint) {
        why = "the token's mint account does not exist";
        return std::nullopt;
    }
    const std::optional<MintFacts> m = mint_facts(mint, why);
    if (!m) {
        return std::nullopt;
    }
    if (m->decimals != c.decimals) {
        why = "the token's mint has " + std::to_string(m->decimals) + " decimals, its NEW_POOL said " +
              std::to_string(c.decimals);
        return std::nullopt;
    }
    return SafetyFollow::Authorities{m->mint_authority, m->freeze_authority};
}

// getTokenLargestAccounts -> the ten largest amounts summed, leaving out
// `exclude` (the pool's own token accounts); nullopt and `why` when
// malformed.
std::optional<uint64_t> parse_top10(const std::string& result_json, const std::vector<solana::Pubkey>& exclude,
                                    std::string& why) {
    std::vector<rpc::LargestAccount> list;
    if (auto e = rpc::parse_largest_accounts(result_json, list)) {
        why = *e;
        return std::nullopt;
    }
    std::vector<uint64_t> amounts;
    for (const rpc::LargestAccount& a : list) {
        if (std::find(exclude.begin(), exclude.end(), a.address) == exclude.end()) {
            amounts.push_back(a.amount);
        }
    }
    std::sort(amounts.rbegin(), amounts.rend());
    unsigned __int128 sum = 0;
    for (size_t i = 0; i < amounts.size() && i < 10; ++i) {
        sum += amounts[i];
    }
    if (sum > UINT64_MAX) {
        why = "the ten largest amounts add up to more than 2^64";
        return std::nullopt;
    }
    return static_cast<uint64_t>(sum);
}

} // namespace

// An AMM pool account -> its LP bookkeeping; nullopt and `why` when it is
// not the pool the event describes (owner, layout, the pair of mints).
std::optional<chain::AmmPoolAccount> pool_lp(const std::optional<rpc::AccountInfo>& acc, uint32_t dex, const Pubkey& token,
                                    std::string& why) {
    if (!acc) {
        return std::nullopt;
    }
    const bool raydium = dex == SNP_DEX_RAYDIUM_AMM_V4;
    const solana::Pubkey& program = raydium ? solana::kRaydiumAmmV4Program : solana::kPumpSwapProgram;
    if (acc->owner != program) {
        why = "the pool account's owner is " + solana::to_base58(acc->owner) + ", expected " +
              solana::to_base58(program);
        return std::nullopt;
    }
    chain::AmmPoolAccount lp;
    const chain::Reject r = raydium ? chain::decode_raydium_amm_lp(acc->data.data(), acc->data.size(), lp)
                                    : chain::decode_pump_swap_pool_lp(acc->data.data(), acc->data.size(), lp);
    if (r != chain::Reject::None) {
        why = std::string("the pool account does not decode: ") + chain::reject_name(r);
        return std::nullopt;
    }
    const Pubkey& wsol = chain::wsol_mint();
    if (!((lp.mint_a == token && lp.mint_b == wsol) || (lp.mint_a == wsol && lp.mint_b == token))) {
        why = "the pool account pairs other mints than its NEW_POOL";
        return std::nullopt;
    }
    return lp;
}

// A followed pool's pool account and LP mint (one slot) -> its LP burned
// share; nullopt and `why` when either does not validate or the pool
// names another LP mint.
std::optional<uint32_t> lp_share(const std::optional<rpc::AccountInfo>& pool,
                                 const std::optional<rpc::AccountInfo>& lp_mint, const SafetyFollow::Check& c,
                                 std::string& why) {
    if (!pool || !lp_mint) {
        why = !pool ? "the pool account does not exist" : "the LP mint does not exist";
        return std::nullopt;
    }
    const std::optional<chain::AmmPoolAccount> lp = pool_lp(pool, c.dex, c.token, why);
    if (!lp) {
        return std::nullopt;
    }
    if (!(lp->lp_mint == c.lp_mint)) {
        why = "the pool account names LP mint " + base58(lp->lp_mint) + ", followed " + base58(c.lp_mint);
        return std::nullopt;
    }
    const std::optional<MintFacts> m = mint_facts(lp_mint, why);
    if (!m) {
        return std::nullopt;
    }
    const std::optional<uint32_t> bps = chain::lp_burned_bps(lp->lp_count, m->supply);
    if (!bps) {
        why = "the LP mint's supply " + std::to_string(m->supply) + " does not fit the pool's LP count " +
              std::to_string(lp->lp_count);
    }
    return bps;
}

// A mint account -> its facts; nullopt and `why` when it is not an
// initialized SPL Token / Token-2022 mint.
std::optional<MintFacts> mint_facts(const std::optional<rpc::AccountInfo>& acc, std::string& why) {
    if (!acc) {
        return std::nullopt;
    }
    const bool t22 = acc->owner == solana::kToken2022Program;
    chain::Mint m;
    if ((!t22 && acc->owner != solana::kTokenProgram) ||
        chain::decode_mint(acc->data.data(), acc->data.size(), t22, m) != chain::Reject::None ||
        !m.is_initialized) {
        why = "not an initialized token mint";
        return std::nullopt;
    }
    MintFacts f;
    f.mint_authority = m.has_mint_authority;
    f.freeze_authority = m.has_freeze_authority;
    f.supply = m.supply;
    f.decimals = m.decimals;
    f.token_2022 = t22;
    return f;
}

// Off the connection threads: the mint account and the largest holders
// (the pool's own token accounts left out). Answers come back on the RPC
// client's thread. Under `mu` (called from decoded()).
void SolanaWsSource::Impl::fetch_safety(const snp_ev_new_pool& np) {
    const Pubkey pool = np.pool;
    const std::string mint = base58(np.base_mint);
    std::weak_ptr<Impl> weak = weak_from_this();
    const auto failed = [](Impl& self, const char* what, const std::string& why) {
        self.enrich_failed_locked(what, why);
    };
    if (hold.wants_mint(pool)) {
        rpc->call("getAccountInfo",
                  "[\"" + mint + "\",{\"encoding\":\"base64\",\"commitment\":\"confirmed\"}]",
                  under_lock(weak, [pool, failed](Impl& self, const rpc::RpcResponse& resp) {
                      std::string why = resp.ok() ? std::string() : resp.error.message;
                      std::optional<MintFacts> m;
                      if (resp.ok()) {
                          m = parse_mint(resp.result_json, why);
                      }
                      if (!m) {
                          failed(self, "mint", why);
                      }
                      self.hold.on_mint(pool, m);
                      self.release_ready_locked();
                  }));
    }
    if (hold.wants_holders(pool)) {
        // The pool's own token account is no holder: a pump.fun curve's and
        // a PumpSwap pool's are the pool's associated token account (under
        // Token or Token-2022); a Raydium pool's is the vault its
        // initialize2 named.
        const chain::TokenAccounts own = chain::associated_token_accounts(pool, np.base_mint);
        std::vector<solana::Pubkey> exclude = {to_solana(own.token), to_solana(own.token_2022)};
        if (const chain::KnownPool* k = decoder.pools().find(pool); k != nullptr && !is_zero(k->token_vault)) {
            exclude.push_back(to_solana(k->token_vault));
        }
        rpc->call("getTokenLargestAccounts", "[\"" + mint + "\",{\"commitment\":\"confirmed\"}]",
                  under_lock(weak, [pool, exclude, failed](Impl& self, const rpc::RpcResponse& resp) {
                      std::string why = resp.ok() ? std::string() : resp.error.message;
                      std::optional<uint64_t> top10;
                      if (resp.ok()) {
                          top10 = parse_top10(resp.result_json, exclude, why);
                      }
                      if (!top10) {
                          failed(self, "holders", why);
                      }
                      self.hold.on_holders(pool, top10);
                      self.release_ready_locked();
                  }));
    }
    if (hold.wants_lp(pool)) {
        fetch_lp(np);
    }
    ++enriched;
}

// A failed fact stays unknown (its field at the worst value); logged the
// first time and every 100th. Under `mu`.
void SolanaWsSource::Impl::enrich_failed_locked(const char* fact, const std::string& why) {
    if (enrich_failures++ % 100 == 0) {
        log::warn("feed.ws", "a token-safety fact could not be read; the pool is released with it unknown",
                  {{"fact", fact}, {"error", why}, {"failures", enrich_failures}});
    }
}

// An AMM pool's LP burned share: its pool account (the LP mint and the
// program's count of LP outstanding), then that LP mint's supply. Under
// `mu`; the second request goes out from the first one's answer.
void SolanaWsSource::Impl::fetch_lp(const snp_ev_new_pool& np) {
    const Pubkey pool = np.pool, token = np.base_mint;
    const uint32_t dex = np.dex;
    const auto account_params = [](const std::string& key) {
        return "[\"" + key + "\",{\"encoding\":\"base64\",\"commitment\":\"confirmed\"}]";
    };
    std::weak_ptr<Impl> weak = weak_from_this();
    rpc->call("getAccountInfo", account_params(base58(pool)),
              under_lock(weak, [pool, token, dex, account_params](Impl& self, const rpc::RpcResponse& resp) {
                  std::string why = resp.ok() ? std::string() : resp.error.message;
                  std::optional<chain::AmmPoolAccount> lp;
                  if (resp.ok()) {
                      lp = parse_pool_lp(resp.result_json, dex, token, why);
                  }
                  if (!lp) {
                      self.enrich_failed_locked("lp pool", why);
                      self.hold.on_lp(pool, std::nullopt);
                      self.release_ready_locked();
                      return;
                  }
                  const uint64_t count = lp->lp_count;
                  if (self.hold.wants_lp(pool)) { // still held: its NEW_POOL names the LP mint to follow
                      self.lp_mint_of[pool] = lp->lp_mint;
                  }
                  self.rpc->call(
                      "getAccountInfo", account_params(base58(lp->lp_mint)),
                      under_lock(self.weak_from_this(), [pool, count](Impl& s, const rpc::RpcResponse& r) {
                          std::string why2 = r.ok() ? std::string() : r.error.message;
                          std::optional<MintFacts> m;
                          if (r.ok()) {
                              m = parse_mint(r.result_json, why2);
                          }
                          std::optional<uint32_t> bps;
                          if (m) {
                              bps = chain::lp_burned_bps(count, m->supply);
                              if (!bps) {
                                  why2 = "the LP mint's supply " + std::to_string(m->supply) +
                                         " does not fit the pool's LP count " + std::to_string(count);
                              }
                          }
                          if (!bps) {
                              s.enrich_failed_locked("lp mint", why2);
                          }
                          s.hold.on_lp(pool, bps);
                          s.release_ready_locked();
                      }));
              }));
}

void SolanaWsSource::Impl::follow_trigger_locked(const Pubkey& account) {
    std::vector<SafetyFollow::Check> checks;
    safety_follow.trigger(account, mono_ns(), checks);
    for (const SafetyFollow::Check& c : checks) {
        fetch_follow_check(c);
    }
}

// A followed pool's facts in one getMultipleAccounts: the pool account (the
// program's LP count) and the LP mint (its supply), so both are of one
// slot, and the token's mint (its authorities). A changed fact goes out as
// a POOL_SAFETY. Under `mu`.
void SolanaWsSource::Impl::fetch_follow_check(const SafetyFollow::Check& c) {
    std::vector<solana::Pubkey> keys;
    if (c.lp) {
        keys.push_back(to_solana(c.pool));
        keys.push_back(to_solana(c.lp_mint));
    }
    if (c.auth) {
        keys.push_back(to_solana(c.token));
    }
    if (keys.empty()) {
        return;
    }
    rpc->call(
        "getMultipleAccounts", rpc::params::get_multiple_accounts(keys, rpc::Commitment::Confirmed),
        under_lock(weak_from_this(), [c, n = keys.size()](Impl& self, const rpc::RpcResponse& resp) {
            rpc::MultipleAccounts accs;
            std::string why = multiple_accounts_of(resp, n, accs);
            const bool read = why.empty();
            std::optional<uint32_t> bps;
            std::optional<SafetyFollow::Authorities> auth;
            if (read && c.lp) {
                bps = lp_share(accs.accounts[0], accs.accounts[1], c, why);
            }
            if (read && c.auth) {
                auth = token_authorities(accs.accounts[n - 1], c, why);
            }
            if ((c.lp && !bps) || (c.auth && !auth)) {
                if (self.enrich_failures++ % 100 == 0) {
                    log::warn("feed.ws", "a followed pool's safety facts could not be read; what was known stands",
                              {{"pool", base58(c.pool)}, {"error", why}, {"failures", self.enrich_failures}});
                }
            }
            const snp_ev_pool_safety* before = self.safety_follow.last(c.pool);
            const uint32_t lp_before = before != nullptr ? before->lp_burned_bps : 0;
            const uint32_t flags_before = before != nullptr ? before->flags : 0;
            std::optional<EventBuf> ev;
            const std::optional<SafetyFollow::Check> next =
                self.safety_follow.on_answer(c.pool, bps, auth, accs.context_slot, mono_ns(), ev);
            if (ev) {
                const snp_ev_pool_safety& s = ev->pool_safety;
                log::info("feed.ws", "a pool's safety facts changed",
                          {{"pool", base58(c.pool)},
                           {"mint", base58(c.token)},
                           {"lp_burned_bps", std::to_string(lp_before) + " -> " + std::to_string(s.lp_burned_bps)},
                           {"mint_authority", (flags_before & SNP_POOL_MINT_AUTHORITY_PRESENT) == 0 ? "none"
                                              : (s.flags & SNP_POOL_MINT_AUTHORITY_PRESENT) != 0 ? "present"
                                                                                                  : "revoked"},
                           {"freeze_authority", (flags_before & SNP_POOL_FREEZE_AUTHORITY_PRESENT) == 0 ? "none"
                                                : (s.flags & SNP_POOL_FREEZE_AUTHORITY_PRESENT) != 0 ? "present"
                                                                                                      : "revoked"},
                           {"slot", accs.context_slot}});
                ev->h.source_ns = wall_ns();
                self.deliver_locked(*ev, mono_ns());
            }
            if (next) {
                self.fetch_follow_check(*next);
            }
        }));
}

void SolanaWsSource::Impl::remeasure_holders_locked() {
    if (!rpc || cfg.holders_every_ns <= 0) {
        return;
    }
    const int64_t now = mono_ns();
    for (const Pubkey& pool : watched) {
        const auto it = pool_facts.find(pool);
        if (it == pool_facts.end() || it->second.holders_in_flight || now < it->second.holders_due_mono) {
            continue; // not seen created by this source (before a restart), or not due
        }
        it->second.holders_in_flight = true;
        it->second.holders_due_mono = now + cfg.holders_every_ns;
        fetch_holders_locked(pool);
    }
}

void SolanaWsSource::Impl::fetch_holders_locked(const Pubkey& pool) {
    const PoolFacts& f = pool_facts.at(pool);
    const Pubkey token = f.last.base_mint;
    const std::string mint = base58(token);
    // The pool's own token accounts are no holders (as at creation).
    const chain::TokenAccounts own = chain::associated_token_accounts(pool, token);
    std::vector<solana::Pubkey> exclude = {to_solana(own.token), to_solana(own.token_2022)};
    if (const chain::KnownPool* k = decoder.pools().find(pool); k != nullptr && !is_zero(k->token_vault)) {
        exclude.push_back(to_solana(k->token_vault));
    }
    const auto done = [pool](Impl& self, const std::string& why) {
        auto it = self.pool_facts.find(pool);
        if (it != self.pool_facts.end()) {
            it->second.holders_in_flight = false;
        }
        if (!why.empty()) {
            self.enrich_failed_locked("holders (held pool)", why); // what was known stands
        }
    };
    std::weak_ptr<Impl> weak = weak_from_this();
    rpc->call(
        "getAccountInfo", "[\"" + mint + "\",{\"encoding\":\"base64\",\"commitment\":\"confirmed\"}]",
        under_lock(weak, [pool, mint, exclude, done](Impl& self, const rpc::RpcResponse& resp) {
            std::string why = resp.ok() ? std::string() : resp.error.message;
            std::optional<MintFacts> m;
            if (resp.ok()) {
                m = parse_mint(resp.result_json, why);
            }
            const auto it = self.pool_facts.find(pool);
            if (it == self.pool_facts.end()) {
                return;
            }
            if (m && (m->supply == 0 || m->decimals != it->second.decimals)) {
                why = "the mint says supply " + std::to_string(m->supply) + " and " +
                      std::to_string(static_cast<unsigned>(m->decimals)) + " decimals, the pool's NEW_POOL " +
                      std::to_string(static_cast<unsigned>(it->second.decimals));
                m.reset();
            }
            if (!m) {
                done(self, why);
                return;
            }
            const uint64_t supply = m->supply;
            self.rpc->call(
                "getTokenLargestAccounts", "[\"" + mint + "\",{\"commitment\":\"confirmed\"}]",
                under_lock(self.weak_from_this(), [pool, exclude, supply, done](Impl& s, const rpc::RpcResponse& r) {
                    std::string why2 = r.ok() ? std::string() : r.error.message;
                    std::optional<uint64_t> top10;
                    if (r.ok()) {
                        top10 = parse_top10(r.result_json, exclude, why2);
                    }
                    if (top10 && *top10 > supply) {
                        why2 = "the ten largest holders hold more than the supply";
                        top10.reset();
                    }
                    if (!top10) {
                        done(s, why2);
                        return;
                    }
                    done(s, "");
                    ++s.holders_measured;
                    const auto it = s.pool_facts.find(pool);
                    if (it == s.pool_facts.end()) {
                        return;
                    }
                    const auto bps = static_cast<uint32_t>(std::min<unsigned __int128>(
                        (static_cast<unsigned __int128>(*top10) * 10000 + supply - 1) / supply, 10000));
                    snp_ev_pool_safety& last = it->second.last;
                    const bool was_unknown = (last.flags & SNP_POOL_HOLDERS_UNKNOWN) != 0;
                    const uint32_t before = last.top10_holder_bps;
                    if (!was_unknown && (bps > before ? bps - before : before - bps) < kHoldersChangeBps) {
                        return; // about the same: nothing to say
                    }
                    ++s.holders_changed;
                    EventBuf ev;
                    init_event(ev, SNP_EVENT_POOL_SAFETY);
                    const snp_event_header h = ev.h; // `last` holds an old header (or none)
                    ev.pool_safety = last;
                    ev.pool_safety.h = h;
                    ev.pool_safety.top10_holder_bps = bps;
                    ev.pool_safety.flags &= ~static_cast<uint32_t>(SNP_POOL_HOLDERS_UNKNOWN);
                    ev.h.source_ns = wall_ns();
                    log::info("feed.ws", "a held pool's top-10 holders' share changed",
                              {{"pool", base58(pool)},
                               {"top10_holder_bps", (was_unknown ? std::string("unknown") : std::to_string(before)) +
                                                        " -> " + std::to_string(bps)}});
                    s.deliver_locked(ev, mono_ns()); // updates pool_facts too
                }));
        }));
}

void SolanaWsSource::Impl::fetch_transaction(const uint8_t* sig) {
    if (!rpc) {
        ++skipped;
        count_locked("NO_RPC_FOR_TRANSACTION",
                     "a Raydium pool was created; its accounts need getTransaction and "
                     "feeds.ws.rpc / [live] rpc is not set");
        return;
    }
    ++fetches;
    const std::string params = "[\"" + solana::base58_encode(sig, 64) +
                               "\",{\"encoding\":\"json\",\"maxSupportedTransactionVersion\":0,"
                               "\"commitment\":\"confirmed\"}]";
    std::weak_ptr<Impl> weak = weak_from_this();
    rpc->call("getTransaction", params, under_lock(weak, [](Impl& self, const rpc::RpcResponse& resp) {
        if (!resp.ok()) {
            ++self.fetch_failures;
            self.count_locked("TRANSACTION_FETCH_FAILED", resp.error.message);
            return;
        }
        const std::string wrapped = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + resp.result_json + "}";
        if (self.raw != nullptr) {
            self.record_raw(wrapped);
        }
        const chain::DecodeResult& r = self.decoder.decode(wrapped);
        if (r.ok() && r.kind == chain::MessageKind::Null) {
            ++self.fetch_failures;
            self.count_locked("TRANSACTION_NOT_FOUND", "getTransaction answered null");
            return;
        }
        self.decoded(nullptr, r, mono_ns(), true);
    }));
}

} // namespace sniper::solfeed
