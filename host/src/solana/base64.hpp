// solana/base64.hpp — standard base64 (RFC 4648 alphabet, '=' padding), the
// encoding RPC nodes take and return transactions in.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sniper::solana {

std::string base64_encode(std::span<const uint8_t> bytes);
// nullopt on a character outside the alphabet, a length that is not a
// multiple of 4, misplaced padding, or non-zero bits in the padding.
std::optional<std::vector<uint8_t>> base64_decode(std::string_view text);
// Why base64_decode refuses `text`, naming the character offset ("" when
// it decodes): for a person reading `sniperd tx decode`'s error.
std::string base64_problem(std::string_view text);

} // namespace sniper::solana
