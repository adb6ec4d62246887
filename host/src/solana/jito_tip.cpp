#include "solana/jito_tip.hpp"

#include "solana/system_program.hpp"

namespace sniper::solana {

const std::array<Pubkey, 8> kJitoTipAccounts = {
    pubkey_lit("96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5"),
    pubkey_lit("HFqU5x63VTqvQss8hp11i4wVV8bD44PvwucfZ2bU7gRe"),
    pubkey_lit("Cw8CFyM9FkoMi7K7Crf6HNQqf4uEMzpKw6QNghXLvLkY"),
    pubkey_lit("ADaUMid9yfUytqMBgopwjb2DTLSokTSzL1zt6iGPaS49"),
    pubkey_lit("DfXygSm4jCyNCybVYYK6DwvWqjKee8pbDmJGcLWNDXjh"),
    pubkey_lit("ADuUkR4vqLUMWXxW9gh6D6L8pMSawimctcNZ5pGwDcEt"),
    pubkey_lit("DttWaMuVvTiduZRnguLF7jNxTgiMBZ1hyAumKUiL2KRL"),
    pubkey_lit("3AVi9Tg9Uo68tJfuvoKvqKNWKkC5wPdSSdeBnizKZ6jT"),
};

bool is_jito_tip_account(const Pubkey& k) {
    for (const Pubkey& t : kJitoTipAccounts) {
        if (t == k) {
            return true;
        }
    }
    return false;
}

Instruction jito_tip(const Pubkey& payer, uint64_t lamports, uint64_t pick) {
    return system_transfer(payer, kJitoTipAccounts[pick % kJitoTipAccounts.size()], lamports);
}

} // namespace sniper::solana
