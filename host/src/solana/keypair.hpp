// solana/keypair.hpp — wallet keys in the Solana CLI formats. A keypair file
// is a JSON array of exactly 64 integers 0..255: the 32-byte Ed25519 seed,
// then the 32-byte public key (what `solana-keygen new` writes, `[1,2,...]`,
// no spaces, no newline). The same 64 bytes in base58 are the "secret key"
// string wallets export, accepted from an environment variable.
//
// Every loader checks that the stored public half equals the one derived
// from the seed, and a key file must be a regular file owned by the current
// user with no group/other permission bits (as OpenSSH insists). The secret
// is returned in a SecretKey, a small buffer that wipes itself; the signer
// copies it into guarded memory and drops this one at once. Only
// sniper-signer and the `keygen` / `pubkey` commands use this file: sniperd
// itself never loads a key.
#pragma once

#include "solana/types.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sniper::solana {

// 64 bytes: seed (32) then public key (32). Wiped (sodium_memzero) on
// destruction and when moved from. Not copyable.
class SecretKey {
  public:
    static constexpr size_t kSize = 64;
    SecretKey() = default;
    ~SecretKey();
    SecretKey(const SecretKey&) = delete;
    SecretKey& operator=(const SecretKey&) = delete;
    SecretKey(SecretKey&& other) noexcept;
    SecretKey& operator=(SecretKey&& other) noexcept;

    uint8_t* data() { return bytes_.data(); }
    const uint8_t* data() const { return bytes_.data(); }
    const uint8_t* seed() const { return bytes_.data(); }
    Pubkey public_key() const;

  private:
    std::array<uint8_t, kSize> bytes_{};
};

// A key, or why there is none (the message names the path or variable,
// what was expected and what was found; it never contains key material).
struct KeyLoad {
    std::optional<SecretKey> key;
    std::string error;
    bool ok() const { return key.has_value(); }
};

// Reads a Solana CLI keypair file. Refuses a file that is not a regular
// file, not owned by the current user, or readable/writable/executable by
// group or others (the message carries the `chmod 600 PATH` fix).
KeyLoad read_keypair_file(const std::string& path);

// Parses the 64-byte secret from base58 text (surrounding whitespace is
// ignored). `what` names the source in errors, e.g. "SNIPER_WALLET_KEY".
KeyLoad keypair_from_base58(std::string_view text, std::string_view what);

// Reads the base58 secret from environment variable `name`.
KeyLoad read_keypair_env(const std::string& name);

// A fresh keypair from libsodium's CSPRNG.
SecretKey generate_keypair();

// Writes `key` to a new file in the Solana CLI format, mode 0600. Refuses
// to overwrite an existing path (O_EXCL) or follow a symlink. Returns an
// empty string on success, else the reason.
std::string write_keypair_file(const std::string& path, const SecretKey& key);

// The Solana CLI text of a key: "[n,n,...]" (what write_keypair_file
// writes). The caller owns the result and should wipe it.
std::string keypair_json(const SecretKey& key);

} // namespace sniper::solana
