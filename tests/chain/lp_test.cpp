// AMM pools' LP bookkeeping (chain/accounts.hpp): the Raydium AMM v4 rule
// the burned share stands on, checked on the four captured initialize2
// transactions (the LP minted to the creator, read from the token
// balances, is isqrt(coin * pc) - 10^decimals, so the pool's lp_amount
// counts 10^decimals that nobody holds); the AmmInfo and PumpSwap Pool
// layouts; and the share itself.
#include "chain/accounts.hpp"

#include "chain/chain_test_util.hpp"

#include <catch2/catch.hpp>

#include <simdjson.h>

#include <charconv>
#include <limits>

using namespace sniper;
using namespace sniper::chain;
using chain_test::Bytes;
using chain_test::key;

namespace {

uint64_t isqrt(unsigned __int128 n) {
    uint64_t lo = 0, hi = std::numeric_limits<uint64_t>::max();
    while (lo < hi) { // the largest r with r * r <= n
        const uint64_t mid = lo + (hi - lo) / 2 + 1;
        if (static_cast<unsigned __int128>(mid) * mid <= n) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return lo;
}

uint64_t number_after(std::string_view line, std::string_view label) {
    const size_t at = line.find(label);
    REQUIRE(at != std::string_view::npos);
    uint64_t v = 0;
    const char* b = line.data() + at + label.size();
    REQUIRE(std::from_chars(b, line.data() + line.size(), v).ec == std::errc());
    return v;
}

} // namespace

TEST_CASE("Raydium initialize2 mints isqrt(coin * pc) - 10^decimals LP to the creator (four captures)",
          "[chain][lp]") {
    for (const char* name : {"ws_txn_raydium_initialize2_pumpfun_migration_2024-12.json",
                             "ws_txn_raydium_initialize2_big_coin_amount_2024-12.json",
                             "ws_txn_raydium_initialize2_openbook_pool_2024-12.json",
                             "ws_txn_raydium_initialize2_small_2024-12.json"}) {
        INFO(name);
        const std::string text = chain_test::fixture(std::string("payloads/") + name);
        simdjson::dom::parser parser;
        simdjson::dom::element tx;
        REQUIRE(parser.parse(text)["params"]["result"]["transaction"].get(tx) == simdjson::SUCCESS);
        // The initialize2 line's amounts.
        uint64_t coin = 0, pc = 0;
        for (simdjson::dom::element l : tx["meta"]["logMessages"].get_array()) {
            const std::string_view line = l.get_string().value();
            if (line.find("initialize2: InitializeInstruction2") != std::string_view::npos) {
                pc = number_after(line, "init_pc_amount: ");
                coin = number_after(line, "init_coin_amount: ");
            }
        }
        REQUIRE(coin > 0);
        REQUIRE(pc > 0);
        // The LP mint: initialize2's account 7 (fixtures README; jsonParsed
        // instructions name their program and accounts).
        std::string lp_mint;
        for (simdjson::dom::element ix : tx["transaction"]["message"]["instructions"].get_array()) {
            std::string_view prog;
            if (ix["programId"].get_string().get(prog) == simdjson::SUCCESS &&
                prog == "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8") {
                lp_mint = std::string(ix["accounts"].at(7).get_string().value());
            }
        }
        REQUIRE_FALSE(lp_mint.empty());
        // The creator's LP balance after the transaction (it held none before).
        uint64_t minted = 0, decimals = 0;
        int found = 0;
        for (simdjson::dom::element b : tx["meta"]["postTokenBalances"].get_array()) {
            if (std::string_view(b["mint"].get_string().value()) == lp_mint) {
                const std::string_view amount = b["uiTokenAmount"]["amount"].get_string().value();
                REQUIRE(std::from_chars(amount.data(), amount.data() + amount.size(), minted).ec == std::errc());
                decimals = b["uiTokenAmount"]["decimals"].get_uint64().value();
                ++found;
            }
        }
        REQUIRE(found == 1);
        uint64_t locked = 1;
        for (uint64_t i = 0; i < decimals; ++i) {
            locked *= 10;
        }
        const uint64_t lp_amount = isqrt(static_cast<unsigned __int128>(coin) * pc);
        CHECK(minted == lp_amount - locked);
        // Nothing burned yet: the share is the locked part alone (it can never
        // be withdrawn: 35 % of the small pool's, 0.02 % of the migration's).
        const auto bps = lp_burned_bps(lp_amount, minted);
        REQUIRE(bps);
        CHECK(*bps == static_cast<uint32_t>(static_cast<unsigned __int128>(locked) * 10000 / lp_amount));
        CHECK(lp_burned_bps(lp_amount, 0) == 10000u); // all the creator's LP burned
    }
}

TEST_CASE("Raydium AmmInfo: mints, LP mint and lp_amount at their offsets, 752 bytes or refused",
          "[chain][lp]") {
    const Pubkey coin = key("So11111111111111111111111111111111111111112");
    const Pubkey pc = key("6Ed5YTw9AoUhr5VcsjZdGHqpdruqgCaZcLv7WU6npump");
    const Pubkey lp = key("EQRWgCWEwXD2QADZNE9nviKRqDeK3GnibLTnTdq8H2SA");
    Bytes a;
    for (int i = 0; i < 16 + 8; ++i) { // status .. sys_decimal_value, Fees
        // coin_decimals (4) and pc_decimals (5): 9 and 6
        a.u64(i == 4 ? 9 : i == 5 ? 6 : 0xAAAA'0000u + static_cast<uint64_t>(i));
    }
    for (int i = 0; i < 144; ++i) { // StateData
        a.u8(0xEE);
    }
    REQUIRE(a.b.size() == 336);
    a.key(key("5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1")) // coin vault
        .key(key("9JQ4n7s9xnJvbmaG9wtkUiC8qLUR2MR4LQeJw1ka7X77")) // pc vault
        .key(coin)
        .key(pc)
        .key(lp);
    for (int i = 0; i < 7; ++i) { // open_orders .. amm_owner
        a.key(key("39azUYFWPz3VHgKCf3VChUwbpURdCHRxjWVowf5jUJjg"));
    }
    REQUIRE(a.b.size() == 720);
    a.u64(4'043'044'507'682).u64(1).u64(2).u64(3);
    REQUIRE(a.b.size() == kRaydiumAmmInfoLen);
    AmmPoolAccount out;
    REQUIRE(decode_raydium_amm_lp(a.b.data(), a.b.size(), out) == Reject::None);
    CHECK(out.mint_a == coin);
    CHECK(out.mint_b == pc);
    CHECK(out.lp_mint == lp);
    CHECK(out.lp_count == 4'043'044'507'682ULL);
    CHECK(out.vault_a == key("5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1"));
    CHECK(out.vault_b == key("9JQ4n7s9xnJvbmaG9wtkUiC8qLUR2MR4LQeJw1ka7X77"));
    CHECK(out.has_decimals);
    CHECK(out.decimals_a == 9);
    CHECK(out.decimals_b == 6);
    AmmPoolAccount none;
    auto wide = a;
    wide.b[32] = 19; // coin_decimals: no mint has more than 18
    CHECK(decode_raydium_amm_lp(wide.b.data(), wide.b.size(), none) == Reject::DecimalsRange);
    CHECK(decode_raydium_amm_lp(a.b.data(), a.b.size() - 1, none) == Reject::AccountLength);
    a.u8(0);
    CHECK(decode_raydium_amm_lp(a.b.data(), a.b.size(), none) == Reject::AccountLength);
    CHECK(decode_raydium_amm_lp(a.b.data(), 0, none) == Reject::AccountLength);
}

TEST_CASE("PumpSwap Pool: discriminator, 211 bytes or more, lp_supply at 203", "[chain][lp]") {
    const Pubkey base = key("7LSsEoJGhLeZzGvDofTdNg7M3JttxQqGWNLo6vWMpump");
    const Pubkey quote = key("So11111111111111111111111111111111111111112");
    const Pubkey lp = key("6dpnPD6UWDw5hbJEuPQwnCCMba1JYwHANKuL6GQ6otAH");
    const Pubkey other = key("9XDYTfQKwW8sHPqnFdUreMmtmffmkHVPGTNV2e3LKxNW");
    // The docs' example pool (GseMAnNDvntR5uFePZ51yZBXzNSn7GdFPkfHwfr6d77J).
    Bytes p;
    p.raw(kPumpSwapPoolDisc, 8).u8(254).u16(0).key(other).key(base).key(quote).key(lp);
    p.key(key("5jMpkf4JF4noHftLgNKyPNh6roVfPSGSjuEk3U4eLKRa")).key(key("43DVcZR4kQFjh4Xm2i3DcneRxNjZp7HMud8yDrJWrDr8"));
    p.u64(4'193'388'284'800);
    REQUIRE(p.b.size() == 211);
    for (size_t extra : {size_t{0}, size_t{32}, size_t{89}}) { // before coin_creator, with it, extended to 300
        std::vector<uint8_t> d = p.b;
        d.resize(d.size() + extra, 0x11);
        AmmPoolAccount out;
        REQUIRE(decode_pump_swap_pool_lp(d.data(), d.size(), out) == Reject::None);
        CHECK(out.mint_a == base);
        CHECK(out.mint_b == quote);
        CHECK(out.lp_mint == lp);
        CHECK(out.lp_count == 4'193'388'284'800ULL);
    }
    AmmPoolAccount out;
    CHECK(decode_pump_swap_pool_lp(p.b.data(), 210, out) == Reject::AccountLength);
    CHECK(decode_pump_swap_pool_lp(p.b.data(), 7, out) == Reject::AccountLength);
    std::vector<uint8_t> wrong = p.b;
    wrong[0] ^= 1;
    CHECK(decode_pump_swap_pool_lp(wrong.data(), wrong.size(), out) == Reject::AccountDiscriminator);
    std::vector<uint8_t> curve = p.b; // another program's account of the same size
    std::copy(std::begin(kBondingCurveDisc), std::end(kBondingCurveDisc), curve.begin());
    CHECK(decode_pump_swap_pool_lp(curve.data(), curve.size(), out) == Reject::AccountDiscriminator);
}

TEST_CASE("LP burned share: rounded down, impossible pairs unknown", "[chain][lp]") {
    CHECK(lp_burned_bps(1000, 0) == 10000u);
    CHECK(lp_burned_bps(1000, 1000) == 0u);
    CHECK(lp_burned_bps(1000, 500) == 5000u);
    CHECK(lp_burned_bps(3, 1) == 6666u);            // 66.67 % burned reads as 66.66 %
    CHECK(lp_burned_bps(10001, 1) == 9999u);        // one atom left: not all burned
    CHECK_FALSE(lp_burned_bps(1000, 1001));         // more LP than the pool counts
    CHECK_FALSE(lp_burned_bps(0, 0));               // an emptied pool
    const uint64_t max = std::numeric_limits<uint64_t>::max();
    CHECK(lp_burned_bps(max, 0) == 10000u);         // no overflow at the top
    CHECK(lp_burned_bps(max, max / 2) == 5000u);
    CHECK(lp_burned_bps(max, max - 1) == 0u);
}
