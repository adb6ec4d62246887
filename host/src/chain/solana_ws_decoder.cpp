// chain/solana_ws_decoder.cpp — the JSON envelope of each message kind,
// the transaction's instruction accounts, and the walk over its logs.
//
// JSON: simdjson's DOM parser validates the whole document (syntax, UTF-8,
// escapes incl. lone surrogates, depth, trailing bytes) on a reused tape.
// It refuses a whole document that holds an integer beyond u64 even in a
// field we never read (real captures render rentEpoch u64::MAX as
// 18446744073709552000), so on that error the text is copied once with each
// such integer token replaced by a marker string and parsed again: a field
// we read that holds the marker is INT_RANGE, the others are ignored.
// A logsNotification in plain form (no escapes, ASCII, integers only: what
// nodes send) skips the DOM: chain/fast_logs.hpp reads it in one pass and
// falls back to this path for anything else.
#include "chain/solana_ws_decoder.hpp"

#include "chain/accounts.hpp"
#include "chain/decoder_impl.hpp"
#include "chain/log_stack.hpp"
#include "chain/wire.hpp"
#include "solana/program_ids.hpp"

#include <algorithm>

#include <cstring>

namespace sniper::chain {
namespace {

constexpr std::string_view kOverflowMarkerJson = "\"\\u0000sniper:u64-overflow\"";

// Replaces integer tokens outside u64/i64 with the marker string.
bool rewrite_big_integers(std::string_view in, std::string& out) {
    out.clear();
    out.reserve(in.size() + 64);
    bool changed = false;
    size_t i = 0;
    while (i < in.size()) {
        const char c = in[i];
        if (c == '"') {
            const size_t start = i++;
            while (i < in.size() && in[i] != '"') {
                i += in[i] == '\\' ? 2 : 1;
            }
            i = std::min(i + 1, in.size());
            out.append(in.substr(start, i - start));
            continue;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            size_t j = i + (c == '-' ? 1 : 0);
            const size_t digits_at = j;
            while (j < in.size() && in[j] >= '0' && in[j] <= '9') {
                ++j;
            }
            const bool integer =
                j > digits_at && (j == in.size() || (in[j] != '.' && in[j] != 'e' && in[j] != 'E'));
            uint64_t v = 0;
            if (integer && c != '-' && !parse_u64_decimal(in.substr(digits_at, j - digits_at), v) &&
                j - digits_at <= 400) {
                out.append(kOverflowMarkerJson);
                changed = true;
                i = j;
                continue;
            }
            if (integer && c == '-' && j - digits_at >= 19) {
                // Below INT64_MIN is refused by the parser: mark it too.
                uint64_t mag = 0;
                if (!parse_u64_decimal(in.substr(digits_at, j - digits_at), mag) ||
                    mag > (1ull << 63)) {
                    out.append(kOverflowMarkerJson);
                    changed = true;
                    i = j;
                    continue;
                }
            }
            out.append(in.substr(i, j - i));
            i = j;
            continue;
        }
        out.push_back(c);
        ++i;
    }
    return changed;
}

bool looks_nonfinite(std::string_view s) {
    return s.find(":NaN") != std::string_view::npos ||
           s.find(":Infinity") != std::string_view::npos ||
           s.find(":-Infinity") != std::string_view::npos;
}

} // namespace

Fail SolanaWsDecoder::Impl::parse(std::string_view json, element& root) {
    if (json.size() > cfg.max_message_bytes) {
        return {Reject::JsonInvalid, "message over max_message_bytes"};
    }
    padded.assign(json);
    padded.append(simdjson::SIMDJSON_PADDING, '\0');
    auto err = parser.parse(padded.data(), json.size(), false).get(root);
    if (err == simdjson::NUMBER_ERROR) {
        if (rewrite_big_integers(json, rewritten)) {
            const size_t n = rewritten.size();
            rewritten.append(simdjson::SIMDJSON_PADDING, '\0');
            err = parser.parse(rewritten.data(), n, false).get(root);
        }
    }
    if (err == simdjson::SUCCESS) {
        return kOk;
    }
    if (err == simdjson::DEPTH_ERROR) {
        return {Reject::JsonTooDeep, "document"};
    }
    if (looks_nonfinite(json)) {
        return {Reject::JsonNonfinite, "document"};
    }
    return {Reject::JsonInvalid, simdjson::error_message(err)};
}

Fail SolanaWsDecoder::Impl::signature(element e, const char* where) {
    std::string_view s;
    CHAIN_TRY(as_str(e, s, where));
    return signature(s, where);
}

Fail SolanaWsDecoder::Impl::signature(std::string_view s, const char* where) {
    if (!signature_from_base58(s, result.signature)) {
        return {Reject::Base58Invalid, where};
    }
    result.has_signature = true;
    return kOk;
}

Fail SolanaWsDecoder::Impl::message(element root) {
    Pick<4> top{{"method", "params", "result", "error"}};
    CHAIN_TRY(pick(root, top, "message"));
    if (top.has[3]) {
        return {Reject::RpcError, "error"};
    }
    if (top.has[0]) {
        std::string_view method;
        CHAIN_TRY(as_str(top.vals[0], method, "method"));
        CHAIN_TRY(need(top.has[1], "params"));
        Pick<1> params{{"result"}};
        CHAIN_TRY(pick(top.vals[1], params, "params"));
        CHAIN_TRY(need(params.has[0], "params.result"));
        const element res = params.vals[0];
        if (method == "logsNotification") {
            result.kind = MessageKind::Logs;
            return logs_notification(res);
        }
        if (method == "transactionNotification") {
            result.kind = MessageKind::Transaction;
            Pick<3> r{{"signature", "slot", "transaction"}};
            CHAIN_TRY(pick(res, r, "params.result"));
            CHAIN_TRY(need(r.has[1], "slot"));
            CHAIN_TRY(need(r.has[2], "transaction"));
            uint64_t slot = 0;
            CHAIN_TRY(as_u64(r.vals[1], slot, "slot"));
            std::string_view sig;
            if (r.has[0]) {
                CHAIN_TRY(as_str(r.vals[0], sig, "signature"));
            }
            return transaction(r.vals[2], slot, sig, r.has[0], 0);
        }
        if (method == "programNotification" || method == "accountNotification") {
            result.kind = MessageKind::Account;
            Pick<2> r{{"context", "value"}};
            CHAIN_TRY(pick(res, r, "params.result"));
            CHAIN_TRY(need(r.has[0], "context"));
            CHAIN_TRY(need(r.has[1], "value"));
            Pick<1> ctx{{"slot"}};
            CHAIN_TRY(pick(r.vals[0], ctx, "context"));
            CHAIN_TRY(need(ctx.has[0], "context.slot"));
            CHAIN_TRY(as_u64(ctx.vals[0], result.slot, "context.slot"));
            if (method == "accountNotification") {
                // The notification names its subscription, not its account:
                // the subscriber says whose it is (decode(json, account)).
                return account_hint != nullptr ? account(r.vals[1], true, *account_hint)
                                               : account(r.vals[1], false, Pubkey{});
            }
            Pick<2> v{{"pubkey", "account"}};
            CHAIN_TRY(pick(r.vals[1], v, "value"));
            CHAIN_TRY(need(v.has[0], "value.pubkey"));
            CHAIN_TRY(need(v.has[1], "value.account"));
            Pubkey pk{};
            CHAIN_TRY(as_key(v.vals[0], pk, "value.pubkey"));
            return account(v.vals[1], true, pk);
        }
        return {Reject::UnknownMessage, "method"};
    }
    CHAIN_TRY(need(top.has[2], "result"));
    const element res = top.vals[2];
    if (is_null(res)) {
        result.kind = MessageKind::Null;
        return kOk;
    }
    int64_t sub_id = -1;
    if (res.type() == element_type::UINT64 || res.type() == element_type::BOOL ||
        (res.type() == element_type::INT64 && res.get_int64().get(sub_id) == simdjson::SUCCESS &&
         sub_id >= 0)) {
        result.kind = MessageKind::Subscription; // a subscription id, or an unsubscribe's true
        return kOk;
    }
    Pick<7> r{{"context", "value", "slot", "meta", "transaction", "blockTime", "signature"}};
    CHAIN_TRY(pick(res, r, "result"));
    if (r.has[0] && r.has[1]) { // getAccountInfo
        result.kind = MessageKind::Account;
        Pick<1> ctx{{"slot"}};
        CHAIN_TRY(pick(r.vals[0], ctx, "context"));
        CHAIN_TRY(need(ctx.has[0], "context.slot"));
        CHAIN_TRY(as_u64(ctx.vals[0], result.slot, "context.slot"));
        if (is_null(r.vals[1])) {
            return kOk;
        }
        return account(r.vals[1], false, Pubkey{});
    }
    if (r.has[3] || r.has[4]) { // getTransaction
        result.kind = MessageKind::GetTransaction;
        CHAIN_TRY(need(r.has[2], "slot"));
        uint64_t slot = 0;
        CHAIN_TRY(as_u64(r.vals[2], slot, "slot"));
        int64_t block_ns = 0;
        if (r.has[5] && !is_null(r.vals[5])) {
            uint64_t bt = 0;
            CHAIN_TRY(as_u64(r.vals[5], bt, "blockTime"));
            if (bt > static_cast<uint64_t>(INT64_MAX / 1'000'000'000)) {
                return {Reject::IntRange, "blockTime"};
            }
            block_ns = static_cast<int64_t>(bt) * 1'000'000'000;
        }
        return transaction(res, slot, {}, false, block_ns);
    }
    return {Reject::UnknownMessage, "result"};
}

Fail SolanaWsDecoder::Impl::logs_notification(element res) {
    Pick<2> r{{"context", "value"}};
    CHAIN_TRY(pick(res, r, "params.result"));
    CHAIN_TRY(need(r.has[0], "context"));
    CHAIN_TRY(need(r.has[1], "value"));
    Pick<1> ctx{{"slot"}};
    CHAIN_TRY(pick(r.vals[0], ctx, "context"));
    CHAIN_TRY(need(ctx.has[0], "context.slot"));
    CHAIN_TRY(as_u64(ctx.vals[0], result.slot, "context.slot"));
    Pick<3> v{{"signature", "err", "logs"}};
    CHAIN_TRY(pick(r.vals[1], v, "value"));
    CHAIN_TRY(need(v.has[0], "value.signature"));
    CHAIN_TRY(need(v.has[1], "value.err"));
    CHAIN_TRY(need(v.has[2], "value.logs"));
    CHAIN_TRY(signature(v.vals[0], "value.signature"));
    if (!is_null(v.vals[1])) {
        result.failed_tx = true; // rolled back: its events never happened
        return kOk;
    }
    if (is_null(v.vals[2])) {
        return kOk; // failed before execution (documented)
    }
    Emitter em(result, registry, pending, n_pending, 0);
    return walk_logs(v.vals[2], em);
}

// The same steps as logs_notification, on what scan_logs_notification
// found (logs are an array of strings there, or it would have said no).
Fail SolanaWsDecoder::Impl::logs_notification_fast() {
    result.kind = MessageKind::Logs;
    result.slot = fast.slot;
    CHAIN_TRY(signature(fast.signature, "value.signature"));
    if (fast.failed) {
        result.failed_tx = true; // rolled back: its events never happened
        return kOk;
    }
    Emitter em(result, registry, pending, n_pending, 0);
    return walk_logs(fast.lines, em);
}

Fail SolanaWsDecoder::Impl::account(element value, bool has_pubkey, const Pubkey& pubkey) {
    Pick<3> a{{"data", "owner", "lamports"}};
    CHAIN_TRY(pick(value, a, "account"));
    CHAIN_TRY(need(a.has[0], "account.data"));
    CHAIN_TRY(need(a.has[1], "account.owner"));
    CHAIN_TRY(need(a.has[2], "account.lamports"));
    uint64_t lamports = 0;
    CHAIN_TRY(as_u64(a.vals[2], lamports, "account.lamports"));
    std::string_view owner;
    CHAIN_TRY(as_str(a.vals[1], owner, "account.owner"));
    Pubkey owner_key{};
    if (!key_from_base58(owner, owner_key)) {
        return {Reject::Base58Invalid, "account.owner"};
    }
    array d;
    if (a.vals[0].get_array().get(d) != simdjson::SUCCESS) {
        return {Reject::FieldType, "account.data"};
    }
    element d0, d1;
    if (d.at(0).get(d0) != simdjson::SUCCESS || d.at(1).get(d1) != simdjson::SUCCESS ||
        d.size() != 2) {
        return {Reject::FieldType, "account.data"};
    }
    std::string_view b64, enc;
    CHAIN_TRY(as_str(d0, b64, "account.data[0]"));
    CHAIN_TRY(as_str(d1, enc, "account.data[1]"));
    if (enc != "base64") {
        return {Reject::FieldType, "account.data[1]"};
    }
    if (account_program(owner_key) == AccountProgram::Other) {
        return {Reject::AccountOwner, "account.owner"};
    }
    size_t n = 0;
    if (Reject r = base64_decode_into(b64, account_buf.data(), account_buf.size(), n);
        r != Reject::None) {
        return {r == Reject::Base64Invalid && b64.size() / 4 * 3 > account_buf.size()
                    ? Reject::AccountLength
                    : r,
                "account.data[0]"};
    }
    return account_bytes(owner_key, account_buf.data(), n, has_pubkey, pubkey);
}

SolanaWsDecoder::Impl::AccountProgram SolanaWsDecoder::Impl::account_program(const Pubkey& owner) {
    static const Pubkey pump = [] {
        Pubkey k{};
        key_from_base58(kPumpFunId, k);
        return k;
    }();
    if (owner == pump) {
        return AccountProgram::PumpFun;
    }
    if (owner == token_program()) {
        return AccountProgram::Token;
    }
    if (owner == token_2022_program()) {
        return AccountProgram::Token2022;
    }
    return AccountProgram::Other;
}

// An account's bytes, whoever read them (a notification, or the caller's
// getMultipleAccounts through decode_account).
Fail SolanaWsDecoder::Impl::account_bytes(const Pubkey& owner, const uint8_t* data, size_t n, bool has_pubkey,
                                          const Pubkey& pubkey) {
    const AccountProgram prog = account_program(owner);
    const bool is_pump = prog == AccountProgram::PumpFun;
    const bool is_token22 = prog == AccountProgram::Token2022;
    if (prog == AccountProgram::Other) {
        return {Reject::AccountOwner, "account.owner"};
    }
    Emitter em(result, registry, pending, n_pending, 0);
    if (!is_pump && has_pubkey) {
        if (const auto v = vaults.find(pubkey); v != vaults.end()) {
            return vault(v->second, data, n, is_token22, em);
        }
    }
    if (is_pump) {
        BondingCurve bc;
        if (Reject r = decode_bonding_curve(data, n, bc); r != Reject::None) {
            return {r, "BondingCurve"};
        }
        const KnownPool* k = has_pubkey ? em.find(pubkey) : nullptr;
        if (bc.complete) {
            // A followed curve that completed: the same fact as its
            // CompleteEvent (a second source when the logs were missed).
            if (k != nullptr && k->dex == SNP_DEX_PUMP_FUN) {
                if (Reject r = em.curve_complete(k->pool, k->base_mint, 0); r != Reject::None) {
                    return {r, "BondingCurve"};
                }
                return kOk;
            }
            em.skip(Skip::CurveComplete);
            return kOk;
        }
        if (bc.has_quote && !is_zero(bc.quote_mint)) {
            em.skip(Skip::QuoteNotSol);
            return kOk;
        }
        if (!k || k->dex != SNP_DEX_PUMP_FUN) {
            em.skip(has_pubkey ? Skip::UnknownPool : Skip::AccountNotEvent);
            return kOk;
        }
        if (bc.virtual_token_reserves == 0 || bc.virtual_sol_reserves == 0) {
            return {Reject::ZeroAmount, "BondingCurve reserves"};
        }
        if (Reject r = em.pool_update(pubkey, k->base_mint, bc.virtual_token_reserves,
                                      bc.virtual_sol_reserves, 0);
            r != Reject::None) {
            return {r, "BondingCurve reserves"};
        }
        return kOk;
    }
    Mint mint;
    if (Reject r = decode_mint(data, n, is_token22, mint); r != Reject::None) {
        return {r, "Mint"};
    }
    em.skip(Skip::AccountNotEvent);
    return kOk;
}

// A followed AMM vault's new state: checked against the pool (mint,
// owner), paired with the other vault by slot (see Impl::VaultPair).
Fail SolanaWsDecoder::Impl::vault(const Vault& v, const uint8_t* d, size_t n, bool token_2022,
                                  Emitter& em) {
    TokenAccount ta;
    if (Reject r = decode_token_account(d, n, token_2022, ta); r != Reject::None) {
        return {r, "TokenAccount"};
    }
    if (ta.mint != v.mint) {
        return {Reject::VaultMismatch, "TokenAccount.mint"};
    }
    if (ta.owner != v.owner) {
        return {Reject::VaultMismatch, "TokenAccount.owner"};
    }
    const auto f = followed.find(v.pool);
    if (f == followed.end()) { // cannot happen: follow() changes both maps together
        em.skip(Skip::UnknownPool);
        return kOk;
    }
    VaultPair& p = f->second.pair;
    uint64_t& side_slot = v.sol_side ? p.sol_slot : p.token_slot;
    if (result.slot <= side_slot) {
        return kOk; // this side's state at this slot (or a later one) is known
    }
    side_slot = result.slot;
    (v.sol_side ? p.sol : p.token) = ta.amount;
    if (p.token_slot != p.sol_slot || p.token_slot <= p.emitted_slot) {
        em.skip(Skip::VaultWaiting);
        return kOk;
    }
    p.emitted_slot = p.token_slot;
    if (Reject r = em.pool_update(v.pool, f->second.mint, p.token, p.sol, 0); r != Reject::None) {
        return {r, "vault amounts"};
    }
    return kOk;
}

bool SolanaWsDecoder::Impl::accounts_of(const KnownPool& k, std::vector<Pubkey>& out) {
    const Pubkey& wsol = wsol_mint();
    switch (k.dex) {
    case SNP_DEX_PUMP_FUN:
        out = {k.pool};
        return true;
    case SNP_DEX_RAYDIUM_AMM_V4:
        if (is_zero(k.token_vault) || is_zero(k.sol_vault)) {
            return false; // seen in logs only: its accounts are not known
        }
        vaults[k.token_vault] = Vault{k.pool, k.base_mint, raydium::authority_v4(), false};
        vaults[k.sol_vault] = Vault{k.pool, wsol, raydium::authority_v4(), true};
        out = {k.token_vault, k.sol_vault};
        return true;
    case SNP_DEX_PUMP_SWAP: {
        if (!is_zero(k.token_vault) && !is_zero(k.sol_vault)) { // named by its pool account (learn_amm_pool)
            vaults[k.token_vault] = Vault{k.pool, k.base_mint, k.pool, false};
            vaults[k.sol_vault] = Vault{k.pool, wsol, k.pool, true};
            out = {k.token_vault, k.sol_vault};
            return true;
        }
        // pump_amm's create_pool makes the pool's vaults as its associated
        // token accounts (idl/pump_amm.json: pool_base_token_account,
        // pool_quote_token_account); the token's program is not in the
        // event, so both candidates are followed.
        const Pubkey sol_vault = associated_token_accounts(k.pool, wsol).token;
        const TokenAccounts token = associated_token_accounts(k.pool, k.base_mint);
        vaults[sol_vault] = Vault{k.pool, wsol, k.pool, true};
        vaults[token.token] = Vault{k.pool, k.base_mint, k.pool, false};
        vaults[token.token_2022] = Vault{k.pool, k.base_mint, k.pool, false};
        out = {sol_vault, token.token, token.token_2022};
        return true;
    }
    default:
        return false;
    }
}

bool SolanaWsDecoder::follows(const Pubkey& pool) const { return impl_->followed.count(pool) != 0; }

bool SolanaWsDecoder::learn_curve(const Pubkey& pool, const Pubkey& mint) {
    Pubkey curve{};
    if (!impl_->registry.bonding_curve_of(mint, curve) || !(curve == pool)) {
        return false;
    }
    if (impl_->registry.find(pool) == nullptr) {
        impl_->registry.put(KnownPool{pool, mint, SNP_DEX_PUMP_FUN, false, pump::kTokenDecimals});
    }
    return true;
}

bool SolanaWsDecoder::learn_amm_pool(const Pubkey& pool, uint32_t dex, const uint8_t* data, size_t len,
                                     std::string& why, const std::vector<Pubkey>* tokens) {
    AmmPoolAccount a;
    const bool raydium = dex == SNP_DEX_RAYDIUM_AMM_V4;
    if (!raydium && dex != SNP_DEX_PUMP_SWAP) {
        why = "not an AMM the decoder knows";
        return false;
    }
    if (Reject r = raydium ? decode_raydium_amm_lp(data, len, a) : decode_pump_swap_pool_lp(data, len, a);
        r != Reject::None) {
        why = std::string(raydium ? "AmmInfo" : "PumpSwap Pool") + " does not decode: " + reject_name(r);
        return false;
    }
    const Pubkey& wsol = wsol_mint();
    if ((a.mint_a == wsol) == (a.mint_b == wsol)) {
        why = "the pool does not pair a token with SOL (" + to_base58(a.mint_a) + " / " + to_base58(a.mint_b) + ")";
        return false;
    }
    if (is_zero(a.vault_a) || is_zero(a.vault_b) || a.vault_a == a.vault_b) {
        why = "the pool account names no distinct vaults";
        return false;
    }
    // Raydium: the token is pc when coin is WSOL; PumpSwap: the token is
    // quote when base is WSOL (as their creations register them).
    const bool token_second = a.mint_a == wsol;
    const Pubkey& token = token_second ? a.mint_b : a.mint_a;
    if (tokens != nullptr && std::find(tokens->begin(), tokens->end(), token) == tokens->end()) {
        why = "the pool's token " + to_base58(token) + " is none of the held mints";
        return false;
    }
    KnownPool k;
    k.pool = pool;
    k.dex = dex;
    k.base_mint = token;
    k.token_is_quote = token_second;
    k.base_decimals = a.has_decimals ? (token_second ? a.decimals_b : a.decimals_a) : 0;
    k.token_vault = token_second ? a.vault_b : a.vault_a;
    k.sol_vault = token_second ? a.vault_a : a.vault_b;
    impl_->registry.put(k);
    return true;
}

std::vector<Pubkey> SolanaWsDecoder::follow(const std::vector<Pubkey>& pools) {
    Impl& im = *impl_;
    for (auto it = im.followed.begin(); it != im.followed.end();) {
        if (std::find(pools.begin(), pools.end(), it->first) != pools.end()) {
            ++it;
            continue;
        }
        for (const Pubkey& a : it->second.accounts) {
            im.vaults.erase(a);
        }
        im.registry.unpin(it->first);
        it = im.followed.erase(it);
    }
    std::vector<Pubkey> out;
    for (const Pubkey& pool : pools) {
        auto it = im.followed.find(pool);
        if (it == im.followed.end()) {
            const KnownPool* k = im.registry.find(pool);
            Impl::Followed f;
            if (k == nullptr || !im.accounts_of(*k, f.accounts)) {
                continue;
            }
            f.mint = k->base_mint;
            // Held: its swaps and account updates must keep finding it when
            // newer pools fill its bucket.
            im.registry.pin(*k);
            it = im.followed.emplace(pool, std::move(f)).first;
        }
        out.insert(out.end(), it->second.accounts.begin(), it->second.accounts.end());
    }
    return out;
}

SolanaWsDecoder::SolanaWsDecoder(DecoderConfig cfg) : impl_(std::make_unique<Impl>(cfg)) {}
SolanaWsDecoder::~SolanaWsDecoder() = default;

PoolRegistry& SolanaWsDecoder::pools() {
    return impl_->registry;
}
const DecodeCounters& SolanaWsDecoder::counters() const {
    return impl_->counters;
}

const DecodeResult& SolanaWsDecoder::decode(std::string_view json, const Pubkey& account) {
    impl_->account_hint = &account;
    const DecodeResult& r = decode(json);
    impl_->account_hint = nullptr;
    return r;
}

const DecodeResult& SolanaWsDecoder::decode(std::string_view json) {
    Impl& im = *impl_;
    im.reset();
    Fail f = kOk;
    if (im.cfg.fast_logs && json.size() <= im.cfg.max_message_bytes &&
        scan_logs_notification(json, im.fast)) {
        f = im.logs_notification_fast();
    } else {
        element root;
        f = im.parse(json, root);
        if (f.r == Reject::None) {
            f = im.message(root);
        }
    }
    return im.finish(f);
}

const DecodeResult& SolanaWsDecoder::decode_account(const Pubkey& account, const Pubkey& owner, const uint8_t* data,
                                                    size_t len, uint64_t slot) {
    Impl& im = *impl_;
    im.reset();
    im.result.kind = MessageKind::Account;
    im.result.slot = slot;
    return im.finish(im.account_bytes(owner, data, len, true, account));
}

const DecodeResult& SolanaWsDecoder::found_pump_swap_pool(const Pubkey& pool, const Pubkey& creator,
                                                          uint64_t token, uint64_t sol, uint8_t decimals,
                                                          bool token_2022, uint64_t slot) {
    Impl& im = *impl_;
    im.reset();
    im.result.kind = MessageKind::Account;
    im.result.slot = slot;
    Fail f = kOk;
    const KnownPool* k = im.registry.find(pool);
    if (k == nullptr) {
        f = {Reject::CrosscheckMismatch, "pool (not learned from its account)"};
    } else {
        Emitter em(im.result, im.registry, im.pending, im.n_pending, 0);
        if (Reject r = em.found_pump_swap_pool(*k, creator, token, sol, decimals, token_2022); r != Reject::None) {
            f = {r, "PumpSwap Pool"};
        }
    }
    return im.finish(f);
}

const DecodeResult& SolanaWsDecoder::Impl::finish(Fail f) {
    Impl& im = *this;
    DecodeResult& r = im.result;
    ++im.counters.messages;
    if (f.r != Reject::None) {
        r.reject = f.r;
        r.where = f.where;
        r.n_events = 0;
        ++im.counters.rejected[static_cast<size_t>(f.r)];
    } else {
        // Without a block time, every event of the message takes the time
        // one of its program events carries (one transaction, one moment).
        int64_t t = 0;
        for (uint32_t i = 0; i < r.n_events && t == 0; ++i) {
            t = r.events[i].h.source_ns;
        }
        for (uint32_t i = 0; i < r.n_events; ++i) {
            if (r.events[i].h.source_ns == 0) {
                r.events[i].h.source_ns = t;
            }
        }
        ++im.counters.accepted;
        im.counters.events += r.n_events;
        for (size_t i = 0; i < im.n_pending; ++i) {
            im.registry.put(im.pending[i]);
        }
        for (size_t i = 0; i < static_cast<size_t>(Skip::kCount); ++i) {
            im.counters.skipped[i] += r.skipped[i];
        }
    }
    return r;
}

} // namespace sniper::chain
