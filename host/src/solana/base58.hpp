// solana/base58.hpp — Base58 with the Bitcoin alphabet, as Solana uses for
// keys and signatures. Leading zero bytes map to leading '1's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sniper::solana {

std::string base58_encode(const uint8_t* data, size_t len);
// false on a character outside the alphabet.
bool base58_decode(std::string_view s, std::vector<uint8_t>& out);
// Decodes into exactly `len` bytes; false when malformed or of another length.
bool base58_decode_fixed(std::string_view s, uint8_t* out, size_t len);

} // namespace sniper::solana
