#include "solana/message_compile.hpp"
#include "solana/program_ids.hpp"
#include "solana/transaction.hpp"
#include "tx_test_util.hpp"

#include <catch2/catch.hpp>

using namespace sniper::solana;
using namespace sniper::solana::test;

TEST_CASE("compile orders keys by class, first seen within a class, and merges flags", "[solana][compile]") {
    const Pubkey payer = pubkey_from_label(1);
    const Pubkey prog_a = pubkey_from_label(2);
    const Pubkey prog_b = pubkey_from_label(3);
    const Pubkey ro_signer = pubkey_from_label(4);
    const Pubkey w1 = pubkey_from_label(5);
    const Pubkey w2 = pubkey_from_label(6);
    const Pubkey ro1 = pubkey_from_label(7);
    const Pubkey merged = pubkey_from_label(8); // readonly in ix 0, writable signer in ix 1

    Instruction a{prog_a, {AccountMeta::readonly(ro1), AccountMeta::readonly(merged), AccountMeta::writable(w2),
                           AccountMeta::readonly(payer)},
                  {1, 2, 3}};
    Instruction b{prog_b, {AccountMeta::readonly(ro_signer, true), AccountMeta::writable(w1),
                           AccountMeta::writable(merged, true), AccountMeta::readonly(prog_a)},
                  {}};
    const std::vector<Instruction> ixs = {a, b};
    auto msg = compile_message(payer, ixs, hash_from_label(9), MessageVersion::Legacy);
    REQUIRE(msg.ok());
    // writable signers: payer, merged; readonly signers: ro_signer;
    // writable non-signers: w2 (seen before w1), w1; readonly: prog_a, ro1, prog_b.
    const std::vector<Pubkey> want = {payer, merged, ro_signer, w2, w1, prog_a, ro1, prog_b};
    CHECK(msg->account_keys == want);
    CHECK(msg->header.num_required_signatures == 3);
    CHECK(msg->header.num_readonly_signed == 1);
    CHECK(msg->header.num_readonly_unsigned == 3);
    REQUIRE(msg->instructions.size() == 2);
    CHECK(msg->instructions[0].program_id_index == 5);
    CHECK(msg->instructions[0].accounts == std::vector<uint8_t>{6, 1, 3, 0});
    CHECK(msg->instructions[0].data == std::vector<uint8_t>{1, 2, 3});
    CHECK(msg->instructions[1].program_id_index == 7);
    CHECK(msg->instructions[1].accounts == std::vector<uint8_t>{2, 4, 1, 5});
    CHECK(msg->is_writable(0));
    CHECK(msg->is_writable(1));
    CHECK_FALSE(msg->is_writable(2));
    CHECK(msg->is_writable(3));
    CHECK(msg->is_writable(4));
    CHECK_FALSE(msg->is_writable(5));
    CHECK(msg->is_signer(2));
    CHECK_FALSE(msg->is_signer(3));
}

TEST_CASE("a program id used as a writable account becomes a writable non-signer", "[solana][compile]") {
    const Pubkey payer = pubkey_from_label(1);
    const Pubkey prog = pubkey_from_label(2);
    const std::vector<Instruction> ixs = {Instruction{prog, {AccountMeta::writable(prog)}, {}}};
    auto msg = compile_message(payer, ixs, hash_from_label(9), MessageVersion::V0);
    REQUIRE(msg.ok());
    CHECK(msg->account_keys == std::vector<Pubkey>{payer, prog});
    CHECK(msg->header.num_readonly_unsigned == 0);
    CHECK(msg->version == MessageVersion::V0);
    CHECK(msg->address_table_lookups.empty());
}

TEST_CASE("compile refuses a program id that is the fee payer", "[solana][compile]") {
    const Pubkey payer = pubkey_from_label(1);
    const std::vector<Instruction> ixs = {Instruction{payer, {}, {}}};
    auto msg = compile_message(payer, ixs, hash_from_label(9), MessageVersion::Legacy);
    REQUIRE_FALSE(msg.ok());
    CHECK_THAT(msg.error().message, Catch::Contains("fee payer"));
}

TEST_CASE("compile refuses anything over 1232 bytes and names the size", "[solana][compile][size]") {
    const Pubkey payer = pubkey_from_label(1);
    const Pubkey prog = pubkey_from_label(2);
    // 1 + 64 + 3 + 1 + 64 + 32 + 1 + (1 + 1 + 2 + n) = 170 + n bytes.
    Instruction ix{prog, {}, std::vector<uint8_t>(1062, 0xab)};
    auto fits = compile_message(payer, std::vector<Instruction>{ix}, hash_from_label(9), MessageVersion::Legacy);
    REQUIRE(fits.ok());
    CHECK(signed_transaction_size(*fits) == 1232);
    ix.data.push_back(0);
    auto over = compile_message(payer, std::vector<Instruction>{ix}, hash_from_label(9), MessageVersion::Legacy);
    REQUIRE_FALSE(over.ok());
    CHECK_THAT(over.error().message, Catch::Contains("1233 bytes"));
    // v0 adds the version byte and the lookup count.
    ix.data.resize(1060);
    auto v0 = compile_message(payer, std::vector<Instruction>{ix}, hash_from_label(9), MessageVersion::V0);
    REQUIRE(v0.ok());
    CHECK(signed_transaction_size(*v0) == 1232);
    ix.data.push_back(0);
    auto v0_over = compile_message(payer, std::vector<Instruction>{ix}, hash_from_label(9), MessageVersion::V0);
    REQUIRE_FALSE(v0_over.ok());
    CHECK_THAT(v0_over.error().message, Catch::Contains("1233 bytes"));
    // Many accounts: 40 distinct keys cannot fit (40 x 32 > 1232).
    Instruction many{prog, {}, {}};
    for (uint8_t i = 0; i < 40; ++i) {
        many.accounts.push_back(AccountMeta::writable(pubkey_from_label(static_cast<uint8_t>(100 + i))));
    }
    auto m = compile_message(payer, std::vector<Instruction>{many}, hash_from_label(9), MessageVersion::Legacy);
    REQUIRE_FALSE(m.ok());
    CHECK_THAT(m.error().message, Catch::Contains("above the 1232-byte limit"));
}

TEST_CASE("messages round-trip through serialize and parse, legacy and v0", "[solana][compile]") {
    const auto payer = key_from_label(3);
    for (const MessageVersion v : {MessageVersion::Legacy, MessageVersion::V0}) {
        const std::vector<Instruction> ixs = {set_compute_unit_limit(1), set_compute_unit_price(2),
                                              system_transfer(payer.pubkey(), pubkey_from_label(4), 3)};
        auto msg = compile_message(payer.pubkey(), ixs, hash_from_label(5), v);
        REQUIRE(msg.ok());
        auto bytes = serialize_message(*msg);
        REQUIRE(bytes.ok());
        CHECK(bytes->size() == message_wire_size(*msg));
        CHECK(((*bytes)[0] == 0x80) == (v == MessageVersion::V0));
        Message back;
        REQUIRE_FALSE(parse_message(*bytes, back));
        CHECK(back == *msg);
    }
}

TEST_CASE("validate_message refuses what the runtime would", "[solana][compile]") {
    const auto payer = key_from_label(3);
    const std::vector<Instruction> ixs = {system_transfer(payer.pubkey(), pubkey_from_label(4), 3)};
    auto ok = compile_message(payer.pubkey(), ixs, hash_from_label(5), MessageVersion::V0);
    REQUIRE(ok.ok());
    REQUIRE_FALSE(validate_message(*ok));

    Message m = *ok;
    m.header.num_readonly_signed = 1;
    CHECK(validate_message(m));
    m = *ok;
    m.header.num_readonly_unsigned = 3;
    CHECK(validate_message(m));
    m = *ok;
    m.instructions[0].program_id_index = 0;
    CHECK(validate_message(m));
    m = *ok;
    m.instructions[0].accounts[1] = 3;
    CHECK(validate_message(m));
    m = *ok;
    m.account_keys[1] = m.account_keys[0];
    CHECK(validate_message(m));
    m = *ok;
    m.address_table_lookups.push_back(AddressTableLookup{pubkey_from_label(9), {}, {}});
    CHECK(validate_message(m)); // a lookup that loads nothing
    m.address_table_lookups[0].readonly_indexes = {0};
    CHECK_FALSE(validate_message(m));
    m.instructions[0].accounts[1] = 3; // now the looked-up account
    CHECK_FALSE(validate_message(m));
    m.version = MessageVersion::Legacy;
    CHECK(validate_message(m)); // legacy with lookups
    m = *ok;
    m.address_table_lookups.push_back(
        AddressTableLookup{pubkey_from_label(9), std::vector<uint8_t>(200, 1), std::vector<uint8_t>(54, 2)});
    CHECK(validate_message(m)); // 3 static + 254 looked up > 256
}
