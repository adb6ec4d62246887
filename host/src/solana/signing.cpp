#include "solana/signing.hpp"

#include <sodium.h>

#include <cstdlib>

namespace sniper::solana {

namespace {
void ensure_sodium() {
    static const bool ok = sodium_init() >= 0;
    if (!ok) {
        std::abort(); // libsodium cannot work on this machine (no entropy source)
    }
}
} // namespace

SigningKey SigningKey::from_seed(std::span<const uint8_t, 32> seed) {
    ensure_sodium();
    SigningKey k;
    crypto_sign_seed_keypair(k.pubkey_.bytes.data(), k.secret_.data(), seed.data());
    return k;
}

SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }
SigningKey::SigningKey(const SigningKey&) = default;
SigningKey& SigningKey::operator=(const SigningKey&) = default;

Signature SigningKey::sign(const uint8_t* msg, size_t len) const {
    return sign_with_secret(secret_, msg, len);
}

Signature sign_with_secret(std::span<const uint8_t, 64> secret, const uint8_t* msg, size_t len) {
    ensure_sodium();
    Signature sig;
    crypto_sign_detached(sig.bytes.data(), nullptr, msg, len, secret.data());
    return sig;
}

bool verify_signature(const Pubkey& key, const Signature& sig, const uint8_t* msg, size_t len) {
    ensure_sodium();
    return crypto_sign_verify_detached(sig.bytes.data(), msg, len, key.bytes.data()) == 0;
}

} // namespace sniper::solana
