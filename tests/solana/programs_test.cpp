// Instruction builders against their documented layouts, byte by byte.
#include "solana/associated_token.hpp"
#include "solana/compute_budget.hpp"
#include "solana/jito_tip.hpp"
#include "solana/known_instructions.hpp"
#include "solana/program_ids.hpp"
#include "solana/system_program.hpp"
#include "solana/token_program.hpp"
#include "tx_test_util.hpp"

#include <catch2/catch.hpp>

using namespace sniper::solana;
using namespace sniper::solana::test;

namespace {
void check_meta(const AccountMeta& m, const Pubkey& k, bool signer, bool writable) {
    CHECK(m.pubkey == k);
    CHECK(m.is_signer == signer);
    CHECK(m.is_writable == writable);
}
} // namespace

TEST_CASE("program ids decode from their published base58", "[solana][programs]") {
    CHECK(to_base58(kSystemProgram) == "11111111111111111111111111111111");
    CHECK(to_base58(kComputeBudgetProgram) == "ComputeBudget111111111111111111111111111111");
    CHECK(to_base58(kTokenProgram) == "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
    CHECK(to_base58(kToken2022Program) == "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");
    CHECK(to_base58(kAssociatedTokenProgram) == "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
    CHECK(to_base58(kWrappedSolMint) == "So11111111111111111111111111111111111111112");
    CHECK(is_token_program(kToken2022Program));
    CHECK_FALSE(is_token_program(kSystemProgram));
}

TEST_CASE("System transfer: u32 2, u64 lamports, from signer+writable, to writable", "[solana][programs]") {
    const Pubkey from = pubkey_from_label(1);
    const Pubkey to = pubkey_from_label(2);
    const Instruction ix = system_transfer(from, to, 0x0102030405060708ULL);
    CHECK(ix.program_id == kSystemProgram);
    CHECK(to_hex(ix.data) == "020000000807060504030201");
    REQUIRE(ix.accounts.size() == 2);
    check_meta(ix.accounts[0], from, true, true);
    check_meta(ix.accounts[1], to, false, true);
    CHECK(parse_system_transfer(ix.data) == 0x0102030405060708ULL);
    CHECK_FALSE(parse_system_transfer(from_hex("030000000807060504030201")));
    CHECK_FALSE(parse_system_transfer(from_hex("0200000008070605040302")));
}

TEST_CASE("Compute Budget: limit 0x02 u32, price 0x03 u64, no accounts", "[solana][programs]") {
    const Instruction lim = set_compute_unit_limit(200000); // 0x00030d40
    CHECK(lim.program_id == kComputeBudgetProgram);
    CHECK(lim.accounts.empty());
    CHECK(to_hex(lim.data) == "02400d0300");
    const Instruction price = set_compute_unit_price(10000); // 0x2710
    CHECK(to_hex(price.data) == "031027000000000000");
    CHECK(to_hex(set_compute_unit_price(UINT64_MAX).data) == "03ffffffffffffffff");
    CHECK(parse_set_compute_unit_limit(lim.data) == 200000u);
    CHECK(parse_set_compute_unit_price(price.data) == 10000u);
    CHECK_FALSE(parse_set_compute_unit_limit(price.data));
    CHECK_FALSE(parse_set_compute_unit_price(lim.data));
}

TEST_CASE("SPL Token TransferChecked, CloseAccount, SyncNative for both token programs", "[solana][programs]") {
    const Pubkey src = pubkey_from_label(1);
    const Pubkey mint = pubkey_from_label(2);
    const Pubkey dst = pubkey_from_label(3);
    const Pubkey owner = pubkey_from_label(4);
    for (const Pubkey& prog : {kTokenProgram, kToken2022Program}) {
        const Instruction t = token_transfer_checked(prog, src, mint, dst, owner, 1000000, 6);
        CHECK(t.program_id == prog);
        CHECK(to_hex(t.data) == "0c40420f000000000006");
        REQUIRE(t.accounts.size() == 4);
        check_meta(t.accounts[0], src, false, true);
        check_meta(t.accounts[1], mint, false, false);
        check_meta(t.accounts[2], dst, false, true);
        check_meta(t.accounts[3], owner, true, false);
        const auto parsed = parse_token_transfer_checked(t.data);
        REQUIRE(parsed);
        CHECK(parsed->amount_atoms == 1000000);
        CHECK(parsed->decimals == 6);

        const Instruction c = token_close_account(prog, src, dst, owner);
        CHECK(to_hex(c.data) == "09");
        REQUIRE(c.accounts.size() == 3);
        check_meta(c.accounts[0], src, false, true);
        check_meta(c.accounts[1], dst, false, true);
        check_meta(c.accounts[2], owner, true, false);
        CHECK(is_token_close_account(c.data));

        const Instruction s = token_sync_native(prog, src);
        CHECK(to_hex(s.data) == "11");
        REQUIRE(s.accounts.size() == 1);
        check_meta(s.accounts[0], src, false, true);
        CHECK(is_token_sync_native(s.data));
    }
}

TEST_CASE("ATA CreateIdempotent: data 01, six accounts in the documented order", "[solana][programs]") {
    const Pubkey payer = pubkey_from_label(1);
    const Pubkey owner = pubkey_from_label(2);
    const Pubkey mint = pubkey_from_label(3);
    const Instruction ix = ata_create_idempotent(payer, owner, mint, kTokenProgram);
    CHECK(ix.program_id == kAssociatedTokenProgram);
    CHECK(to_hex(ix.data) == "01");
    REQUIRE(ix.accounts.size() == 6);
    check_meta(ix.accounts[0], payer, true, true);
    check_meta(ix.accounts[1], associated_token_address(owner, mint, kTokenProgram), false, true);
    check_meta(ix.accounts[2], owner, false, false);
    check_meta(ix.accounts[3], mint, false, false);
    check_meta(ix.accounts[4], kSystemProgram, false, false);
    check_meta(ix.accounts[5], kTokenProgram, false, false);
    CHECK(is_ata_create_idempotent(ix.data));
    CHECK_FALSE(is_ata_create(ix.data));
    CHECK(is_ata_create({}));
    // The two token programs give different accounts for the same owner and mint.
    CHECK(associated_token_address(owner, mint, kTokenProgram) !=
          associated_token_address(owner, mint, kToken2022Program));
}

TEST_CASE("Jito tip: a System transfer to tip account pick % 8", "[solana][programs]") {
    const Pubkey payer = pubkey_from_label(1);
    for (uint64_t pick = 0; pick < 16; ++pick) {
        const Instruction ix = jito_tip(payer, 1000, pick);
        CHECK(ix.program_id == kSystemProgram);
        REQUIRE(ix.accounts.size() == 2);
        CHECK(ix.accounts[1].pubkey == kJitoTipAccounts[pick % 8]);
        CHECK(is_jito_tip_account(ix.accounts[1].pubkey));
        CHECK(parse_system_transfer(ix.data) == 1000u);
    }
    CHECK(to_base58(kJitoTipAccounts[0]) == "96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5");
    CHECK(to_base58(kJitoTipAccounts[7]) == "3AVi9Tg9Uo68tJfuvoKvqKNWKkC5wPdSSdeBnizKZ6jT");
    CHECK_FALSE(is_jito_tip_account(payer));
}

TEST_CASE("known instructions are decoded from a compiled message", "[solana][programs]") {
    const Pubkey payer = pubkey_from_label(1);
    const Pubkey to = pubkey_from_label(2);
    const std::vector<Instruction> ixs = {set_compute_unit_limit(7), set_compute_unit_price(8),
                                          system_transfer(payer, to, 9),
                                          token_sync_native(kToken2022Program, to),
                                          Instruction{pubkey_from_label(5), {}, {1, 2}}};
    auto msg = compile_message(payer, ixs, hash_from_label(3), MessageVersion::Legacy);
    REQUIRE(msg.ok());
    const auto& m = *msg;
    auto d0 = decode_known_instruction(m, m.instructions[0]);
    REQUIRE(d0);
    CHECK(d0->type == "set_compute_unit_limit");
    CHECK(d0->fields[0].number == 7);
    auto d2 = decode_known_instruction(m, m.instructions[2]);
    REQUIRE(d2);
    CHECK(d2->program == "system");
    CHECK(d2->fields[0].text == to_base58(payer));
    CHECK(d2->fields[1].text == to_base58(to));
    CHECK(d2->fields[2].number == 9);
    auto d3 = decode_known_instruction(m, m.instructions[3]);
    REQUIRE(d3);
    CHECK(d3->program == "token_2022");
    CHECK(d3->type == "sync_native");
    CHECK_FALSE(decode_known_instruction(m, m.instructions[4]));
}
