// solana/pda.hpp — program-derived addresses, as solana-program derives
// them: SHA-256 over the seeds, the program id and "ProgramDerivedAddress";
// the result is an address only when it is *off* the Ed25519 curve (see
// curve25519.hpp for what "on curve" means here and why libsodium's point
// check must not be used). At most 16 seeds of at most 32 bytes each;
// find_program_address appends a one-byte bump, trying 255 down to 1.
#pragma once

#include "solana/codec_error.hpp"
#include "solana/types.hpp"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>

namespace sniper::solana {

constexpr size_t kMaxSeeds = 16;
constexpr size_t kMaxSeedLen = 32;

using Seed = std::span<const uint8_t>;

inline Seed seed_of(const Pubkey& k) { return {k.bytes.data(), k.bytes.size()}; }

struct ProgramAddress {
    Pubkey address;
    uint8_t bump = 0;
};

// Errors: too many seeds, a seed over 32 bytes, or the hash lies on the
// curve ("invalid seeds" in Solana's words).
Result<Pubkey> create_program_address(std::span<const Seed> seeds, const Pubkey& program_id);

// Errors: more than 15 seeds (the bump is the 16th), a seed over 32 bytes,
// or no bump in 255..1 gives an off-curve address (practically never).
Result<ProgramAddress> find_program_address(std::span<const Seed> seeds, const Pubkey& program_id);

inline Result<ProgramAddress> find_program_address(std::initializer_list<Seed> seeds, const Pubkey& program_id) {
    return find_program_address(std::span<const Seed>(seeds.begin(), seeds.size()), program_id);
}

} // namespace sniper::solana
