// chain/transaction_decoder.cpp — transactionNotification / getTransaction:
// the instructions of the programs we watch in execution order (outer
// instruction, then its inner ones: the order their invocations appear in
// the logs), account keys (static and loaded), post token balances, and
// the walk over the logs shared with logsNotification: each `Program
// data:` / `Program log:` line goes to the decoder of the program that
// wrote it; Raydium's ray_logs are matched to their instruction's accounts.
#include "chain/decoder_impl.hpp"
#include "chain/log_stack.hpp"
#include "chain/wire.hpp"

#include <cstring>

namespace sniper::chain {

Fail SolanaWsDecoder::Impl::resolve_account(element accounts, size_t i, Pubkey& out) {
    array a;
    if (accounts.get_array().get(a) != simdjson::SUCCESS) {
        return {Reject::FieldType, "instruction.accounts"};
    }
    element e;
    if (a.at(i).get(e) != simdjson::SUCCESS) {
        return {Reject::BadInstruction, "instruction.accounts"};
    }
    if (e.type() == element_type::STRING) {
        return as_key(e, out, "instruction.accounts");
    }
    uint64_t idx = 0;
    CHAIN_TRY(as_u64(e, idx, "instruction.accounts"));
    if (idx >= n_keys) {
        return {Reject::BadInstruction, "instruction.accounts"};
    }
    return key_from_base58(keys[idx], out) ? kOk : Fail{Reject::Base58Invalid, "accountKeys"};
}

Fail SolanaWsDecoder::Impl::ix_data(element ix, const uint8_t*& p, size_t& n) {
    Pick<1> d{{"data"}};
    CHAIN_TRY(pick(ix, d, "instruction"));
    CHAIN_TRY(need(d.has[0], "instruction.data"));
    std::string_view s;
    CHAIN_TRY(as_str(d.vals[0], s, "instruction.data"));
    if (!base58_decode_into(s, ix_buf.data(), ix_buf.size(), n)) {
        return {Reject::Base58Invalid, "instruction.data"};
    }
    p = ix_buf.data();
    return kOk;
}

Fail SolanaWsDecoder::Impl::collect_instructions(element message, element meta) {
    Pick<2> m{{"accountKeys", "instructions"}};
    CHAIN_TRY(pick(message, m, "message"));
    CHAIN_TRY(need(m.has[0], "message.accountKeys"));
    CHAIN_TRY(need(m.has[1], "message.instructions"));
    array ak;
    if (m.vals[0].get_array().get(ak) != simdjson::SUCCESS) {
        return {Reject::FieldType, "message.accountKeys"};
    }
    bool string_keys = false;
    for (element k : ak) {
        if (n_keys >= kMaxKeys) {
            return {Reject::BadInstruction, "message.accountKeys"};
        }
        if (k.type() == element_type::STRING) {
            string_keys = true;
            CHAIN_TRY(as_str(k, keys[n_keys], "message.accountKeys"));
        } else {
            Pick<1> pk{{"pubkey"}};
            CHAIN_TRY(pick(k, pk, "message.accountKeys"));
            CHAIN_TRY(need(pk.has[0], "accountKeys.pubkey"));
            CHAIN_TRY(as_str(pk.vals[0], keys[n_keys], "accountKeys.pubkey"));
        }
        ++n_keys;
    }
    Pick<3> mt{{"innerInstructions", "loadedAddresses", "postTokenBalances"}};
    CHAIN_TRY(pick(meta, mt, "meta"));
    if (string_keys && mt.has[1] && !is_null(mt.vals[1])) {
        Pick<2> la{{"writable", "readonly"}};
        CHAIN_TRY(pick(mt.vals[1], la, "meta.loadedAddresses"));
        for (size_t w = 0; w < 2; ++w) {
            if (!la.has[w]) {
                continue;
            }
            array arr;
            if (la.vals[w].get_array().get(arr) != simdjson::SUCCESS) {
                return {Reject::FieldType, "meta.loadedAddresses"};
            }
            for (element k : arr) {
                if (n_keys >= kMaxKeys) {
                    return {Reject::BadInstruction, "meta.loadedAddresses"};
                }
                CHAIN_TRY(as_str(k, keys[n_keys++], "meta.loadedAddresses"));
            }
        }
    }
    if (mt.has[2] && !is_null(mt.vals[2])) {
        post_balances = mt.vals[2];
        have_post_balances = true;
    }
    // Watched instructions in execution order: each outer instruction, then
    // its inner instructions (the same order as the invocations in the logs).
    auto visit = [&](element ix) -> Fail {
        Pick<2> p{{"programId", "programIdIndex"}};
        CHAIN_TRY(pick(ix, p, "instruction"));
        std::string_view pid;
        if (p.has[0]) {
            CHAIN_TRY(as_str(p.vals[0], pid, "instruction.programId"));
        } else if (p.has[1]) {
            uint64_t idx = 0;
            CHAIN_TRY(as_u64(p.vals[1], idx, "instruction.programIdIndex"));
            if (idx >= n_keys) {
                return {Reject::BadInstruction, "instruction.programIdIndex"};
            }
            pid = keys[idx];
        } else {
            return {Reject::FieldMissing, "instruction.programId"};
        }
        const ProgramTag tag = program_tag(pid);
        if (tag == ProgramTag::RaydiumV4 && n_ray < kMaxWatchedIx) {
            ray_ix[n_ray++] = ix;
        } else if (tag == ProgramTag::PumpSwap && n_pswap < kMaxWatchedIx) {
            pswap_ix[n_pswap++] = ix;
        }
        return kOk;
    };
    array outer;
    if (m.vals[1].get_array().get(outer) != simdjson::SUCCESS) {
        return {Reject::FieldType, "message.instructions"};
    }
    array inner_groups;
    const bool has_inner = mt.has[0] && !is_null(mt.vals[0]);
    if (has_inner && mt.vals[0].get_array().get(inner_groups) != simdjson::SUCCESS) {
        return {Reject::FieldType, "meta.innerInstructions"};
    }
    uint64_t i = 0;
    for (element ix : outer) {
        CHAIN_TRY(visit(ix));
        if (has_inner) {
            for (element g : inner_groups) {
                Pick<2> gp{{"index", "instructions"}};
                CHAIN_TRY(pick(g, gp, "innerInstructions"));
                CHAIN_TRY(need(gp.has[0] && gp.has[1], "innerInstructions.index"));
                uint64_t gi = 0;
                CHAIN_TRY(as_u64(gp.vals[0], gi, "innerInstructions.index"));
                if (gi != i) {
                    continue;
                }
                array ins;
                if (gp.vals[1].get_array().get(ins) != simdjson::SUCCESS) {
                    return {Reject::FieldType, "innerInstructions.instructions"};
                }
                for (element in : ins) {
                    CHAIN_TRY(visit(in));
                }
            }
        }
        ++i;
    }
    have_tx = true;
    return kOk;
}

Fail SolanaWsDecoder::Impl::vault_balance(const Pubkey& vault, bool& found, uint64_t& amount) {
    found = false;
    if (!have_post_balances) {
        return kOk;
    }
    array arr;
    if (post_balances.get_array().get(arr) != simdjson::SUCCESS) {
        return {Reject::FieldType, "meta.postTokenBalances"};
    }
    for (element b : arr) {
        Pick<2> p{{"accountIndex", "uiTokenAmount"}};
        CHAIN_TRY(pick(b, p, "postTokenBalances"));
        CHAIN_TRY(need(p.has[0] && p.has[1], "postTokenBalances.accountIndex"));
        uint64_t idx = 0;
        CHAIN_TRY(as_u64(p.vals[0], idx, "postTokenBalances.accountIndex"));
        Pick<1> ta{{"amount"}};
        CHAIN_TRY(pick(p.vals[1], ta, "uiTokenAmount"));
        CHAIN_TRY(need(ta.has[0], "uiTokenAmount.amount"));
        std::string_view s;
        CHAIN_TRY(as_str(ta.vals[0], s, "uiTokenAmount.amount"));
        uint64_t v = 0;
        if (!parse_u64_decimal(s, v)) {
            return {Reject::IntRange, "uiTokenAmount.amount"};
        }
        if (idx >= n_keys) {
            return {Reject::BadInstruction, "postTokenBalances.accountIndex"};
        }
        Pubkey k{};
        if (key_from_base58(keys[idx], k) && k == vault) {
            found = true;
            amount = v;
        }
    }
    return kOk;
}

Fail SolanaWsDecoder::Impl::transaction(element txwrap, uint64_t slot,
                                        std::string_view envelope_sig, bool has_envelope_sig,
                                        int64_t block_ns) {
    result.slot = slot;
    Pick<2> w{{"meta", "transaction"}};
    CHAIN_TRY(pick(txwrap, w, "transaction"));
    CHAIN_TRY(need(w.has[0], "meta"));
    CHAIN_TRY(need(w.has[1], "transaction.transaction"));
    Pick<2> t{{"signatures", "message"}};
    CHAIN_TRY(pick(w.vals[1], t, "transaction.transaction"));
    CHAIN_TRY(need(t.has[0], "transaction.signatures"));
    CHAIN_TRY(need(t.has[1], "transaction.message"));
    array sigs;
    if (t.vals[0].get_array().get(sigs) != simdjson::SUCCESS) {
        return {Reject::FieldType, "transaction.signatures"};
    }
    element first;
    if (sigs.at(0).get(first) != simdjson::SUCCESS) {
        return {Reject::FieldMissing, "transaction.signatures[0]"};
    }
    CHAIN_TRY(signature(first, "transaction.signatures[0]"));
    if (has_envelope_sig) {
        std::string_view s0 = first.get_string().value_unsafe();
        if (s0 != envelope_sig) {
            return {Reject::CrosscheckMismatch, "signature vs transaction.signatures[0]"};
        }
    }
    Pick<2> meta{{"err", "logMessages"}};
    CHAIN_TRY(pick(w.vals[0], meta, "meta"));
    CHAIN_TRY(need(meta.has[0], "meta.err"));
    if (!is_null(meta.vals[0])) {
        result.failed_tx = true;
        return kOk;
    }
    if (!meta.has[1] || is_null(meta.vals[1])) {
        return kOk;
    }
    CHAIN_TRY(collect_instructions(t.vals[1], w.vals[0]));
    Emitter em(result, registry, pending, n_pending, block_ns);
    return walk_logs(meta.vals[1], em);
}

// A `Program log:` line of a Raydium AMM v4 invocation: the initialize2
// text, ray_log Init (a new pool, checked against the text, the
// instruction data, the market account and the vault balances) and
// ray_log swaps (reserves after the swap, for pools we know).
Fail SolanaWsDecoder::Impl::raydium_log(const Line& l, Emitter& em, raydium::Initialize2& init2,
                                        int64_t& init2_frame) {
    bool matched = false;
    if (Reject r = raydium::parse_initialize2_line(l.text, matched, init2); r != Reject::None) {
        return {r, "initialize2 line"};
    }
    if (matched) {
        init2_frame = l.frame->ordinal;
        return kOk;
    }
    constexpr std::string_view kRay = "ray_log: ";
    if (l.text.substr(0, kRay.size()) != kRay) {
        return kOk;
    }
    size_t n = 0;
    if (Reject r =
            base64_decode_into(l.text.substr(kRay.size()), data_buf.data(), data_buf.size(), n);
        r != Reject::None) {
        return {r, "ray_log"};
    }
    raydium::RayLog rl;
    if (Reject r = raydium::decode_ray_log(data_buf.data(), n, rl); r != Reject::None) {
        return {r, "ray_log"};
    }
    if (rl.type == raydium::LogType::Init) {
        if (init2_frame == static_cast<int64_t>(l.frame->ordinal) &&
            (init2.init_pc_amount != rl.init.pc_amount ||
             init2.init_coin_amount != rl.init.coin_amount)) {
            return {Reject::CrosscheckMismatch, "initialize2 line vs ray_log"};
        }
        if (!have_tx) {
            em.skip(Skip::NoAccounts);
            result.needs_transaction = true;
            return kOk;
        }
        if (l.frame->ordinal >= n_ray) {
            return {Reject::CrosscheckMismatch, "Raydium invocations vs instructions"};
        }
        const element ix = ray_ix[l.frame->ordinal];
        const uint8_t* d = nullptr;
        size_t dn = 0;
        CHAIN_TRY(ix_data(ix, d, dn));
        raydium::Initialize2 from_ix{};
        if (!raydium::parse_initialize2_data(d, dn, from_ix)) {
            return {Reject::BadInstruction, "initialize2 data"};
        }
        if (from_ix.init_pc_amount != rl.init.pc_amount ||
            from_ix.init_coin_amount != rl.init.coin_amount ||
            (init2_frame == static_cast<int64_t>(l.frame->ordinal) &&
             (from_ix.nonce != init2.nonce || from_ix.open_time != init2.open_time))) {
            return {Reject::CrosscheckMismatch, "initialize2 data vs logs"};
        }
        Pick<1> acc{{"accounts"}};
        CHAIN_TRY(pick(ix, acc, "instruction"));
        CHAIN_TRY(need(acc.has[0], "instruction.accounts"));
        Emitter::RaydiumPool rp;
        rp.init = rl.init;
        Pubkey market{}, authority{};
        Pubkey& coin_vault = rp.coin_vault;
        Pubkey& pc_vault = rp.pc_vault;
        CHAIN_TRY(resolve_account(acc.vals[0], raydium::kInitAmm, rp.amm));
        CHAIN_TRY(resolve_account(acc.vals[0], raydium::kInitAuthority, authority));
        if (authority != raydium::authority_v4()) {
            return {Reject::BadInstruction, "initialize2 accounts[5] (AMM authority)"};
        }
        CHAIN_TRY(resolve_account(acc.vals[0], raydium::kInitCoinMint, rp.coin_mint));
        CHAIN_TRY(resolve_account(acc.vals[0], raydium::kInitPcMint, rp.pc_mint));
        CHAIN_TRY(resolve_account(acc.vals[0], raydium::kInitCoinVault, coin_vault));
        CHAIN_TRY(resolve_account(acc.vals[0], raydium::kInitPcVault, pc_vault));
        CHAIN_TRY(resolve_account(acc.vals[0], raydium::kInitMarket, market));
        CHAIN_TRY(resolve_account(acc.vals[0], raydium::kInitUser, rp.user));
        if (market != rl.init.market) {
            return {Reject::CrosscheckMismatch, "ray_log market vs accounts[16]"};
        }
        bool found = false;
        uint64_t bal = 0;
        CHAIN_TRY(vault_balance(coin_vault, found, bal));
        if (found && bal != rl.init.coin_amount) {
            return {Reject::CrosscheckMismatch, "coin vault balance vs ray_log"};
        }
        CHAIN_TRY(vault_balance(pc_vault, found, bal));
        if (found && bal != rl.init.pc_amount) {
            return {Reject::CrosscheckMismatch, "pc vault balance vs ray_log"};
        }
        if (Reject r = em.raydium_new_pool(rp); r != Reject::None) {
            return {r, "initialize2"};
        }
    } else if (rl.type == raydium::LogType::SwapBaseIn ||
               rl.type == raydium::LogType::SwapBaseOut) {
        if (!have_tx) {
            em.skip(Skip::NoAccounts);
            return kOk;
        }
        if (l.frame->ordinal >= n_ray) {
            return {Reject::CrosscheckMismatch, "Raydium invocations vs instructions"};
        }
        const element ix = ray_ix[l.frame->ordinal];
        const uint8_t* d = nullptr;
        size_t dn = 0;
        CHAIN_TRY(ix_data(ix, d, dn));
        const bool base_in_tag = dn > 0 && (d[0] == 9 || d[0] == 16);
        const bool base_out_tag = dn > 0 && (d[0] == 11 || d[0] == 17);
        if (!(rl.swap.base_in ? base_in_tag : base_out_tag)) {
            return {Reject::CrosscheckMismatch, "ray_log swap vs instruction tag"};
        }
        Pick<1> acc{{"accounts"}};
        CHAIN_TRY(pick(ix, acc, "instruction"));
        CHAIN_TRY(need(acc.has[0], "instruction.accounts"));
        Pubkey amm{};
        CHAIN_TRY(resolve_account(acc.vals[0], raydium::kSwapAmm, amm));
        if (Reject r = em.raydium_swap(amm, rl.swap); r != Reject::None) {
            return {r, "ray_log swap"};
        }
    }
    return kOk;
}

// The walk itself, over a DOM array or the fast path's lines: as_line
// turns one item into its text (or refuses it).
template <class Lines, class AsLine>
Fail SolanaWsDecoder::Impl::walk_lines(const Lines& logs, AsLine as_line, Emitter& em) {
    LogStack stack(cfg.max_log_line_bytes);
    raydium::Initialize2 init2{};
    int64_t init2_frame = -1; // ordinal of the Raydium frame that logged it
    bool pswap_data_seen = false;
    for (const auto& item : logs) {
        if (stack.truncated()) {
            em.skip(Skip::LogTruncated); // each line after "Log truncated" (should be none)
            continue;
        }
        std::string_view line;
        CHAIN_TRY(as_line(item, line));
        Line l;
        if (Reject r = stack.feed(line, l); r != Reject::None) {
            return {r, "logs[]"};
        }
        switch (l.kind) {
        case LineKind::Truncated:
            em.skip(Skip::LogTruncated);
            break;
        case LineKind::Success:
            if (l.frame->tag == ProgramTag::PumpFun && l.frame->create_ix &&
                !l.frame->create_event) {
                return {Reject::CreateWithoutEvent, "pump.fun Create"};
            }
            break;
        case LineKind::Log: {
            if (!l.frame) {
                break;
            }
            if (l.frame->tag == ProgramTag::PumpFun) {
                if (l.text == "Instruction: Create" || l.text == "Instruction: CreateV2") {
                    l.frame->create_ix = true;
                }
            } else if (l.frame->tag == ProgramTag::RaydiumV4) {
                CHAIN_TRY(raydium_log(l, em, init2, init2_frame));
            }
            break;
        }
        case LineKind::Data: {
            if (!l.frame ||
                (l.frame->tag != ProgramTag::PumpFun && l.frame->tag != ProgramTag::PumpSwap)) {
                break; // another program's data: not ours, whatever it looks like
            }
            if (l.text.find(' ') != std::string_view::npos) {
                return {Reject::ProgramData, "Program data"};
            }
            size_t n = 0;
            if (Reject r = base64_decode_into(l.text, data_buf.data(), data_buf.size(), n);
                r != Reject::None) {
                return {r, "Program data"};
            }
            if (l.frame->tag == ProgramTag::PumpFun) {
                pump::Event ev;
                if (Reject r = pump::decode_event(data_buf.data(), n, ev); r != Reject::None) {
                    return {r, "pump.fun event"};
                }
                if (ev.kind == pump::EventKind::Create) {
                    l.frame->create_event = true;
                }
                if (Reject r = em.pump(ev); r != Reject::None) {
                    return {r, "pump.fun event"};
                }
            } else {
                pump_swap::Event ev;
                if (Reject r = pump_swap::decode_event(data_buf.data(), n, ev); r != Reject::None) {
                    return {r, "PumpSwap event"};
                }
                pswap_data_seen = pswap_data_seen || ev.kind != pump_swap::EventKind::Unknown;
                if (Reject r = em.pump_swap(ev); r != Reject::None) {
                    return {r, "PumpSwap event"};
                }
            }
            break;
        }
        default:
            break;
        }
    }
    if (Reject r = stack.finish(); r != Reject::None) {
        return {r, "logs (unclosed invocation)"};
    }
    // PumpSwap emits its events through a self-CPI (emit_cpi!): in a
    // transaction they are inner instructions of the program itself.
    if (have_tx && !pswap_data_seen) {
        for (size_t i = 0; i < n_pswap; ++i) {
            Pick<1> d{{"data"}};
            CHAIN_TRY(pick(pswap_ix[i], d, "instruction"));
            if (!d.has[0]) {
                continue;
            }
            const uint8_t* p = nullptr;
            size_t dn = 0;
            CHAIN_TRY(ix_data(pswap_ix[i], p, dn));
            if (dn < 16 || std::memcmp(p, pump_swap::kEmitCpiTag, 8) != 0) {
                continue;
            }
            pump_swap::Event ev;
            if (Reject r = pump_swap::decode_event(p + 8, dn - 8, ev); r != Reject::None) {
                return {r, "PumpSwap event (self-CPI)"};
            }
            if (Reject r = em.pump_swap(ev); r != Reject::None) {
                return {r, "PumpSwap event (self-CPI)"};
            }
        }
    }
    return kOk;
}

Fail SolanaWsDecoder::Impl::walk_logs(element logs_el, Emitter& em) {
    array logs;
    if (logs_el.get_array().get(logs) != simdjson::SUCCESS) {
        return {Reject::FieldType, "logs"};
    }
    return walk_lines(
        logs, [](element le, std::string_view& line) { return as_str(le, line, "logs[]"); }, em);
}

Fail SolanaWsDecoder::Impl::walk_logs(const std::vector<std::string_view>& lines, Emitter& em) {
    return walk_lines(
        lines,
        [](std::string_view s, std::string_view& line) {
            line = s;
            return kOk;
        },
        em);
}

} // namespace sniper::chain
