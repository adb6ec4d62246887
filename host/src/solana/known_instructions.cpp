#include "solana/known_instructions.hpp"

#include "solana/associated_token.hpp"
#include "solana/compute_budget.hpp"
#include "solana/program_ids.hpp"
#include "solana/system_program.hpp"
#include "solana/token_program.hpp"

#include <initializer_list>

namespace sniper::solana {

std::optional<Pubkey> static_key(const Message& m, uint8_t index) {
    if (index < m.account_keys.size()) {
        return m.account_keys[index];
    }
    return std::nullopt;
}

namespace {

DecodedField number(std::string name, uint64_t v) { return DecodedField{std::move(name), true, v, {}}; }

// Names the instruction's accounts in order; false when it has fewer.
bool name_accounts(const Message& m, const CompiledInstruction& ix, std::initializer_list<const char*> names,
                   DecodedInstruction& out) {
    if (ix.accounts.size() < names.size()) {
        return false;
    }
    size_t i = 0;
    for (const char* n : names) {
        const auto k = static_key(m, ix.accounts[i++]);
        out.fields.push_back(DecodedField{n, false, 0, k ? to_base58(*k) : std::string()});
    }
    return true;
}

} // namespace

std::optional<DecodedInstruction> decode_known_instruction(const Message& m, const CompiledInstruction& ix) {
    const auto program = static_key(m, ix.program_id_index);
    if (!program) {
        return std::nullopt;
    }
    const std::span<const uint8_t> data(ix.data);
    DecodedInstruction d;
    if (*program == kSystemProgram) {
        d.program = "system";
        if (auto lamports = parse_system_transfer(data)) {
            d.type = "transfer";
            if (!name_accounts(m, ix, {"from", "to"}, d)) {
                return std::nullopt;
            }
            d.fields.push_back(number("lamports", *lamports));
            return d;
        }
        return std::nullopt;
    }
    if (*program == kComputeBudgetProgram) {
        d.program = "compute_budget";
        if (auto units = parse_set_compute_unit_limit(data)) {
            d.type = "set_compute_unit_limit";
            d.fields.push_back(number("units", *units));
            return d;
        }
        if (auto price = parse_set_compute_unit_price(data)) {
            d.type = "set_compute_unit_price";
            d.fields.push_back(number("micro_lamports_per_cu", *price));
            return d;
        }
        return std::nullopt;
    }
    if (is_token_program(*program)) {
        d.program = *program == kTokenProgram ? "token" : "token_2022";
        if (auto t = parse_token_transfer_checked(data)) {
            d.type = "transfer_checked";
            if (!name_accounts(m, ix, {"source", "mint", "destination", "owner"}, d)) {
                return std::nullopt;
            }
            d.fields.push_back(number("amount", t->amount_atoms));
            d.fields.push_back(number("decimals", t->decimals));
            return d;
        }
        if (is_token_close_account(data)) {
            d.type = "close_account";
            return name_accounts(m, ix, {"account", "destination", "owner"}, d) ? std::optional(d) : std::nullopt;
        }
        if (is_token_sync_native(data)) {
            d.type = "sync_native";
            return name_accounts(m, ix, {"account"}, d) ? std::optional(d) : std::nullopt;
        }
        return std::nullopt;
    }
    if (*program == kAssociatedTokenProgram) {
        d.program = "associated_token";
        if (is_ata_create(data)) {
            d.type = "create";
        } else if (is_ata_create_idempotent(data)) {
            d.type = "create_idempotent";
        } else {
            return std::nullopt;
        }
        const bool ok = name_accounts(
            m, ix, {"payer", "associated_account", "owner", "mint", "system_program", "token_program"}, d);
        return ok ? std::optional(d) : std::nullopt;
    }
    return std::nullopt;
}

} // namespace sniper::solana
