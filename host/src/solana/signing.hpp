// solana/signing.hpp — Ed25519 as Solana uses it, on libsodium: a signing
// key from a 32-byte seed (the first half of a Solana CLI keypair file),
// detached signatures over message bytes, and verification.
//
// SigningKey keeps the 64-byte libsodium secret (seed || public key) in
// ordinary memory and wipes it when destroyed; the signer process keeps
// its key in guarded memory instead and signs through sign_with_secret().
#pragma once

#include "solana/types.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace sniper::solana {

class SigningKey {
  public:
    // Derives the key pair from `seed` (crypto_sign_seed_keypair).
    static SigningKey from_seed(std::span<const uint8_t, 32> seed);
    ~SigningKey();
    SigningKey(const SigningKey&);
    SigningKey& operator=(const SigningKey&);

    const Pubkey& pubkey() const { return pubkey_; }
    Signature sign(const uint8_t* msg, size_t len) const;
    Signature sign(std::span<const uint8_t> msg) const { return sign(msg.data(), msg.size()); }
    // The 64-byte secret (seed || public key); handle with care.
    std::span<const uint8_t, 64> secret() const { return secret_; }

  private:
    SigningKey() = default;
    Pubkey pubkey_;
    std::array<uint8_t, 64> secret_{};
};

// Signs with a 64-byte libsodium secret key held by the caller.
Signature sign_with_secret(std::span<const uint8_t, 64> secret, const uint8_t* msg, size_t len);

// True when `sig` is `key`'s Ed25519 signature of msg[0..len).
bool verify_signature(const Pubkey& key, const Signature& sig, const uint8_t* msg, size_t len);

} // namespace sniper::solana
