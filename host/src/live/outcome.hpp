// live/outcome.hpp — an order's outcome read from its confirmed
// transaction: what the wallet paid and received, to the lamport and atom,
// from the transaction's own balance records (meta pre/post balances and
// token balances), never from the quote.
//
// BUY: in = lamports the wallet lost less the fee (the swap's input plus
//      the rent of a token account it created), out = atoms gained.
// SELL: in = atoms lost, out = lamports gained plus the fee.
// A failed transaction: FAILED with its error; the fee it paid is charged.
// The tip transaction of a Jito bundle adds its fee and its tip.
#pragma once

#include "exec/order.hpp"
#include "rpc/solana_types.hpp"

namespace sniper::live {

// Failure codes of live orders (docs/error-codes.md).
enum : int32_t {
    kLiveOnChainError = 2009,  // landed and failed: the program's error; fee charged
    kLiveRouteRefused = 2010,  // the route's quote or transaction was refused; nothing sent
    kLiveSignerRefused = 2011, // the signer refused to sign; nothing sent
    kLiveExpired = 2012,       // no attempt landed before its blockhash expired (and no re-sign was allowed)
    kLiveJournalFailed = 2013, // the attempt could not be journaled: nothing sent
    kLiveRouteUnsupported = 2014,
};

ExecReport outcome_from_tx(uint64_t intent_id, uint32_t side, const solana::Pubkey& wallet,
                           const solana::Pubkey& mint, const rpc::TransactionInfo& swap,
                           const rpc::TransactionInfo* tip_tx);

} // namespace sniper::live
