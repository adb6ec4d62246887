// Shared helpers for the signer tests: a temp directory, key files, a
// launch description pointing at the built sniper-signer, and message
// builders over the codec.
#pragma once

#include "signer/signer_client.hpp"
#include "solana/instruction.hpp"
#include "solana/keypair.hpp"
#include "solana/message.hpp"
#include "solana/message_compile.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace signer_test {

class TempDir {
  public:
    TempDir() {
        char tmpl[] = "/tmp/sniper_signer_test_XXXXXX";
        if (::mkdtemp(tmpl) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::string signer_exe() { return std::string(SNIPER_BUILD_DIR) + "/sniper-signer"; }
inline std::string sniperd_exe() { return std::string(SNIPER_BUILD_DIR) + "/sniperd"; }

// A new key file in `dir` (mode 0600); returns its path.
inline std::string make_key_file(const TempDir& dir, const std::string& name, sniper::solana::Pubkey* wallet) {
    const std::string path = dir.file(name);
    sniper::solana::SecretKey k = sniper::solana::generate_keypair();
    const std::string err = sniper::solana::write_keypair_file(path, k);
    if (!err.empty()) {
        throw std::runtime_error(err);
    }
    if (wallet != nullptr) {
        *wallet = k.public_key();
    }
    return path;
}

inline sniper::signer::SignerLaunch launch_for(const TempDir& dir, const std::string& key_path) {
    sniper::signer::SignerLaunch l;
    l.executable = signer_exe();
    l.keypair_path = key_path;
    l.journal_path = dir.file("signer.sqlite");
    l.max_tx_lamports = 1'000'000'000;
    l.max_day_lamports = 3'000'000'000;
    l.max_resigns = 2;
    l.timeout_ms = 20'000;
    return l;
}

inline sniper::solana::Hash blockhash(uint8_t seed) {
    sniper::solana::Hash h;
    for (size_t i = 0; i < 32; ++i) {
        h.bytes[i] = static_cast<uint8_t>(seed * 31 + i + 1);
    }
    return h;
}

inline sniper::solana::Pubkey key_n(uint8_t n) {
    sniper::solana::Pubkey k;
    for (size_t i = 0; i < 32; ++i) {
        k.bytes[i] = static_cast<uint8_t>(n + i * 7 + 3);
    }
    return k;
}

inline std::vector<uint8_t> message_bytes(const sniper::solana::Pubkey& payer,
                                          const std::vector<sniper::solana::Instruction>& ixs,
                                          uint8_t hash_seed = 1,
                                          sniper::solana::MessageVersion v = sniper::solana::MessageVersion::Legacy) {
    auto m = sniper::solana::compile_message(payer, ixs, blockhash(hash_seed), v);
    if (!m) {
        throw std::runtime_error("compile: " + m.error().to_string());
    }
    auto b = sniper::solana::serialize_message(*m);
    if (!b) {
        throw std::runtime_error("serialize: " + b.error().to_string());
    }
    return *b;
}

inline sniper::signer::SignRequest request(uint64_t intent, std::vector<uint8_t> msg, uint64_t lvbh = 1000,
                                           uint64_t current = 900) {
    sniper::signer::SignRequest r;
    r.intent_id = intent;
    r.host_state = 1;
    r.last_valid_block_height = lvbh;
    r.current_block_height = current;
    r.message = std::move(msg);
    return r;
}

} // namespace signer_test
