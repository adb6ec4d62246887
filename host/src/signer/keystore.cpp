#include "signer/keystore.hpp"

#include <sodium.h>

#include <cstring>

namespace sniper::signer {

std::unique_ptr<Keystore> Keystore::create(solana::SecretKey&& key, std::string& err) {
    solana::SecretKey local(std::move(key)); // wiped when this returns
    if (sodium_init() < 0) {
        err = "libsodium failed to initialize";
        return nullptr;
    }
    std::unique_ptr<Keystore> ks(new Keystore());
    ks->secret_ = static_cast<unsigned char*>(sodium_malloc(solana::SecretKey::kSize));
    if (ks->secret_ == nullptr) {
        err = "sodium_malloc failed: no guarded memory for the key";
        return nullptr;
    }
    // sodium_malloc already tries to lock the pages; lock explicitly so we
    // know (RLIMIT_MEMLOCK can refuse, and then the key could be swapped).
    ks->mlocked_ = sodium_mlock(ks->secret_, solana::SecretKey::kSize) == 0;
    std::memcpy(ks->secret_, local.data(), solana::SecretKey::kSize);
    ks->wallet_ = local.public_key();
    if (sodium_mprotect_noaccess(ks->secret_) != 0) {
        err = "sodium_mprotect_noaccess failed";
        return nullptr; // the destructor frees (and wipes) the region
    }
    return ks;
}

Keystore::~Keystore() {
    if (secret_ != nullptr) {
        sodium_mprotect_readwrite(secret_);
        if (mlocked_) {
            sodium_munlock(secret_, solana::SecretKey::kSize); // also zeroes
        }
        sodium_free(secret_); // zeroes before freeing
    }
}

solana::Signature Keystore::sign(const uint8_t* msg, size_t len) const {
    solana::Signature sig;
    sodium_mprotect_readonly(secret_);
    crypto_sign_ed25519_detached(sig.bytes.data(), nullptr, msg, len, secret_);
    sodium_mprotect_noaccess(secret_);
    return sig;
}

} // namespace sniper::signer
