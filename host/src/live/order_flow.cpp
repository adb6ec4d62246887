// live/order_flow.cpp — one live order's life on the executor's worker:
// the route (Jupiter quote and swap, a Jito tip), the checks before
// signing, the signer, the write-ahead attempt, sends and rebroadcasts,
// status polls, expiry (proven, then a re-sign or EXPIRED), and the
// outcome read from the confirmed transaction.
#include "live/executor_impl.hpp"

#include "live/outcome.hpp"
#include "live/tx_check.hpp"
#include "solana/base64.hpp"
#include "solana/jito_tip.hpp"
#include "solana/message_compile.hpp"

namespace sniper::live {

void LiveExecutor::Impl::start(Order o, int64_t submitted_ns) {
    const uint64_t id = o.intent_id;
    Flight f;
    f.submitted_ns = submitted_ns;
    f.route = o.route;
    if (f.route == SNP_ROUTE_DEFAULT) {
        auto it = cfg.strategy_routes.find(o.strategy);
        f.route = it != cfg.strategy_routes.end() ? it->second : cfg.route;
    }
    const int64_t timeout_at = wall_ns() + cfg.order_timeout_ns;
    f.give_up_ns = o.deadline_ns > 0 ? std::min(o.deadline_ns, timeout_at) : timeout_at;
    const uint64_t fee_cap = o.max_priority_fee_lamports != 0
                                 ? std::min(o.max_priority_fee_lamports, cfg.max_priority_fee_lamports)
                                 : cfg.max_priority_fee_lamports;
    const uint64_t fee = cfg.priority_fee_percentile > 0 && percentile_fee > 0 ? percentile_fee
                                                                               : cfg.priority_fee_lamports;
    f.priority_fee = std::min(fee, fee_cap);
    const uint64_t tip_cap = o.max_tip_lamports != 0 ? std::min(o.max_tip_lamports, cfg.max_tip_lamports)
                                                     : cfg.max_tip_lamports;
    f.tip = std::min(cfg.tip_lamports, tip_cap);
    const uint32_t route = f.route;
    f.o = std::move(o);
    flights.emplace(id, std::move(f));
    {
        std::lock_guard lk(stats_mu);
        ++acc(route).s.intents;
    }
    if (route != SNP_ROUTE_JUPITER && route != SNP_ROUTE_JITO) {
        fail(id, kLiveRouteUnsupported,
             "route " + std::to_string(route) + " is not served live (jupiter and jito are)");
        return;
    }
    if (route == SNP_ROUTE_JITO && flights[id].tip < 1000) {
        fail(id, kLiveRouteRefused, "jito route: the tip (" + std::to_string(flights[id].tip) +
                                        " lamports, after caps) is below the block engine's 1000-lamport minimum");
        return;
    }
    flights[id].host_ns += mono_ns() - submitted_ns;
    request_quote(id);
}

void LiveExecutor::Impl::request_quote(uint64_t id) {
    Flight& f = flights.at(id);
    if (wall_ns() > f.give_up_ns) {
        fail(id, f.o.deadline_ns > 0 ? int32_t{kExecDeadline} : int32_t{kLiveExpired},
             f.attempts.empty() ? "deadline passed before a transaction could be sent"
                                : "expired; the deadline leaves no time for a new attempt",
             SNP_ORDER_EXPIRED);
        return;
    }
    f.phase = Phase::Routing;
    f.busy = true;
    QuoteRequest q;
    const solana::Pubkey mint = to_solana(f.o.mint);
    q.input_mint = f.o.side == SNP_SIDE_BUY ? solana::kWrappedSolMint : mint;
    q.output_mint = f.o.side == SNP_SIDE_BUY ? mint : solana::kWrappedSolMint;
    q.amount = f.o.amount_in;
    q.slippage_bps = f.o.max_slippage_bps;
    rpc::HttpRequest req;
    req.url = quote_url(cfg.jupiter_url, q);
    req.get = true;
    http(std::move(req), [id, q](Impl& s, rpc::HttpResponse r) { s.on_quote(id, q, std::move(r)); });
}

bool LiveExecutor::Impl::route_retry(uint64_t id, const rpc::HttpResponse& r, const std::string& what) {
    Flight& f = flights.at(id);
    const bool transient = r.outcome == rpc::HttpOutcome::Transport || r.outcome == rpc::HttpOutcome::Timeout ||
                           (r.outcome == rpc::HttpOutcome::Done && (r.status == 429 || r.status >= 500));
    if (transient && ++f.route_tries < 4 && wall_ns() < f.give_up_ns) {
        const int64_t delay_ms = r.retry_after_ms > 0 ? std::min<int64_t>(r.retry_after_ms, 2000) : 200;
        std::weak_ptr<Impl> w = weak_from_this();
        rpc->loop().post([w, id, delay_ms, loop = &rpc->loop()] {
            loop->after(delay_ms, [w, id] {
                if (auto self = w.lock()) {
                    self->post([s = self.get(), id] {
                        if (s->flights.count(id) != 0) {
                            s->request_quote(id);
                        }
                    });
                }
            });
        });
        return true;
    }
    std::string why = what + ": ";
    if (r.outcome == rpc::HttpOutcome::Done) {
        why += "HTTP " + std::to_string(r.status) + ": " + error_text(r.body);
    } else {
        why += r.outcome == rpc::HttpOutcome::Timeout ? "timed out" : "no answer (" + r.error + ")";
    }
    fail(id, kLiveRouteRefused, why);
    return false;
}

void LiveExecutor::Impl::on_quote(uint64_t id, const QuoteRequest& q, rpc::HttpResponse r) {
    if (flights.count(id) == 0) {
        return;
    }
    if (r.outcome != rpc::HttpOutcome::Done || r.status != 200) {
        route_retry(id, r, "jupiter quote");
        return;
    }
    std::string err;
    auto quote = parse_quote(r.body, q, err);
    Flight& f = flights.at(id);
    if (!quote) {
        fail(id, kLiveRouteRefused, "jupiter quote refused: " + err);
        return;
    }
    if (quote->out_amount < f.o.min_out) {
        fail(id, kExecSlippage,
             "route quotes " + std::to_string(quote->out_amount) + " out, below the host's bound " +
                 std::to_string(f.o.min_out) + " (pool moved beyond the slippage allowed)");
        return;
    }
    // The on-chain minimum is the quote's otherAmountThreshold: never
    // below the host's bound.
    raise_threshold(*quote, f.o.min_out);
    if (quote->other_amount_threshold < f.o.min_out) {
        fail(id, kExecSlippage,
             "route's minimum out " + std::to_string(quote->other_amount_threshold) +
                 " is below the host's bound " + std::to_string(f.o.min_out));
        return;
    }
    rpc::HttpRequest req;
    req.url = swap_url(cfg.jupiter_url);
    req.body = swap_body(*quote, wallet(), f.priority_fee);
    http(std::move(req), [id](Impl& s, rpc::HttpResponse a) { s.on_swap(id, std::move(a)); });
}

uint64_t LiveExecutor::Impl::max_outflow(const Flight& f) const {
    const uint64_t base = f.o.side == SNP_SIDE_BUY ? f.o.amount_in : 0;
    // Two accounts at most: the wrapped-SOL one and the output token's.
    return base + f.priority_fee + 5000 * 4 + 2 * signer::kToken2022AccountRentBoundLamports;
}

void LiveExecutor::Impl::on_swap(uint64_t id, rpc::HttpResponse r) {
    if (flights.count(id) == 0) {
        return;
    }
    if (r.outcome != rpc::HttpOutcome::Done || r.status != 200) {
        route_retry(id, r, "jupiter swap");
        return;
    }
    const int64_t t0 = mono_ns();
    Flight& f = flights.at(id);
    std::string err;
    auto answer = parse_swap(r.body, err);
    if (!answer) {
        fail(id, kLiveRouteRefused, "jupiter swap refused: " + err);
        return;
    }
    // The co-signers' signatures are verified while the signer signs
    // (below); everything else first.
    // The route turns the fee into a unit price: a price rounded up adds at
    // most 1.4 lamports (1.4M units x 1 micro-lamport).
    constexpr uint64_t kUnitPriceRounding = 2;
    auto checked = check_route_shape(answer->tx, policy, max_outflow(f), f.priority_fee + kUnitPriceRounding, err);
    if (!checked) {
        fail(id, kLiveRouteRefused, err);
        return;
    }
    const int64_t t_checked = mono_ns();
    const uint64_t height = rpc->heights().highest();
    if (height != 0 && height > answer->last_valid_block_height) {
        fail(id, kLiveRouteRefused, "route transaction's blockhash expired already (valid to height " +
                                        std::to_string(answer->last_valid_block_height) + ", chain at " +
                                        std::to_string(height) + ")");
        return;
    }
    Attempt at;
    at.n = static_cast<uint32_t>(f.attempts.size() + 1);
    at.lvbh = answer->last_valid_block_height;
    at.blockhash = checked->tx.message.recent_blockhash;
    const uint64_t earlier = f.attempts.empty() ? 0 : f.attempts.back().lvbh;
    std::optional<bool> cosigned; // set once the request is out
    std::string cosign_err = "route transaction: its co-signers' signatures were not verified";
    auto sig = sign(id, checked->message, at.lvbh, earlier, height, err,
                    [&] { cosigned = verify_cosigners(*checked, cosign_err); });
    if (cosigned == false) { // whatever the signer said: nothing is sent
        fail(id, kLiveRouteRefused, cosign_err);
        return;
    }
    if (!sig) {
        fail(id, kLiveSignerRefused, "signer: " + err);
        return;
    }
    if (!cosigned) {
        fail(id, kLiveRouteRefused, cosign_err);
        return;
    }
    at.sig.bytes = *sig;
    at.tx = with_wallet_signature(*checked, *sig);
    const int64_t t_signed = mono_ns();
    if (f.route == SNP_ROUTE_JITO) {
        const solana::Instruction tip = solana::jito_tip(wallet(), f.tip, tip_pick++);
        auto msg = solana::compile_message(wallet(), std::span<const solana::Instruction>(&tip, 1),
                                           checked->tx.message.recent_blockhash, solana::MessageVersion::Legacy);
        auto bytes = msg ? solana::serialize_message(*msg) : solana::Result<std::vector<uint8_t>>(msg.error());
        if (!bytes) {
            fail(id, kLiveRouteRefused, "jito tip transaction: " + bytes.error().to_string());
            return;
        }
        const uint64_t earlier_tip = f.attempts.empty() ? 0 : f.attempts.back().lvbh;
        auto tsig = sign(id | kTipIntentBit, *bytes, at.lvbh, earlier_tip, height, err);
        if (!tsig) {
            fail(id, kLiveSignerRefused, "signer (tip): " + err);
            return;
        }
        solana::Transaction ttx;
        ttx.message = std::move(*msg);
        ttx.signatures.push_back(solana::Signature{*tsig});
        auto tw = solana::serialize_transaction(ttx);
        if (!tw) {
            fail(id, kLiveRouteRefused, "jito tip transaction: " + tw.error().to_string());
            return;
        }
        at.tip_tx = std::move(*tw);
        at.tip_sig.bytes = *tsig;
    }
    // Write-ahead: the attempt is durable before anything is sent.
    if (store != nullptr) {
        SendAttemptRecord rec;
        rec.intent_id = id;
        rec.attempt = at.n;
        rec.route = route_name(f.route);
        rec.signature = solana::to_base58(at.sig);
        rec.tx = at.tx;
        rec.tip_tx = at.tip_tx;
        rec.last_valid_block_height = at.lvbh;
        rec.ts_ns = wall_ns();
        store->commit(std::move(rec)); // on this thread: no hop to the writer
        if (!store->healthy()) {
            fail(id, kLiveJournalFailed, "the attempt could not be journaled (" + store->last_error() +
                                             "); nothing was sent");
            return;
        }
    }
    const int64_t t_journaled = mono_ns();
    at.height_at_send = height;
    f.attempts.push_back(std::move(at));
    watch_attempt(f);
    f.phase = Phase::Sending;
    f.busy = false;
    send(f, false);
    if (f.attempts.size() == 1) {
        const int64_t t_sent = mono_ns();
        f.host_ns += t_sent - t0;
        std::lock_guard lk(stats_mu);
        host_ns.push_back(f.host_ns);
        stages["queue"].push_back(f.host_ns - (t_sent - t0));
        stages["check"].push_back(t_checked - t0);
        stages["sign"].push_back(t_signed - t_checked);
        stages["journal"].push_back(t_journaled - t_signed);
        stages["send"].push_back(t_sent - t_journaled);
    } else {
        std::lock_guard lk(stats_mu);
        ++acc(f.route).s.resigns;
    }
    ExecReport sent;
    sent.intent_id = id;
    sent.status = SNP_ORDER_SENT;
    sent.attempt = f.attempts.back().n;
    sent.signature = f.attempts.back().sig.bytes;
    sent.reason = std::string(route_name(f.route)) + " attempt " + std::to_string(sent.attempt) + " " +
                  solana::to_base58(f.attempts.back().sig);
    emit(std::move(sent));
}

std::optional<std::array<uint8_t, 64>> LiveExecutor::Impl::sign(uint64_t intent, const std::vector<uint8_t>& message, uint64_t lvbh,
                                            uint64_t earlier, uint64_t height, std::string& err,
                                            const std::function<void()>& meanwhile) {
    signer::SignRequest req;
    req.intent_id = intent;
    req.host_state = state.load();
    req.last_valid_block_height = lvbh;
    req.earlier_last_valid_block_height = earlier;
    req.current_block_height = height;
    req.message = message;
    auto res = signer->sign(req, err, meanwhile);
    if (!res) {
        err = "no answer: " + err;
        return std::nullopt;
    }
    if (!res->signed_ok()) {
        err = std::string(signer::reason_name(res->reason)) + ": " + res->detail;
        return std::nullopt;
    }
    return res->signature;
}

void LiveExecutor::Impl::send(Flight& f, bool again) {
    Attempt& at = f.attempts.back();
    const int64_t now = mono_us();
    const int64_t gap = at.last_send_us == 0 ? 0 : now - at.last_send_us;
    if (at.first_send_us == 0) {
        at.first_send_us = now;
        at.slot_at_send = sig_watch != nullptr ? sig_watch->current_slot() : 0;
    }
    at.last_send_us = now;
    {
        std::lock_guard lk(stats_mu);
        RouteAcc& a = acc(f.route);
        if (again) {
            ++a.s.rebroadcasts;
            if (gap > 2 * cfg.rebroadcast_interval_ns / 1000) {
                ++a.s.late_rebroadcasts;
            }
        } else {
            ++a.s.sent;
        }
    }
    if (f.route == SNP_ROUTE_JITO) {
        const std::span<const uint8_t> bundle[] = {at.tx, at.tip_tx};
        jito->call("sendBundle", rpc::params::send_bundle(bundle), [](rpc::RpcResponse) {});
    } else {
        rpc::broadcast_transaction(*rpc, at.tx, [](std::vector<rpc::RpcResult<solana::Signature>>) {});
    }
}

void LiveExecutor::Impl::tick() {
    const int64_t now = mono_us();
    const rpc::HeightTracker& h = rpc->heights();
    std::vector<uint64_t> poll;
    std::vector<std::pair<int64_t, uint64_t>> due; // (last send, id)
    for (auto& [id, f] : flights) {
        if (f.phase != Phase::Sending || f.busy || f.attempts.empty()) {
            continue;
        }
        const Attempt& at = f.attempts.back();
        if (h.expired(at.lvbh)) {
            check_expired(id);
            continue;
        }
        if (now - at.last_send_us >= cfg.rebroadcast_interval_ns / 1000) {
            due.emplace_back(at.last_send_us, id);
        }
        poll.push_back(id);
    }
    if (due.size() > kMaxRebroadcastsPerTick) {
        std::partial_sort(due.begin(), due.begin() + kMaxRebroadcastsPerTick, due.end());
        due.resize(kMaxRebroadcastsPerTick);
    }
    for (const auto& [last, id] : due) {
        send(flights.at(id), true);
    }
    if (!poll.empty() && status_calls == 0 && now >= next_status_us) {
        next_status_us = now + cfg.status_interval_ns / 1000;
        for (size_t i = 0; i < poll.size(); i += 256) {
            poll_statuses(std::vector<uint64_t>(poll.begin() + static_cast<std::ptrdiff_t>(i),
                                                poll.begin() + static_cast<std::ptrdiff_t>(std::min(poll.size(), i + 256))));
        }
    }
    if (cfg.priority_fee_percentile > 0 && now >= next_fee_us) {
        next_fee_us = now + 10'000'000;
        rpc::get_recent_prioritization_fees(
            *rpc, {}, back<rpc::RpcResult<std::vector<rpc::PrioritizationFee>>>(
                          [](Impl& s, rpc::RpcResult<std::vector<rpc::PrioritizationFee>> r) {
                              if (r.ok()) {
                                  const uint64_t micro = rpc::fee_percentile(r.value, s.cfg.priority_fee_percentile);
                                  const unsigned __int128 lamports =
                                      (static_cast<unsigned __int128>(micro) * s.cfg.compute_unit_estimate +
                                       999'999) /
                                      1'000'000;
                                  s.percentile_fee = sat_u64(static_cast<__int128>(
                                      std::min<unsigned __int128>(lamports, UINT64_MAX)));
                              }
                          }));
    }
}

void LiveExecutor::Impl::poll_statuses(std::vector<uint64_t> ids) {
    std::vector<solana::Signature> sigs;
    for (uint64_t id : ids) {
        sigs.push_back(flights.at(id).attempts.back().sig);
    }
    ++status_calls;
    rpc::get_signature_statuses(
        *rpc, sigs, false,
        back<rpc::RpcResult<rpc::SignatureStatuses>>(
            [ids, sigs](Impl& s, rpc::RpcResult<rpc::SignatureStatuses> r) {
                --s.status_calls;
                if (!r.ok()) {
                    return;
                }
                for (size_t i = 0; i < ids.size() && i < r.value.statuses.size(); ++i) {
                    auto it = s.flights.find(ids[i]);
                    if (it == s.flights.end() || it->second.phase != Phase::Sending || it->second.busy ||
                        !(it->second.attempts.back().sig == sigs[i])) {
                        continue;
                    }
                    if (s.settled(r.value.statuses[i])) {
                        s.fetch(ids[i]);
                    }
                }
            }));
}

void LiveExecutor::Impl::check_expired(uint64_t id) {
    Flight& f = flights.at(id);
    const int64_t now = mono_us();
    if (now < f.next_check_us) {
        return;
    }
    f.next_check_us = now + 250'000;
    f.busy = true;
    f.phase = Phase::Checking;
    const Attempt& at = f.attempts.back();
    const solana::Signature sig = at.sig;
    const uint64_t lvbh = at.lvbh;
    rpc::get_signature_statuses(
        *rpc, {sig}, true,
        back<rpc::RpcResult<rpc::SignatureStatuses>>([id, sig, lvbh](Impl& s, rpc::RpcResult<rpc::SignatureStatuses> r) {
            if (s.resume(id) == nullptr) {
                return;
            }
            if (!r.ok() || r.value.statuses.empty()) {
                return; // asked again on a later tick
            }
            const auto& st = r.value.statuses[0];
            if (s.settled(st)) {
                s.fetch(id);
                return;
            }
            if (st || s.endpoint_height(r.error.endpoint) <= lvbh) {
                return; // processed but not confirmed, or a node not past the height: wait
            }
            s.confirm_blockhash_dead(id);
        }));
}

void LiveExecutor::Impl::confirm_blockhash_dead(uint64_t id) {
    Flight& f = flights.at(id);
    f.busy = true;
    f.phase = Phase::Checking;
    const std::string params = rpc::params::is_blockhash_valid(f.attempts.back().blockhash, rpc::Commitment::Processed);
    rpc->call("isBlockhashValid", params, back<rpc::RpcResponse>([id](Impl& s, rpc::RpcResponse r) {
        const Flight* fl = s.resume(id);
        if (fl == nullptr) {
            return;
        }
        // {"context":{...},"value":false} from a node past the height.
        bool valid = true;
        if (!r.ok() || s.endpoint_height(r.endpoint) <= fl->attempts.back().lvbh ||
            rpc::parse_blockhash_valid(r.result_json, valid) || valid) {
            return;
        }
        s.attempt_dead(id);
    }));
}

void LiveExecutor::Impl::attempt_dead(uint64_t id) {
    Flight& fl = flights.at(id);
    const size_t resigns = fl.attempts.size() - 1;
    const uint32_t max = std::min(cfg.max_resigns, signer_resigns);
    const uint8_t st = state.load();
    // Buys are re-signed only while trading is ACTIVE; exits also while REDUCING.
    const bool state_ok = fl.o.side == SNP_SIDE_BUY ? st == SNP_TRADING_ACTIVE : st != SNP_TRADING_HALTED;
    if (resigns < max && wall_ns() < fl.give_up_ns && state_ok) {
        log::info("live", "attempt expired without landing; signing a new one",
                  {{"intent_id", id}, {"attempt", static_cast<uint64_t>(fl.attempts.size())},
                   {"signature", solana::to_base58(fl.attempts.back().sig)}});
        fl.route_tries = 0;
        request_quote(id);
        return;
    }
    fail(id, kLiveExpired,
         "no attempt landed before its blockhash expired (" + std::to_string(fl.attempts.size()) +
             " attempt(s)" + (state_ok ? "" : "; no re-sign in this trading state") + ")",
         SNP_ORDER_EXPIRED);
}

void LiveExecutor::Impl::fetch(uint64_t id) {
    Flight& f = flights.at(id);
    f.busy = true;
    f.phase = Phase::Fetching;
    const Attempt& at = f.attempts.back();
    rpc::get_transaction(
        *rpc, at.sig, rpc::Commitment::Confirmed,
        back<rpc::RpcResult<std::optional<rpc::TransactionInfo>>>(
            [id](Impl& s, rpc::RpcResult<std::optional<rpc::TransactionInfo>> r) {
                auto it = s.flights.find(id);
                if (it == s.flights.end()) {
                    return;
                }
                Flight& fl = it->second;
                if (!r.ok() || !r.value) {
                    fl.busy = false;
                    fl.phase = Phase::Sending; // not visible yet: the next poll asks again
                    return;
                }
                fl.landed_slot = r.value->slot;
                if (fl.route == SNP_ROUTE_JITO) {
                    s.fetch_tip(id, std::move(*r.value));
                    return;
                }
                s.finish(id, outcome_from_tx(id, fl.o.side, s.wallet(), to_solana(fl.o.mint), *r.value, nullptr));
            }));
}

void LiveExecutor::Impl::fetch_tip(uint64_t id, rpc::TransactionInfo swap) {
    const Attempt& at = flights.at(id).attempts.back();
    rpc::get_transaction(
        *rpc, at.tip_sig, rpc::Commitment::Confirmed,
        back<rpc::RpcResult<std::optional<rpc::TransactionInfo>>>(
            [id, swap = std::move(swap)](Impl& s, rpc::RpcResult<std::optional<rpc::TransactionInfo>> r) {
                auto it = s.flights.find(id);
                if (it == s.flights.end()) {
                    return;
                }
                Flight& fl = it->second;
                if (!r.ok() || !r.value) {
                    if (++fl.tip_lookups < 50) {
                        fl.busy = false;
                        fl.phase = Phase::Sending; // looked up again on the next poll
                        return;
                    }
                    // A bundle lands whole, so its tip did land; the
                    // node cannot show it. Settle from the swap alone.
                    log::error("live", "jito tip transaction not found after its swap landed; settled without it",
                               {{"intent_id", id}});
                    s.finish(id, outcome_from_tx(id, fl.o.side, s.wallet(), to_solana(fl.o.mint), swap, nullptr));
                    return;
                }
                s.finish(id, outcome_from_tx(id, fl.o.side, s.wallet(), to_solana(fl.o.mint), swap, &*r.value));
            }));
}

} // namespace sniper::live
