// signer/keystore.hpp — the wallet secret inside sniper-signer, in libsodium
// guarded memory: sodium_malloc (guard pages, canary), locked in RAM
// (sodium_mlock), and PROT_NONE (sodium_mprotect_noaccess) whenever the
// signer is idle. sign() makes the page read-only if it is not already and
// leaves it so; relock() puts it back to PROT_NONE. The signer's loop calls
// relock() once it has answered and no request came for kRelockIdleMs
// (main_signer.cpp), so a burst of requests pays neither mprotect, and the
// key is never readable while the signer waits for work. Only the signer
// process creates one.
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
    // Makes the key page read-only (if it was PROT_NONE) and signs. The page
    // stays read-only until relock().
    solana::Signature sign(const uint8_t* msg, size_t len) const;
    // Back to PROT_NONE. Returns false if mprotect failed (the key is then
    // still readable; the caller logs it and tries again later).
    bool relock() const;
    // True while the page is readable (between sign() and relock()).
    bool readable() const { return readable_; }
    bool locked_in_ram() const { return mlocked_; }

  private:
    Keystore() = default;
    unsigned char* secret_ = nullptr; // 64 bytes, sodium_malloc'd
    solana::Pubkey wallet_;
    bool mlocked_ = false;
    // Page protection is state of the guarded region, not of the key value:
    // sign() stays const for its callers.
    mutable bool readable_ = false;
};

} // namespace sniper::signer
