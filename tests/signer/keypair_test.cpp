#include "signer_test_util.hpp"

#include "solana/base58.hpp"

#include <catch2/catch.hpp>

#include <sodium.h>

#include <fcntl.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>

using namespace sniper;
using signer_test::TempDir;

namespace {

void write_text(const std::string& path, const std::string& text, mode_t mode) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(fd);
    REQUIRE(::chmod(path.c_str(), mode) == 0);
}

// Runs a command, returns (exit code, stdout).
std::pair<int, std::string> run(const std::string& cmd) {
    std::FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    REQUIRE(p != nullptr);
    std::string out;
    char buf[512];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) {
        out.append(buf, n);
    }
    const int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

} // namespace

TEST_CASE("keypair file round trip in the Solana CLI format", "[signer][keypair]") {
    TempDir dir;
    const std::string path = dir.file("id.json");
    solana::SecretKey k = solana::generate_keypair();
    REQUIRE(solana::write_keypair_file(path, k).empty());

    struct stat st{};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    // Exactly what solana-keygen writes: "[n,n,...]", no spaces, no newline.
    const std::string text = signer_test::read_file(path);
    CHECK(text == solana::keypair_json(k));
    CHECK(text.front() == '[');
    CHECK(text.back() == ']');
    CHECK(text.find(' ') == std::string::npos);
    CHECK(text.find('\n') == std::string::npos);
    CHECK(std::count(text.begin(), text.end(), ',') == 63);

    const solana::KeyLoad back = solana::read_keypair_file(path);
    REQUIRE(back.ok());
    CHECK(std::equal(back.key->data(), back.key->data() + 64, k.data()));

    // A file as a person might format it (spaces, newline) reads the same.
    std::string spaced = "[ ";
    for (size_t i = 0; i < 64; ++i) {
        spaced += std::to_string(k.data()[i]) + (i < 63 ? ", " : " ]\n");
    }
    write_text(dir.file("spaced.json"), spaced, 0600);
    const solana::KeyLoad sp = solana::read_keypair_file(dir.file("spaced.json"));
    REQUIRE(sp.ok());
    CHECK(sp.key->public_key() == k.public_key());
}

TEST_CASE("keypair file: write refuses to overwrite", "[signer][keypair]") {
    TempDir dir;
    const std::string path = dir.file("id.json");
    write_text(path, "keep me", 0600);
    const std::string err = solana::write_keypair_file(path, solana::generate_keypair());
    CHECK(err.find("refusing to overwrite") != std::string::npos);
    CHECK(signer_test::read_file(path) == "keep me");
}

TEST_CASE("keypair file readable by group or others is refused with the chmod fix", "[signer][keypair]") {
    TempDir dir;
    const std::string path = signer_test::make_key_file(dir, "id.json", nullptr);
    for (const mode_t mode : {0644, 0640, 0604, 0620, 0660}) {
        REQUIRE(::chmod(path.c_str(), mode) == 0);
        const solana::KeyLoad k = solana::read_keypair_file(path);
        INFO("mode " << std::oct << mode);
        CHECK_FALSE(k.ok());
        CHECK(k.error.find("too open") != std::string::npos);
        CHECK(k.error.find("chmod 600 " + path) != std::string::npos);
    }
    REQUIRE(::chmod(path.c_str(), 0400) == 0);
    CHECK(solana::read_keypair_file(path).ok());
}

TEST_CASE("keypair file owned by another user is refused", "[signer][keypair]") {
    if (::geteuid() != 0) {
        WARN("not root: cannot chown the file to another user; owner check not exercised");
        return;
    }
    TempDir dir;
    const std::string path = signer_test::make_key_file(dir, "id.json", nullptr);
    REQUIRE(::chown(path.c_str(), 65534, 65534) == 0); // nobody
    const solana::KeyLoad k = solana::read_keypair_file(path);
    CHECK_FALSE(k.ok());
    CHECK(k.error.find("owned by uid 65534") != std::string::npos);
    CHECK(k.error.find("chmod 600") != std::string::npos);
}

TEST_CASE("keypair file whose public half does not match the seed is refused", "[signer][keypair]") {
    TempDir dir;
    solana::SecretKey k = solana::generate_keypair();
    k.data()[40] ^= 0x01; // corrupt the stored public key
    const std::string path = dir.file("bad.json");
    REQUIRE(solana::write_keypair_file(path, k).empty());
    const solana::KeyLoad r = solana::read_keypair_file(path);
    CHECK_FALSE(r.ok());
    CHECK(r.error.find("not the one derived from the seed") != std::string::npos);

    solana::SecretKey k2 = solana::generate_keypair();
    k2.data()[3] ^= 0x80; // corrupt the seed instead
    const std::string p2 = dir.file("bad2.json");
    REQUIRE(solana::write_keypair_file(p2, k2).empty());
    CHECK_FALSE(solana::read_keypair_file(p2).ok());
}

TEST_CASE("malformed keypair files are refused with the byte offset", "[signer][keypair]") {
    TempDir dir;
    std::string n63 = "[";
    for (int i = 0; i < 63; ++i) {
        n63 += std::to_string(i) + (i < 62 ? "," : "]");
    }
    std::string n65 = "[";
    for (int i = 0; i < 65; ++i) {
        n65 += std::to_string(i) + (i < 64 ? "," : "]");
    }
    std::string big = "[256";
    for (int i = 0; i < 63; ++i) {
        big += ",1";
    }
    big += "]";
    const std::vector<std::pair<std::string, std::string>> cases{
        {"", "expected '['"},
        {"{}", "expected '['"},
        {n63, "expected 64 numbers, found 63"},
        {n65, "more than 64 numbers"},
        {big, "out of range"},
        {"[1,-2]", "expected an integer"},
        {"[1.5]", "expected ',' or ']'"},
        {"[1,2] x", "unexpected text"},
    };
    int i = 0;
    for (const auto& [text, want] : cases) {
        const std::string path = dir.file("m" + std::to_string(i++) + ".json");
        write_text(path, text, 0600);
        const solana::KeyLoad k = solana::read_keypair_file(path);
        INFO(text);
        CHECK_FALSE(k.ok());
        CHECK(k.error.find(want) != std::string::npos);
    }
}

TEST_CASE("base58 secret from an environment variable", "[signer][keypair]") {
    solana::SecretKey k = solana::generate_keypair();
    std::string b58 = solana::base58_encode(k.data(), 64);
    REQUIRE(::setenv("SNIPER_TEST_KEYPAIR_B58", b58.c_str(), 1) == 0);
    const solana::KeyLoad r = solana::read_keypair_env("SNIPER_TEST_KEYPAIR_B58");
    REQUIRE(r.ok());
    CHECK(r.key->public_key() == k.public_key());
    CHECK(std::equal(r.key->data(), r.key->data() + 64, k.data()));

    // Leading/trailing whitespace (a pasted secret) is fine.
    CHECK(solana::keypair_from_base58("  " + b58 + "\n", "x").ok());
    // Not base58, wrong length, bad public half: refused, and the message
    // never repeats the value.
    const solana::KeyLoad bad = solana::keypair_from_base58(b58.substr(0, 40), "SNIPER_X");
    CHECK_FALSE(bad.ok());
    CHECK(bad.error.find(b58.substr(0, 40)) == std::string::npos);
    CHECK_FALSE(solana::keypair_from_base58(b58 + "0", "x").ok()); // '0' is not base58
    k.data()[63] ^= 1;
    CHECK_FALSE(solana::keypair_from_base58(solana::base58_encode(k.data(), 64), "x").ok());
    ::unsetenv("SNIPER_TEST_KEYPAIR_B58");
    CHECK(solana::read_keypair_env("SNIPER_TEST_KEYPAIR_B58").error.find("not set") != std::string::npos);
}

TEST_CASE("sniperd keygen then sniperd pubkey print the same address", "[signer][keypair]") {
    TempDir dir;
    const std::string path = dir.file("new.json");
    const auto [rc, out] = run(signer_test::sniperd_exe() + " keygen --out " + path);
    REQUIRE(rc == 0);
    REQUIRE(!out.empty());
    const std::string address = out.substr(0, out.find('\n'));
    CHECK(solana::pubkey_from_base58(address).has_value());
    struct stat st{};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    const auto [rc2, out2] = run(signer_test::sniperd_exe() + " pubkey --keypair " + path);
    CHECK(rc2 == 0);
    CHECK(out2 == address + "\n");
    // The file's own public half is that address.
    const solana::KeyLoad k = solana::read_keypair_file(path);
    REQUIRE(k.ok());
    CHECK(solana::to_base58(k.key->public_key()) == address);

    // keygen refuses to overwrite; pubkey refuses a too-open file.
    const auto [rc3, out3] = run(signer_test::sniperd_exe() + " keygen --out " + path);
    CHECK(rc3 == 1);
    CHECK(out3.find("refusing to overwrite") != std::string::npos);
    REQUIRE(::chmod(path.c_str(), 0640) == 0);
    const auto [rc4, out4] = run(signer_test::sniperd_exe() + " pubkey --keypair " + path);
    CHECK(rc4 == 1);
    CHECK(out4.find("chmod 600 " + path) != std::string::npos);
    const auto [rc5, out5] = run(signer_test::sniperd_exe() + " pubkey");
    CHECK(rc5 == 2);
}
