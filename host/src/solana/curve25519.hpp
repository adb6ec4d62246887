// solana/curve25519.hpp — the one Edwards-curve question the host asks:
// do these 32 bytes decompress to an Ed25519 point? That is Solana's
// "on curve" test for program-derived addresses (curve25519-dalek's
// CompressedEdwardsY::decompress().is_some()): y is the low 255 bits,
// reduced mod p (a non-canonical y ≥ p is accepted), and the bytes are a
// point when (y² − 1)/(d·y² + 1) is a square mod p = 2^255 − 19. The sign
// bit is not checked (x = 0 with the sign bit set still decompresses).
// No subgroup or small-order check: libsodium's
// crypto_core_ed25519_is_valid_point has those and disagrees with Solana.
#pragma once

#include <cstdint>
#include <span>

namespace sniper::solana {

bool is_on_curve(std::span<const uint8_t, 32> bytes);

} // namespace sniper::solana
