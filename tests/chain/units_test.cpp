// Unit tests of the decoders' pieces: base64/base58/UTF-8 helpers, the log
// stack, every pump.fun layout generation (built from the IDL field lists,
// since the fixtures carry only A, B, F and H), PumpSwap events (no real
// payload in the fixtures: built from pump_amm.json), and the event lines'
// round trip through the replay feed's parser.
#include "chain_test_util.hpp"

#include "chain/log_stack.hpp"
#include "chain/pump_fun.hpp"
#include "chain/pump_swap.hpp"
#include "chain/raydium_v4.hpp"
#include "feeds/event_json.hpp"
#include "feeds/feed.hpp"
#include "solana/base64.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

using namespace sniper::chain;
using chain_test::b64;
using chain_test::Bytes;
using chain_test::fixture;
using chain_test::key;
using chain_test::logs_message;

namespace {

const sniper::Pubkey kMint = key("DGxVcSTq8ECJsmiQfp1knvd6enuG9nJKdDihzSaFpump");
const sniper::Pubkey kUser = key("EmLPb9Vpzj4NECQCR1nWShfxgeUjTXNzBjKXx6JiXLHp");
const sniper::Pubkey kWsol = key("So11111111111111111111111111111111111111112");

// TradeEvent of generation `gen` (0 = A ... 7 = H), from the field list in
// fixtures/README.md.
std::vector<uint8_t> trade_event(int gen, std::string_view ix_name = "buy",
                                 uint32_t shareholders = 0) {
    Bytes e;
    e.raw(pump::kTradeEventDisc, 8)
        .key(kMint)
        .u64(2'400'000'000)
        .u64(79'481'481'481'481)
        .u8(1)
        .key(kUser);
    e.u64(1735329249).u64(32'400'000'000).u64(993'518'518'518'519);
    if (gen >= 1)
        e.u64(2'400'000'000).u64(713'618'518'518'519);
    if (gen >= 2)
        e.key(kUser).u64(95).u64(22'800'000).key(kUser).u64(5).u64(1'200'000);
    if (gen >= 3)
        e.u8(1).u64(0).u64(0).u64(0).u64(0);
    if (gen >= 4)
        e.str(ix_name);
    if (gen >= 5)
        e.u8(0);
    if (gen >= 6)
        e.u64(0).u64(0);
    if (gen >= 7) {
        e.u64(0).u64(0).u32(shareholders);
        for (uint32_t i = 0; i < shareholders; ++i) {
            e.key(kUser).u16(5000);
        }
        e.key(sniper::Pubkey{}).u64(2'400'000'000).u64(32'400'000'000).u64(2'400'000'000);
    }
    return e.b;
}

std::vector<uint8_t> create_event(int gen) {
    Bytes e;
    e.raw(pump::kCreateEventDisc, 8).str("44444").str("44444").str("https://ipfs.io/ipfs/x");
    e.key(kMint).key(key("Bignq1ctYYtmHdoi1MUGx6wT3pRxZXoE1TAXBqTEG9ZD")).key(kUser);
    if (gen >= 1)
        e.key(kUser).u64(1735329249);
    if (gen >= 2)
        e.u64(1'073'000'000'000'000)
            .u64(30'000'000'000)
            .u64(793'100'000'000'000)
            .u64(1'000'000'000'000'000);
    if (gen >= 3)
        e.key(key("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")).u8(0);
    if (gen >= 4)
        e.u8(1);
    if (gen >= 5)
        e.key(sniper::Pubkey{}).u64(30'000'000'000);
    return e.b;
}

} // namespace

TEST_CASE("every pump.fun TradeEvent generation decodes, any other length is refused",
          "[chain][units]") {
    for (int gen = 0; gen <= 7; ++gen) {
        INFO("generation " << char('A' + gen));
        const auto ev = trade_event(gen);
        pump::Event out;
        REQUIRE(pump::decode_event(ev.data(), ev.size(), out) == Reject::None);
        REQUIRE(out.kind == pump::EventKind::Trade);
        CHECK(out.trade.layout == 'A' + gen);
        CHECK(out.trade.token_amount == 79'481'481'481'481ULL);
        CHECK(out.trade.virtual_sol_reserves == 32'400'000'000ULL);
        CHECK(out.trade.is_buy);
        // One byte more or less matches no generation, except E/F: F is E
        // plus one bool, so those lengths are the other generation.
        pump::Event bad;
        auto longer = ev;
        longer.push_back(0);
        if (gen != 4) {
            CHECK(pump::decode_event(longer.data(), longer.size(), bad) != Reject::None);
        }
        if (gen != 5) {
            CHECK(pump::decode_event(ev.data(), ev.size() - 1, bad) != Reject::None);
        }
    }
    // The ix_name string moves every later field.
    const auto h = trade_event(7, "buy_exact_sol_in", 2);
    pump::Event out;
    REQUIRE(pump::decode_event(h.data(), h.size(), out) == Reject::None);
    CHECK(out.trade.layout == 'H');
    CHECK(out.trade.shareholders == 2);
    CHECK(std::string_view(out.trade.ix_name) == "buy_exact_sol_in");
    CHECK(out.trade.quote_amount == 2'400'000'000ULL);
}

TEST_CASE("every pump.fun CreateEvent generation decodes", "[chain][units]") {
    for (int gen = 0; gen <= 5; ++gen) {
        INFO("generation " << char('A' + gen));
        const auto ev = create_event(gen);
        pump::Event out;
        REQUIRE(pump::decode_event(ev.data(), ev.size(), out) == Reject::None);
        CHECK(out.create.layout == 'A' + gen);
        CHECK(out.create.mint == kMint);
        CHECK(out.create.has_reserves == (gen >= 2));
        auto longer = ev;
        longer.push_back(0);
        if (gen != 3) { // D + 1 byte is E's length: a bool that must be 0/1
            CHECK(pump::decode_event(longer.data(), longer.size(), out) == Reject::EventLength);
        }
    }
    // A CompleteEvent: user, mint, bonding_curve, timestamp.
    Bytes c;
    c.raw(pump::kCompleteEventDisc, 8).key(kUser).key(kMint).key(kUser).u64(1);
    pump::Event out;
    REQUIRE(pump::decode_event(c.b.data(), c.b.size(), out) == Reject::None);
    CHECK(out.kind == pump::EventKind::Complete);
}

TEST_CASE("a pump.fun CompleteEvent becomes CURVE_COMPLETE for the mint's own curve", "[chain][units]") {
    SolanaWsDecoder dec;
    const std::string pump = "Program 6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P";
    sniper::Pubkey curve{};
    REQUIRE(dec.pools().bonding_curve_of(kMint, curve));
    const auto complete = [&](const sniper::Pubkey& c) {
        Bytes b;
        b.raw(pump::kCompleteEventDisc, 8).key(kUser).key(kMint).key(c).u64(1'742'000'000);
        return logs_message({pump + " invoke [1]", "Program data: " + b64(b.b), pump + " success"});
    };
    const auto& r = dec.decode(complete(curve));
    INFO(reject_name(r.reject) << " " << r.where);
    REQUIRE(r.ok());
    REQUIRE(r.n_events == 1);
    CHECK(r.events[0].h.type == SNP_EVENT_CURVE_COMPLETE);
    CHECK(r.events[0].h.size == sizeof(snp_ev_curve_complete));
    CHECK(r.events[0].curve_complete.pool == curve);
    CHECK(r.events[0].curve_complete.base_mint == kMint);
    CHECK(r.events[0].curve_complete.dex == SNP_DEX_PUMP_FUN);
    CHECK(event_valid(r.events[0]));
    // A curve that is not the mint's PDA: the event is refused, not trusted.
    CHECK(dec.decode(complete(kUser)).reject == Reject::CrosscheckMismatch);
}

TEST_CASE("log lines attribute events to the emitting program", "[chain][units]") {
    SolanaWsDecoder dec;
    const std::string create = b64(create_event(2));
    const std::string trade = b64(trade_event(1));
    const std::string pump = "Program 6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P";
    // Inside a router (depth 2) the pump.fun events still count.
    const auto r = &dec.decode(logs_message(
        {"Program routeUGWgWzqBWFcrCfv8tritsqukccJPu3q5GPP3xS invoke [1]", pump + " invoke [2]",
         "Program log: Instruction: Create", "Program data: " + create, pump + " success",
         pump + " invoke [2]", "Program data: " + trade, pump + " success",
         "Program routeUGWgWzqBWFcrCfv8tritsqukccJPu3q5GPP3xS success"}));
    INFO(reject_name(r->reject) << " " << r->where);
    REQUIRE(r->ok());
    CHECK(r->n_events == 3);
    // The same data logged by the router itself is not an event.
    const auto s = &dec.decode(logs_message(
        {"Program routeUGWgWzqBWFcrCfv8tritsqukccJPu3q5GPP3xS invoke [1]", "Program data: " + trade,
         "Program routeUGWgWzqBWFcrCfv8tritsqukccJPu3q5GPP3xS success"}));
    REQUIRE(s->ok());
    CHECK(s->n_events == 0);
    // Outside any invocation: nothing.
    CHECK(dec.decode(logs_message({"Program data: " + trade})).n_events == 0);
    // A success that closes the wrong program.
    CHECK(dec.decode(logs_message({pump + " invoke [1]",
                                   "Program 11111111111111111111111111111111 success"}))
              .reject == Reject::LogStack);
    // Unclosed without truncation.
    CHECK(dec.decode(logs_message({pump + " invoke [1]"})).reject == Reject::LogStack);
    // Truncated: what follows is not guessed; the stack may stay open.
    const auto t = &dec.decode(
        logs_message({pump + " invoke [1]", "Program data: " + trade, "Log truncated"}));
    REQUIRE(t->ok());
    CHECK(t->n_events == 2);
    CHECK(chain_test::skipped(*t, Skip::LogTruncated) == 1);
}

TEST_CASE("PumpSwap CreatePoolEvent and Buy/SellEvent, from logs and from a self-CPI",
          "[chain][units]") {
    const auto pool = key("Hb5nPV8QeyAcom4tMPEZKbpKVEXBQeQgnU7pPQbb1FyG");
    const std::string amm = "Program pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA";
    Bytes cp;
    cp.raw(pump_swap::kCreatePoolEventDisc, 8)
        .u64(1742000000)
        .u16(0)
        .key(kUser)
        .key(kMint)
        .key(kWsol)
        .u8(6)
        .u8(9);
    cp.u64(206'900'000'000'000).u64(84'990'359'561).u64(206'900'000'000'000).u64(84'990'359'561);
    cp.u64(1000)
        .u64(4'193'388'898'633)
        .u64(4'193'388'897'633)
        .u8(255)
        .key(pool)
        .key(kUser)
        .key(kUser)
        .key(kUser);
    const auto create_v1 = cp.b;
    cp.key(kUser); // coin_creator (2025-05)
    for (const std::vector<uint8_t>* ev :
         {&create_v1, static_cast<const std::vector<uint8_t>*>(&cp.b)}) {
        pump_swap::Event out;
        REQUIRE(pump_swap::decode_event(ev->data(), ev->size(), out) == Reject::None);
        CHECK(out.create.pool == pool);
    }
    REQUIRE(create_v1.size() == 301);
    REQUIRE(cp.b.size() == 333);
    auto swap = [&](bool buy, bool v3) {
        Bytes s;
        s.raw(buy ? pump_swap::kBuyEventDisc : pump_swap::kSellEventDisc, 8).u64(1742000001);
        s.u64(1'000'000'000'000);                       // base amount
        s.u64(buy ? 500'000'000 : 1);                   // limit
        s.u64(0).u64(0);                                // user reserves
        s.u64(206'900'000'000'000).u64(84'990'359'561); // pool reserves before
        s.u64(buy ? 411'000'000 : 409'000'000);         // quote_amount_in / _out
        s.u64(20).u64(822'000).u64(5).u64(205'500);     // fees
        s.u64(buy ? 411'822'000 : 408'182'000);         // with / without lp fee
        s.u64(buy ? 412'027'500 : 407'976'500);         // user quote amount
        s.key(pool).key(kUser).key(kUser).key(kUser).key(kUser).key(kUser);
        s.key(kUser).u64(5).u64(205'500); // coin creator fee (2025-05)
        if (v3)
            s.u8(1).u64(0).u64(0).u64(0).u64(0);
        return s.b;
    };
    CHECK(swap(true, false).size() == 360);
    CHECK(swap(true, true).size() == 393);
    SolanaWsDecoder dec;
    const auto& r =
        dec.decode(logs_message({amm + " invoke [1]", "Program data: " + b64(cp.b),
                                 "Program data: " + b64(swap(true, true)),
                                 "Program data: " + b64(swap(false, false)), amm + " success"}));
    INFO(reject_name(r.reject) << " " << r.where);
    REQUIRE(r.ok());
    REQUIRE(r.n_events == 5);
    CHECK(r.events[0].new_pool.dex == SNP_DEX_PUMP_SWAP);
    // The event does not say which token program: unknown, at its worst.
    CHECK((r.events[0].new_pool.flags & (SNP_POOL_TOKEN_2022 | SNP_POOL_TOKEN_PROGRAM_UNKNOWN)) ==
          (SNP_POOL_TOKEN_2022 | SNP_POOL_TOKEN_PROGRAM_UNKNOWN));
    CHECK(r.events[0].new_pool.base_mint == kMint);
    CHECK(r.events[0].new_pool.base_reserve_atoms == 206'900'000'000'000ULL);
    CHECK(r.events[1].trade.side == SNP_SIDE_BUY);
    CHECK(r.events[1].trade.base_atoms == 1'000'000'000'000ULL);
    CHECK(r.events[1].trade.quote_lamports == 411'000'000ULL);
    // After a buy: base out, quote in plus the LP fee.
    CHECK(r.events[2].pool_update.base_reserve_atoms ==
          206'900'000'000'000ULL - 1'000'000'000'000ULL);
    CHECK(r.events[2].pool_update.quote_reserve_lamports == 84'990'359'561ULL + 411'822'000ULL);
    CHECK(r.events[3].trade.side == SNP_SIDE_SELL);
    CHECK(r.events[4].pool_update.quote_reserve_lamports == 84'990'359'561ULL - 408'182'000ULL);
    for (uint32_t i = 0; i < r.n_events; ++i) {
        CHECK(event_valid(r.events[i]));
    }
    // A swap on a pool never seen: skipped, not refused.
    SolanaWsDecoder fresh;
    const auto& u = fresh.decode(logs_message(
        {amm + " invoke [1]", "Program data: " + b64(swap(true, false)), amm + " success"}));
    REQUIRE(u.ok());
    CHECK(u.n_events == 0);
    CHECK(chain_test::skipped(u, Skip::UnknownPool) == 1);
    // A sell event with the buy-only volume fields matches no layout.
    CHECK(fresh
              .decode(logs_message({amm + " invoke [1]", "Program data: " + b64(swap(false, true)),
                                    amm + " success"}))
              .reject == Reject::EventLength);

    // The later generations (pump_amm IDL 2025-09 on): every one decodes
    // to the same amounts; shapes that fit none are refused.
    const auto decode_one = [](const std::vector<uint8_t>& ev, pump_swap::Event& out) {
        return pump_swap::decode_event(ev.data(), ev.size(), out);
    };
    const auto buy_v = [&](const std::string& ix_name, size_t tail) {
        Bytes s;
        s.b = swap(true, true);
        s.u64(999'000'000'000).u32(static_cast<uint32_t>(ix_name.size()));
        s.raw(reinterpret_cast<const uint8_t*>(ix_name.data()), ix_name.size());
        s.b.resize(s.b.size() + tail, 0);
        return s.b;
    };
    for (const auto& [name, tail, size] :
         std::vector<std::tuple<std::string, size_t, size_t>>{{"buy", 0, 408},
                                                              {"buy_exact_quote_in", 0, 423},
                                                              {"buy", 32, 440},
                                                              {"buy", 73, 481},
                                                              {"buy", 81, 489},
                                                              {"buy_v2", 81, 492},
                                                              {"buy_exact_quote_in_v2", 81, 507}}) {
        const auto ev = buy_v(name, tail);
        REQUIRE(ev.size() == size);
        pump_swap::Event out;
        INFO(name << " + " << tail);
        REQUIRE(decode_one(ev, out) == Reject::None);
        CHECK(out.swap.is_buy);
        CHECK(out.swap.base_amount == 1'000'000'000'000ULL);
        CHECK(out.swap.quote_after == 84'990'359'561ULL + 411'822'000ULL);
    }
    for (const size_t size : {392u, 433u, 441u}) {
        auto ev = swap(false, false);
        ev.resize(size, 0);
        pump_swap::Event out;
        INFO(size);
        REQUIRE(decode_one(ev, out) == Reject::None);
        CHECK_FALSE(out.swap.is_buy);
        CHECK(out.swap.quote_after == 84'990'359'561ULL - 408'182'000ULL);
    }
    for (const size_t size : {334u, 344u}) {
        auto ev = cp.b;
        ev.resize(size, 0);
        ev[333] = 1; // is_mayhem_mode
        pump_swap::Event out;
        INFO(size);
        REQUIRE(decode_one(ev, out) == Reject::None);
        CHECK(out.create.pool == pool);
        CHECK(out.create.coin_creator == kUser);
    }
    pump_swap::Event out;
    auto bad = buy_v("buy", 1); // a tail no generation has
    CHECK(decode_one(bad, out) == Reject::EventLength);
    bad = buy_v("Buy", 0); // not an instruction name
    CHECK(decode_one(bad, out) == Reject::EventLength);
    bad = buy_v("buy", 0);
    bad[401] = 4; // the name's length runs past the event
    CHECK(decode_one(bad, out) == Reject::EventLength);
    bad = buy_v("buy", 0);
    bad[360] = 2; // track_volume is a bool
    CHECK(decode_one(bad, out) == Reject::BorshBool);
    auto sell = swap(false, false);
    sell.resize(408, 0); // a buy's length is not a sell's
    CHECK(decode_one(sell, out) == Reject::EventLength);
    auto create = cp.b;
    create.resize(334, 0);
    create[333] = 2;
    CHECK(decode_one(create, out) == Reject::BorshBool);
    create.resize(335, 0);
    CHECK(decode_one(create, out) == Reject::EventLength);
}

TEST_CASE("Raydium SwapBaseOutLog: fields in log.rs order, what moved is deduct_in in and amount_out out",
          "[chain][units]") {
    // raydium-amm program/src/log.rs: SwapBaseOutLog { log_type: u8 = 4,
    // max_in, amount_out, direction, user_source, pool_coin, pool_pc,
    // deduct_in: u64 }, bincode (little-endian, no padding): 57 bytes.
    Bytes b;
    b.u8(4).u64(1'000'000).u64(2'500'000).u64(raydium::kPc2Coin).u64(5'000'000).u64(900'000'000).u64(
        40'000'000'000ULL).u64(987'654);
    REQUIRE(b.b.size() == 57);
    raydium::RayLog rl;
    REQUIRE(raydium::decode_ray_log(b.b.data(), b.b.size(), rl) == Reject::None);
    CHECK(rl.type == raydium::LogType::SwapBaseOut);
    CHECK_FALSE(rl.swap.base_in);
    CHECK(rl.swap.amount_in == 1'000'000);  // max_in
    CHECK(rl.swap.amount_out == 2'500'000); // amount_out
    CHECK(rl.swap.direction == raydium::kPc2Coin);
    CHECK(rl.swap.pool_coin == 900'000'000);
    CHECK(rl.swap.pool_pc == 40'000'000'000ULL);
    CHECK(rl.swap.actual == 987'654); // deduct_in
    CHECK(rl.swap.in_amount() == 987'654);
    CHECK(rl.swap.out_amount() == 2'500'000);
    // One byte short or long: refused, never guessed.
    CHECK(raydium::decode_ray_log(b.b.data(), 56, rl) != Reject::None);
    b.u8(0);
    CHECK(raydium::decode_ray_log(b.b.data(), b.b.size(), rl) != Reject::None);
}

TEST_CASE("wire helpers: strict base64, base58 of the right length, UTF-8, decimal u64",
          "[chain][units]") {
    uint8_t buf[16];
    size_t n = 0;
    CHECK(base64_decode_into("QQ==", buf, sizeof buf, n) == Reject::None);
    CHECK(n == 1);
    CHECK(base64_decode_into("QR==", buf, sizeof buf, n) == Reject::Base64Noncanonical);
    CHECK(base64_decode_into("QQ=", buf, sizeof buf, n) == Reject::Base64Invalid);
    CHECK(base64_decode_into("Q=Q=", buf, sizeof buf, n) == Reject::Base64Invalid);
    CHECK(base64_decode_into("QUJD", buf, 2, n) == Reject::Base64Invalid); // over capacity
    sniper::Pubkey k{};
    CHECK(key_from_base58("11111111111111111111111111111111", k));
    CHECK(sniper::is_zero(k));
    CHECK_FALSE(key_from_base58("1111111111111111111111111111111", k)); // 31 '1's: not 32 bytes
    uint8_t sig[64];
    CHECK(signature_from_base58(
        "5h6xBEauJ3PK6SWCZ1PGjBvj8vDdWG3KpwATGy1ARAXFSDwt8GFXM7W5Ncn16wmqokgpiKRLuS83KUxyZyv2sUYv",
        sig));
    CHECK_FALSE(
        signature_from_base58("So11111111111111111111111111111111111111112", sig)); // a 32-byte key
    CHECK_FALSE(signature_from_base58("0OIl", sig));
    const uint8_t bad[] = {0xed, 0xa0, 0x80}; // a surrogate in UTF-8
    CHECK_FALSE(valid_utf8(bad, 3));
    const uint8_t over[] = {0xc0, 0xaf};
    CHECK_FALSE(valid_utf8(over, 2));
    uint64_t v = 0;
    CHECK(parse_u64_decimal("18446744073709551615", v));
    CHECK(v == UINT64_MAX);
    CHECK_FALSE(parse_u64_decimal("18446744073709551616", v));
    CHECK_FALSE(parse_u64_decimal("-1", v));
    uint8_t data[64];
    CHECK(base58_decode_into("HMypLP", data, sizeof data, n));
    CHECK(n == 5);
    CHECK(data[0] == 2); // SetComputeUnitLimit
}

TEST_CASE("decoded events replay: each line round-trips through the replay feed's parser",
          "[chain][units]") {
    SolanaWsDecoder dec;
    const char* files[] = {"payloads/ws_logs_pumpfun_create_buy_2024-12.json",
                           "payloads/ws_txn_raydium_initialize2_pumpfun_migration_2024-12.json",
                           "payloads/http_getTransaction_pumpfun_buy_sell_2024-08.json"};
    size_t lines = 0;
    for (const char* f : files) {
        const auto& r = dec.decode(fixture(f));
        REQUIRE(r.ok());
        for (uint32_t i = 0; i < r.n_events; ++i) {
            sniper::EventBuf ev;
            sniper::init_event(ev, r.events[i].h.type);
            std::memcpy(static_cast<void*>(&ev), &r.events[i], r.events[i].h.size);
            std::string line;
            sniper::encode_event_json(ev, false, line);
            sniper::EventBuf back;
            const auto d = sniper::decode_event_json(line, back);
            INFO(line << " -> " << d.error);
            REQUIRE(d.ok);
            CHECK(std::memcmp(&back, &ev, ev.h.size) == 0);
            ++lines;
        }
    }
    CHECK(lines == 8);
}
