#include "feeds/sim_market.hpp"

#include "market/amm.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace sniper {
namespace {
constexpr uint32_t kLaunch = UINT32_MAX;
constexpr uint64_t kSupplyAtoms = 1'000'000'000ULL * 1'000'000ULL; // 1e9 tokens, 6 decimals
constexpr int64_t kSlotNs = 400'000'000;
constexpr uint64_t kSlotBase = 300'000'000;
constexpr double kNsPerMin = 60e9;
// A pump.fun bonding curve (Global at launch: initial virtual reserves,
// the tokens that can be bought), and the pool its coin migrates to.
constexpr uint64_t kCurveVirtualTokens = 1'073'000'000ULL * 1'000'000ULL;
constexpr uint64_t kCurveVirtualSol = 30ULL * 1'000'000'000ULL;
constexpr uint64_t kCurveRealTokens = 793'100'000ULL * 1'000'000ULL;
constexpr uint64_t kCurveDoneTokens = kCurveVirtualTokens - kCurveRealTokens; // virtual tokens left when complete
constexpr uint64_t kMigratedTokens = 206'900'000ULL * 1'000'000ULL;
constexpr uint32_t kCurveFeeBps = 100;   // pump.fun 1 %
constexpr uint32_t kPumpSwapFeeBps = 25; // PumpSwap lp 20 + protocol 5

Pubkey key_from(Rng& r) {
    Pubkey k;
    for (size_t i = 0; i < sizeof k.bytes; i += 8) {
        const uint64_t v = r.next();
        std::memcpy(k.bytes + i, &v, 8);
    }
    return k;
}

// A coin's migration pool, a function of its mint alone (as PumpSwap's
// canonical pool is a PDA of it): across a restart, which replays the
// market with our own swaps moving it differently, a pool key never comes
// back naming another coin.
Pubkey migration_pool_of(const Pubkey& mint) {
    uint64_t w[4];
    std::memcpy(w, mint.bytes, sizeof w);
    const auto rotl = [](uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
    Rng r(w[0] ^ rotl(w[1], 17) ^ rotl(w[2], 31) ^ rotl(w[3], 47) ^ 0x9c0a'11ed'fee0'0001ULL);
    return key_from(r);
}

uint32_t bps_between(Rng& r, uint32_t lo, uint32_t hi) {
    return lo + static_cast<uint32_t>(r.below(hi - lo + 1));
}
} // namespace

const char* SimMarket::regime_name(Regime r) {
    switch (r) {
    case Regime::PumpAndDump:
        return "pump_and_dump";
    case Regime::SlowBleed:
        return "slow_bleed";
    case Regime::RugPull:
        return "rug_pull";
    case Regime::Honeypot:
        return "honeypot";
    case Regime::Runner:
        return "runner";
    case Regime::Count:
        break;
    }
    return "invalid";
}

SimMarket::SimMarket(const SimFeedConfig& cfg)
    : cfg_(cfg), rng_(cfg.seed), safety_rng_(cfg.seed ^ 0x5afe'7c0d'e5a1'e000ULL),
      curve_rng_(cfg.seed ^ 0xc0de'c0c0'bead'0001ULL) {
    const double w[] = {cfg.regimes.pump_and_dump, cfg.regimes.slow_bleed, cfg.regimes.rug_pull,
                        cfg.regimes.honeypot, cfg.regimes.runner};
    double total = 0;
    for (const double x : w) {
        total += (std::isfinite(x) && x > 0) ? x : 0;
    }
    double acc = 0;
    for (size_t i = 0; i < std::size(w); ++i) {
        acc += (std::isfinite(w[i]) && w[i] > 0 && total > 0) ? w[i] / total : 0;
        regime_cdf_[i] = acc;
    }
    if (total <= 0) {
        regime_cdf_[0] = 1.0; // validated away by config; stay defined anyway
    }
    if (cfg_.duration_ns > 0) {
        end_ns_ = kEpochNs + cfg_.duration_ns;
    }
    if (cfg_.update_interval_ns <= 0) {
        cfg_.update_interval_ns = 1'000'000'000;
    }
    if (!(cfg_.pools_per_minute > 0)) {
        cfg_.pools_per_minute = 1;
    }
    schedule(kEpochNs + static_cast<int64_t>(rng_.exponential(kNsPerMin / cfg_.pools_per_minute)),
             kLaunch);
}

std::array<uint64_t, static_cast<size_t>(SimMarket::Regime::Count)> SimMarket::regime_counts() const {
    std::array<uint64_t, static_cast<size_t>(Regime::Count)> c{};
    for (const Token& t : tokens_) {
        ++c[static_cast<size_t>(t.regime)];
    }
    return c;
}

void SimMarket::schedule(int64_t t_ns, uint32_t token) { due_.push(Due{t_ns, order_++, token}); }

Pubkey SimMarket::random_key() { return key_from(rng_); }

void SimMarket::stamp(EventBuf& ev, int64_t now_ns) const {
    ev.h.source_ns = now_ns;
    ev.h.slot = kSlotBase + static_cast<uint64_t>((now_ns - kEpochNs) / kSlotNs);
}

bool SimMarket::next(EventBuf& out) {
    while (out_.empty()) {
        if (due_.empty()) {
            return false;
        }
        const Due d = due_.top();
        if (end_ns_ != 0 && d.t_ns > end_ns_) {
            return false;
        }
        due_.pop();
        if (d.token == kLaunch) {
            launch(d.t_ns);
            schedule(d.t_ns + 1 + static_cast<int64_t>(rng_.exponential(kNsPerMin / cfg_.pools_per_minute)),
                     kLaunch);
        } else {
            tick(d.token, d.t_ns);
        }
    }
    out = out_.front();
    out_.pop_front();
    return true;
}

void SimMarket::launch(int64_t now_ns) {
    Token t;
    t.pool = random_key();
    t.mint = random_key();
    t.creator = random_key();
    const double u = rng_.uniform();
    size_t r = 0;
    while (r + 1 < static_cast<size_t>(Regime::Count) && u >= regime_cdf_[r]) {
        ++r;
    }
    t.regime = static_cast<Regime>(r);
    t.launch_ns = now_ns;

    // Log-uniform initial liquidity.
    const double lo = static_cast<double>(std::max<uint64_t>(cfg_.initial_liquidity_min_lamports, 1));
    const double hi = static_cast<double>(std::max<uint64_t>(cfg_.initial_liquidity_max_lamports, 1));
    t.quote = static_cast<uint64_t>(std::exp(rng_.uniform(std::log(lo), std::log(std::max(lo, hi)))));
    t.base = kSupplyAtoms / 10 * 8;
    t.launch_price = static_cast<double>(t.quote) / static_cast<double>(t.base);
    t.vol = rng_.uniform(0.01, 0.03);
    // Other snipers pile in during the first seconds: a launch burst of
    // +10..80% that fades over about a minute. A bot whose buy lands
    // 400 ms after the pool appears usually pays the burst.
    t.burst = rng_.uniform(0.1, 0.6);

    uint32_t flags = 0;
    uint32_t lp_burned = 10000;
    uint32_t top10 = 3000;
    double life_min = 60;
    switch (t.regime) {
    case Regime::PumpAndDump:
        t.peak_mult = std::exp(rng_.uniform(std::log(1.3), std::log(5.0)));
        t.t_peak_min = rng_.uniform(1.0, 10.0);
        t.t_dump_min = rng_.uniform(3.0, 15.0);
        t.floor_mult = rng_.uniform(0.05, 0.4);
        life_min = t.t_peak_min + t.t_dump_min + rng_.uniform(10, 30);
        lp_burned = rng_.chance_bps(8500) ? 10000 : bps_between(rng_, 5000, 10000);
        top10 = bps_between(rng_, 1500, 4500);
        break;
    case Regime::SlowBleed:
        t.peak_mult = rng_.uniform(1.0, 1.5);
        t.t_peak_min = rng_.uniform(0.5, 2.0);
        t.floor_mult = rng_.uniform(0.05, 0.3);
        life_min = rng_.uniform(30, 90);
        t.t_dump_min = life_min;
        lp_burned = rng_.chance_bps(8500) ? 10000 : bps_between(rng_, 5000, 10000);
        top10 = bps_between(rng_, 2000, 5000);
        break;
    case Regime::RugPull:
        t.peak_mult = rng_.uniform(1.5, 3.0);
        t.t_peak_min = rng_.uniform(1.0, 10.0);
        t.rug_ns = now_ns + static_cast<int64_t>(t.t_peak_min * kNsPerMin);
        life_min = t.t_peak_min + 0.01;
        // Half of the rugs look clean: LP burned, holders spread out; the
        // creator dumps a stash bought at launch instead.
        lp_burned = rng_.chance_bps(5000) ? bps_between(rng_, 0, 5000) : bps_between(rng_, 9000, 10000);
        top10 = rng_.chance_bps(5000) ? bps_between(rng_, 3500, 8000) : bps_between(rng_, 1500, 3500);
        if (rng_.chance_bps(3000)) {
            flags |= SNP_POOL_MINT_AUTHORITY_PRESENT;
        }
        break;
    case Regime::Honeypot:
        t.peak_mult = rng_.uniform(2.0, 10.0);
        t.t_peak_min = rng_.uniform(20, 60);
        life_min = t.t_peak_min;
        t.blocked = true;
        lp_burned = bps_between(rng_, 9000, 10000);
        top10 = bps_between(rng_, 2000, 4000);
        if (rng_.chance_bps(8500)) {
            flags |= SNP_POOL_FREEZE_AUTHORITY_PRESENT;
        }
        if (rng_.chance_bps(6000)) {
            flags |= SNP_POOL_MINT_AUTHORITY_PRESENT;
        }
        break;
    case Regime::Runner:
        t.peak_mult = rng_.uniform(10.0, 50.0);
        t.t_peak_min = rng_.uniform(30, 120);
        life_min = t.t_peak_min + rng_.uniform(10, 60);
        t.floor_mult = t.peak_mult * rng_.uniform(0.4, 0.8);
        lp_burned = 10000;
        top10 = bps_between(rng_, 1000, 3000);
        break;
    case Regime::Count:
        break;
    }
    if (t.regime != Regime::Honeypot && t.regime != Regime::RugPull) {
        if (rng_.chance_bps(500)) {
            flags |= SNP_POOL_MINT_AUTHORITY_PRESENT;
        }
        if (rng_.chance_bps(300)) {
            flags |= SNP_POOL_FREEZE_AUTHORITY_PRESENT;
        }
    }
    t.end_ns = now_ns + static_cast<int64_t>(life_min * kNsPerMin);
    t.flags = flags;
    t.lp_burned_bps = lp_burned;
    t.top10_bps = top10;
    if (cfg_.curve_share > 0 && t.regime != Regime::Honeypot && curve_rng_.uniform() < cfg_.curve_share) {
        // A pump.fun coin: no authorities, the curve's liquidity is the
        // program's; its price starts at the curve's.
        t.curve = true;
        t.dex = SNP_DEX_PUMP_FUN;
        t.base = kCurveVirtualTokens;
        t.quote = kCurveVirtualSol;
        t.launch_price = static_cast<double>(t.quote) / static_cast<double>(t.base);
        t.flags = 0;
        t.lp_burned_bps = 10000;
    }
    emit_new_pool(t, now_ns);
    plan_safety_change(t, life_min);

    const auto idx = static_cast<uint32_t>(tokens_.size());
    by_mint_.emplace(t.mint, idx);
    by_pool_.emplace(t.pool, idx);
    tokens_.push_back(t);
    // The first trade lands in the launch slot or the next: the burst.
    schedule(now_ns + static_cast<int64_t>(rng_.uniform(0.05, 0.35) * 1e9), idx);
}

void SimMarket::emit_new_pool(const Token& t, int64_t now_ns) {
    EventBuf ev;
    init_event(ev, SNP_EVENT_NEW_POOL);
    stamp(ev, now_ns);
    snp_ev_new_pool& np = ev.new_pool;
    np.pool = t.pool;
    np.base_mint = t.mint;
    pubkey_from_base58("So11111111111111111111111111111111111111112", np.quote_mint);
    np.creator = t.creator;
    np.dex = t.dex;
    np.flags = t.flags;
    np.base_reserve_atoms = t.base;
    np.quote_reserve_lamports = t.quote;
    np.token_supply_atoms = kSupplyAtoms;
    np.fee_bps = t.dex == SNP_DEX_PUMP_FUN ? kCurveFeeBps : t.dex == SNP_DEX_PUMP_SWAP ? kPumpSwapFeeBps : cfg_.fee_bps;
    np.lp_burned_bps = t.lp_burned_bps;
    np.top10_holder_bps = t.top10_bps;
    np.base_decimals = 6;
    out_.push_back(ev);
}

void SimMarket::plan_safety_change(Token& t, double life_min) {
    Rng& r = safety_rng_;
    const double u = r.uniform(0.0, 1.0); // drawn for every pool: one draw per launch keeps the stream aligned
    const double when = r.uniform(0.1, 0.5);
    t.next_flags = t.flags;
    t.next_lp_burned_bps = t.lp_burned_bps;
    t.next_top10_bps = t.top10_bps;
    switch (t.regime) {
    case Regime::PumpAndDump:
    case Regime::SlowBleed:
        if (t.lp_burned_bps < 10000 && u < 0.6) {
            t.next_lp_burned_bps = 10000; // the creator burns the LP it kept
        }
        if ((t.flags & SNP_POOL_MINT_AUTHORITY_PRESENT) != 0 && u < 0.8) {
            t.next_flags &= ~static_cast<uint32_t>(SNP_POOL_MINT_AUTHORITY_PRESENT);
        }
        break;
    case Regime::RugPull:
        if (u < 0.5) { // the creator's wallets gather supply before the pull
            t.next_top10_bps = std::min<uint32_t>(10000, t.top10_bps + 1500 + static_cast<uint32_t>(u * 4000));
        }
        break;
    default:
        break;
    }
    if (t.next_flags == t.flags && t.next_lp_burned_bps == t.lp_burned_bps && t.next_top10_bps == t.top10_bps) {
        return;
    }
    // Before a rug: early enough to be seen before the pull.
    const double at_min = t.regime == Regime::RugPull ? t.t_peak_min * when : life_min * when;
    t.safety_ns = t.launch_ns + static_cast<int64_t>(at_min * kNsPerMin);
}

void SimMarket::emit_safety(Token& t, int64_t now_ns) {
    t.flags = t.next_flags;
    t.lp_burned_bps = t.next_lp_burned_bps;
    t.top10_bps = t.next_top10_bps;
    t.safety_ns = 0;
    EventBuf ev;
    init_event(ev, SNP_EVENT_POOL_SAFETY);
    stamp(ev, now_ns);
    ev.pool_safety.pool = t.pool;
    ev.pool_safety.base_mint = t.mint;
    ev.pool_safety.dex = t.dex;
    ev.pool_safety.flags = t.flags;
    ev.pool_safety.lp_burned_bps = t.lp_burned_bps;
    ev.pool_safety.top10_holder_bps = t.top10_bps;
    out_.push_back(ev);
}

double SimMarket::target_log_mult(const Token& t, double age_min) const {
    switch (t.regime) {
    case Regime::PumpAndDump:
        if (age_min <= t.t_peak_min) {
            return std::log(t.peak_mult) * (age_min / t.t_peak_min);
        } else {
            const double x = std::min(1.0, (age_min - t.t_peak_min) / t.t_dump_min);
            return std::log(t.peak_mult) + (std::log(t.floor_mult) - std::log(t.peak_mult)) * x;
        }
    case Regime::SlowBleed:
        if (age_min <= t.t_peak_min) {
            return std::log(t.peak_mult) * (age_min / t.t_peak_min);
        } else {
            const double x = std::min(1.0, (age_min - t.t_peak_min) / std::max(1.0, t.t_dump_min));
            return std::log(t.peak_mult) + (std::log(t.floor_mult) - std::log(t.peak_mult)) * x;
        }
    case Regime::RugPull:
    case Regime::Honeypot:
        return std::log(t.peak_mult) * std::min(1.0, age_min / t.t_peak_min);
    case Regime::Runner: {
        const double x = std::min(1.0, age_min / t.t_peak_min);
        // Climb with pullbacks: a slow wave on top of the trend.
        const double wave = 0.25 * std::sin(age_min / 3.0);
        if (x < 1.0) {
            return std::log(t.peak_mult) * x + wave;
        }
        return std::log(t.floor_mult) + wave;
    }
    case Regime::Count:
        break;
    }
    return 0;
}

void SimMarket::tick(uint32_t idx, int64_t now_ns) {
    Token& t = tokens_[idx];
    if (!t.alive) {
        return;
    }
    if (t.migrate_ns != 0) {
        if (now_ns < t.migrate_ns) {
            schedule(t.migrate_ns, idx);
            return;
        }
        migrate(t, idx, now_ns);
        schedule(now_ns + cfg_.update_interval_ns, idx);
        return;
    }
    if (t.curve && t.base <= kCurveDoneTokens) {
        complete_curve(t, idx, now_ns); // our own buy took its last tokens
        return;
    }
    if (t.safety_ns != 0 && now_ns >= t.safety_ns) {
        emit_safety(t, now_ns); // at the pool's first tick past the planned time
    }
    if (t.regime == Regime::RugPull && now_ns >= t.rug_ns) {
        // The creator dumps their supply and pulls liquidity: the pool is
        // left with a few percent of its SOL and the price collapses.
        uint64_t new_quote = std::max<uint64_t>(
            1, static_cast<uint64_t>(static_cast<double>(t.quote) * rng_.uniform(0.01, 0.04)));
        if (t.curve) {
            new_quote = std::max(new_quote, kCurveVirtualSol); // a curve cannot pay out more than it took
        }
        const unsigned __int128 k = static_cast<unsigned __int128>(t.base) * t.quote;
        const uint64_t new_base = static_cast<uint64_t>(k / new_quote);
        if (new_quote < t.quote && new_base > t.base) {
            emit_trade(t, t.creator, SNP_SIDE_SELL, new_base - t.base, t.quote - new_quote, now_ns);
            t.quote = new_quote;
            t.base = new_base;
        }
        emit_update(t, now_ns);
        t.alive = false;
        return;
    }
    if (now_ns >= t.end_ns) {
        t.alive = false; // trading dies down; no more updates
        return;
    }
    const double age_min = static_cast<double>(now_ns - t.launch_ns) / kNsPerMin;
    // Mean-reverting noise around the story's path.
    t.noise = 0.85 * t.noise + t.vol * rng_.normal();
    const double burst = t.burst * std::exp(-age_min / 0.5);
    double target = t.launch_price * std::exp(target_log_mult(t, age_min) + burst + t.noise);
    const double price = static_cast<double>(t.quote) / static_cast<double>(t.base);
    if (t.regime == Regime::Honeypot) {
        target = std::max(target, price); // nobody can sell
    }
    const double k = static_cast<double>(t.base) * static_cast<double>(t.quote);
    const double q_target = std::sqrt(k * target);
    if (!std::isfinite(q_target) || q_target < 1.0) {
        t.alive = false;
        return;
    }
    auto new_quote = static_cast<uint64_t>(q_target);
    if (t.curve) {
        new_quote = std::max(new_quote, kCurveVirtualSol); // sells cannot take out more SOL than came in
    }
    if (new_quote > t.quote) {
        const uint64_t in = new_quote - t.quote;
        const uint64_t out = amm::swap_out(t.quote, t.base, in, 0);
        if (t.curve && out >= t.base - kCurveDoneTokens) {
            complete_curve(t, idx, now_ns); // this buy would take the curve's last tokens
            return;
        }
        if (out > 0 && out < t.base) {
            emit_trade(t, random_key(), SNP_SIDE_BUY, out, in, now_ns);
            t.quote += in;
            t.base -= out;
        }
    } else if (new_quote < t.quote) {
        const uint64_t lamports_out = t.quote - new_quote;
        // Tokens that must come in to take that many lamports out.
        const unsigned __int128 kk = static_cast<unsigned __int128>(t.base) * t.quote;
        const uint64_t new_base = static_cast<uint64_t>(kk / std::max<uint64_t>(new_quote, 1));
        if (new_base > t.base && new_quote > 0) {
            emit_trade(t, random_key(), SNP_SIDE_SELL, new_base - t.base, lamports_out, now_ns);
            t.base = new_base;
            t.quote = new_quote;
        }
    }
    emit_update(t, now_ns);
    const double jitter = rng_.uniform(0.5, 1.5);
    schedule(now_ns + static_cast<int64_t>(static_cast<double>(cfg_.update_interval_ns) * jitter), idx);
}

void SimMarket::complete_curve(Token& t, uint32_t idx, int64_t now_ns) {
    if (t.base > kCurveDoneTokens) {
        // The buy takes exactly the tokens left (pump.fun caps it there).
        const unsigned __int128 k = static_cast<unsigned __int128>(t.base) * t.quote;
        const auto new_quote = static_cast<uint64_t>((k + kCurveDoneTokens - 1) / kCurveDoneTokens);
        emit_trade(t, random_key(), SNP_SIDE_BUY, t.base - kCurveDoneTokens, new_quote - t.quote, now_ns);
        t.quote = new_quote;
        t.base = kCurveDoneTokens;
        emit_update(t, now_ns);
    }
    EventBuf ev;
    init_event(ev, SNP_EVENT_CURVE_COMPLETE);
    stamp(ev, now_ns);
    ev.curve_complete.pool = t.pool;
    ev.curve_complete.base_mint = t.mint;
    ev.curve_complete.dex = SNP_DEX_PUMP_FUN;
    out_.push_back(ev);
    t.curve = false;
    t.migrate_ns = now_ns + static_cast<int64_t>(curve_rng_.uniform(2.0, 10.0) * 1e9);
    schedule(t.migrate_ns, idx);
}

void SimMarket::migrate(Token& t, uint32_t idx, int64_t now_ns) {
    // The SOL the curve took (its real reserve) and the tokens kept for the
    // pool: about the curve's last price.
    const uint64_t sol = t.quote > kCurveVirtualSol ? t.quote - kCurveVirtualSol : 1;
    by_pool_.erase(t.pool);
    t.pool = migration_pool_of(t.mint);
    by_pool_.emplace(t.pool, idx);
    t.dex = SNP_DEX_PUMP_SWAP;
    t.base = kMigratedTokens;
    t.quote = sol;
    t.lp_burned_bps = 10000; // the migration burns the pool's LP
    t.migrate_ns = 0;
    emit_new_pool(t, now_ns);
}

void SimMarket::emit_update(const Token& t, int64_t now_ns) {
    EventBuf ev;
    init_event(ev, SNP_EVENT_POOL_UPDATE);
    stamp(ev, now_ns);
    ev.pool_update.pool = t.pool;
    ev.pool_update.base_mint = t.mint;
    ev.pool_update.base_reserve_atoms = t.base;
    ev.pool_update.quote_reserve_lamports = t.quote;
    ev.pool_update.price_lamports_per_atom =
        static_cast<double>(t.quote) / static_cast<double>(t.base);
    out_.push_back(ev);
}

void SimMarket::emit_trade(const Token& t, const Pubkey& trader, uint32_t side, uint64_t base_atoms,
                           uint64_t quote_lamports, int64_t now_ns) {
    EventBuf ev;
    init_event(ev, SNP_EVENT_TRADE);
    stamp(ev, now_ns);
    ev.trade.pool = t.pool;
    ev.trade.base_mint = t.mint;
    ev.trade.trader = trader;
    ev.trade.side = side;
    ev.trade.base_atoms = base_atoms;
    ev.trade.quote_lamports = quote_lamports;
    out_.push_back(ev);
}

bool SimMarket::sell_blocked(const Pubkey& mint) const {
    const auto it = by_mint_.find(mint);
    return it != by_mint_.end() && tokens_[it->second].blocked;
}

void SimMarket::on_own_swap(const Pubkey& pool, uint32_t side, uint64_t in_amount,
                            uint64_t out_amount) {
    const auto it = by_pool_.find(pool);
    if (it == by_pool_.end()) {
        return;
    }
    Token& t = tokens_[it->second];
    if (t.migrate_ns != 0) {
        return; // a completed curve trades no more (the risk gate refuses it)
    }
    if (side == SNP_SIDE_BUY && out_amount < t.base) {
        t.quote += in_amount;
        t.base -= out_amount;
    } else if (side == SNP_SIDE_SELL && out_amount < t.quote) {
        t.base += in_amount;
        t.quote -= out_amount;
    }
}

} // namespace sniper
