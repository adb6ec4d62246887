// live/pool_accounts.cpp — decodes and checks a watched pool's mint, token
// vault and SOL account. The order of checks is the order a reader would
// look: does the account exist, is it the kind of account we expect (its
// owner program), is it laid out as that kind, is it the configured mint's,
// and is the reserve positive.
#include "live/pool_accounts.hpp"

#include "core/solana_key.hpp"
#include "solana/program_ids.hpp"

#include <cstring>

namespace sniper::live {

namespace {

constexpr size_t kMintSize = 82;
constexpr size_t kTokenAccountSize = 165;

solana::Pubkey key_at(const std::vector<uint8_t>& data, size_t off) {
    solana::Pubkey out;
    std::memcpy(out.bytes.data(), data.data() + off, out.bytes.size());
    return out;
}

uint64_t u64_at(const std::vector<uint8_t>& data, size_t off) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i) {
        v |= static_cast<uint64_t>(data[off + i]) << (8 * i);
    }
    return v;
}

uint32_t u32_at(const std::vector<uint8_t>& data, size_t off) {
    return static_cast<uint32_t>(data[off]) | static_cast<uint32_t>(data[off + 1]) << 8 |
           static_cast<uint32_t>(data[off + 2]) << 16 | static_cast<uint32_t>(data[off + 3]) << 24;
}

PoolRead refuse(WatchReject r, std::string detail) {
    PoolRead out;
    out.reject = r;
    out.detail = std::move(detail);
    return out;
}

// A COption tag: 0 = none, 1 = some; nullopt for anything else.
std::optional<bool> option_tag(const std::vector<uint8_t>& data, size_t off) {
    const uint32_t tag = u32_at(data, off);
    if (tag > 1) {
        return std::nullopt;
    }
    return tag == 1;
}

// A token account owned by a token program, initialized, of `mint`.
// Returns its amount, or fills `out` with the refusal.
std::optional<uint64_t> token_amount(const std::optional<rpc::AccountInfo>& a, const char* what,
                                     const solana::Pubkey& mint, const solana::Pubkey* program,
                                     PoolRead& out) {
    if (!a) {
        out = refuse(WatchReject::AccountMissing, std::string(what) + ": no such account");
        return std::nullopt;
    }
    if (!solana::is_token_program(a->owner) || (program != nullptr && a->owner != *program)) {
        out = refuse(WatchReject::WrongOwner,
                     std::string(what) + ": expected an account of the token program " +
                         solana::to_base58(program != nullptr ? *program : solana::kTokenProgram) +
                         ", found owner " + solana::to_base58(a->owner));
        return std::nullopt;
    }
    if (a->data.size() < kTokenAccountSize) {
        out =
            refuse(WatchReject::BadLayout,
                   std::string(what) + ": expected a token account of at least 165 bytes, found " +
                       std::to_string(a->data.size()));
        return std::nullopt;
    }
    const uint8_t state = a->data[108];
    if (state != 1 && state != 2) {
        out = refuse(WatchReject::BadLayout,
                     std::string(what) +
                         ": expected an initialized token account (state 1 or 2), found state " +
                         std::to_string(state));
        return std::nullopt;
    }
    const solana::Pubkey found = key_at(a->data, 0);
    if (found != mint) {
        out = refuse(WatchReject::MintMismatch,
                     std::string(what) + ": expected a token account of mint " +
                         solana::to_base58(mint) + ", found mint " + solana::to_base58(found));
        return std::nullopt;
    }
    const uint64_t amount = u64_at(a->data, 64);
    if (amount == 0) {
        out = refuse(WatchReject::ZeroReserve, std::string(what) + ": reserve is 0");
        return std::nullopt;
    }
    return amount;
}

} // namespace

const char* watch_reject_name(WatchReject r) {
    switch (r) {
    case WatchReject::AccountMissing:
        return "account_missing";
    case WatchReject::WrongOwner:
        return "wrong_owner";
    case WatchReject::BadLayout:
        return "bad_layout";
    case WatchReject::MintMismatch:
        return "mint_mismatch";
    case WatchReject::DecimalsMismatch:
        return "decimals_mismatch";
    case WatchReject::ZeroReserve:
        return "zero_reserve";
    case WatchReject::SlotRegressed:
        return "slot_regressed";
    case WatchReject::Malformed:
        return "malformed";
    case WatchReject::Invalid:
    case WatchReject::Count:
        break;
    }
    return "invalid";
}

PoolRead read_pool_accounts(const WatchPoolConfig& pool,
                            const std::optional<rpc::AccountInfo>& mint,
                            const std::optional<rpc::AccountInfo>& token_vault,
                            const std::optional<rpc::AccountInfo>& sol_account) {
    PoolRead out;
    // The mint: decimals, supply and authorities for NEW_POOL.
    if (!mint) {
        return refuse(WatchReject::AccountMissing, "mint: no such account");
    }
    if (!solana::is_token_program(mint->owner)) {
        return refuse(WatchReject::WrongOwner,
                      "mint: expected an account of a token program, found owner " +
                          solana::to_base58(mint->owner));
    }
    if (mint->data.size() < kMintSize) {
        return refuse(WatchReject::BadLayout, "mint: expected a mint of at least 82 bytes, found " +
                                                  std::to_string(mint->data.size()));
    }
    const auto mint_auth = option_tag(mint->data, 0);
    const auto freeze_auth = option_tag(mint->data, 46);
    if (!mint_auth || !freeze_auth || mint->data[45] != 1) {
        return refuse(WatchReject::BadLayout,
                      "mint: expected an initialized mint (option tags 0 or 1, "
                      "is_initialized 1), found another layout");
    }
    PoolReserves& r = out.reserves;
    r.token_supply_atoms = u64_at(mint->data, 36);
    r.decimals = mint->data[44];
    r.flags = (*mint_auth ? SNP_POOL_MINT_AUTHORITY_PRESENT : 0u) |
              (*freeze_auth ? SNP_POOL_FREEZE_AUTHORITY_PRESENT : 0u);
    if (pool.decimals && *pool.decimals != r.decimals) {
        return refuse(WatchReject::DecimalsMismatch,
                      "mint: expected " + std::to_string(*pool.decimals) +
                          " decimals (configured), found " + std::to_string(r.decimals));
    }

    // The token reserve: a token account of the configured mint, under the
    // mint's own program (a Token-2022 mint has Token-2022 accounts).
    const auto base =
        token_amount(token_vault, "token_vault", to_solana(pool.mint), &mint->owner, out);
    if (!base) {
        return out;
    }
    r.base_reserve_atoms = *base;

    // The SOL reserve.
    if (pool.sol_kind == WatchSolKind::Token) {
        const auto quote = token_amount(sol_account, "sol_account", solana::kWrappedSolMint,
                                        &solana::kTokenProgram, out);
        if (!quote) {
            return out;
        }
        r.quote_reserve_lamports = *quote;
        return out;
    }
    if (!sol_account) {
        return refuse(WatchReject::AccountMissing, "sol_account: no such account");
    }
    if (sol_account->owner != solana::kSystemProgram) {
        return refuse(WatchReject::WrongOwner,
                      "sol_account: expected a system account (sol_kind = \"lamports\"), "
                      "found owner " +
                          solana::to_base58(sol_account->owner));
    }
    if (!sol_account->data.empty()) {
        return refuse(WatchReject::BadLayout,
                      "sol_account: expected a system account without data, found " +
                          std::to_string(sol_account->data.size()) + " bytes");
    }
    if (sol_account->lamports <= kRentExemptEmptyAccountLamports) {
        return refuse(WatchReject::ZeroReserve,
                      "sol_account: expected more than the rent-exempt 890880 lamports, found " +
                          std::to_string(sol_account->lamports));
    }
    r.quote_reserve_lamports = sol_account->lamports - kRentExemptEmptyAccountLamports;
    return out;
}

} // namespace sniper::live
