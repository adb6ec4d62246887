// `sniperd tx transfer` and `sniperd tx decode` run as subprocesses of the
// real binary: the output is exactly the signed transaction our library
// builds, decode explains it, and malformed input exits 2 naming the byte.
#include "app/e2e_util.hpp"
#include "solana/base64.hpp"
#include "solana/compute_budget.hpp"
#include "solana/system_program.hpp"
#include "solana/transaction.hpp"
#include "tx_test_util.hpp"

#include <catch2/catch.hpp>
#include <simdjson.h>

#include <sys/stat.h>

using namespace sniper;
using namespace sniper::solana;
using namespace sniper::solana::test;

namespace {

constexpr const char* kTo = "96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5";
constexpr const char* kBlockhash = "EQ4SJaLpcLhGzfWSY5qSqBrS9d1Vhp7mqy15pf9B4QrE";

// A Solana CLI keypair file for `key`, mode 0600.
std::string write_key_file(const e2e::TempDir& dir, const SigningKey& key, const std::string& name) {
    std::string text = "[";
    for (size_t i = 0; i < 64; ++i) {
        text += std::to_string(key.secret()[i]) + (i == 63 ? "]" : ",");
    }
    const std::string path = dir / name;
    e2e::write_file(path, text);
    ::chmod(path.c_str(), 0600);
    return path;
}

std::string trim(const std::string& s) {
    const auto e = s.find_last_not_of("\r\n ");
    return e == std::string::npos ? std::string() : s.substr(0, e + 1);
}

} // namespace

TEST_CASE("sniperd tx transfer prints exactly the signed transaction the library builds", "[solana][e2e]") {
    e2e::TempDir dir;
    const SigningKey key = key_from_label(0x5a);
    const std::string path = write_key_file(dir, key, "k.json");
    for (const bool v0 : {false, true}) {
        std::vector<std::string> argv = {e2e::kSniperd, "tx",          "transfer",    "--keypair", path,
                                         "--to",        kTo,           "--lamports",  "5000",      "--blockhash",
                                         kBlockhash,    "--cu-limit",  "200000",      "--cu-price", "1000",
                                         "--sign-only"};
        if (v0) {
            argv.push_back("--v0");
        }
        const auto r = e2e::run(argv, dir / "transfer");
        INFO(e2e::describe(r));
        REQUIRE(r.exit_code == 0);
        CHECK(r.err.empty());
        const auto lines = e2e::split_lines(r.out);
        REQUIRE(lines.size() == 1);
        const auto bytes = base64_decode(lines[0]);
        REQUIRE(bytes);

        const std::vector<Instruction> ixs = {set_compute_unit_limit(200000), set_compute_unit_price(1000),
                                              system_transfer(key.pubkey(), *pubkey_from_base58(kTo), 5000)};
        auto msg = compile_message(key.pubkey(), ixs, *hash_from_base58(kBlockhash),
                                   v0 ? MessageVersion::V0 : MessageVersion::Legacy);
        REQUIRE(msg.ok());
        TxBytes want;
        const SigningKey* keys[] = {&key};
        REQUIRE_FALSE(sign_message(*msg, keys, want));
        CHECK(*bytes == std::vector<uint8_t>(want.span().begin(), want.span().end()));
        Transaction tx;
        REQUIRE_FALSE(parse_transaction(*bytes, tx));
        CHECK(verify_transaction(tx, *bytes) == std::vector<bool>{true});
        CHECK(tx.message.version == (v0 ? MessageVersion::V0 : MessageVersion::Legacy));
    }
}

TEST_CASE("sniperd tx transfer refuses bad arguments and unsafe key files", "[solana][e2e]") {
    e2e::TempDir dir;
    const SigningKey key = key_from_label(0x5b);
    const std::string path = write_key_file(dir, key, "k.json");
    const std::vector<std::string> base = {e2e::kSniperd, "tx", "transfer", "--keypair", path, "--to", kTo,
                                           "--lamports", "1", "--blockhash", kBlockhash};
    auto no_sign_only = e2e::run(base, dir / "a");
    CHECK(no_sign_only.exit_code == 2);
    CHECK(no_sign_only.out.empty());
    CHECK(e2e::contains(no_sign_only.err, "--sign-only"));

    auto bad_to = base;
    bad_to[6] = "not-base58!";
    bad_to.push_back("--sign-only");
    auto r = e2e::run(bad_to, dir / "b");
    CHECK(r.exit_code == 2);
    CHECK(e2e::contains(r.err, "--to"));

    auto bad_lamports = base;
    bad_lamports[8] = "-5";
    bad_lamports.push_back("--sign-only");
    r = e2e::run(bad_lamports, dir / "c");
    CHECK(r.exit_code == 2);
    CHECK(e2e::contains(r.err, "--lamports"));

    ::chmod(path.c_str(), 0644);
    auto open_key = base;
    open_key.push_back("--sign-only");
    r = e2e::run(open_key, dir / "d");
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(e2e::contains(r.err, "chmod 600"));
}

TEST_CASE("sniperd tx decode explains a transaction as JSON", "[solana][e2e]") {
    e2e::TempDir dir;
    const SigningKey key = key_from_label(0x5c);
    const auto b = reference_tx(key);
    const std::string b64 = base64_encode(b);

    auto r = e2e::run({e2e::kSniperd, "tx", "decode", b64}, dir / "d1");
    INFO(e2e::describe(r));
    REQUIRE(r.exit_code == 0);
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(r.out);
    CHECK(std::string_view(doc["version"].get_string().value()) == "legacy");
    CHECK(doc["size"].get_int64().value() == 255);
    CHECK(std::string_view(doc["signatures"].at(0)["signature"].get_string().value()) ==
          to_base58(Signature{[&] {
              std::array<uint8_t, 64> s{};
              std::copy(b.begin() + 1, b.begin() + 65, s.begin());
              return s;
          }()}));
    CHECK(doc["signatures"].at(0)["verified"].get_bool().value());
    CHECK(doc["header"]["num_readonly_unsigned_accounts"].get_int64().value() == 2);
    CHECK(doc["account_keys"].at(0)["signer"].get_bool().value());
    CHECK(std::string_view(doc["account_keys"].at(0)["pubkey"].get_string().value()) == to_base58(key.pubkey()));
    CHECK_FALSE(doc["account_keys"].at(2)["writable"].get_bool().value());
    CHECK(doc["address_table_lookups"].get_array().size() == 0);
    CHECK(doc["problems"].get_array().size() == 0);
    auto ix1 = doc["instructions"].at(1);
    CHECK(std::string_view(ix1["program_id"].get_string().value()) == "11111111111111111111111111111111");
    CHECK(std::string_view(ix1["data"].get_string().value()) == "02000000e803000000000000");
    CHECK(std::string_view(ix1["decoded"]["type"].get_string().value()) == "transfer");
    CHECK(ix1["decoded"]["lamports"].get_uint64().value() == 1000);
    CHECK(std::string_view(ix1["accounts"].at(1)["pubkey"].get_string().value()) == to_base58(pubkey_from_label(0x42)));
    CHECK(doc["instructions"].at(0)["decoded"]["units"].get_uint64().value() == 200000);

    // A flipped message byte: still well-formed, the signature no longer verifies.
    auto flipped = b;
    flipped[250] ^= 0x01;
    r = e2e::run({e2e::kSniperd, "tx", "decode", base64_encode(flipped)}, dir / "d2");
    REQUIRE(r.exit_code == 0);
    simdjson::dom::element doc2 = parser.parse(r.out);
    CHECK_FALSE(doc2["signatures"].at(0)["verified"].get_bool().value());

    // A repeated account key (key 2 := key 0) is well-formed on the wire
    // (web3.js decodes it too): described, with the runtime's refusal.
    auto repeated = b;
    std::copy(repeated.begin() + 69, repeated.begin() + 101, repeated.begin() + 133);
    r = e2e::run({e2e::kSniperd, "tx", "decode", base64_encode(repeated)}, dir / "d4");
    INFO(e2e::describe(r));
    REQUIRE(r.exit_code == 0);
    simdjson::dom::element doc4 = parser.parse(r.out);
    REQUIRE(doc4["problems"].get_array().size() == 1);
    const std::string_view problem = doc4["problems"].at(0).get_string().value();
    CHECK(e2e::contains(std::string(problem), "account key 2 repeats key 0"));
    CHECK(e2e::contains(std::string(problem), "AccountLoadedTwice"));
    CHECK(std::string_view(doc4["account_keys"].at(2)["pubkey"].get_string().value()) == to_base58(key.pubkey()));

    // From stdin.
    e2e::write_file(dir / "tx.b64", b64 + "\n");
    r = e2e::run({"/bin/sh", "-c", e2e::kSniperd + " tx decode - < " + dir / "tx.b64"}, dir / "d3");
    REQUIRE(r.exit_code == 0);
    CHECK(trim(r.out).front() == '{');
    CHECK(e2e::contains(r.out, "\"verified\":true"));
}

TEST_CASE("sniperd tx decode exits 2 on malformed input, naming the byte offset", "[solana][e2e]") {
    e2e::TempDir dir;
    auto b = reference_tx(key_from_label(0x5d));
    b[241] = 9; // an account index past the 4 keys
    auto r = e2e::run({e2e::kSniperd, "tx", "decode", base64_encode(b)}, dir / "m1");
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(e2e::contains(r.err, "byte 241"));
    CHECK(e2e::contains(r.err, "found 9"));

    b = reference_tx(key_from_label(0x5d));
    b.push_back(0);
    r = e2e::run({e2e::kSniperd, "tx", "decode", base64_encode(b)}, dir / "m2");
    CHECK(r.exit_code == 2);
    CHECK(e2e::contains(r.err, "byte 255"));
    CHECK(e2e::contains(r.err, "trailing"));

    r = e2e::run({e2e::kSniperd, "tx", "decode", "%%%not base64"}, dir / "m3");
    CHECK(r.exit_code == 2);
    CHECK(e2e::contains(r.err, "not base64"));
    CHECK(e2e::contains(r.err, "character 0 is 0x25"));
    std::string cut = base64_encode(b);
    cut.insert(100, "!");
    r = e2e::run({e2e::kSniperd, "tx", "decode", cut}, dir / "m4");
    CHECK(r.exit_code == 2);
    CHECK(e2e::contains(r.err, "character 100 is 0x21"));
}
