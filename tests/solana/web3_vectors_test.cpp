// Golden vectors from @solana/web3.js and @solana/spl-token (written by
// tools/solana-check/gen_vectors.js into tests/solana/vectors/): messages,
// signatures and whole transactions must match byte for byte; PDAs, ATA
// addresses and on-curve answers must agree.
#include "solana/associated_token.hpp"
#include "solana/compute_budget.hpp"
#include "solana/curve25519.hpp"
#include "solana/jito_tip.hpp"
#include "solana/message_compile.hpp"
#include "solana/pda.hpp"
#include "solana/program_ids.hpp"
#include "solana/system_program.hpp"
#include "solana/token_program.hpp"
#include "solana/transaction.hpp"
#include "solana/base64.hpp"

#include <catch2/catch.hpp>
#include <simdjson.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

using namespace sniper::solana;

namespace {

const std::string kVectorDir = std::string(SNIPER_TEST_DATA) + "/solana/vectors";

std::vector<uint8_t> from_hex(std::string_view h) {
    std::vector<uint8_t> out;
    auto nib = [](char c) -> int {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        throw std::runtime_error("bad hex");
    };
    if (h.size() % 2 != 0) {
        throw std::runtime_error("odd hex");
    }
    for (size_t i = 0; i < h.size(); i += 2) {
        out.push_back(static_cast<uint8_t>(nib(h[i]) * 16 + nib(h[i + 1])));
    }
    return out;
}

std::string to_hex(std::span<const uint8_t> b) {
    static constexpr char d[] = "0123456789abcdef";
    std::string s;
    for (const uint8_t x : b) {
        s.push_back(d[x >> 4]);
        s.push_back(d[x & 15]);
    }
    return s;
}

Pubkey key(std::string_view s) {
    auto k = pubkey_from_base58(s);
    if (!k) {
        throw std::runtime_error("bad key " + std::string(s));
    }
    return *k;
}

std::string_view str(simdjson::dom::element e) { return std::string_view(e.get_string().value()); }

std::vector<std::vector<uint8_t>> seeds_of(simdjson::dom::element v) {
    std::vector<std::vector<uint8_t>> seeds;
    for (auto s : v["seeds_hex"].get_array()) {
        seeds.push_back(from_hex(str(s)));
    }
    return seeds;
}

std::vector<Seed> spans_of(const std::vector<std::vector<uint8_t>>& seeds) {
    std::vector<Seed> spans;
    for (const auto& s : seeds) {
        spans.emplace_back(s.data(), s.size());
    }
    return spans;
}

} // namespace

namespace {

uint64_t le_u64(const std::vector<uint8_t>& d, size_t at) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i) {
        v |= static_cast<uint64_t>(d.at(at + i)) << (8 * i);
    }
    return v;
}

bool same(const Instruction& a, const Instruction& b) {
    if (!(a.program_id == b.program_id) || a.data != b.data || a.accounts.size() != b.accounts.size()) {
        return false;
    }
    for (size_t i = 0; i < a.accounts.size(); ++i) {
        if (!(a.accounts[i].pubkey == b.accounts[i].pubkey) || a.accounts[i].is_signer != b.accounts[i].is_signer ||
            a.accounts[i].is_writable != b.accounts[i].is_writable) {
            return false;
        }
    }
    return true;
}

} // namespace

// Our instruction builders against @solana/web3.js's and @solana/spl-token's
// (SystemProgram.transfer, ComputeBudgetProgram, createTransferChecked-,
// createCloseAccount-, createSyncNative-,
// createAssociatedTokenAccountIdempotentInstruction, a transfer to a Jito
// tip account): given the parameters the vector's instruction carries, each
// builder must produce the same program, accounts (order, signer and
// writable flags) and data.
TEST_CASE("web3.js and spl-token instructions: our builders make the same ones", "[solana][vectors]") {
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.load(kVectorDir + "/tx_vectors.json");
    std::map<std::string, size_t> checked;
    for (simdjson::dom::element v : doc["tx_vectors"].get_array()) {
        const std::string name(str(v["name"]));
        for (auto jix : v["instructions"].get_array()) {
            Instruction want;
            want.program_id = key(str(jix["program_id"]));
            for (auto a : jix["accounts"].get_array()) {
                want.accounts.push_back(AccountMeta{key(str(a["pubkey"])), a["is_signer"].get_bool().value(),
                                                    a["is_writable"].get_bool().value()});
            }
            want.data = from_hex(str(jix["data_hex"]));
            const auto& acc = want.accounts;
            const auto& d = want.data;
            std::string kind;
            Instruction got;
            if (want.program_id == kComputeBudgetProgram && d.size() == 5 && d[0] == 2) {
                kind = "set_compute_unit_limit";
                got = set_compute_unit_limit(static_cast<uint32_t>(d[1] | d[2] << 8 | d[3] << 16 | uint32_t(d[4]) << 24));
            } else if (want.program_id == kComputeBudgetProgram && d.size() == 9 && d[0] == 3) {
                kind = "set_compute_unit_price";
                got = set_compute_unit_price(le_u64(d, 1));
            } else if (want.program_id == kSystemProgram && d.size() == 12 && d[0] == 2 && acc.size() == 2) {
                const auto tip = std::find(kJitoTipAccounts.begin(), kJitoTipAccounts.end(), acc[1].pubkey);
                if (tip != kJitoTipAccounts.end()) {
                    kind = "jito_tip";
                    got = jito_tip(acc[0].pubkey, le_u64(d, 4), static_cast<uint64_t>(tip - kJitoTipAccounts.begin()));
                } else {
                    kind = "system_transfer";
                    got = system_transfer(acc[0].pubkey, acc[1].pubkey, le_u64(d, 4));
                }
            } else if ((want.program_id == kTokenProgram || want.program_id == kToken2022Program) && !d.empty()) {
                if (d[0] == kTokenTransferCheckedTag && d.size() == 10 && acc.size() == 4) {
                    kind = "transfer_checked";
                    got = token_transfer_checked(want.program_id, acc[0].pubkey, acc[1].pubkey, acc[2].pubkey,
                                                 acc[3].pubkey, le_u64(d, 1), d[9]);
                } else if (d[0] == kTokenCloseAccountTag && acc.size() == 3) {
                    kind = "close_account";
                    got = token_close_account(want.program_id, acc[0].pubkey, acc[1].pubkey, acc[2].pubkey);
                } else if (d[0] == kTokenSyncNativeTag && acc.size() == 1) {
                    kind = "sync_native";
                    got = token_sync_native(want.program_id, acc[0].pubkey);
                }
            } else if (want.program_id == kAssociatedTokenProgram && d == std::vector<uint8_t>{1} && acc.size() == 6) {
                kind = "ata_create_idempotent";
                got = ata_create_idempotent(acc[0].pubkey, acc[2].pubkey, acc[3].pubkey, acc[5].pubkey);
                CHECK(associated_token_address(acc[2].pubkey, acc[3].pubkey, acc[5].pubkey) == acc[1].pubkey);
            }
            if (kind.empty()) {
                continue; // a custom program's instruction: no builder
            }
            INFO(name << ": " << kind);
            CHECK(same(got, want));
            ++checked[kind];
        }
    }
    for (const char* kind : {"set_compute_unit_limit", "set_compute_unit_price", "system_transfer", "jito_tip",
                             "transfer_checked", "close_account", "sync_native", "ata_create_idempotent"}) {
        INFO(kind);
        CHECK(checked[kind] >= 2);
    }
}

TEST_CASE("web3.js transactions: compiled messages, signatures and wire bytes match", "[solana][vectors]") {
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.load(kVectorDir + "/tx_vectors.json");
    size_t compiled = 0;
    size_t parsed = 0;
    for (simdjson::dom::element v : doc["tx_vectors"].get_array()) {
        const std::string name(str(v["name"]));
        INFO(name);
        const bool legacy = v["version"].is_string();
        const MessageVersion version = legacy ? MessageVersion::Legacy : MessageVersion::V0;
        const auto wire = base64_decode(str(v["tx_base64"]));
        REQUIRE(wire);
        CHECK(wire->size() == static_cast<size_t>(v["tx_size"].get_int64().value()));

        // Parse, check the fields, re-serialize.
        Transaction tx;
        const auto err = parse_transaction(*wire, tx);
        REQUIRE_FALSE(err);
        ++parsed;
        CHECK(tx.message.version == version);
        CHECK(tx.message.header.num_required_signatures == v["header"]["num_required_signatures"].get_int64().value());
        CHECK(tx.message.header.num_readonly_signed == v["header"]["num_readonly_signed"].get_int64().value());
        CHECK(tx.message.header.num_readonly_unsigned == v["header"]["num_readonly_unsigned"].get_int64().value());
        std::vector<Pubkey> keys;
        for (auto k : v["account_keys"].get_array()) {
            keys.push_back(key(str(k)));
        }
        CHECK(tx.message.account_keys == keys);
        size_t nlookup = 0;
        for (auto l : v["address_table_lookups"].get_array()) {
            REQUIRE(nlookup < tx.message.address_table_lookups.size());
            const auto& got = tx.message.address_table_lookups[nlookup++];
            CHECK(got.account_key == key(str(l["account_key"])));
            std::vector<uint8_t> w;
            std::vector<uint8_t> r;
            for (auto i : l["writable_indexes"].get_array()) {
                w.push_back(static_cast<uint8_t>(i.get_int64().value()));
            }
            for (auto i : l["readonly_indexes"].get_array()) {
                r.push_back(static_cast<uint8_t>(i.get_int64().value()));
            }
            CHECK(got.writable_indexes == w);
            CHECK(got.readonly_indexes == r);
        }
        CHECK(nlookup == tx.message.address_table_lookups.size());
        auto again = serialize_transaction(tx);
        REQUIRE(again.ok());
        CHECK(*again == *wire);
        for (const bool ok : verify_transaction(tx, *wire)) {
            CHECK(ok);
        }
        if (v["uses_lookup_tables"].get_bool().value()) {
            continue; // we compile without tables; the parse above covers it
        }

        // Compile from the same instructions, sign with the same seeds.
        std::vector<Instruction> ixs;
        for (auto jix : v["instructions"].get_array()) {
            Instruction ix;
            ix.program_id = key(str(jix["program_id"]));
            for (auto a : jix["accounts"].get_array()) {
                ix.accounts.push_back(
                    AccountMeta{key(str(a["pubkey"])), a["is_signer"].get_bool().value(), a["is_writable"].get_bool().value()});
            }
            ix.data = from_hex(str(jix["data_hex"]));
            ixs.push_back(std::move(ix));
        }
        const auto blockhash = hash_from_base58(str(v["recent_blockhash"]));
        REQUIRE(blockhash);
        auto msg = compile_message(key(str(v["fee_payer"])), ixs, *blockhash, version);
        REQUIRE(msg.ok());
        auto msg_bytes = serialize_message(*msg);
        REQUIRE(msg_bytes.ok());
        CHECK(to_hex(*msg_bytes) == str(v["message_hex"]));

        std::vector<SigningKey> signers;
        for (auto s : v["signer_seeds_hex"].get_array()) {
            const auto seed = from_hex(str(s));
            REQUIRE(seed.size() == 32);
            signers.push_back(SigningKey::from_seed(std::span<const uint8_t, 32>(seed.data(), 32)));
        }
        size_t i = 0;
        for (auto pk : v["signer_pubkeys"].get_array()) {
            REQUIRE(i < signers.size());
            CHECK(to_base58(signers[i++].pubkey()) == str(pk));
        }
        std::vector<const SigningKey*> ptrs;
        for (const auto& s : signers) {
            ptrs.push_back(&s);
        }
        TxBytes out;
        Transaction signed_tx;
        const auto serr = sign_message(*msg, ptrs, out, &signed_tx);
        REQUIRE_FALSE(serr);
        size_t si = 0;
        for (auto sig : v["signatures"].get_array()) {
            REQUIRE(si < signed_tx.signatures.size());
            CHECK(to_base58(signed_tx.signatures[si++]) == str(sig));
        }
        CHECK(base64_encode(out.span()) == str(v["tx_base64"]));
        ++compiled;
    }
    CHECK(parsed >= 30);
    CHECK(compiled >= 30);
}

TEST_CASE("web3.js PDAs: find_program_address agrees on address and bump", "[solana][vectors][pda]") {
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.load(kVectorDir + "/pda_vectors.json");
    size_t n = 0;
    for (simdjson::dom::element v : doc["pda_vectors"].get_array()) {
        const auto seeds = seeds_of(v);
        const auto spans = spans_of(seeds);
        auto r = find_program_address(spans, key(str(v["program_id"])));
        REQUIRE(r.ok());
        if (r->address != key(str(v["address"])) || r->bump != v["bump"].get_int64().value()) {
            FAIL("vector " << n << ": got " << to_base58(r->address) << " bump " << int(r->bump) << ", web3.js "
                           << str(v["address"]) << " bump " << v["bump"].get_int64().value());
        }
        ++n;
    }
    CHECK(n >= 10000);

    size_t m = 0;
    for (simdjson::dom::element v : doc["create_program_address_vectors"].get_array()) {
        const auto seeds = seeds_of(v);
        auto r = create_program_address(spans_of(seeds), key(str(v["program_id"])));
        if (v["address"].is_null()) {
            CHECK_FALSE(r.ok());
        } else {
            REQUIRE(r.ok());
            CHECK(*r == key(str(v["address"])));
        }
        ++m;
    }
    CHECK(m > 900);
}

TEST_CASE("web3.js ATA addresses agree for Token and Token-2022", "[solana][vectors][pda]") {
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.load(kVectorDir + "/pda_vectors.json");
    size_t n = 0;
    for (simdjson::dom::element v : doc["ata_vectors"].get_array()) {
        const Pubkey got = associated_token_address(key(str(v["owner"])), key(str(v["mint"])),
                                                    key(str(v["token_program"])));
        CHECK(to_base58(got) == str(v["address"]));
        ++n;
    }
    CHECK(n == 1000);
}

TEST_CASE("on-curve answers agree with web3.js, and edge cases with Solana's rule", "[solana][vectors][pda]") {
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.load(kVectorDir + "/pda_vectors.json");
    size_t on = 0;
    size_t off = 0;
    for (simdjson::dom::element v : doc["oncurve_vectors"].get_array()) {
        const auto b = from_hex(str(v["bytes_hex"]));
        REQUIRE(b.size() == 32);
        const bool expect = v["on_curve"].get_bool().value();
        INFO(str(v["bytes_hex"]) << " kind " << str(v["kind"]));
        CHECK(is_on_curve(std::span<const uint8_t, 32>(b.data(), 32)) == expect);
        (expect ? on : off) += 1;
    }
    CHECK(on > 500);
    CHECK(off > 500);
    // Where web3.js (noble, RFC 8032 strict) and Solana (curve25519-dalek)
    // differ, the Solana answer is the one that decides bumps on chain.
    size_t edges = 0;
    for (simdjson::dom::element v : doc["oncurve_edge_vectors"].get_array()) {
        const auto b = from_hex(str(v["bytes_hex"]));
        INFO(str(v["note"]));
        CHECK(is_on_curve(std::span<const uint8_t, 32>(b.data(), 32)) == v["solana_on_curve"].get_bool().value());
        ++edges;
    }
    CHECK(edges >= 20);
}
