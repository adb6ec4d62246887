#include "solana/system_program.hpp"

#include "solana/le_bytes.hpp"
#include "solana/program_ids.hpp"

namespace sniper::solana {

Instruction system_transfer(const Pubkey& from, const Pubkey& to, uint64_t lamports) {
    Instruction ix;
    ix.program_id = kSystemProgram;
    ix.accounts = {AccountMeta::writable(from, true), AccountMeta::writable(to)};
    ix.data.reserve(12);
    detail::put_le(ix.data, kSystemTransferTag, 4);
    detail::put_le(ix.data, lamports, 8);
    return ix;
}

std::optional<uint64_t> parse_system_transfer(std::span<const uint8_t> data) {
    if (data.size() != 12 || detail::get_le(data.data(), 4) != kSystemTransferTag) {
        return std::nullopt;
    }
    return detail::get_le(data.data() + 4, 8);
}

} // namespace sniper::solana
