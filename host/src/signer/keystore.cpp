#include "signer/keystore.hpp"

#include <sodium.h>

#include <cstdlib>
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

// Why the page is not put back to PROT_NONE inside sign(): taking access
// away from a page that was just read costs a TLB shootdown, and that is
// the expensive half (about 43 us of the 45 us the two calls cost on the
// benchmark VM, versus 2 us to grant read access; Ed25519 itself is 15 us).
// Doing it after the answer is sent and the signer is idle keeps the key
// unreadable whenever nothing is being signed, off the critical path.
solana::Signature Keystore::sign(const uint8_t* msg, size_t len) const {
    solana::Signature sig;
    if (!readable_) {
        if (sodium_mprotect_readonly(secret_) != 0) {
            std::abort(); // the key cannot be read: a broken invariant, not a refusal
        }
        readable_ = true;
    }
    crypto_sign_ed25519_detached(sig.bytes.data(), nullptr, msg, len, secret_);
    return sig;
}

bool Keystore::relock() const {
    if (!readable_) {
        return true;
    }
    if (sodium_mprotect_noaccess(secret_) != 0) {
        return false;
    }
    readable_ = false;
    return true;
}

} // namespace sniper::signer
