#include "solana/compute_budget.hpp"

#include "solana/le_bytes.hpp"
#include "solana/program_ids.hpp"

namespace sniper::solana {

Instruction set_compute_unit_limit(uint32_t units) {
    Instruction ix;
    ix.program_id = kComputeBudgetProgram;
    ix.data.reserve(5);
    ix.data.push_back(kSetComputeUnitLimitTag);
    detail::put_le(ix.data, units, 4);
    return ix;
}

Instruction set_compute_unit_price(uint64_t micro_lamports_per_cu) {
    Instruction ix;
    ix.program_id = kComputeBudgetProgram;
    ix.data.reserve(9);
    ix.data.push_back(kSetComputeUnitPriceTag);
    detail::put_le(ix.data, micro_lamports_per_cu, 8);
    return ix;
}

std::optional<uint32_t> parse_set_compute_unit_limit(std::span<const uint8_t> data) {
    if (data.size() != 5 || data[0] != kSetComputeUnitLimitTag) {
        return std::nullopt;
    }
    return static_cast<uint32_t>(detail::get_le(data.data() + 1, 4));
}

std::optional<uint64_t> parse_set_compute_unit_price(std::span<const uint8_t> data) {
    if (data.size() != 9 || data[0] != kSetComputeUnitPriceTag) {
        return std::nullopt;
    }
    return detail::get_le(data.data() + 1, 8);
}

} // namespace sniper::solana
