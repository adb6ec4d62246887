// The signer's outflow bound, judged in-process on codec-built messages.
#include "signer_test_util.hpp"

#include "signer/policy.hpp"
#include "solana/associated_token.hpp"
#include "solana/compute_budget.hpp"
#include "solana/program_ids.hpp"
#include "solana/system_program.hpp"
#include "solana/token_program.hpp"

#include <catch2/catch.hpp>

using namespace sniper;
using namespace sniper::signer;
using signer_test::key_n;
using signer_test::message_bytes;

namespace {

const solana::Pubkey kWallet = key_n(200);
constexpr solana::Pubkey kNative2022 = solana::pubkey_lit("9pan9bMn5HatX4EJdBwg9VgCa7Uz5HL8N1m5D3NdXejP");

Policy policy(std::vector<solana::Pubkey> extra = {}) {
    PolicyConfig c;
    c.wallet = kWallet;
    c.extra_programs = std::move(extra);
    c.max_tx_lamports = 100 * 1'000'000'000ULL;
    c.max_day_lamports = c.max_tx_lamports;
    c.max_resigns = 1;
    return Policy(c);
}

Assessment assess(const std::vector<solana::Instruction>& ixs) {
    return policy().assess(message_bytes(kWallet, ixs));
}

uint64_t bound(const std::vector<solana::Instruction>& ixs) {
    const Assessment a = assess(ixs);
    INFO(a.detail);
    REQUIRE(a.reason == Reason::None);
    return a.outflow_lamports;
}

solana::Instruction raw(const solana::Pubkey& program, std::vector<solana::AccountMeta> accounts,
                        std::vector<uint8_t> data) {
    solana::Instruction ix;
    ix.program_id = program;
    ix.accounts = std::move(accounts);
    ix.data = std::move(data);
    return ix;
}

void put_le(std::vector<uint8_t>& d, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) {
        d.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
}

} // namespace

TEST_CASE("outflow: base fee per signature and System transfers from the wallet", "[signer][policy]") {
    CHECK(bound({solana::system_transfer(kWallet, key_n(1), 123)}) == 123 + 5000);
    // A transfer into the wallet from another signer: only the fees (2 signatures).
    CHECK(bound({solana::system_transfer(key_n(2), kWallet, 999)}) == 10'000);
    CHECK(bound({solana::system_transfer(kWallet, key_n(1), 7), solana::system_transfer(kWallet, key_n(3), 8)}) ==
          15 + 5000);
}

TEST_CASE("outflow: priority fee is unit limit x price / 1e6, rounded up", "[signer][policy]") {
    const auto t = solana::system_transfer(kWallet, key_n(1), 0);
    CHECK(bound({solana::set_compute_unit_limit(200'000), solana::set_compute_unit_price(1000), t}) == 5000 + 200);
    CHECK(bound({solana::set_compute_unit_limit(300'000), solana::set_compute_unit_price(1), t}) == 5000 + 1);
    // No limit: 200,000 per non-Compute-Budget instruction (2 here).
    CHECK(bound({solana::set_compute_unit_price(1000), t, solana::system_transfer(kWallet, key_n(4), 0)}) ==
          5000 + 400);
    // Limits are capped at 1.4M units, default or explicit.
    std::vector<solana::Instruction> many{solana::set_compute_unit_price(1000)};
    for (uint8_t i = 0; i < 9; ++i) {
        many.push_back(solana::system_transfer(kWallet, key_n(10 + i), 0));
    }
    CHECK(bound(many) == 5000 + 1400);
    CHECK(bound({solana::set_compute_unit_limit(4'000'000), solana::set_compute_unit_price(1000), t}) == 5000 + 1400);
    // A Compute Budget instruction it cannot read: unbounded.
    const Assessment a = assess({raw(solana::kComputeBudgetProgram, {}, {3, 1, 2}), t});
    CHECK(a.reason == Reason::UnboundedOutflow);
}

TEST_CASE("outflow: account creation funded by the wallet", "[signer][policy]") {
    std::vector<uint8_t> create{0, 0, 0, 0};
    put_le(create, 1'000'000, 8);
    put_le(create, 165, 8);
    create.insert(create.end(), 32, 5);
    CHECK(bound({raw(solana::kSystemProgram,
                     {solana::AccountMeta::writable(kWallet, true), solana::AccountMeta::writable(key_n(5), true)},
                     create)}) == 1'000'000 + 10'000);

    std::vector<uint8_t> with_seed{3, 0, 0, 0};
    with_seed.insert(with_seed.end(), 32, 6); // base
    put_le(with_seed, 4, 8);                   // seed length
    with_seed.insert(with_seed.end(), {'a', 'b', 'c', 'd'});
    put_le(with_seed, 2'500'000, 8); // lamports
    put_le(with_seed, 165, 8);
    with_seed.insert(with_seed.end(), 32, 7);
    CHECK(bound({raw(solana::kSystemProgram,
                     {solana::AccountMeta::writable(kWallet, true), solana::AccountMeta::writable(key_n(6), false)},
                     with_seed)}) == 2'500'000 + 5000);

    // ATA CreateIdempotent funded by the wallet: the token account's rent.
    const solana::Pubkey mint = key_n(30);
    CHECK(bound({solana::ata_create_idempotent(kWallet, kWallet, mint, solana::kTokenProgram)}) ==
          kTokenAccountRentLamports + 5000);
    CHECK(kTokenAccountRentLamports == 2'039'280);
    CHECK(bound({solana::ata_create_idempotent(kWallet, kWallet, mint, solana::kToken2022Program)}) ==
          kToken2022AccountRentBoundLamports + 5000);
    // Funded by another signer: not the wallet's money.
    CHECK(bound({solana::ata_create_idempotent(key_n(31), kWallet, mint, solana::kTokenProgram)}) == 10'000);
}

TEST_CASE("outflow: token transfers out of the wallet's wrapped-SOL account", "[signer][policy]") {
    const auto wsol = wrapped_sol_accounts(kWallet);
    REQUIRE(wsol.size() == 2);
    CHECK(wsol[0] == solana::associated_token_address(kWallet, solana::kWrappedSolMint, solana::kTokenProgram));
    CHECK(bound({solana::token_transfer_checked(solana::kTokenProgram, wsol[0], solana::kWrappedSolMint, key_n(40),
                                                kWallet, 777'000, 9)}) == 777'000 + 5000);
    CHECK(bound({solana::token_transfer_checked(solana::kToken2022Program, wsol[1], kNative2022, key_n(40),
                                                kWallet, 5, 9)}) == 5 + 5000);
    // Native mint from another account of the wallet's: counted too.
    CHECK(bound({solana::token_transfer_checked(solana::kTokenProgram, key_n(41), solana::kWrappedSolMint,
                                                key_n(40), kWallet, 9, 9)}) == 9 + 5000);
    // Another mint's tokens are not lamports.
    CHECK(bound({solana::token_transfer_checked(solana::kTokenProgram, key_n(41), key_n(42), key_n(40), kWallet,
                                                1'000'000'000'000, 6)}) == 5000);
    // Plain Transfer (no mint) out of the wSOL ATA.
    std::vector<uint8_t> transfer{3};
    put_le(transfer, 4242, 8);
    CHECK(bound({raw(solana::kTokenProgram,
                     {solana::AccountMeta::writable(wsol[0]), solana::AccountMeta::writable(key_n(43)),
                      solana::AccountMeta::readonly(kWallet, true)},
                     transfer)}) == 4242 + 5000);
    // Close to the wallet and SyncNative move nothing out.
    CHECK(bound({solana::token_close_account(solana::kTokenProgram, wsol[0], kWallet, kWallet),
                 solana::token_sync_native(solana::kTokenProgram, wsol[0])}) == 5000);
    // Approve (a delegate could drain later): unbounded.
    std::vector<uint8_t> approve{4};
    put_le(approve, 1, 8);
    CHECK(assess({raw(solana::kTokenProgram,
                      {solana::AccountMeta::writable(wsol[0]), solana::AccountMeta::readonly(key_n(44)),
                       solana::AccountMeta::readonly(kWallet, true)},
                      approve)})
              .reason == Reason::UnboundedOutflow);
}

TEST_CASE("outflow: v0 accounts loaded from a lookup table may be the wrapped-SOL account", "[signer][policy]") {
    const auto built = solana::compile_message(kWallet, std::vector<solana::Instruction>{solana::set_compute_unit_limit(1)},
                                               signer_test::blockhash(3), solana::MessageVersion::V0);
    REQUIRE(built.ok());
    solana::Message m = *built;
    // Add the Token program as a static key and a lookup table with one
    // writable entry; a Transfer from that entry, the wallet signing.
    m.account_keys.push_back(solana::kTokenProgram);
    m.header.num_readonly_unsigned = static_cast<uint8_t>(m.header.num_readonly_unsigned + 1);
    solana::AddressTableLookup lt;
    lt.account_key = key_n(90);
    lt.writable_indexes = {0, 1};
    m.address_table_lookups.push_back(lt);
    const uint8_t token_idx = static_cast<uint8_t>(m.account_keys.size() - 1);
    const uint8_t loaded0 = static_cast<uint8_t>(m.account_keys.size());
    solana::CompiledInstruction ix;
    ix.program_id_index = token_idx;
    ix.accounts = {loaded0, static_cast<uint8_t>(loaded0 + 1), 0};
    ix.data = {3};
    put_le(ix.data, 31337, 8);
    m.instructions.push_back(ix);
    auto bytes = solana::serialize_message(m);
    REQUIRE(bytes.ok());
    const Assessment a = policy().assess(*bytes);
    INFO(a.detail);
    REQUIRE(a.reason == Reason::None);
    CHECK(a.outflow_lamports == 31337 + 5000 + 0); // unit price 0: no priority fee
}

TEST_CASE("policy: config-added programs join the allowlist, but not with the wallet", "[signer][policy]") {
    const solana::Pubkey prog = key_n(120);
    const auto msg = message_bytes(kWallet, {raw(prog, {solana::AccountMeta::writable(key_n(121))}, {1})});
    CHECK(policy().assess(msg).reason == Reason::ProgramNotAllowed);
    CHECK(policy({prog}).assess(msg).reason == Reason::None);
    const auto with_wallet = message_bytes(kWallet, {raw(prog, {solana::AccountMeta::readonly(kWallet, true)}, {1})});
    CHECK(policy({prog}).assess(with_wallet).reason == Reason::UnboundedOutflow);
    CHECK(default_programs().size() == 5);
}
