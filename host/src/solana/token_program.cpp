#include "solana/token_program.hpp"

#include "solana/le_bytes.hpp"

namespace sniper::solana {

Instruction token_transfer_checked(const Pubkey& token_program, const Pubkey& source, const Pubkey& mint,
                                   const Pubkey& destination, const Pubkey& owner, uint64_t amount_atoms,
                                   uint8_t decimals) {
    Instruction ix;
    ix.program_id = token_program;
    ix.accounts = {AccountMeta::writable(source), AccountMeta::readonly(mint), AccountMeta::writable(destination),
                   AccountMeta::readonly(owner, true)};
    ix.data.reserve(10);
    ix.data.push_back(kTokenTransferCheckedTag);
    detail::put_le(ix.data, amount_atoms, 8);
    ix.data.push_back(decimals);
    return ix;
}

Instruction token_close_account(const Pubkey& token_program, const Pubkey& account, const Pubkey& destination,
                                const Pubkey& owner) {
    Instruction ix;
    ix.program_id = token_program;
    ix.accounts = {AccountMeta::writable(account), AccountMeta::writable(destination),
                   AccountMeta::readonly(owner, true)};
    ix.data = {kTokenCloseAccountTag};
    return ix;
}

Instruction token_sync_native(const Pubkey& token_program, const Pubkey& account) {
    Instruction ix;
    ix.program_id = token_program;
    ix.accounts = {AccountMeta::writable(account)};
    ix.data = {kTokenSyncNativeTag};
    return ix;
}

std::optional<TransferCheckedData> parse_token_transfer_checked(std::span<const uint8_t> data) {
    if (data.size() != 10 || data[0] != kTokenTransferCheckedTag) {
        return std::nullopt;
    }
    return TransferCheckedData{detail::get_le(data.data() + 1, 8), data[9]};
}

bool is_token_close_account(std::span<const uint8_t> data) {
    return data.size() == 1 && data[0] == kTokenCloseAccountTag;
}

bool is_token_sync_native(std::span<const uint8_t> data) {
    return data.size() == 1 && data[0] == kTokenSyncNativeTag;
}

} // namespace sniper::solana
