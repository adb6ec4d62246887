// live/jupiter.hpp — the Jupiter swap API as the live executor speaks it:
// the GET /quote URL, the quote read back strictly (mints, amounts as exact
// u64 decimal strings, the quote echoing what was asked), the POST /swap
// body, and the swap answer (a base64 transaction and the
// lastValidBlockHeight of its blockhash). Pure functions: no I/O here.
//
// Reference: Jupiter's v6 Swap API (quote-api.jup.ag/v6): amounts are
// decimal strings, `quoteResponse` is passed back to /swap unchanged, the
// transaction's first signature slot (the user, fee payer) is left empty.
#pragma once

#include "solana/types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sniper::live {

struct QuoteRequest {
    solana::Pubkey input_mint;
    solana::Pubkey output_mint;
    uint64_t amount = 0; // atoms of input_mint (lamports for SOL)
    uint32_t slippage_bps = 0;
};

struct Quote {
    std::string raw; // the answer as received, passed back to /swap
    uint64_t in_amount = 0;
    uint64_t out_amount = 0;
    uint64_t other_amount_threshold = 0; // the least the swap may pay out
};

struct SwapAnswer {
    std::vector<uint8_t> tx; // the unsigned-by-us transaction
    uint64_t last_valid_block_height = 0;
};

// `base` is e.g. "https://quote-api.jup.ag/v6" (no trailing slash).
std::string quote_url(const std::string& base, const QuoteRequest& q);
std::string swap_url(const std::string& base);

// Reads a /quote answer (HTTP 200 body). nullopt and `err` ("where:
// expected …, found …") when it is malformed or does not answer `asked`
// (other mints, another input amount, ExactOut).
std::optional<Quote> parse_quote(std::string_view body, const QuoteRequest& asked, std::string& err);

// Raises the quote's otherAmountThreshold (the swap's on-chain minimum) to
// `min_out` when it is lower, in the raw answer passed back to /swap too.
void raise_threshold(Quote& q, uint64_t min_out);

// The /swap request body: the quote, the user, SOL wrapped and unwrapped,
// and the priority fee as a lamport amount.
std::string swap_body(const Quote& q, const solana::Pubkey& user, uint64_t priority_fee_lamports);

// Reads a /swap answer (HTTP 200 body).
std::optional<SwapAnswer> parse_swap(std::string_view body, std::string& err);

// The reason in an error answer ({"error": "...", "errorCode": "..."}), or
// the body cut short when it has none.
std::string error_text(std::string_view body);

} // namespace sniper::live
