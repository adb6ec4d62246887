// signer/keystore.hpp — the wallet secret inside sniper-signer, in libsodium
// guarded memory: sodium_malloc (guard pages, canary), locked in RAM
// (sodium_mlock), and PROT_NONE (sodium_mprotect_noaccess) except for the
// few microseconds of each signature. Only the signer process creates one.
#pragma once

#include "solana/keypair.hpp"
#include "solana/types.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace sniper::signer {

class Keystore {
  public:
    // Moves the secret into guarded memory; `key` is wiped. nullptr (and
    // `err`) when guarded memory cannot be had.
    static std::unique_ptr<Keystore> create(solana::SecretKey&& key, std::string& err);
    ~Keystore();
    Keystore(const Keystore&) = delete;
    Keystore& operator=(const Keystore&) = delete;

    const solana::Pubkey& wallet() const { return wallet_; }
    solana::Signature sign(const uint8_t* msg, size_t len) const;
    bool locked_in_ram() const { return mlocked_; }

  private:
    Keystore() = default;
    unsigned char* secret_ = nullptr; // 64 bytes, sodium_malloc'd
    solana::Pubkey wallet_;
    bool mlocked_ = false;
};

} // namespace sniper::signer
