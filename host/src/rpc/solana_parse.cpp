// rpc/solana_parse.cpp — the strict readers of each method's result
// (params and helpers: solana_params.cpp). Paths in errors start at
// "result".
#include "rpc/solana_parse.hpp"

#include "core/json.hpp"
#include "rpc/json_read.hpp"
#include "solana/base64.hpp"

#include <algorithm>

#define RPC_TRY(expr)                                                                              \
    do {                                                                                           \
        if (auto rpc_try_err_ = (expr)) {                                                          \
            return rpc_try_err_;                                                                   \
        }                                                                                          \
    } while (0)

namespace sniper::rpc {

using json::element;
using json::object;

// ---- parsers ------------------------------------------------------------

namespace {

simdjson::dom::parser& parser() {
    thread_local simdjson::dom::parser p;
    return p;
}

ParseError root(std::string_view text, element& out) {
    if (auto e = json::parse(parser(), text, out)) {
        return "result: " + *e;
    }
    return std::nullopt;
}

// {"context":{"slot":N,...},"value":V}
ParseError context_value(element r, uint64_t& slot, element& value) {
    object o, ctx;
    element c;
    RPC_TRY(json::as_object(r, "result", o));
    RPC_TRY(json::field(o, "result", "context", c));
    RPC_TRY(json::as_object(c, "result.context", ctx));
    RPC_TRY(json::u64_field(ctx, "result.context", "slot", slot));
    RPC_TRY(json::field(o, "result", "value", value));
    return std::nullopt;
}

ParseError base58_sig(element e, std::string_view path, solana::Signature& out) {
    std::string_view s;
    RPC_TRY(json::as_str(e, path, s));
    auto sig = solana::signature_from_base58(s);
    if (!sig) {
        return std::string(path) + ": expected a base58 signature of 64 bytes, found \"" +
               json::snippet(s, 100) + "\"";
    }
    out = *sig;
    return std::nullopt;
}

ParseError base58_key(element e, std::string_view path, solana::Pubkey& out) {
    std::string_view s;
    RPC_TRY(json::as_str(e, path, s));
    auto k = solana::pubkey_from_base58(s);
    if (!k) {
        return std::string(path) + ": expected a base58 public key of 32 bytes, found \"" +
               json::snippet(s, 60) + "\"";
    }
    out = *k;
    return std::nullopt;
}

// null -> nullopt; anything else -> its JSON text.
std::optional<std::string> err_text(element e) {
    if (e.is_null()) {
        return std::nullopt;
    }
    return json::text(e);
}

ParseError u64_array(element e, std::string_view path, std::vector<uint64_t>& out) {
    simdjson::dom::array a;
    RPC_TRY(json::as_array(e, path, a));
    out.clear();
    size_t i = 0;
    for (element x : a) {
        uint64_t v = 0;
        RPC_TRY(json::as_u64(x, json::index(path, i), v));
        out.push_back(v);
        ++i;
    }
    return std::nullopt;
}

ParseError u8_field(object o, std::string_view path, std::string_view key, uint8_t& out) {
    uint64_t v = 0;
    RPC_TRY(json::u64_field(o, path, key, v));
    if (v > 255) {
        return json::join(path, key) + ": expected 0..255, found " + std::to_string(v);
    }
    out = static_cast<uint8_t>(v);
    return std::nullopt;
}

ParseError token_balances(element e, std::string_view path, std::vector<TokenBalanceEntry>& out) {
    out.clear();
    if (e.is_null()) {
        return std::nullopt; // absent before token balances were recorded
    }
    simdjson::dom::array a;
    RPC_TRY(json::as_array(e, path, a));
    size_t i = 0;
    for (element x : a) {
        const std::string p = json::index(path, i++);
        object o, ui;
        element el;
        TokenBalanceEntry t;
        uint64_t idx = 0;
        RPC_TRY(json::as_object(x, p, o));
        RPC_TRY(json::u64_field(o, p, "accountIndex", idx));
        if (idx > 255) {
            return p + ".accountIndex: expected 0..255, found " + std::to_string(idx);
        }
        t.account_index = static_cast<uint32_t>(idx);
        RPC_TRY(json::field(o, p, "mint", el));
        RPC_TRY(base58_key(el, p + ".mint", t.mint));
        if (o["owner"].get(el) == simdjson::SUCCESS && !el.is_null()) {
            solana::Pubkey owner;
            RPC_TRY(base58_key(el, p + ".owner", owner));
            t.owner = owner;
        }
        RPC_TRY(json::field(o, p, "uiTokenAmount", el));
        RPC_TRY(json::as_object(el, p + ".uiTokenAmount", ui));
        RPC_TRY(json::field(ui, p + ".uiTokenAmount", "amount", el));
        RPC_TRY(json::as_u64_string(el, p + ".uiTokenAmount.amount", t.amount));
        RPC_TRY(u8_field(ui, p + ".uiTokenAmount", "decimals", t.decimals));
        out.push_back(t);
    }
    return std::nullopt;
}

ParseError commitment_of(std::string_view s, std::string_view path, Commitment& out) {
    if (s == "processed") {
        out = Commitment::Processed;
    } else if (s == "confirmed") {
        out = Commitment::Confirmed;
    } else if (s == "finalized") {
        out = Commitment::Finalized;
    } else {
        return std::string(path) + ": expected processed, confirmed or finalized, found \"" +
               json::snippet(s, 30) + "\"";
    }
    return std::nullopt;
}

ParseError string_array(element e, std::string_view path, std::vector<std::string>& out) {
    out.clear();
    if (e.is_null()) {
        return std::nullopt;
    }
    simdjson::dom::array a;
    RPC_TRY(json::as_array(e, path, a));
    size_t i = 0;
    for (element x : a) {
        std::string_view s;
        RPC_TRY(json::as_str(x, json::index(path, i++), s));
        out.emplace_back(s);
    }
    return std::nullopt;
}

} // namespace

ParseError parse_latest_blockhash(std::string_view text, LatestBlockhash& out) {
    element r, v, bh;
    object vo;
    std::string_view s;
    RPC_TRY(root(text, r));
    RPC_TRY(context_value(r, out.context_slot, v));
    RPC_TRY(json::as_object(v, "result.value", vo));
    RPC_TRY(json::str_field(vo, "result.value", "blockhash", s));
    auto h = solana::hash_from_base58(s);
    if (!h) {
        return "result.value.blockhash: expected a base58 hash of 32 bytes, found \"" +
               json::snippet(s, 60) + "\"";
    }
    out.blockhash = *h;
    RPC_TRY(
        json::u64_field(vo, "result.value", "lastValidBlockHeight", out.last_valid_block_height));
    return std::nullopt;
}

ParseError parse_signature(std::string_view text, solana::Signature& out) {
    element r;
    RPC_TRY(root(text, r));
    return base58_sig(r, "result", out);
}

ParseError parse_signature_statuses(std::string_view text, size_t expected,
                                    SignatureStatuses& out) {
    element r, v;
    simdjson::dom::array a;
    RPC_TRY(root(text, r));
    RPC_TRY(context_value(r, out.context_slot, v));
    RPC_TRY(json::as_array(v, "result.value", a));
    out.statuses.clear();
    size_t i = 0;
    for (element x : a) {
        const std::string p = json::index("result.value", i++);
        if (x.is_null()) {
            out.statuses.emplace_back(std::nullopt);
            continue;
        }
        object o;
        element el;
        SignatureStatus st;
        RPC_TRY(json::as_object(x, p, o));
        RPC_TRY(json::u64_field(o, p, "slot", st.slot));
        RPC_TRY(json::field(o, p, "confirmations", el));
        if (!el.is_null()) {
            uint64_t c = 0;
            RPC_TRY(json::as_u64(el, p + ".confirmations", c));
            st.confirmations = c;
        }
        RPC_TRY(json::field(o, p, "err", el));
        st.err_json = err_text(el);
        std::string_view cs;
        RPC_TRY(json::field(o, p, "confirmationStatus", el));
        if (el.is_null()) {
            return p +
                   ".confirmationStatus: expected processed, confirmed or finalized, found null";
        }
        RPC_TRY(json::as_str(el, p + ".confirmationStatus", cs));
        RPC_TRY(commitment_of(cs, p + ".confirmationStatus", st.confirmation_status));
        out.statuses.emplace_back(st);
    }
    if (out.statuses.size() != expected) {
        return "result.value: expected " + std::to_string(expected) +
               " statuses (one per signature), found " + std::to_string(out.statuses.size());
    }
    return std::nullopt;
}

ParseError parse_u64(std::string_view text, uint64_t& out) {
    element r;
    RPC_TRY(root(text, r));
    return json::as_u64(r, "result", out);
}

ParseError parse_balance(std::string_view text, Balance& out) {
    element r, v;
    RPC_TRY(root(text, r));
    RPC_TRY(context_value(r, out.context_slot, v));
    return json::as_u64(v, "result.value", out.lamports);
}

ParseError parse_blockhash_valid(std::string_view text, bool& valid) {
    element r, v;
    uint64_t slot = 0;
    RPC_TRY(root(text, r));
    RPC_TRY(context_value(r, slot, v));
    return json::as_bool(v, "result.value", valid);
}

ParseError parse_token_account_balance(std::string_view text, TokenAmount& out) {
    element r, v, el;
    object o;
    RPC_TRY(root(text, r));
    RPC_TRY(context_value(r, out.context_slot, v));
    RPC_TRY(json::as_object(v, "result.value", o));
    RPC_TRY(json::field(o, "result.value", "amount", el));
    RPC_TRY(json::as_u64_string(el, "result.value.amount", out.amount));
    return u8_field(o, "result.value", "decimals", out.decimals);
}

namespace {

// {"data":["<base64>","base64"],"executable":b,"lamports":n,"owner":"…",…}
ParseError account_info(element e, std::string_view path, AccountInfo& out) {
    object o;
    element el;
    simdjson::dom::array data;
    std::string_view text, encoding;
    RPC_TRY(json::as_object(e, path, o));
    RPC_TRY(json::u64_field(o, path, "lamports", out.lamports));
    RPC_TRY(json::field(o, path, "owner", el));
    RPC_TRY(base58_key(el, json::join(path, "owner"), out.owner));
    RPC_TRY(json::field(o, path, "executable", el));
    RPC_TRY(json::as_bool(el, json::join(path, "executable"), out.executable));
    const std::string dp = json::join(path, "data");
    RPC_TRY(json::field(o, path, "data", el));
    RPC_TRY(json::as_array(el, dp, data));
    element text_el, enc_el;
    if (data.size() != 2 || data.at(0).get(text_el) != simdjson::SUCCESS ||
        data.at(1).get(enc_el) != simdjson::SUCCESS) {
        return dp + ": expected [\"<base64>\", \"base64\"], found " + json::describe(el);
    }
    RPC_TRY(json::as_str(enc_el, json::index(dp, 1), encoding));
    if (encoding != "base64") {
        return json::index(dp, 1) + ": expected \"base64\", found \"" +
               json::snippet(encoding, 30) + "\"";
    }
    RPC_TRY(json::as_str(text_el, json::index(dp, 0), text));
    auto bytes = solana::base64_decode(text);
    if (!bytes) {
        return json::index(dp, 0) + ": expected base64 account data, found \"" +
               json::snippet(text, 40) + "\"";
    }
    out.data = std::move(*bytes);
    return std::nullopt;
}

} // namespace

ParseError parse_account_info(std::string_view text, uint64_t& context_slot, std::optional<AccountInfo>& out) {
    element r, v;
    out.reset();
    RPC_TRY(root(text, r));
    RPC_TRY(context_value(r, context_slot, v));
    if (v.is_null()) {
        return std::nullopt;
    }
    AccountInfo info;
    RPC_TRY(account_info(v, "result.value", info));
    out = std::move(info);
    return std::nullopt;
}

ParseError parse_largest_accounts(std::string_view text, std::vector<LargestAccount>& out) {
    element r, v, el;
    simdjson::dom::array a;
    uint64_t slot = 0;
    out.clear();
    RPC_TRY(root(text, r));
    RPC_TRY(context_value(r, slot, v));
    RPC_TRY(json::as_array(v, "result.value", a));
    size_t i = 0;
    for (element x : a) {
        const std::string p = json::index("result.value", i++);
        object o;
        LargestAccount acc;
        RPC_TRY(json::as_object(x, p, o));
        RPC_TRY(json::field(o, p, "address", el));
        RPC_TRY(base58_key(el, json::join(p, "address"), acc.address));
        RPC_TRY(json::field(o, p, "amount", el));
        RPC_TRY(json::as_u64_string(el, json::join(p, "amount"), acc.amount));
        out.push_back(acc);
    }
    return std::nullopt;
}

ParseError parse_multiple_accounts(std::string_view text, size_t expected, MultipleAccounts& out) {
    element r, v;
    simdjson::dom::array a;
    out = MultipleAccounts{};
    RPC_TRY(root(text, r));
    RPC_TRY(context_value(r, out.context_slot, v));
    RPC_TRY(json::as_array(v, "result.value", a));
    size_t i = 0;
    for (element x : a) {
        const std::string p = json::index("result.value", i++);
        if (x.is_null()) {
            out.accounts.emplace_back(std::nullopt);
            continue;
        }
        AccountInfo info;
        RPC_TRY(account_info(x, p, info));
        out.accounts.emplace_back(std::move(info));
    }
    if (out.accounts.size() != expected) {
        return "result.value: expected " + std::to_string(expected) +
               " accounts (one per key asked), found " + std::to_string(out.accounts.size());
    }
    return std::nullopt;
}

ParseError parse_transaction(std::string_view text, bool& found, TransactionInfo& out) {
    element r, el;
    object o, meta, tx, msg;
    found = false;
    out = TransactionInfo{};
    RPC_TRY(root(text, r));
    if (r.is_null()) {
        return std::nullopt;
    }
    RPC_TRY(json::as_object(r, "result", o));
    RPC_TRY(json::u64_field(o, "result", "slot", out.slot));
    if (o["blockTime"].get(el) == simdjson::SUCCESS && !el.is_null()) {
        int64_t t = 0;
        RPC_TRY(json::as_i64(el, "result.blockTime", t));
        out.block_time = t;
    }
    RPC_TRY(json::field(o, "result", "meta", el));
    if (el.is_null()) {
        return std::string("result.meta: expected an object (the node keeps no status for this "
                           "transaction?), found null");
    }
    RPC_TRY(json::as_object(el, "result.meta", meta));
    RPC_TRY(json::u64_field(meta, "result.meta", "fee", out.fee));
    RPC_TRY(json::field(meta, "result.meta", "err", el));
    out.err_json = err_text(el);
    RPC_TRY(json::field(meta, "result.meta", "preBalances", el));
    RPC_TRY(u64_array(el, "result.meta.preBalances", out.pre_balances));
    RPC_TRY(json::field(meta, "result.meta", "postBalances", el));
    RPC_TRY(u64_array(el, "result.meta.postBalances", out.post_balances));
    if (out.pre_balances.size() != out.post_balances.size()) {
        return "result.meta.postBalances: expected " + std::to_string(out.pre_balances.size()) +
               " entries (as preBalances), found " + std::to_string(out.post_balances.size());
    }
    if (meta["preTokenBalances"].get(el) == simdjson::SUCCESS) {
        RPC_TRY(token_balances(el, "result.meta.preTokenBalances", out.pre_token_balances));
    }
    if (meta["postTokenBalances"].get(el) == simdjson::SUCCESS) {
        RPC_TRY(token_balances(el, "result.meta.postTokenBalances", out.post_token_balances));
    }
    if (meta["computeUnitsConsumed"].get(el) == simdjson::SUCCESS && !el.is_null()) {
        uint64_t cu = 0;
        RPC_TRY(json::as_u64(el, "result.meta.computeUnitsConsumed", cu));
        out.compute_units_consumed = cu;
    }
    if (meta["logMessages"].get(el) == simdjson::SUCCESS) {
        RPC_TRY(string_array(el, "result.meta.logMessages", out.log_messages));
    }
    RPC_TRY(json::field(o, "result", "transaction", el));
    RPC_TRY(json::as_object(el, "result.transaction", tx));
    RPC_TRY(json::field(tx, "result.transaction", "signatures", el));
    simdjson::dom::array sigs;
    RPC_TRY(json::as_array(el, "result.transaction.signatures", sigs));
    size_t i = 0;
    for (element s : sigs) {
        solana::Signature sig;
        RPC_TRY(base58_sig(s, json::index("result.transaction.signatures", i++), sig));
        out.signatures.push_back(sig);
    }
    if (out.signatures.empty()) {
        return std::string(
            "result.transaction.signatures: expected at least one signature, found none");
    }
    RPC_TRY(json::field(tx, "result.transaction", "message", el));
    RPC_TRY(json::as_object(el, "result.transaction.message", msg));
    RPC_TRY(json::field(msg, "result.transaction.message", "accountKeys", el));
    simdjson::dom::array keys;
    RPC_TRY(json::as_array(el, "result.transaction.message.accountKeys", keys));
    i = 0;
    for (element k : keys) {
        solana::Pubkey key;
        RPC_TRY(base58_key(k, json::index("result.transaction.message.accountKeys", i++), key));
        out.account_keys.push_back(key);
    }
    if (meta["loadedAddresses"].get(el) == simdjson::SUCCESS && !el.is_null()) {
        object la;
        RPC_TRY(json::as_object(el, "result.meta.loadedAddresses", la));
        for (const char* part : {"writable", "readonly"}) {
            const std::string p = std::string("result.meta.loadedAddresses.") + part;
            element arr_el;
            simdjson::dom::array arr;
            RPC_TRY(json::field(la, "result.meta.loadedAddresses", part, arr_el));
            RPC_TRY(json::as_array(arr_el, p, arr));
            size_t j = 0;
            for (element k : arr) {
                solana::Pubkey key;
                RPC_TRY(base58_key(k, json::index(p, j++), key));
                out.account_keys.push_back(key);
            }
        }
    }
    if (out.account_keys.size() != out.pre_balances.size()) {
        return "result.meta.preBalances: expected one balance per account key (" +
               std::to_string(out.account_keys.size()) + "), found " +
               std::to_string(out.pre_balances.size());
    }
    for (const auto* list : {&out.pre_token_balances, &out.post_token_balances}) {
        for (const auto& t : *list) {
            if (t.account_index >= out.account_keys.size()) {
                return "result.meta token balance: expected an accountIndex below " +
                       std::to_string(out.account_keys.size()) + ", found " +
                       std::to_string(t.account_index);
            }
        }
    }
    found = true;
    return std::nullopt;
}

ParseError parse_prioritization_fees(std::string_view text, std::vector<PrioritizationFee>& out) {
    element r;
    simdjson::dom::array a;
    RPC_TRY(root(text, r));
    RPC_TRY(json::as_array(r, "result", a));
    out.clear();
    size_t i = 0;
    for (element x : a) {
        const std::string p = json::index("result", i++);
        object o;
        PrioritizationFee f;
        RPC_TRY(json::as_object(x, p, o));
        RPC_TRY(json::u64_field(o, p, "slot", f.slot));
        RPC_TRY(json::u64_field(o, p, "prioritizationFee", f.fee_micro_lamports));
        out.push_back(f);
    }
    return std::nullopt;
}

ParseError parse_simulation(std::string_view text, SimulationResult& out) {
    element r, v, el;
    object o;
    RPC_TRY(root(text, r));
    RPC_TRY(context_value(r, out.context_slot, v));
    RPC_TRY(json::as_object(v, "result.value", o));
    RPC_TRY(json::field(o, "result.value", "err", el));
    out.err_json = err_text(el);
    RPC_TRY(json::field(o, "result.value", "logs", el));
    RPC_TRY(string_array(el, "result.value.logs", out.logs));
    out.units_consumed.reset();
    if (o["unitsConsumed"].get(el) == simdjson::SUCCESS && !el.is_null()) {
        uint64_t u = 0;
        RPC_TRY(json::as_u64(el, "result.value.unitsConsumed", u));
        out.units_consumed = u;
    }
    return std::nullopt;
}

} // namespace sniper::rpc
