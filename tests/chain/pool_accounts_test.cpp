// Real AMM pool accounts (fixtures/accounts/amm_pool_accounts.json, captured
// by others: SOURCES.md): the AmmInfo and PumpSwap Pool layouts the decoder
// reads (mints, vaults, decimals, LP), checked against facts that do not
// come from our decode: each account's address and vaults re-derived from
// its own fields the way the programs derive them (Raydium's
// market-associated PDAs, PumpSwap's pool PDA and its vaults as the pool's
// associated token accounts), and the published SOL/USDC pool. Then the
// decoder learns a held pool from its account (learn_amm_pool) and follows
// the vaults the account names.
#include "chain/accounts.hpp"
#include "chain/solana_ws_decoder.hpp"

#include "chain/chain_test_util.hpp"
#include "core/solana_key.hpp"
#include "solana/base64.hpp"
#include "solana/pda.hpp"

#include <catch2/catch.hpp>

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

using namespace sniper;
using namespace sniper::chain;
using chain_test::key;

namespace {

struct Capture {
    std::string program, address;
    std::vector<uint8_t> data;
};

Capture capture(const std::string& name) {
    const std::string text = chain_test::fixture("accounts/amm_pool_accounts.json");
    simdjson::dom::parser parser;
    simdjson::dom::array list;
    REQUIRE(parser.parse(text)["accounts"].get_array().get(list) == simdjson::SUCCESS);
    for (simdjson::dom::element e : list) {
        std::string_view n, program, address, b64;
        REQUIRE(e["name"].get(n) == simdjson::SUCCESS);
        if (n != name) {
            continue;
        }
        REQUIRE(e["program"].get(program) == simdjson::SUCCESS);
        REQUIRE(e["address"].get(address) == simdjson::SUCCESS);
        REQUIRE(e["data_base64"].get(b64) == simdjson::SUCCESS);
        auto bytes = solana::base64_decode(b64);
        REQUIRE(bytes);
        return Capture{std::string(program), std::string(address), std::move(*bytes)};
    }
    FAIL("no capture " << name);
    return {};
}

Pubkey key_at(const std::vector<uint8_t>& d, size_t at) {
    Pubkey k{};
    REQUIRE(at + 32 <= d.size());
    std::memcpy(k.bytes, d.data() + at, 32);
    return k;
}

Pubkey pda(std::initializer_list<solana::Seed> seeds, const char* program) {
    auto r = solana::find_program_address(seeds, to_solana(key(program)));
    REQUIRE(r);
    Pubkey out{};
    std::memcpy(out.bytes, r->address.bytes.data(), 32);
    return out;
}

constexpr const char* kRaydium = "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8";
constexpr const char* kPumpSwap = "pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA";
constexpr const char* kWsol = "So11111111111111111111111111111111111111112";

// Raydium AMM v4's pools made by initialize2: the AMM and its vaults are
// PDAs of [program id, market, seed].
Pubkey raydium_pda(const Pubkey& market, const char* seed) {
    const Pubkey program = key(kRaydium);
    return pda({solana::Seed(program.bytes, 32), solana::Seed(market.bytes, 32),
                solana::Seed(reinterpret_cast<const uint8_t*>(seed), std::strlen(seed))},
               kRaydium);
}

bool follows_exactly(SolanaWsDecoder& dec, const Pubkey& pool, std::vector<Pubkey> vaults) {
    std::vector<Pubkey> got = dec.follow({pool});
    const auto less = [](const Pubkey& a, const Pubkey& b) { return std::memcmp(a.bytes, b.bytes, 32) < 0; };
    std::sort(got.begin(), got.end(), less);
    std::sort(vaults.begin(), vaults.end(), less);
    return got == vaults && dec.follows(pool);
}

} // namespace

TEST_CASE("a real Raydium AMM v4 AmmInfo: its address and vaults are its market's PDAs, the token is coin",
          "[chain][accounts]") {
    const Capture c = capture("raydium_amm_v4_8WQs");
    REQUIRE(c.program == kRaydium);
    AmmPoolAccount a;
    REQUIRE(decode_raydium_amm_lp(c.data.data(), c.data.size(), a) == Reject::None);
    const Pubkey market = key_at(c.data, 528);
    CHECK(raydium_pda(market, "amm_associated_seed") == key(c.address.c_str()));
    CHECK(a.vault_a == raydium_pda(market, "coin_vault_associated_seed"));
    CHECK(a.vault_b == raydium_pda(market, "pc_vault_associated_seed"));
    CHECK(a.lp_mint == raydium_pda(market, "lp_mint_associated_seed"));
    CHECK(a.mint_a == key("ADSXPGwP3riuvqYtwqogCD4Rfn1a6NASqaSpThpsmoon"));
    CHECK(a.mint_b == key(kWsol));
    REQUIRE(a.has_decimals);
    CHECK(a.decimals_a == 9);
    CHECK(a.decimals_b == 9);
    CHECK(a.lp_count > 0);

    SolanaWsDecoder dec;
    const Pubkey pool = key(c.address.c_str());
    CHECK_FALSE(dec.follows(pool));
    std::string why;
    REQUIRE(dec.learn_amm_pool(pool, SNP_DEX_RAYDIUM_AMM_V4, c.data.data(), c.data.size(), why));
    const KnownPool* k = dec.pools().find(pool);
    REQUIRE(k != nullptr);
    CHECK(k->dex == SNP_DEX_RAYDIUM_AMM_V4);
    CHECK(k->base_mint == a.mint_a);
    CHECK_FALSE(k->token_is_quote);
    CHECK(k->base_decimals == 9);
    CHECK(k->token_vault == a.vault_a);
    CHECK(k->sol_vault == a.vault_b);
    CHECK(follows_exactly(dec, pool, {a.vault_a, a.vault_b}));
}

TEST_CASE("the published Raydium SOL/USDC AmmInfo: WSOL is coin, so the other mint is the token (pc)",
          "[chain][accounts]") {
    const Capture c = capture("raydium_amm_v4_sol_usdc_58oQ");
    AmmPoolAccount a;
    REQUIRE(decode_raydium_amm_lp(c.data.data(), c.data.size(), a) == Reject::None);
    // The pool's accounts as Raydium publishes them (not PDAs: the pool
    // predates them).
    CHECK(a.vault_a == key("DQyrAcCrDXQ7NeoqGgDCZwBvWDcYmFCjSb9JtteuvPpz"));
    CHECK(a.vault_b == key("HLmqeL62xR1QoZ1HKKbXRrdN1p3phKpxRMb2VVopvBBz"));
    CHECK(a.mint_a == key(kWsol));
    CHECK(a.mint_b == key("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"));
    CHECK(a.lp_mint == key("8HoQnePLqPj4M7PUDzfw8e3Ymdwgc7NLGnaTUapubyvu"));
    CHECK(a.decimals_a == 9);
    CHECK(a.decimals_b == 6);

    SolanaWsDecoder dec;
    const Pubkey pool = key(c.address.c_str());
    std::string why;
    REQUIRE(dec.learn_amm_pool(pool, SNP_DEX_RAYDIUM_AMM_V4, c.data.data(), c.data.size(), why));
    const KnownPool* k = dec.pools().find(pool);
    REQUIRE(k != nullptr);
    CHECK(k->base_mint == a.mint_b);
    CHECK(k->token_is_quote);
    CHECK(k->base_decimals == 6);
    CHECK(k->token_vault == a.vault_b);
    CHECK(k->sol_vault == a.vault_a);

    // The same bytes with decimals above any mint's are refused.
    auto bad = c.data;
    bad[40] = 19; // pc_decimals
    CHECK(decode_raydium_amm_lp(bad.data(), bad.size(), a) == Reject::DecimalsRange);
    CHECK_FALSE(dec.learn_amm_pool(key("8WQsKRXNjTdSpbDpwRAaZJfPxUEBvAEZ6eeQSt4bjACh"), SNP_DEX_RAYDIUM_AMM_V4,
                                   bad.data(), bad.size(), why));
    CHECK_THAT(why, Catch::Contains("DECIMALS_RANGE"));
    // One byte short: no layout.
    CHECK(decode_raydium_amm_lp(c.data.data(), c.data.size() - 1, a) == Reject::AccountLength);
}

TEST_CASE("real PumpSwap Pool accounts: the address is the pool PDA, the vaults the pool's associated token "
          "accounts, either side may be WSOL",
          "[chain][accounts]") {
    for (const char* name : {"pumpswap_pool_7vEp", "pumpswap_pool_HM4B_base_wsol"}) {
        INFO(name);
        const Capture c = capture(name);
        REQUIRE(c.program == kPumpSwap);
        AmmPoolAccount a;
        REQUIRE(decode_pump_swap_pool_lp(c.data.data(), c.data.size(), a) == Reject::None);
        // Pool = PDA("pool", index u16 LE, creator, base_mint, quote_mint).
        const uint8_t index[2] = {c.data[9], c.data[10]};
        const Pubkey creator = key_at(c.data, 11);
        static constexpr uint8_t kPool[] = {'p', 'o', 'o', 'l'};
        CHECK(pda({solana::Seed(kPool, 4), solana::Seed(index, 2), solana::Seed(creator.bytes, 32),
                   solana::Seed(a.mint_a.bytes, 32), solana::Seed(a.mint_b.bytes, 32)},
                  kPumpSwap) == key(c.address.c_str()));
        const Pubkey pool = key(c.address.c_str());
        for (const auto& [vault, mint] : {std::pair{a.vault_a, a.mint_a}, std::pair{a.vault_b, a.mint_b}}) {
            const TokenAccounts ata = associated_token_accounts(pool, mint);
            CHECK((vault == ata.token || vault == ata.token_2022));
        }
        CHECK(a.lp_count > 0);
        CHECK_FALSE(a.has_decimals);

        const bool base_is_wsol = a.mint_a == key(kWsol);
        CHECK(base_is_wsol == (std::string(name) == "pumpswap_pool_HM4B_base_wsol"));
        SolanaWsDecoder dec;
        std::string why;
        REQUIRE(dec.learn_amm_pool(pool, SNP_DEX_PUMP_SWAP, c.data.data(), c.data.size(), why));
        const KnownPool* k = dec.pools().find(pool);
        REQUIRE(k != nullptr);
        CHECK(k->dex == SNP_DEX_PUMP_SWAP);
        CHECK(k->token_is_quote == base_is_wsol);
        CHECK(k->base_mint == (base_is_wsol ? a.mint_b : a.mint_a));
        // The vaults the account names, not the three derived candidates.
        CHECK(follows_exactly(dec, pool, {a.vault_a, a.vault_b}));
    }
}

TEST_CASE("learn_amm_pool refuses what is not a token/SOL pool of that program", "[chain][accounts]") {
    const Capture c = capture("pumpswap_pool_7vEp");
    SolanaWsDecoder dec;
    const Pubkey pool = key(c.address.c_str());
    std::string why;
    // The WSOL side changed: two tokens.
    auto two_tokens = c.data;
    two_tokens[75 + 31] ^= 1; // quote_mint
    CHECK_FALSE(dec.learn_amm_pool(pool, SNP_DEX_PUMP_SWAP, two_tokens.data(), two_tokens.size(), why));
    CHECK_THAT(why, Catch::Contains("does not pair a token with SOL"));
    // Another program's account with the same discriminator is the
    // caller's to refuse by owner; a wrong discriminator is refused here.
    auto other = c.data;
    other[0] ^= 1;
    CHECK_FALSE(dec.learn_amm_pool(pool, SNP_DEX_PUMP_SWAP, other.data(), other.size(), why));
    CHECK_THAT(why, Catch::Contains("ACCOUNT_DISCRIMINATOR"));
    // Read as a Raydium AmmInfo: the length is wrong.
    CHECK_FALSE(dec.learn_amm_pool(pool, SNP_DEX_RAYDIUM_AMM_V4, c.data.data(), c.data.size(), why));
    CHECK_THAT(why, Catch::Contains("ACCOUNT_LENGTH"));
    CHECK_FALSE(dec.learn_amm_pool(pool, SNP_DEX_PUMP_FUN, c.data.data(), c.data.size(), why));
    CHECK(dec.pools().find(pool) == nullptr);
}
