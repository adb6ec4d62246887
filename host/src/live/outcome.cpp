// live/outcome.cpp — amounts of a confirmed transaction (see outcome.hpp).
#include "live/outcome.hpp"

#include "sniper/strategy_abi.h"

namespace sniper::live {

ExecReport outcome_from_tx(uint64_t intent_id, uint32_t side, const solana::Pubkey& wallet,
                           const solana::Pubkey& mint, const rpc::TransactionInfo& swap,
                           const rpc::TransactionInfo* tip_tx) {
    ExecReport r;
    r.intent_id = intent_id;
    r.slot = swap.slot;
    if (!swap.signatures.empty()) {
        r.signature = swap.signatures[0].bytes;
    }
    r.fee_lamports = swap.fee;
    if (tip_tx != nullptr) {
        // The tip transaction pays its own fee and the tip: both left the wallet.
        r.fee_lamports += tip_tx->fee;
        if (auto b = tip_tx->sol_balance(wallet)) {
            const uint64_t lost = b->lost();
            r.tip_lamports = lost > tip_tx->fee ? lost - tip_tx->fee : 0;
        }
    }
    if (swap.err_json) {
        r.status = SNP_ORDER_FAILED;
        r.code = kLiveOnChainError;
        r.reason = "failed on chain: " + *swap.err_json;
        return r;
    }
    const auto sol = swap.sol_balance(wallet);
    const rpc::BalanceChange tok = swap.token_balance(wallet, mint);
    if (!sol) {
        r.status = SNP_ORDER_FAILED;
        r.code = kLiveOnChainError;
        r.reason = "landed, but the wallet is not among the transaction's accounts";
        return r;
    }
    r.status = SNP_ORDER_FILLED;
    if (side == SNP_SIDE_BUY) {
        const uint64_t lost = sol->lost();
        r.in_amount = lost > swap.fee ? lost - swap.fee : 0;
        r.out_amount = tok.gained();
    } else {
        r.in_amount = tok.lost();
        // post - pre + fee, never below zero.
        const __int128 got = static_cast<__int128>(sol->post) - sol->pre + swap.fee;
        r.out_amount = got > 0 ? static_cast<uint64_t>(got) : 0;
    }
    if ((side == SNP_SIDE_BUY && r.out_amount == 0) || (side != SNP_SIDE_BUY && r.in_amount == 0)) {
        // Not a fill; whatever SOL left the wallet is charged, so the
        // ledger's balance still equals the chain's.
        r.status = SNP_ORDER_FAILED;
        r.code = kLiveOnChainError;
        r.reason = "landed without moving the wallet's tokens of " + solana::to_base58(mint);
        r.fee_lamports = sol->lost() > r.fee_lamports ? sol->lost() : r.fee_lamports;
        r.in_amount = 0;
        r.out_amount = 0;
    }
    return r;
}

} // namespace sniper::live
