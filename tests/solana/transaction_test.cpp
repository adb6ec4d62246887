#include "solana/base64.hpp"
#include "solana/transaction.hpp"
#include "tx_test_util.hpp"

#include <catch2/catch.hpp>

#include <sodium.h>

using namespace sniper::solana;
using namespace sniper::solana::test;

namespace {

// Parses `b`, expecting a refusal at `offset` whose message contains `what`.
void expect_refusal(const std::vector<uint8_t>& b, size_t offset, const std::string& what) {
    Transaction tx;
    const auto e = parse_transaction(b, tx);
    REQUIRE(e);
    INFO(e->to_string());
    CHECK(e->has_offset);
    CHECK(e->offset == offset);
    CHECK_THAT(e->message, Catch::Contains(what));
}

} // namespace

TEST_CASE("the reference transaction has the documented layout and round-trips", "[solana][tx]") {
    const auto payer = key_from_label(1);
    const auto b = reference_tx(payer);
    REQUIRE(b.size() == 255);
    CHECK(b[0] == 1);
    CHECK(b[65] == 1);
    CHECK(b[67] == 2);
    CHECK(b[68] == 4);
    CHECK(b[229] == 2);
    CHECK(b[230] == 2);
    CHECK(b[238] == 3);
    CHECK(b[239] == 2);
    Transaction tx;
    REQUIRE_FALSE(parse_transaction(b, tx));
    auto again = serialize_transaction(tx);
    REQUIRE(again.ok());
    CHECK(*again == b);
    CHECK(tx.message.account_keys[0] == payer.pubkey());
    CHECK(message_offset(1) == 65);
}

TEST_CASE("signatures verify, and a flipped byte anywhere breaks them", "[solana][tx][sign]") {
    const auto payer = key_from_label(1);
    auto b = reference_tx(payer);
    Transaction tx;
    REQUIRE_FALSE(parse_transaction(b, tx));
    CHECK(verify_transaction(tx, b) == std::vector<bool>{true});
    // Signing is deterministic (Ed25519): the same message, the same bytes.
    CHECK(reference_tx(payer) == b);
    for (const size_t at : {size_t{1}, size_t{64}, size_t{70}, size_t{200}, size_t{254}}) {
        auto f = b;
        f[at] ^= 0x01;
        Transaction t2;
        if (!parse_transaction(f, t2)) {
            CHECK(verify_transaction(t2, f) == std::vector<bool>{false});
        }
    }
    // Libsodium's own check agrees on the bytes.
    CHECK(crypto_sign_verify_detached(b.data() + 1, b.data() + 65, b.size() - 65, payer.pubkey().bytes.data()) == 0);
}

TEST_CASE("sign_message refuses when a required signer's key is missing", "[solana][tx][sign]") {
    const auto payer = key_from_label(1);
    const auto other = key_from_label(2);
    const std::vector<Instruction> ixs = {system_transfer(payer.pubkey(), other.pubkey(), 5),
                                          system_transfer(other.pubkey(), payer.pubkey(), 1)};
    auto msg = compile_message(payer.pubkey(), ixs, hash_from_label(1), MessageVersion::Legacy);
    REQUIRE(msg.ok());
    CHECK(msg->header.num_required_signatures == 2);
    TxBytes out;
    const SigningKey* only_payer[] = {&payer};
    const auto e = sign_message(*msg, only_payer, out);
    REQUIRE(e);
    CHECK_THAT(e->message, Catch::Contains(to_base58(other.pubkey())));
    const SigningKey* both[] = {&other, &payer}; // any order
    Transaction tx;
    REQUIRE_FALSE(sign_message(*msg, both, out, &tx));
    CHECK(verify_transaction(tx, out.span()) == std::vector<bool>{true, true});
}

TEST_CASE("parse refuses truncation, trailing bytes and oversize input", "[solana][tx][refuse]") {
    const auto b = reference_tx(key_from_label(1));
    expect_refusal({}, 0, "signature count");
    auto t = b;
    t.push_back(0);
    expect_refusal(t, 255, "1 trailing bytes");
    t = b;
    t.pop_back();
    expect_refusal(t, 242, "instruction data length that fits");
    t = std::vector<uint8_t>(b.begin(), b.begin() + 100);
    expect_refusal(t, 68, "account key count");
    std::vector<uint8_t> big(1233, 0);
    expect_refusal(big, 0, "at most 1232 bytes, found 1233");
}

TEST_CASE("parse refuses counts that cannot fit in what is left", "[solana][tx][refuse]") {
    const auto b = reference_tx(key_from_label(1));
    auto t = b;
    t[0] = 0x03; // 3 signatures fit (192 bytes), but then the message is garbage
    Transaction tx;
    CHECK(parse_transaction(t, tx));
    t = b;
    t[0] = 0x7f; // 127 signatures need 8128 bytes
    expect_refusal(t, 0, "signature count that fits");
    t = b;
    t[68] = 0x7f; // 127 keys
    expect_refusal(t, 68, "account key count that fits");
    t = b;
    t[229] = 0x7f; // 127 instructions need at least 381 bytes
    expect_refusal(t, 229, "instruction count that fits");
    t = b;
    t[239] = 0x7f;
    expect_refusal(t, 239, "instruction account count that fits");
}

TEST_CASE("parse refuses a non-canonical compact-u16", "[solana][tx][refuse]") {
    const auto b = reference_tx(key_from_label(1));
    auto t = b;
    t[229] = 0x82; // 2 instructions written as 82 00
    t.insert(t.begin() + 230, 0x00);
    expect_refusal(t, 229, "non-canonical");
}

TEST_CASE("parse refuses a signature count other than the header's", "[solana][tx][refuse]") {
    const auto b = reference_tx(key_from_label(1));
    auto t = b;
    t[0] = 2;
    t.insert(t.begin() + 65, 64, 0xee); // a second signature
    expect_refusal(t, 0, "expected 1 signatures");
    // Serializing refuses the same disagreement.
    Transaction tx;
    REQUIRE_FALSE(parse_transaction(b, tx));
    tx.signatures.push_back(tx.signatures[0]);
    TxBytes out;
    const auto e = serialize_transaction(tx, out);
    REQUIRE(e);
    CHECK_THAT(e->message, Catch::Contains("carries 2"));
}

TEST_CASE("parse refuses an inconsistent header", "[solana][tx][refuse]") {
    const auto b = reference_tx(key_from_label(1));
    auto t = b;
    t[66] = 1; // readonly signed = required: no writable fee payer
    expect_refusal(t, 65, "fee payer must be a writable signer");
    t = b;
    t[67] = 4; // 1 signer + 4 readonly unsigned > 4 keys
    expect_refusal(t, 65, "to fit in the 4 account keys");
    t = b;
    t[65] = 0; // no signer at all
    t[0] = 0;
    t.erase(t.begin() + 1, t.begin() + 65);
    expect_refusal(t, 1, "fee payer must be a writable signer");
}

TEST_CASE("parse refuses program id index 0, out-of-range indexes and duplicate keys", "[solana][tx][refuse]") {
    const auto b = reference_tx(key_from_label(1));
    auto t = b;
    t[230] = 0;
    expect_refusal(t, 230, "other than the fee payer");
    t = b;
    t[238] = 4;
    expect_refusal(t, 238, "found 4");
    t = b;
    t[241] = 4;
    expect_refusal(t, 241, "account index below 4, found 4");
    t = b;
    std::copy(t.begin() + 69, t.begin() + 101, t.begin() + 133); // key 2 := key 0
    expect_refusal(t, 133, "key 2 equal to key 0");
}

TEST_CASE("parse refuses unknown message versions", "[solana][tx][refuse]") {
    auto t = reference_tx(key_from_label(1));
    t.insert(t.begin() + 65, 0x81);
    expect_refusal(t, 65, "found version 1");
}

TEST_CASE("v0: lookups decode, and their indexes count toward the account space", "[solana][tx][v0]") {
    const auto payer = key_from_label(1);
    std::vector<Instruction> ixs = {system_transfer(payer.pubkey(), pubkey_from_label(2), 5)};
    auto msg = compile_message(payer.pubkey(), ixs, hash_from_label(3), MessageVersion::V0);
    REQUIRE(msg.ok());
    Message m = *msg;
    m.address_table_lookups.push_back(AddressTableLookup{pubkey_from_label(9), {7}, {1, 2}});
    m.instructions[0].accounts.push_back(3); // writable looked-up
    m.instructions[0].accounts.push_back(5); // last readonly looked-up
    TxBytes out;
    const SigningKey* keys[] = {&payer};
    Transaction signed_tx;
    REQUIRE_FALSE(sign_message(m, keys, out, &signed_tx));
    Transaction tx;
    REQUIRE_FALSE(parse_transaction(out.span(), tx));
    CHECK(tx == signed_tx);
    CHECK(tx.message.num_total_accounts() == 6);
    CHECK(tx.message.is_writable(3));
    CHECK_FALSE(tx.message.is_writable(4));
    CHECK(verify_transaction(tx, out.span()) == std::vector<bool>{true});
    std::vector<uint8_t> b(out.span().begin(), out.span().end());
    // The last instruction account index (5) is the last byte before the
    // lookups: instruction at ..., lookups take 1 + 32 + 2 + 3 bytes at the end.
    const size_t lookups_at = b.size() - (1 + 32 + 2 + 3);
    const size_t data_len_at = lookups_at - 13; // data length byte + 12 data bytes
    REQUIRE(b[data_len_at] == 12);
    auto t = b;
    t[data_len_at - 1] = 6; // past the 6 accounts
    expect_refusal(t, data_len_at - 1, "account index below 6, found 6");
    t = b;
    t[lookups_at + 1 + 32] = 0; // no writable indexes
    t.erase(t.begin() + static_cast<std::ptrdiff_t>(lookups_at + 1 + 32 + 1));
    CHECK(parse_transaction(t, tx)); // 5 accounts now: index 5 is out of range
}

TEST_CASE("v0: a lookup with no indexes is refused", "[solana][tx][v0][refuse]") {
    const auto payer = key_from_label(1);
    std::vector<Instruction> ixs = {system_transfer(payer.pubkey(), pubkey_from_label(2), 5)};
    auto msg = compile_message(payer.pubkey(), ixs, hash_from_label(3), MessageVersion::V0);
    REQUIRE(msg.ok());
    TxBytes out;
    const SigningKey* keys[] = {&payer};
    REQUIRE_FALSE(sign_message(*msg, keys, out));
    std::vector<uint8_t> b(out.span().begin(), out.span().end());
    REQUIRE(b.back() == 0); // lookup count
    b.back() = 1;
    const size_t at = b.size();
    b.insert(b.end(), 32, 0x33);
    b.push_back(0);
    b.push_back(0);
    expect_refusal(b, at, "at least one index");
}

TEST_CASE("base64 round-trips and refuses malformed text", "[solana][base64]") {
    const std::vector<uint8_t> data = {0, 1, 2, 0xfe, 0xff};
    for (size_t n = 0; n <= data.size(); ++n) {
        const std::span<const uint8_t> s(data.data(), n);
        const auto text = base64_encode(s);
        const auto back = base64_decode(text);
        REQUIRE(back);
        CHECK(std::vector<uint8_t>(s.begin(), s.end()) == *back);
    }
    CHECK(base64_encode(std::vector<uint8_t>{'f', 'o', 'o', 'b'}) == "Zm9vYg==");
    CHECK_FALSE(base64_decode("Zm9vYg="));
    CHECK_FALSE(base64_decode("Zm9vYh=="));  // non-zero padding bits
    CHECK_FALSE(base64_decode("Zm=vYg=="));  // padding in the middle
    CHECK_FALSE(base64_decode("Zm9v\nYg==")); // whitespace inside
    // Each refusal named at its character.
    CHECK(base64_problem("Zm9vYg==").empty());
    CHECK(base64_problem("").empty());
    CHECK(base64_problem("Zm9vYg=") == "7 characters: base64 comes in groups of 4, the last group (from character 4) is short");
    CHECK(base64_problem("Zm9vYh==") == "character 5: bits under the '=' padding are not zero (not the canonical encoding)");
    CHECK(base64_problem("Zm=vYg==") == "character 3: 'v' after the '=' padding at 2 (padding only ends the text)");
    CHECK(base64_problem("Zm9v\nYg==") == "character 4 is 0x0a, not in the base64 alphabet (A-Z a-z 0-9 + /, '=' padding)");
    CHECK(base64_problem("Zm9v====") == "character 4: 4 '=' padding characters, at most 2");
}
