// AMM pools followed by their vaults (SolanaWsDecoder::follow and the
// token-account path of decode(json, account)): the SPL / Token-2022 token
// account layout, a Raydium AMM v4 pool's vaults as its initialize2 names
// them (checked against the same transaction's postTokenBalances), a
// PumpSwap pool's associated token accounts, and the pairing of the two
// sides by slot.
//
// Independent vectors (vault_vectors.hpp): the PumpSwap vault addresses
// and every token account's data were made by @solana/spl-token.
#include "chain_test_util.hpp"
#include "vault_vectors.hpp"

#include "chain/accounts.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace sniper::chain;
using chain_test::b64;
using chain_test::fixture;
using chain_test::key;
using chain_test::nth;
using chain_test::skipped;
using namespace vault_vectors;

namespace {

// A Token-2022 account: the SPL layout, the Account type byte, and a
// zeroed extension TLV.
std::vector<uint8_t> with_2022_extension(std::vector<uint8_t> d) {
    d.push_back(2);
    d.insert(d.end(), 12, 0);
    return d;
}

} // namespace

TEST_CASE("token accounts: the SPL layout as spl-token encodes it, Token-2022 extensions, refusals",
          "[chain][vaults]") {
    const auto d = bytes_of(kRaydiumTokenVaultData);
    REQUIRE(d.size() == kTokenAccountLen);
    TokenAccount t;
    REQUIRE(decode_token_account(d.data(), d.size(), false, t) == Reject::None);
    CHECK(t.mint == key("6Ed5YTw9AoUhr5VcsjZdGHqpdruqgCaZcLv7WU6npump"));
    CHECK(t.owner == key("5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1"));
    CHECK(t.amount == 206'000'000'000'000ULL);
    CHECK_FALSE(t.frozen);
    const auto s = bytes_of(kRaydiumSolVaultData); // wrapped SOL: is_native Some(rent)
    REQUIRE(decode_token_account(s.data(), s.size(), false, t) == Reject::None);
    CHECK(t.amount == 80'000'000'000ULL);

    const auto ext = with_2022_extension(d);
    CHECK(decode_token_account(ext.data(), ext.size(), true, t) == Reject::None);
    CHECK(t.amount == 206'000'000'000'000ULL);
    CHECK(decode_token_account(ext.data(), ext.size(), false, t) == Reject::AccountLength);
    auto as_mint = ext;
    as_mint[165] = 1; // Token-2022 AccountType::Mint
    CHECK(decode_token_account(as_mint.data(), as_mint.size(), true, t) == Reject::AccountDiscriminator);
    CHECK(decode_token_account(d.data(), 164, false, t) == Reject::AccountLength);
    CHECK(decode_token_account(d.data(), 82, true, t) == Reject::AccountLength); // a mint's length

    auto bad = d;
    bad[108] = 0; // Uninitialized
    CHECK(decode_token_account(bad.data(), bad.size(), false, t) == Reject::AccountDiscriminator);
    bad[108] = 3;
    CHECK(decode_token_account(bad.data(), bad.size(), false, t) == Reject::AccountDiscriminator);
    bad[108] = 2; // Frozen: still a truthful balance
    REQUIRE(decode_token_account(bad.data(), bad.size(), false, t) == Reject::None);
    CHECK(t.frozen);
    bad = d;
    bad[72] = 2; // delegate COption tag
    CHECK(decode_token_account(bad.data(), bad.size(), false, t) == Reject::CoptionTag);
    bad = d;
    bad[109] = 2; // is_native COption tag
    CHECK(decode_token_account(bad.data(), bad.size(), false, t) == Reject::CoptionTag);
}

TEST_CASE("Raydium AMM v4: a pool is followed by the two vaults its initialize2 names, paired by slot",
          "[chain][vaults]") {
    SolanaWsDecoder dec;
    const auto& created =
        dec.decode(fixture("payloads/ws_txn_raydium_initialize2_pumpfun_migration_2024-12.json"));
    REQUIRE(created.ok());
    const auto amm = key("6DrWmJAVcCLUTHzgdMoKroZCwdcS8sodLgctiBqvyys6");
    const auto token = key("6Ed5YTw9AoUhr5VcsjZdGHqpdruqgCaZcLv7WU6npump");
    // The same transaction's postTokenBalances: account 6 holds the token,
    // account 5 WSOL, both owned by the AMM authority (coin = WSOL here:
    // the token vault is the pc vault).
    const auto token_vault = key("Dn1NMgHneoKZvtgec5Pnv336qGVV6AyPuqS5rNvNAFa1");
    const auto sol_vault = key("9JQ4n7s9xnJvbmaG9wtkUiC8qLUR2MR4LQeJw1ka7X77");
    const auto accounts = dec.follow({amm, key("Bignq1ctYYtmHdoi1MUGx6wT3pRxZXoE1TAXBqTEG9ZD")});
    REQUIRE(accounts.size() == 2); // the unknown pool yields nothing
    CHECK(accounts[0] == token_vault);
    CHECK(accounts[1] == sol_vault);

    const std::string tok = kRaydiumTokenVaultData, sol = kRaydiumSolVaultData;
    const auto* r = &dec.decode(account_note(305978600, tok, kToken), token_vault);
    REQUIRE(r->ok());
    CHECK(r->n_events == 0);
    CHECK(skipped(*r, Skip::VaultWaiting) == 1);
    r = &dec.decode(account_note(305978600, sol, kToken), sol_vault);
    REQUIRE(r->ok());
    REQUIRE(r->n_events == 1);
    const auto& u = r->events[0].pool_update;
    CHECK(r->events[0].h.type == SNP_EVENT_POOL_UPDATE);
    CHECK(r->events[0].h.slot == 305978600);
    CHECK(u.pool == amm);
    CHECK(u.base_mint == token);
    CHECK(u.base_reserve_atoms == 206'000'000'000'000ULL);
    CHECK(u.quote_reserve_lamports == 80'000'000'000ULL);
    CHECK(event_valid(r->events[0]));
    // The same state again (another endpoint): nothing.
    CHECK(dec.decode(account_note(305978600, sol, kToken), sol_vault).n_events == 0);
    // One side ahead waits for the other at that slot.
    r = &dec.decode(account_note(305978601, sol, kToken), sol_vault);
    CHECK(r->n_events == 0);
    CHECK(skipped(*r, Skip::VaultWaiting) == 1);
    CHECK(dec.decode(account_note(305978601, tok, kToken), token_vault).n_events == 1);

    // The token's data at the WSOL vault, or a vault owned by someone else:
    // refused, nothing emitted.
    r = &dec.decode(account_note(305978602, tok, kToken), sol_vault);
    CHECK(r->reject == Reject::VaultMismatch);
    CHECK(r->n_events == 0);
    auto other_owner = bytes_of(kRaydiumTokenVaultData);
    other_owner[40] ^= 1;
    r = &dec.decode(account_note(305978602, b64(other_owner), kToken), token_vault);
    CHECK(r->reject == Reject::VaultMismatch);
    // Not a token account at all.
    CHECK(dec.decode(account_note(305978603, b64(std::vector<uint8_t>(82, 0)), kToken), token_vault)
              .reject == Reject::AccountLength);

    // Unfollowed: its vaults are no longer paired.
    CHECK(dec.follow({}).empty());
    CHECK(dec.decode(account_note(305978610, tok, kToken), token_vault).n_events == 0);
    CHECK(dec.decode(account_note(305978610, sol, kToken), sol_vault).n_events == 0);
}

TEST_CASE("PumpSwap: a pool is followed by its associated token accounts (SPL and Token-2022 candidates)",
          "[chain][vaults]") {
    const auto pool = key(kPumpSwapPool);
    const auto mint = key(kPumpSwapMint);
    SolanaWsDecoder dec;
    REQUIRE(dec.decode(pump_swap_create_logs()).n_events == 1);
    const auto accounts = dec.follow({pool});
    REQUIRE(accounts.size() == 3);
    const auto sol_vault = key(kPumpSwapSolVault);
    const auto spl_vault = key(kPumpSwapSplVault);
    const auto t22_vault = key(kPumpSwapT22Vault);
    CHECK(std::count(accounts.begin(), accounts.end(), sol_vault) == 1);
    CHECK(std::count(accounts.begin(), accounts.end(), spl_vault) == 1);
    CHECK(std::count(accounts.begin(), accounts.end(), t22_vault) == 1);

    const std::string tok = kPumpSwapTokenVaultData, sol = kPumpSwapSolVaultData;
    CHECK(dec.decode(account_note(50, sol, kToken), sol_vault).n_events == 0);
    const auto* r = &dec.decode(account_note(50, tok, kToken), spl_vault);
    REQUIRE(r->ok());
    REQUIRE(r->n_events == 1);
    CHECK(r->events[0].pool_update.pool == pool);
    CHECK(r->events[0].pool_update.base_mint == mint);
    CHECK(r->events[0].pool_update.base_reserve_atoms == 205'000'000'000'000ULL);
    CHECK(r->events[0].pool_update.quote_reserve_lamports == 85'500'000'000ULL);
    // A Token-2022 coin: its vault carries the account type and extensions.
    const std::string ext = b64(with_2022_extension(bytes_of(kPumpSwapTokenVaultData)));
    CHECK(dec.decode(account_note(51, ext, kToken22), t22_vault).n_events == 0);
    r = &dec.decode(account_note(51, sol, kToken), sol_vault);
    REQUIRE(r->ok());
    CHECK(r->n_events == 1);
    // Another pool's vault data at this address: refused.
    r = &dec.decode(account_note(52, kRaydiumTokenVaultData, kToken), spl_vault);
    CHECK(r->reject == Reject::VaultMismatch);
}

TEST_CASE("a followed (held) pool stays known when newer pools fill its registry bucket, until unfollowed",
          "[chain][vaults]") {
    const auto pool = key(kPumpSwapPool);
    DecoderConfig cfg;
    cfg.registry_capacity = 4; // one bucket of four
    SolanaWsDecoder dec(cfg);
    REQUIRE(dec.decode(pump_swap_create_logs()).n_events == 1);
    REQUIRE(dec.follow({pool}).size() == 3);
    CHECK(dec.pools().pinned() == 1);
    const auto other = [](uint8_t i) {
        KnownPool k;
        k.pool.bytes[0] = i;
        k.base_mint.bytes[0] = static_cast<uint8_t>(i + 100);
        k.dex = SNP_DEX_PUMP_SWAP;
        return k;
    };
    for (uint8_t i = 1; i <= 8; ++i) {
        dec.pools().put(other(i));
    }
    CHECK(dec.pools().find(other(1).pool) == nullptr); // an unpinned one was pushed out
    const KnownPool* held = dec.pools().find(pool);
    REQUIRE(held != nullptr);
    CHECK(held->base_mint == key(kPumpSwapMint));
    CHECK(dec.pools().find(other(8).pool) != nullptr);
    dec.follow({});
    CHECK(dec.pools().pinned() == 0);
    CHECK(dec.pools().find(pool) == nullptr); // its bucket entry was long gone
}
