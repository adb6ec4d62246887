// live/jupiter.cpp — Jupiter's quote and swap payloads (see jupiter.hpp).
#include "live/jupiter.hpp"

#include "rpc/json_read.hpp"
#include "solana/base64.hpp"

namespace sniper::live {

namespace json = rpc::json;

std::string quote_url(const std::string& base, const QuoteRequest& q) {
    return base + "/quote?inputMint=" + solana::to_base58(q.input_mint) +
           "&outputMint=" + solana::to_base58(q.output_mint) + "&amount=" + std::to_string(q.amount) +
           "&slippageBps=" + std::to_string(q.slippage_bps) + "&swapMode=ExactIn";
}

std::string swap_url(const std::string& base) { return base + "/swap"; }

namespace {

std::optional<std::string> mint_field(json::object o, std::string_view key, const solana::Pubkey& want) {
    std::string_view s;
    if (auto e = json::str_field(o, "quote", key, s)) {
        return e;
    }
    const auto k = solana::pubkey_from_base58(s);
    if (!k) {
        return "quote." + std::string(key) + ": expected a base58 public key, found \"" + json::snippet(s) + "\"";
    }
    if (*k != want) {
        return "quote." + std::string(key) + ": expected " + solana::to_base58(want) + " (asked), found " +
               std::string(s);
    }
    return std::nullopt;
}

std::optional<std::string> u64_string_field(json::object o, std::string_view key, uint64_t& out) {
    json::element e;
    if (auto err = json::field(o, "quote", key, e)) {
        return err;
    }
    return json::as_u64_string(e, json::join("quote", key), out);
}

} // namespace

std::optional<Quote> parse_quote(std::string_view body, const QuoteRequest& asked, std::string& err) {
    simdjson::dom::parser parser;
    json::element root;
    json::object o;
    if (auto e = json::parse(parser, body, root)) {
        err = "quote: " + *e;
        return std::nullopt;
    }
    if (auto e = json::as_object(root, "quote", o)) {
        err = *e;
        return std::nullopt;
    }
    Quote q;
    if (auto e = mint_field(o, "inputMint", asked.input_mint)) {
        err = *e;
        return std::nullopt;
    }
    if (auto e = mint_field(o, "outputMint", asked.output_mint)) {
        err = *e;
        return std::nullopt;
    }
    for (auto [key, field] : {std::pair<std::string_view, uint64_t*>{"inAmount", &q.in_amount},
                              {"outAmount", &q.out_amount},
                              {"otherAmountThreshold", &q.other_amount_threshold}}) {
        if (auto e = u64_string_field(o, key, *field)) {
            err = *e;
            return std::nullopt;
        }
    }
    if (q.in_amount != asked.amount) {
        err = "quote.inAmount: expected " + std::to_string(asked.amount) + " (asked), found " +
              std::to_string(q.in_amount);
        return std::nullopt;
    }
    std::string_view mode;
    if (!json::str_field(o, "quote", "swapMode", mode) && mode != "ExactIn") {
        err = "quote.swapMode: expected \"ExactIn\", found \"" + json::snippet(mode) + "\"";
        return std::nullopt;
    }
    if (q.out_amount == 0 || q.other_amount_threshold > q.out_amount) {
        err = "quote: expected 0 < otherAmountThreshold <= outAmount, found outAmount " +
              std::to_string(q.out_amount) + " and otherAmountThreshold " + std::to_string(q.other_amount_threshold);
        return std::nullopt;
    }
    q.raw = std::string(body);
    return q;
}

void raise_threshold(Quote& q, uint64_t min_out) {
    if (min_out <= q.other_amount_threshold) {
        return;
    }
    const std::string key = "\"otherAmountThreshold\":\"" + std::to_string(q.other_amount_threshold) + "\"";
    const size_t at = q.raw.find(key);
    if (at == std::string::npos) {
        return; // spaced differently: parse_quote read it, so keep the quote's own
    }
    q.raw.replace(at, key.size(), "\"otherAmountThreshold\":\"" + std::to_string(min_out) + "\"");
    q.other_amount_threshold = min_out;
}

std::string swap_body(const Quote& q, const solana::Pubkey& user, uint64_t priority_fee_lamports) {
    return "{\"quoteResponse\":" + q.raw + ",\"userPublicKey\":\"" + solana::to_base58(user) +
           "\",\"wrapAndUnwrapSol\":true,\"dynamicComputeUnitLimit\":false,\"prioritizationFeeLamports\":" +
           std::to_string(priority_fee_lamports) + "}";
}

std::optional<SwapAnswer> parse_swap(std::string_view body, std::string& err) {
    simdjson::dom::parser parser;
    json::element root;
    json::object o;
    if (auto e = json::parse(parser, body, root)) {
        err = "swap: " + *e;
        return std::nullopt;
    }
    if (auto e = json::as_object(root, "swap", o)) {
        err = *e;
        return std::nullopt;
    }
    std::string_view b64;
    if (auto e = json::str_field(o, "swap", "swapTransaction", b64)) {
        err = *e;
        return std::nullopt;
    }
    SwapAnswer a;
    auto bytes = solana::base64_decode(b64);
    if (!bytes) {
        err = "swap.swapTransaction: expected base64, found \"" + json::snippet(b64) + "\"";
        return std::nullopt;
    }
    a.tx = std::move(*bytes);
    if (auto e = json::u64_field(o, "swap", "lastValidBlockHeight", a.last_valid_block_height)) {
        err = *e;
        return std::nullopt;
    }
    if (a.last_valid_block_height == 0) {
        err = "swap.lastValidBlockHeight: expected a block height, found 0";
        return std::nullopt;
    }
    return a;
}

std::string error_text(std::string_view body) {
    simdjson::dom::parser parser;
    json::element root;
    json::object o;
    std::string_view s;
    if (!json::parse(parser, body, root) && !json::as_object(root, "", o) && !json::str_field(o, "", "error", s)) {
        return json::snippet(s, 200);
    }
    return json::snippet(body, 200);
}

} // namespace sniper::live
