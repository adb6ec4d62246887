// Every real payload in tests/chain/fixtures/payloads decodes to the values
// a second source inside the same payload confirms: token-balance deltas
// against trade amounts, the curve's token account against the reserves,
// the initialize2 text line / instruction data / vault balances against
// ray_log, pre/post vault balances against a swap's reserves.
#include "chain_test_util.hpp"

#include "chain/accounts.hpp"
#include "chain/pump_fun.hpp"
#include "chain/raydium_v4.hpp"
#include "solana/base64.hpp"

#include <catch2/catch.hpp>

#include <simdjson.h>

#include <cstring>
#include <vector>

using namespace sniper::chain;
using chain_test::count_type;
using chain_test::fixture;
using chain_test::key;
using chain_test::nth;

namespace {

const sniper::Pubkey kWsol = key("So11111111111111111111111111111111111111112");

// A token account's amount in pre/postTokenBalances, by mint and owner.
uint64_t token_balance(const std::string& json, const char* which, const char* mint,
                       const char* owner) {
    simdjson::dom::parser p;
    simdjson::dom::element doc = p.parse(json);
    simdjson::dom::element meta;
    if (doc["result"].error() == simdjson::SUCCESS) {
        meta = doc["result"]["meta"];
    } else {
        meta = doc["params"]["result"]["transaction"]["meta"];
    }
    for (simdjson::dom::element b : meta[which].get_array()) {
        if (std::string_view(b["mint"]) == mint && std::string_view(b["owner"]) == owner) {
            uint64_t v = 0;
            REQUIRE(parse_u64_decimal(std::string_view(b["uiTokenAmount"]["amount"]), v));
            return v;
        }
    }
    return 0; // absent = empty account
}

} // namespace

TEST_CASE("pump.fun create+buy logsNotification (2024-12, CreateEvent A, TradeEvent B)",
          "[chain][payloads]") {
    SolanaWsDecoder dec;
    const DecodeResult& r = dec.decode(fixture("payloads/ws_logs_pumpfun_create_buy_2024-12.json"));
    INFO(reject_name(r.reject) << " " << r.where);
    REQUIRE(r.ok());
    CHECK(r.kind == MessageKind::Logs);
    CHECK(r.slot == 310199880);
    REQUIRE(r.n_events == 3);
    const auto& np = nth(r, SNP_EVENT_NEW_POOL)->new_pool;
    CHECK(np.pool == key("Bignq1ctYYtmHdoi1MUGx6wT3pRxZXoE1TAXBqTEG9ZD"));
    CHECK(np.base_mint == key("DGxVcSTq8ECJsmiQfp1knvd6enuG9nJKdDihzSaFpump"));
    CHECK(np.quote_mint == kWsol);
    CHECK(np.creator == key("EmLPb9Vpzj4NECQCR1nWShfxgeUjTXNzBjKXx6JiXLHp"));
    CHECK(np.dex == SNP_DEX_PUMP_FUN);
    CHECK(np.base_reserve_atoms == 1'073'000'000'000'000ULL);
    CHECK(np.quote_reserve_lamports == 30'000'000'000ULL);
    CHECK(np.token_supply_atoms == 1'000'000'000'000'000ULL);
    CHECK(np.base_decimals == 6);
    // Safety fields: what the program guarantees, and unknown as the worst.
    CHECK(np.flags == SNP_POOL_HOLDERS_UNKNOWN); // mint authority revoked, no freeze authority
    CHECK(np.lp_burned_bps == 10000);     // the curve's liquidity is the program's
    CHECK(np.top10_holder_bps == 10000);  // holders unknown: never reported as spread out
    const auto& tr = nth(r, SNP_EVENT_TRADE)->trade;
    // Second source: the curve address derived from the mint (PDA) is the
    // one the CreateEvent names.
    CHECK(tr.pool == np.pool);
    CHECK(tr.base_mint == np.base_mint);
    CHECK(tr.trader == np.creator);
    CHECK(tr.side == SNP_SIDE_BUY);
    CHECK(tr.base_atoms == 79'481'481'481'481ULL);
    CHECK(tr.quote_lamports == 2'400'000'000ULL);
    const auto& pu = nth(r, SNP_EVENT_POOL_UPDATE)->pool_update;
    // Second source: the reserves after the buy are the starting reserves
    // moved by exactly the trade's amounts.
    CHECK(pu.base_reserve_atoms == np.base_reserve_atoms - tr.base_atoms);
    CHECK(pu.quote_reserve_lamports == np.quote_reserve_lamports + tr.quote_lamports);
    CHECK(pu.price_lamports_per_atom > 0);
    for (uint32_t i = 0; i < r.n_events; ++i) {
        CHECK(event_valid(r.events[i]));
        CHECK(r.events[i].h.slot == 310199880);
        CHECK(r.events[i].h.source_ns == 1'735'329'249LL * 1'000'000'000LL); // TradeEvent timestamp
    }
}

TEST_CASE("failed transaction and documented example produce nothing", "[chain][payloads]") {
    SolanaWsDecoder dec;
    const DecodeResult& f =
        dec.decode(fixture("payloads/ws_logs_failed_okx_route_raydium_swap_2024-12.json"));
    REQUIRE(f.ok());
    CHECK(f.failed_tx);
    CHECK(f.n_events == 0);
    CHECK(f.slot == 309999820);
    const DecodeResult& d = dec.decode(fixture("payloads/ws_logs_docs_example.json"));
    REQUIRE(d.ok());
    CHECK(d.slot == 5208469);
    CHECK(d.n_events == 0);
}

TEST_CASE("getTransaction pump.fun create + buy (2024-08)", "[chain][payloads]") {
    const std::string j = fixture("payloads/http_getTransaction_pumpfun_create_2024-08.json");
    SolanaWsDecoder dec;
    const DecodeResult& r = dec.decode(j);
    INFO(reject_name(r.reject) << " " << r.where);
    REQUIRE(r.ok());
    CHECK(r.kind == MessageKind::GetTransaction);
    CHECK(r.slot == 284682639);
    REQUIRE(count_type(r, SNP_EVENT_NEW_POOL) == 1);
    REQUIRE(count_type(r, SNP_EVENT_TRADE) == 1);
    const auto& np = nth(r, SNP_EVENT_NEW_POOL)->new_pool;
    CHECK(np.pool == key("FFzxakVNzpirwMFtLyD22UZ6UM3KLF2EAGC2RxNPaYoH"));
    CHECK(np.base_mint == key("ER2N5eaDoC68kNhj7LyaScimzq7deaqxiw88rewvxaKp"));
    // A 2024 create: an SPL Token mint (the event names no token program).
    CHECK((np.flags & (SNP_POOL_TOKEN_2022 | SNP_POOL_TOKEN_PROGRAM_UNKNOWN)) == 0);
    CHECK(std::string_view(j).find("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb") == std::string_view::npos);
    const auto& tr = nth(r, SNP_EVENT_TRADE)->trade;
    CHECK(tr.pool == np.pool);
    CHECK(tr.base_atoms == 37'951'768'488'745ULL);
    CHECK(tr.quote_lamports == 1'100'000'000ULL);
    // Second source: the buyer's token account holds what the trade says,
    // and the curve's token account the supply less it.
    CHECK(token_balance(j, "postTokenBalances", "ER2N5eaDoC68kNhj7LyaScimzq7deaqxiw88rewvxaKp",
                        "Fswrw3tgQL597kCexxLEhft6a7Su4CDoqwRMqqj4BEp5") == tr.base_atoms);
    CHECK(token_balance(j, "postTokenBalances", "ER2N5eaDoC68kNhj7LyaScimzq7deaqxiw88rewvxaKp",
                        "FFzxakVNzpirwMFtLyD22UZ6UM3KLF2EAGC2RxNPaYoH") ==
          np.token_supply_atoms - tr.base_atoms);
    const auto& pu = nth(r, SNP_EVENT_POOL_UPDATE)->pool_update;
    CHECK(pu.base_reserve_atoms == 1'035'048'231'511'255ULL);
    CHECK(pu.quote_reserve_lamports == 31'100'000'000ULL);
    for (uint32_t i = 0; i < r.n_events; ++i) {
        CHECK(r.events[i].h.source_ns == 1'724'128'600LL * 1'000'000'000LL); // blockTime
    }
}

TEST_CASE("getTransaction pump.fun buy + sell in one transaction (2024-08)", "[chain][payloads]") {
    const std::string j = fixture("payloads/http_getTransaction_pumpfun_buy_sell_2024-08.json");
    SolanaWsDecoder dec;
    const DecodeResult& r = dec.decode(j);
    INFO(reject_name(r.reject) << " " << r.where);
    REQUIRE(r.ok());
    REQUIRE(count_type(r, SNP_EVENT_TRADE) == 2);
    REQUIRE(count_type(r, SNP_EVENT_POOL_UPDATE) == 2);
    const auto& buy = nth(r, SNP_EVENT_TRADE, 0)->trade;
    const auto& sell = nth(r, SNP_EVENT_TRADE, 1)->trade;
    CHECK(buy.side == SNP_SIDE_BUY);
    CHECK(sell.side == SNP_SIDE_SELL);
    CHECK(buy.base_atoms == 605'426'095'720ULL);
    CHECK(sell.base_atoms == buy.base_atoms);
    CHECK(buy.quote_lamports == 24'080'282ULL);
    CHECK(sell.quote_lamports == 24'080'281ULL);
    CHECK(buy.base_mint == key("HfJVjBdkhAD2ynVM8PdTSii4ECZdsxNTCx5wpEqUpump"));
    const auto& u1 = nth(r, SNP_EVENT_POOL_UPDATE, 0)->pool_update;
    const auto& u2 = nth(r, SNP_EVENT_POOL_UPDATE, 1)->pool_update;
    // Second source: the sell moves the curve back by its own amounts.
    CHECK(u2.base_reserve_atoms == u1.base_reserve_atoms + sell.base_atoms);
    CHECK(u2.quote_reserve_lamports == u1.quote_reserve_lamports - sell.quote_lamports);
    // The user's token account ends where it started (bought then sold).
    CHECK(token_balance(j, "preTokenBalances", "HfJVjBdkhAD2ynVM8PdTSii4ECZdsxNTCx5wpEqUpump",
                        "2vr538qDgHCPYmr2mjt5LSjQ3kBYjtw3SDSveUKBVkef") ==
          token_balance(j, "postTokenBalances", "HfJVjBdkhAD2ynVM8PdTSii4ECZdsxNTCx5wpEqUpump",
                        "2vr538qDgHCPYmr2mjt5LSjQ3kBYjtw3SDSveUKBVkef"));
}

TEST_CASE("getTransaction pump.fun create_v2 Token-2022 + buy_exact_sol_in (2026-07, CreateEvent "
          "F, TradeEvent H)",
          "[chain][payloads]") {
    const std::string j =
        fixture("payloads/http_getTransaction_pumpfun_create_v2_token2022_2026-07.json");
    SolanaWsDecoder dec;
    const DecodeResult& r = dec.decode(j);
    INFO(reject_name(r.reject) << " " << r.where);
    REQUIRE(r.ok());
    REQUIRE(r.n_events == 3);
    const auto& np = nth(r, SNP_EVENT_NEW_POOL)->new_pool;
    CHECK(np.pool == key("3jJ83NDorkbFkF1JKbEfFWGeX16aXUiwby9RwJm9kat3"));
    CHECK(np.base_mint == key("CWiTGbCiDd8BKtNYNE2boT9fJGFG2MU53Uf6HQk4pump"));
    CHECK(np.creator == key("5htGpHK2oV9g2BcDqLdRBqjCLdy8mc3fsESfR5DU73eM"));
    // create_v2: a Token-2022 mint, as the event's token_program and the
    // RPC's own postTokenBalances programId say.
    CHECK((np.flags & SNP_POOL_TOKEN_2022) != 0);
    CHECK((np.flags & SNP_POOL_TOKEN_PROGRAM_UNKNOWN) == 0);
    const bool rpc_says_2022 =
        std::string_view(j).find(R"("programId": "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")") !=
            std::string_view::npos ||
        std::string_view(j).find(R"("programId":"TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")") !=
            std::string_view::npos;
    CHECK(rpc_says_2022);
    CHECK(np.base_reserve_atoms == 1'073'000'000'000'000ULL);
    CHECK(np.quote_reserve_lamports == 30'000'000'000ULL);
    const auto& tr = nth(r, SNP_EVENT_TRADE)->trade;
    CHECK(tr.pool == np.pool);
    CHECK(tr.base_atoms == 96'449'438'144'093ULL);
    CHECK(tr.quote_lamports == 2'962'962'962ULL);
    CHECK(token_balance(j, "postTokenBalances", "CWiTGbCiDd8BKtNYNE2boT9fJGFG2MU53Uf6HQk4pump",
                        "5htGpHK2oV9g2BcDqLdRBqjCLdy8mc3fsESfR5DU73eM") == tr.base_atoms);
    CHECK(token_balance(j, "postTokenBalances", "CWiTGbCiDd8BKtNYNE2boT9fJGFG2MU53Uf6HQk4pump",
                        "3jJ83NDorkbFkF1JKbEfFWGeX16aXUiwby9RwJm9kat3") ==
          np.token_supply_atoms - tr.base_atoms);
    const auto& pu = nth(r, SNP_EVENT_POOL_UPDATE)->pool_update;
    CHECK(pu.base_reserve_atoms == np.base_reserve_atoms - tr.base_atoms);
    CHECK(pu.quote_reserve_lamports == np.quote_reserve_lamports + tr.quote_lamports);
}

TEST_CASE("getTransaction buy_v2 of a USDC-paired coin (2026-07): decoded, no SOL events",
          "[chain][payloads]") {
    const std::string j = fixture("payloads/http_getTransaction_pumpfun_buy_v2_usdc_2026-07.json");
    SolanaWsDecoder dec;
    const DecodeResult& r = dec.decode(j);
    INFO(reject_name(r.reject) << " " << r.where);
    REQUIRE(r.ok());
    CHECK(r.n_events == 0);
    CHECK(chain_test::skipped(r, Skip::QuoteNotSol) == 1);
    // The event itself, decoded directly: the price is in the quote fields.
    simdjson::dom::parser p;
    simdjson::dom::element doc = p.parse(j);
    std::string_view line;
    for (simdjson::dom::element l : doc["result"]["meta"]["logMessages"].get_array()) {
        std::string_view s(l);
        if (s.substr(0, 24) == "Program data: vdt/007mYe") {
            line = s.substr(14);
        }
    }
    REQUIRE(!line.empty());
    std::vector<uint8_t> buf(line.size());
    size_t n = 0;
    REQUIRE(base64_decode_into(line, buf.data(), buf.size(), n) == Reject::None);
    pump::Event ev;
    REQUIRE(pump::decode_event(buf.data(), n, ev) == Reject::None);
    REQUIRE(ev.kind == pump::EventKind::Trade);
    const auto& t = ev.trade;
    CHECK(t.layout == 'H');
    CHECK(std::string_view(t.ix_name) == "buy");
    CHECK(t.sol_amount == 0);
    CHECK(t.virtual_sol_reserves == 0);
    CHECK(t.quote_mint == key("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"));
    CHECK(t.token_amount == 445'377'137'871ULL);
    CHECK(t.quote_amount == 3'517'192ULL);
    CHECK(t.real_quote_reserves == 25'148'140ULL);
    const char* buyer = "BwWK17cbHxwWBKZkUYvzxLcNQ1YVyaFezduWbtm2de6s";
    const char* usdc = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
    const char* coin = "4F4gGVBAWuKi3EpmYdhntXvCVFqZZqmrb1cqNGawpump";
    // Second source: the buyer's balances moved by exactly those amounts,
    // and the curve's USDC account holds real_quote_reserves.
    CHECK(token_balance(j, "postTokenBalances", coin, buyer) -
              token_balance(j, "preTokenBalances", coin, buyer) ==
          t.token_amount);
    CHECK(token_balance(j, "preTokenBalances", usdc, buyer) -
              token_balance(j, "postTokenBalances", usdc, buyer) ==
          t.quote_amount);
    CHECK(token_balance(j, "postTokenBalances", usdc,
                        "HR8M4iQmzagQ7vUDREycE2XSHuELmiQSFSrCa4eKytn5") == t.real_quote_reserves);
}

namespace {
struct Init2Case {
    const char* file;
    const char* amm;
    const char* token;
    bool reversed; // coin = WSOL
    uint64_t token_amount, sol_amount;
    uint8_t decimals; // the token's, from the payload's postTokenBalances
};
} // namespace

TEST_CASE("Raydium initialize2 transactionNotifications (2024-12)", "[chain][payloads]") {
    // Amounts from each payload's own `initialize2: InitializeInstruction2`
    // text line; the decoder refuses the message unless the ray_log, the
    // instruction data and the vault balances all agree with it. Pool and
    // mints: the instruction's accounts 4, 8 and 9 as the node's
    // jsonParsed message lists them; decimals: its postTokenBalances.
    const Init2Case cases[] = {
        {"ws_txn_raydium_initialize2_pumpfun_migration_2024-12.json",
         "6DrWmJAVcCLUTHzgdMoKroZCwdcS8sodLgctiBqvyys6",
         "6Ed5YTw9AoUhr5VcsjZdGHqpdruqgCaZcLv7WU6npump", true, 206'900'000'000'000ULL,
         79'005'359'551ULL, 6},
        {"ws_txn_raydium_initialize2_openbook_pool_2024-12.json", "Hb5nPV8QeyAcom4tMPEZKbpKVEXBQeQgnU7pPQbb1FyG",
         "B4qKiQd97nBgME2c6GwRwYWRCCuw7WzqmxzCHaQMpump", false, 100'000'000'000'000ULL, 19'010'000'000ULL, 6},
        {"ws_txn_raydium_initialize2_big_coin_amount_2024-12.json", "E7jJ9je7eNQdrjcVRYgXusyCN4T7bLj2amcGfYQkjmVE",
         "7sAvBe6mEqPT9yEwQj639FYwT4VM6jShnSdG1Ldipump", false, 610'000'000'000'000'000ULL, 4'000'000'000ULL, 9},
        {"ws_txn_raydium_initialize2_small_2024-12.json", "DwVWNQ4JhMPzZdfvWUrMzCEDAzD7qP1G4aeB6XxvfuGH",
         "3SmC1XiU4exzePDooUzihCJdoYhzk7ZEXVcDmYQApump", true, 1'000'000'000ULL, 7'900'000'000ULL, 6},
    };
    for (const auto& c : cases) {
        INFO(c.file);
        const std::string j = fixture(std::string("payloads/") + c.file);
        SolanaWsDecoder dec;
        const DecodeResult& r = dec.decode(j);
        INFO(reject_name(r.reject) << " " << r.where);
        REQUIRE(r.ok());
        CHECK(r.kind == MessageKind::Transaction);
        REQUIRE(count_type(r, SNP_EVENT_NEW_POOL) == 1);
        const auto& np = nth(r, SNP_EVENT_NEW_POOL)->new_pool;
        CHECK(np.dex == SNP_DEX_RAYDIUM_AMM_V4);
        CHECK(np.quote_mint == kWsol);
        CHECK(event_valid(*nth(r, SNP_EVENT_NEW_POOL)));
        // The text line's amounts, token side first.
        const auto pos = j.find("initialize2: InitializeInstruction2 {");
        REQUIRE(pos != std::string::npos);
        const std::string_view text(j.data() + pos, j.find('}', pos) - pos + 1);
        bool matched = false;
        raydium::Initialize2 init{};
        REQUIRE(raydium::parse_initialize2_line(text, matched, init) == Reject::None);
        REQUIRE(matched);
        const bool reversed = np.base_reserve_atoms == init.init_pc_amount &&
                              np.quote_reserve_lamports == init.init_coin_amount;
        const bool straight = np.base_reserve_atoms == init.init_coin_amount &&
                              np.quote_reserve_lamports == init.init_pc_amount;
        CHECK((reversed || straight));
        CHECK(np.pool == key(c.amm));
        CHECK(np.base_mint == key(c.token));
        CHECK(reversed == c.reversed);
        CHECK(np.base_reserve_atoms == c.token_amount);
        CHECK(np.quote_reserve_lamports == c.sol_amount);
        CHECK(np.base_decimals == c.decimals);
        CHECK(np.flags == (SNP_POOL_MINT_AUTHORITY_PRESENT | SNP_POOL_FREEZE_AUTHORITY_PRESENT |
                           SNP_POOL_AUTHORITIES_UNKNOWN | SNP_POOL_HOLDERS_UNKNOWN | SNP_POOL_LP_UNKNOWN));
        CHECK(np.lp_burned_bps == 0);
        CHECK(np.top10_holder_bps == 10000);
        REQUIRE(dec.pools().find(np.pool) != nullptr);
    }
}

TEST_CASE(
    "Raydium swaps in a two-hop transaction: reserves after each hop equal the vaults' balances",
    "[chain][payloads]") {
    const std::string j = fixture("payloads/ws_txn_raydium_swap_two_hops_2024-12.json");
    SolanaWsDecoder dec;
    {
        const DecodeResult& r = dec.decode(j);
        REQUIRE(r.ok());
        CHECK(r.n_events == 0); // pools never seen created
        CHECK(chain_test::skipped(r, Skip::UnknownPool) == 2);
    }
    // Both pools have coin = WSOL (pump.fun migrations): token is pc.
    const auto hop1 = key("8GKQGnqLQhm8ffJx979hMeXZMQA3FDf4BRaw67peUQTq");
    const auto hop2 = key("BZTm64W7gzkGwmke3CsHy6ftFZHSuATAY8pqf6Fz9UmQ");
    dec.pools().put(KnownPool{hop1, key("7tTMQNtJ8X1RFPy9CBeggVWvJk6DHk6HNvecr5Ndpump"),
                              SNP_DEX_RAYDIUM_AMM_V4, true, 6});
    dec.pools().put(KnownPool{hop2, key("6EXCmHZeCcspoLFFpbiwXBtAiPz6rNqydMncVnDhpump"),
                              SNP_DEX_RAYDIUM_AMM_V4, true, 6});
    const DecodeResult& r = dec.decode(j);
    INFO(reject_name(r.reject) << " " << r.where);
    REQUIRE(r.ok());
    REQUIRE(count_type(r, SNP_EVENT_POOL_UPDATE) == 2);
    const auto& u1 = nth(r, SNP_EVENT_POOL_UPDATE, 0)->pool_update;
    const auto& u2 = nth(r, SNP_EVENT_POOL_UPDATE, 1)->pool_update;
    CHECK(u1.pool == hop1);
    CHECK(u2.pool == hop2);
    // postTokenBalances of the pools' vaults (owner = the AMM authority).
    const char* auth = "5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1";
    CHECK(u1.base_reserve_atoms == token_balance(j, "postTokenBalances",
                                                 "7tTMQNtJ8X1RFPy9CBeggVWvJk6DHk6HNvecr5Ndpump",
                                                 auth));
    CHECK(u1.quote_reserve_lamports == 93'010'876'595ULL);
    CHECK(u2.base_reserve_atoms == token_balance(j, "postTokenBalances",
                                                 "6EXCmHZeCcspoLFFpbiwXBtAiPz6rNqydMncVnDhpump",
                                                 auth));
    CHECK(u2.quote_reserve_lamports == 34'837'812'603ULL);
}

TEST_CASE("bare ray_logs decode to the values the Go test asserts", "[chain][payloads]") {
    const std::string j = fixture("payloads/raydium_ray_log_samples.json");
    simdjson::dom::parser p;
    simdjson::dom::element doc = p.parse(j);
    std::vector<uint8_t> buf(256);
    int seen = 0;
    for (simdjson::dom::element s : doc["samples"].get_array()) {
        size_t n = 0;
        REQUIRE(base64_decode_into(std::string_view(s["ray_log"]), buf.data(), buf.size(), n) ==
                Reject::None);
        raydium::RayLog rl;
        REQUIRE(raydium::decode_ray_log(buf.data(), n, rl) == Reject::None);
        simdjson::dom::element a = s["second_source_asserts"];
        if (int64_t(a["log_type"]) == 0) {
            CHECK(rl.type == raydium::LogType::Init);
            CHECK(rl.init.pc_decimals == 6);
            CHECK(rl.init.coin_decimals == 9);
            CHECK(rl.init.pc_lot_size == uint64_t(a["pc_lot_size"]));
            CHECK(rl.init.coin_lot_size == uint64_t(a["coin_lot_size"]));
            CHECK(rl.init.pc_amount == uint64_t(a["pc_amount"]));
            CHECK(rl.init.coin_amount == uint64_t(a["coin_amount"]));
            CHECK(rl.init.market == key(std::string(std::string_view(a["market"])).c_str()));
        } else {
            CHECK(rl.type == raydium::LogType::SwapBaseIn);
            CHECK(rl.swap.amount_in == uint64_t(a["amount_in"]));
            CHECK(rl.swap.amount_out == uint64_t(a["minimum_out"]));
            CHECK(rl.swap.direction == uint64_t(a["direction"]));
            CHECK(rl.swap.user_source == uint64_t(a["user_source"]));
            CHECK(rl.swap.pool_coin == uint64_t(a["pool_coin"]));
            CHECK(rl.swap.pool_pc == uint64_t(a["pool_pc"]));
            CHECK(rl.swap.actual == uint64_t(a["out_amount"]));
        }
        ++seen;
    }
    CHECK(seen == 2);
}

TEST_CASE("a held pump.fun curve the decoder never saw created is learned from its mint (after a restart)",
          "[chain][payloads]") {
    // The 2024-08 create names curve FFzx... for mint ER2N... (the decoder
    // checks that pair against the PDA when it decodes that create).
    const auto curve = key("FFzxakVNzpirwMFtLyD22UZ6UM3KLF2EAGC2RxNPaYoH");
    const auto mint = key("ER2N5eaDoC68kNhj7LyaScimzq7deaqxiw88rewvxaKp");
    SolanaWsDecoder dec;
    CHECK(dec.follow({curve}).empty()); // not known: nothing to follow
    CHECK_FALSE(dec.learn_curve(curve, key("DGxVcSTq8ECJsmiQfp1knvd6enuG9nJKdDihzSaFpump"))); // not its PDA
    CHECK(dec.pools().find(curve) == nullptr);
    REQUIRE(dec.learn_curve(curve, mint));
    REQUIRE(dec.follow({curve}) == std::vector<sniper::Pubkey>{curve});
    // Its account updates now become prices (a captured curve account,
    // readdressed to this curve).
    std::string pn = fixture("payloads/ws_program_notification_pumpfun_bonding_curve_2024-12.json");
    const std::string other = "Hmd2s7SgPdmjqS9Z8w4DCHyomCnVRStZ6KE265rn7CDf";
    REQUIRE(pn.find(other) != std::string::npos);
    pn.replace(pn.find(other), other.size(), "FFzxakVNzpirwMFtLyD22UZ6UM3KLF2EAGC2RxNPaYoH");
    const DecodeResult& d = dec.decode(pn);
    INFO(reject_name(d.reject) << " " << d.where);
    REQUIRE(d.ok());
    REQUIRE(d.n_events == 1);
    CHECK(d.events[0].pool_update.pool == curve);
    CHECK(d.events[0].pool_update.base_mint == mint);
}

TEST_CASE("bonding-curve accounts: getAccountInfo and programNotification", "[chain][payloads]") {
    SolanaWsDecoder dec;
    const DecodeResult& a =
        dec.decode(fixture("payloads/http_getAccountInfo_pumpfun_bonding_curve_2024-08.json"));
    REQUIRE(a.ok());
    CHECK(a.n_events == 0); // no address in a getAccountInfo answer
    CHECK(chain_test::skipped(a, Skip::AccountNotEvent) == 1);
    const DecodeResult& b =
        dec.decode(fixture("payloads/http_getAccountInfo_pumpfun_bonding_curve_2026-07.json"));
    REQUIRE(b.ok());
    // rentEpoch 18446744073709552000 (above u64) in a field we never read.
    const std::string pn =
        fixture("payloads/ws_program_notification_pumpfun_bonding_curve_2024-12.json");
    const DecodeResult& c = dec.decode(pn);
    INFO(reject_name(c.reject) << " " << c.where);
    REQUIRE(c.ok());
    CHECK(c.slot == 308370512);
    CHECK(chain_test::skipped(c, Skip::UnknownPool) == 1);
    const auto curve = key("Hmd2s7SgPdmjqS9Z8w4DCHyomCnVRStZ6KE265rn7CDf");
    const auto mint =
        key("DGxVcSTq8ECJsmiQfp1knvd6enuG9nJKdDihzSaFpump"); // any known mint stands in
    dec.pools().put(KnownPool{curve, mint, SNP_DEX_PUMP_FUN, false, 6});
    const DecodeResult& d = dec.decode(pn);
    REQUIRE(d.ok());
    REQUIRE(d.n_events == 1);
    const auto& u = d.events[0].pool_update;
    CHECK(u.pool == curve);
    CHECK(u.base_reserve_atoms == 636'488'554'895'033ULL);
    CHECK(u.quote_reserve_lamports == 50'574'357'965ULL);
    // The 2026 curve (151 bytes) is the create_v2 payload's curve: its
    // creator is that coin's creator.
    std::vector<uint8_t> buf(256);
    size_t n = 0;
    const std::string b26 =
        fixture("payloads/http_getAccountInfo_pumpfun_bonding_curve_2026-07.json");
    const auto at = b26.find("F7f4N2DYrGC");
    REQUIRE(base64_decode_into(std::string_view(b26).substr(at, b26.find('"', at) - at), buf.data(),
                               buf.size(), n) == Reject::None);
    BondingCurve bc;
    REQUIRE(decode_bonding_curve(buf.data(), n, bc) == Reject::None);
    CHECK(n == 151);
    CHECK(bc.has_creator);
    CHECK(bc.creator == key("5htGpHK2oV9g2BcDqLdRBqjCLdy8mc3fsESfR5DU73eM"));
    CHECK(bc.has_quote);
    CHECK(sniper::is_zero(bc.quote_mint));
    CHECK(bc.token_total_supply == 1'000'000'000'000'000ULL);
    CHECK(bc.virtual_token_reserves - bc.real_token_reserves ==
          279'900'000'000'000ULL); // 1073e12 - 793.1e12
}

TEST_CASE("mint accounts decode to the values their sources assert", "[chain][payloads]") {
    SolanaWsDecoder dec;
    const DecodeResult& r =
        dec.decode(fixture("payloads/http_getAccountInfo_spl_mint_base64_devnet.json"));
    REQUIRE(r.ok());
    CHECK(chain_test::skipped(r, Skip::AccountNotEvent) == 1);
    const std::string j = fixture("payloads/spl_mint_account_data_samples.json");
    simdjson::dom::parser p;
    simdjson::dom::element doc = p.parse(j);
    std::vector<uint8_t> buf(1024);
    int seen = 0;
    for (simdjson::dom::element s : doc["samples"].get_array()) {
        size_t n = 0;
        REQUIRE(base64_decode_into(std::string_view(s["data_base64"]), buf.data(), buf.size(), n) ==
                Reject::None);
        const bool t22 =
            std::string_view(s["owner"]) == "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";
        Mint m;
        INFO(std::string_view(s["address"]));
        REQUIRE(decode_mint(buf.data(), n, t22, m) == Reject::None);
        simdjson::dom::element a = s["second_source_asserts"];
        CHECK(m.decimals == uint64_t(a["decimals"]));
        CHECK(m.has_mint_authority == !a["mint_authority"].is_null());
        CHECK(m.has_freeze_authority == !a["freeze_authority"].is_null());
        if (a["supply"].error() == simdjson::SUCCESS) {
            CHECK(m.supply == uint64_t(a["supply"]));
        }
        if (m.has_mint_authority) {
            CHECK(m.mint_authority ==
                  key(std::string(std::string_view(a["mint_authority"])).c_str()));
        }
        ++seen;
    }
    CHECK(seen == 3);
}

TEST_CASE("getTransaction in json encoding (indexes instead of keys) decodes the same pool",
          "[chain][payloads]") {
    SolanaWsDecoder a, b;
    const DecodeResult& parsed =
        a.decode(fixture("payloads/ws_txn_raydium_initialize2_pumpfun_migration_2024-12.json"));
    REQUIRE(parsed.ok());
    const ChainEvent want = parsed.events[0];
    const DecodeResult& r =
        b.decode(fixture("derived/getTransaction_json_encoding_raydium_initialize2.json"));
    INFO(reject_name(r.reject) << " " << r.where);
    REQUIRE(r.ok());
    CHECK(r.kind == MessageKind::GetTransaction);
    REQUIRE(r.n_events == 1);
    CHECK(r.events[0].h.source_ns == 1'734'000'000LL * 1'000'000'000LL);
    CHECK(std::memcmp(&r.events[0].new_pool.pool, &want.new_pool.pool,
                      sizeof(snp_ev_new_pool) - sizeof(snp_event_header)) == 0);
}

TEST_CASE(
    "accountNotification (no address in it): a valid curve is decoded and skipped, never guessed",
    "[chain][payloads]") {
    // accountNotification carries no address: a valid curve is no event.
    const std::string an =
        R"({"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":5},"value":{"data":["F7f4N2DYrGC51jcK4kICAM11d8YLAAAAuT4lvlBEAQDNyVPKBAAAAACAxqR+jQMAAA==","base64"],"executable":false,"lamports":20575589885,"owner":"6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P","rentEpoch":18446744073709551615,"space":49}},"subscription":9}})";
    SolanaWsDecoder dec;
    const DecodeResult& r = dec.decode(an);
    INFO(reject_name(r.reject) << " " << r.where);
    REQUIRE(r.ok());
    CHECK(r.kind == MessageKind::Account);
    CHECK(r.slot == 5);
    CHECK(r.n_events == 0);
    CHECK(chain_test::skipped(r, Skip::AccountNotEvent) == 1);
}

TEST_CASE("accountNotification of a subscribed curve the decoder saw created becomes its POOL_UPDATE",
          "[chain][payloads]") {
    SolanaWsDecoder dec;
    const DecodeResult& created = dec.decode(fixture("payloads/ws_logs_pumpfun_create_buy_2024-12.json"));
    REQUIRE(created.ok());
    const snp_ev_new_pool np = nth(created, SNP_EVENT_NEW_POOL)->new_pool;
    const std::string an =
        R"({"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":310199999},"value":{"data":["F7f4N2DYrGC51jcK4kICAM11d8YLAAAAuT4lvlBEAQDNyVPKBAAAAACAxqR+jQMAAA==","base64"],"executable":false,"lamports":20575589885,"owner":"6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P","rentEpoch":18446744073709551615,"space":49}},"subscription":9}})";
    const DecodeResult& r = dec.decode(an, np.pool);
    INFO(reject_name(r.reject) << " " << r.where);
    REQUIRE(r.ok());
    REQUIRE(r.n_events == 1);
    const auto& up = r.events[0].pool_update;
    CHECK(up.h.type == SNP_EVENT_POOL_UPDATE);
    CHECK(up.pool == np.pool);
    CHECK(up.base_reserve_atoms > 0);
    CHECK(up.quote_reserve_lamports > 0);
    CHECK(r.slot == 310199999);
    // An account the decoder never saw created stays no event.
    sniper::Pubkey other = np.pool;
    other.bytes[0] ^= 1;
    const DecodeResult& unknown = dec.decode(an, other);
    REQUIRE(unknown.ok());
    CHECK(unknown.n_events == 0);
    CHECK(chain_test::skipped(unknown, Skip::UnknownPool) == 1);
    // Without the hint nothing is guessed.
    CHECK(dec.decode(an).n_events == 0);
}

// A completion is one fact: the followed curve's account says complete on
// every later notification, and the CompleteEvent in the logs says it too.
TEST_CASE("a followed curve's completion, once delivered, is not sent again however often it is reported",
          "[chain][payloads]") {
    SolanaWsDecoder dec;
    const DecodeResult& created = dec.decode(fixture("payloads/ws_logs_pumpfun_create_buy_2024-12.json"));
    REQUIRE(created.ok());
    const snp_ev_new_pool np = nth(created, SNP_EVENT_NEW_POOL)->new_pool;
    auto curve = sniper::solana::base64_decode("F7f4N2DYrGC51jcK4kICAM11d8YLAAAAuT4lvlBEAQDNyVPKBAAAAACAxqR+jQMAAA==");
    REQUIRE(curve);
    REQUIRE(curve->size() == 49);
    (*curve)[48] = 1; // complete
    const std::string note = R"({"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":310200001},"value":{"data":[")" +
                             chain_test::b64(*curve) +
                             R"(","base64"],"executable":false,"lamports":20575589885,"owner":"6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P","rentEpoch":18446744073709551615,"space":49}},"subscription":9}})";
    // Decoded but not delivered (the source dropped the message, e.g. an
    // older slot): the next notice still says it.
    for (int i = 0; i < 2; ++i) {
        const DecodeResult& undelivered = dec.decode(note, np.pool);
        REQUIRE(undelivered.ok());
        CHECK(count_type(undelivered, SNP_EVENT_CURVE_COMPLETE) == 1);
    }
    const DecodeResult& first = dec.decode(note, np.pool);
    INFO(reject_name(first.reject) << " " << first.where);
    REQUIRE(first.ok());
    REQUIRE(first.n_events == 1);
    CHECK(first.events[0].h.type == SNP_EVENT_CURVE_COMPLETE);
    CHECK(first.events[0].curve_complete.pool == np.pool);
    CHECK(first.events[0].curve_complete.base_mint == np.base_mint);
    dec.completion_delivered(np.pool); // what the WebSocket source does as it passes the event on
    for (int i = 0; i < 3; ++i) {
        const DecodeResult& again = dec.decode(note, np.pool);
        REQUIRE(again.ok());
        CHECK(again.n_events == 0);
        CHECK(chain_test::skipped(again, Skip::CompleteAgain) == 1);
    }
    // The CompleteEvent of the same curve, seen later in the logs.
    chain_test::Bytes ev;
    ev.raw(pump::kCompleteEventDisc, 8).key(np.base_mint).key(np.base_mint).key(np.pool).u64(1'742'000'000);
    const std::string pump = "Program 6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P";
    const DecodeResult& logged = dec.decode(
        chain_test::logs_message({pump + " invoke [1]", "Program data: " + chain_test::b64(ev.b), pump + " success"}));
    INFO(reject_name(logged.reject) << " " << logged.where);
    REQUIRE(logged.ok());
    CHECK(logged.n_events == 0);
    CHECK(chain_test::skipped(logged, Skip::CompleteAgain) == 1);
    // Another curve's completion still goes out.
    sniper::Pubkey other_mint = np.base_mint;
    other_mint.bytes[5] ^= 1;
    sniper::Pubkey other_curve{};
    REQUIRE(dec.pools().bonding_curve_of(other_mint, other_curve));
    chain_test::Bytes ev2;
    ev2.raw(pump::kCompleteEventDisc, 8).key(other_mint).key(other_mint).key(other_curve).u64(1'742'000'001);
    const DecodeResult& other = dec.decode(
        chain_test::logs_message({pump + " invoke [1]", "Program data: " + chain_test::b64(ev2.b), pump + " success"}));
    REQUIRE(other.ok());
    CHECK(count_type(other, SNP_EVENT_CURVE_COMPLETE) == 1);
}

// PumpSwap BuyEvent of the 2025-09 IDL (408 bytes: min_base_amount_out and
// ix_name "buy" after the volume fields). The event names the pool, not its
// mints: the decoder knows the pool as it would from its create_pool.
// Second source: the pool's two vault balances in pre/postTokenBalances
// (the event's reserves are the vaults before; after, the base vault is
// down by base_amount_out and the quote vault up by the amount with the
// LP fee: protocol and creator fees go elsewhere).
TEST_CASE("getTransaction PumpSwap buy routed through an aggregator (2025-10, BuyEvent with ix_name)",
          "[chain][payloads]") {
    const std::string j = fixture("payloads/http_getTransaction_pumpswap_buy_routed_2025-10.json");
    const char* pool = "9S3zAF8zVffQvD6EfqaVAdRbnYjVW51kVQDH2vHjk4vq";
    const char* mint = "8k1DvnFBsbuWJw2t4JqTibR7cAgqadMveqiykMr1pump";
    SolanaWsDecoder dec;
    dec.pools().put(KnownPool{key(pool), key(mint), SNP_DEX_PUMP_SWAP, false, 6, {}, {}});
    const DecodeResult& r = dec.decode(j);
    INFO(reject_name(r.reject) << " " << r.where);
    REQUIRE(r.ok());
    CHECK(r.slot == 376396640);
    // The event is both a `Program data:` line and a self-CPI: one trade.
    REQUIRE(count_type(r, SNP_EVENT_TRADE) == 1);
    REQUIRE(count_type(r, SNP_EVENT_POOL_UPDATE) == 1);
    const auto& t = nth(r, SNP_EVENT_TRADE, 0)->trade;
    CHECK(t.side == SNP_SIDE_BUY);
    CHECK(t.base_mint == key(mint));
    CHECK(t.base_atoms == 4'374'143'343ULL);
    CHECK(t.quote_lamports == 3'608'391ULL);
    const auto& u = nth(r, SNP_EVENT_POOL_UPDATE, 0)->pool_update;
    CHECK(u.base_reserve_atoms == token_balance(j, "postTokenBalances", mint, pool));
    CHECK(u.quote_reserve_lamports ==
          token_balance(j, "postTokenBalances", "So11111111111111111111111111111111111111112", pool));
    CHECK(token_balance(j, "preTokenBalances", mint, pool) == 147'932'989'042'582ULL);
    CHECK(u.base_reserve_atoms == 147'932'989'042'582ULL - 4'374'143'343ULL);
    // The user got exactly the event's amount.
    CHECK(token_balance(j, "postTokenBalances", mint, "G2341KGbNxuSAfCfqNuPhfLQtPB94hPfgyVPC89Faor4") -
              token_balance(j, "preTokenBalances", mint, "G2341KGbNxuSAfCfqNuPhfLQtPB94hPfgyVPC89Faor4") ==
          t.base_atoms);
    for (uint32_t i = 0; i < r.n_events; ++i) {
        CHECK(event_valid(r.events[i]));
    }
}

TEST_CASE("getTransaction PumpSwap buy on a pool whose base is WSOL (2025-10): the token is made base",
          "[chain][payloads]") {
    const std::string j = fixture("payloads/http_getTransaction_pumpswap_buy_reversed_pool_2025-10.json");
    const char* pool = "CW644FAJoQE9B9MGqmdfDseS4XfsmgS77ve7zJDJxiPS";
    const char* mint = "EWV6bjhKF5zkXANCdWPvDs7dofRVk4pKyVTitqgEWj8E";
    SolanaWsDecoder dec;
    dec.pools().put(KnownPool{key(pool), key(mint), SNP_DEX_PUMP_SWAP, true, 9, {}, {}});
    const DecodeResult& r = dec.decode(j);
    INFO(reject_name(r.reject) << " " << r.where);
    REQUIRE(r.ok());
    CHECK(r.slot == 376243586);
    REQUIRE(count_type(r, SNP_EVENT_TRADE) == 1);
    REQUIRE(count_type(r, SNP_EVENT_POOL_UPDATE) == 1);
    // The program's "buy" buys its base, WSOL, with the token: for us the
    // token is sold.
    const auto& t = nth(r, SNP_EVENT_TRADE, 0)->trade;
    CHECK(t.side == SNP_SIDE_SELL);
    CHECK(t.base_mint == key(mint));
    CHECK(t.base_atoms == 467'531'681'651'503ULL);
    CHECK(t.quote_lamports == 201'692'493ULL);
    const auto& u = nth(r, SNP_EVENT_POOL_UPDATE, 0)->pool_update;
    CHECK(u.base_reserve_atoms == token_balance(j, "postTokenBalances", mint, pool));
    CHECK(u.base_reserve_atoms == 344'503'076'480'687'631ULL);
    CHECK(u.quote_reserve_lamports ==
          token_balance(j, "postTokenBalances", "So11111111111111111111111111111111111111112", pool));
    for (uint32_t i = 0; i < r.n_events; ++i) {
        CHECK(event_valid(r.events[i]));
    }
}

// The canonical PumpSwap pool of a migrated pump.fun coin is derived from
// its mint alone: checked on the pool of the real 2025-10 buy above (a
// coin pump.fun migrated), and it is not the pool of another mint.
TEST_CASE("the canonical PumpSwap pool of a migrated coin is derived from its mint", "[chain][payloads]") {
    const auto pool = pump_swap_canonical_pool(key("8k1DvnFBsbuWJw2t4JqTibR7cAgqadMveqiykMr1pump"));
    REQUIRE(pool.has_value());
    CHECK(*pool == key("9S3zAF8zVffQvD6EfqaVAdRbnYjVW51kVQDH2vHjk4vq"));
    const auto other = pump_swap_canonical_pool(key("EWV6bjhKF5zkXANCdWPvDs7dofRVk4pKyVTitqgEWj8E"));
    REQUIRE(other.has_value());
    CHECK(!(*other == *pool));
}

// An account the caller read itself (getMultipleAccounts) decodes as its
// notification does: the same POOL_UPDATE from the same bytes; a curve
// with `complete` set is its CURVE_COMPLETE; an owner that is no program
// the decoder reads is refused.
TEST_CASE("an account read by the caller decodes as its notification does", "[chain][payloads]") {
    const std::string pn = fixture("payloads/ws_program_notification_pumpfun_bonding_curve_2024-12.json");
    const auto curve = key("Hmd2s7SgPdmjqS9Z8w4DCHyomCnVRStZ6KE265rn7CDf");
    const auto mint = key("DGxVcSTq8ECJsmiQfp1knvd6enuG9nJKdDihzSaFpump");
    const auto pump = key("6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P");
    SolanaWsDecoder dec;
    dec.pools().put(KnownPool{curve, mint, SNP_DEX_PUMP_FUN, false, 6});
    const DecodeResult& viaJson = dec.decode(pn);
    REQUIRE(viaJson.ok());
    REQUIRE(viaJson.n_events == 1);
    const snp_ev_pool_update expected = viaJson.events[0].pool_update;
    const size_t at = pn.find("F7f4N2DYrGC"); // the account's data (base64)
    std::vector<uint8_t> bytes(256);
    size_t n = 0;
    REQUIRE(base64_decode_into(std::string_view(pn).substr(at, pn.find('"', at) - at), bytes.data(), bytes.size(),
                               n) == Reject::None);
    bytes.resize(n);
    const DecodeResult& r = dec.decode_account(curve, pump, bytes.data(), bytes.size(), 308370600);
    REQUIRE(r.ok());
    REQUIRE(r.n_events == 1);
    CHECK(r.slot == 308370600);
    CHECK(r.events[0].h.type == SNP_EVENT_POOL_UPDATE);
    CHECK(r.events[0].pool_update.base_reserve_atoms == expected.base_reserve_atoms);
    CHECK(r.events[0].pool_update.quote_reserve_lamports == expected.quote_reserve_lamports);

    std::vector<uint8_t> done = bytes;
    done[48] = 1; // BondingCurve.complete
    const DecodeResult& c = dec.decode_account(curve, pump, done.data(), done.size(), 308370601);
    REQUIRE(c.ok());
    REQUIRE(c.n_events == 1);
    CHECK(c.events[0].h.type == SNP_EVENT_CURVE_COMPLETE);
    CHECK(c.events[0].curve_complete.pool == curve);
    CHECK(c.events[0].curve_complete.base_mint == mint);

    const DecodeResult& wrong = dec.decode_account(curve, key("11111111111111111111111111111111"), bytes.data(),
                                                   bytes.size(), 308370602);
    CHECK(wrong.reject == Reject::AccountOwner);
    CHECK(wrong.n_events == 0);
}
