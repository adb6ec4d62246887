// tests/live/pool_watch_test.cpp — the RPC-polled pool source
// (live/pool_watch.hpp) and the account checks under it
// (live/pool_accounts.hpp).
//
// - account checks: every refusal reason from hand-made mint, token and
//   system account bytes; reserves, supply, decimals and authority flags;
// - the source against a scripted node (a loopback HTTP server holding
//   accounts the test changes): NEW_POOL then POOL_UPDATE on a change, the
//   heartbeat, a context slot going backwards, refused pools counted by
//   reason, a node that fails (logged once per outage, backed off, then
//   recovered) and a stale pool pushed at once when it comes back, a
//   malformed answer, a dead port, the [feeds.watch] factory;
// - [localnet]: a seeded pool of tools/localnet read exactly as
//   GET /admin/pools reports it, then airdrops of SOL and tokens to the
//   pool seen as POOL_UPDATEs with the new reserves.
#include "live/pool_watch.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "rpc/rpc_test_util.hpp"
#include "solana/base64.hpp"
#include "solana/program_ids.hpp"
#include "test_support.hpp"

#include <simdjson.h>

#include <fstream>
#include <map>
#include <sstream>

using namespace sniper;
using namespace sniper::live;
using namespace std::chrono_literals;
using rpc::test::FakeReply;
using rpc::test::FakeRequest;
using rpc::test::FakeServer;

namespace {

constexpr uint64_t kRent = 890'880;

Pubkey key_n(uint8_t n) {
    Pubkey k{};
    for (auto& b : k.bytes) {
        b = n;
    }
    return k;
}

solana::Pubkey to_solana(const Pubkey& k) {
    solana::Pubkey out;
    std::memcpy(out.bytes.data(), k.bytes, 32);
    return out;
}

void put_u32(std::vector<uint8_t>& d, size_t off, uint32_t v) {
    for (size_t i = 0; i < 4; ++i) {
        d[off + i] = static_cast<uint8_t>(v >> (8 * i));
    }
}
void put_u64(std::vector<uint8_t>& d, size_t off, uint64_t v) {
    for (size_t i = 0; i < 8; ++i) {
        d[off + i] = static_cast<uint8_t>(v >> (8 * i));
    }
}
void put_key(std::vector<uint8_t>& d, size_t off, const solana::Pubkey& k) {
    std::memcpy(d.data() + off, k.bytes.data(), 32);
}

std::vector<uint8_t> mint_data(uint8_t decimals, uint64_t supply, bool mint_auth = false,
                               bool freeze_auth = false) {
    std::vector<uint8_t> d(82, 0);
    put_u32(d, 0, mint_auth ? 1 : 0);
    put_u64(d, 36, supply);
    d[44] = decimals;
    d[45] = 1;
    put_u32(d, 46, freeze_auth ? 1 : 0);
    return d;
}

std::vector<uint8_t> token_data(const solana::Pubkey& mint, uint64_t amount, uint8_t state = 1) {
    std::vector<uint8_t> d(165, 0);
    put_key(d, 0, mint);
    put_u64(d, 64, amount);
    d[108] = state;
    return d;
}

rpc::AccountInfo account(uint64_t lamports, const solana::Pubkey& owner,
                         std::vector<uint8_t> data) {
    rpc::AccountInfo a;
    a.lamports = lamports;
    a.owner = owner;
    a.data = std::move(data);
    return a;
}

WatchPoolConfig pool_cfg(uint8_t n, WatchSolKind kind = WatchSolKind::Lamports) {
    WatchPoolConfig p;
    p.mint = key_n(static_cast<uint8_t>(n * 4 + 1));
    p.pool = key_n(static_cast<uint8_t>(n * 4 + 2));
    p.token_vault = key_n(static_cast<uint8_t>(n * 4 + 3));
    p.sol_account = key_n(static_cast<uint8_t>(n * 4 + 4));
    p.sol_kind = kind;
    return p;
}

// ---- a scripted node: getMultipleAccounts over accounts the test sets ----

std::string account_json(const rpc::AccountInfo& a) {
    return R"({"data":[")" + solana::base64_encode(a.data) +
           R"(","base64"],"executable":false,"lamports":)" + std::to_string(a.lamports) +
           R"(,"owner":")" + solana::to_base58(a.owner) +
           R"(","rentEpoch":18446744073709551615,"space":)" + std::to_string(a.data.size()) + "}";
}

// The base58 keys of a getMultipleAccounts request body.
std::vector<std::string> asked_keys(const std::string& body) {
    std::vector<std::string> keys;
    const auto b = body.find("\"params\":[[");
    if (b == std::string::npos) {
        return keys;
    }
    const auto e = body.find(']', b);
    std::string list = body.substr(b + 11, e - b - 11);
    size_t pos = 0;
    while ((pos = list.find('"', pos)) != std::string::npos) {
        const auto end = list.find('"', pos + 1);
        keys.push_back(list.substr(pos + 1, end - pos - 1));
        pos = end + 1;
    }
    return keys;
}

class FakeChain {
  public:
    FakeChain() : server_([this](const FakeRequest& r) { return answer(r); }) {}

    std::string url() const { return server_.url(); }

    void set(const Pubkey& k, std::optional<rpc::AccountInfo> a) {
        std::lock_guard lk(mu_);
        if (a) {
            accounts_[to_base58(k)] = *a;
        } else {
            accounts_.erase(to_base58(k));
        }
    }
    // A pool with a mint of `decimals`, `base` tokens in its vault and
    // `quote` lamports above rent in its SOL account.
    void set_pool(const WatchPoolConfig& p, uint64_t base, uint64_t quote, uint8_t decimals = 6) {
        set(p.mint,
            account(1'461'600, solana::kTokenProgram, mint_data(decimals, 1'000'000'000'000)));
        set(p.token_vault,
            account(2'039'280, solana::kTokenProgram, token_data(to_solana(p.mint), base)));
        if (p.sol_kind == WatchSolKind::Lamports) {
            set(p.sol_account, account(quote + kRent, solana::kSystemProgram, {}));
        } else {
            set(p.sol_account, account(quote + 2'039'280, solana::kTokenProgram,
                                       token_data(solana::kWrappedSolMint, quote)));
        }
    }
    void set_sol(const WatchPoolConfig& p, uint64_t quote) {
        set(p.sol_account, account(quote + kRent, solana::kSystemProgram, {}));
    }
    void set_slot(uint64_t s) {
        std::lock_guard lk(mu_);
        slot_ = s;
    }
    void set_down(bool down) {
        std::lock_guard lk(mu_);
        down_ = down;
    }
    // Answered instead of the accounts (a malformed result) when not empty.
    void set_result_override(std::string r) {
        std::lock_guard lk(mu_);
        override_ = std::move(r);
    }
    int account_requests() const { return requests_.load(); }

  private:
    FakeReply answer(const FakeRequest& req) {
        std::lock_guard lk(mu_);
        if (down_) {
            return FakeReply{503, "unavailable"};
        }
        if (req.method == "getHealth") {
            return rpc::test::ok_reply(req, "\"ok\"");
        }
        if (req.method != "getMultipleAccounts") {
            return FakeReply{200, R"({"jsonrpc":"2.0","id":)" + std::to_string(req.id) +
                                      R"(,"error":{"code":-32601,"message":"Method not found"}})"};
        }
        ++requests_;
        if (!override_.empty()) {
            return rpc::test::ok_reply(req, override_);
        }
        std::string value = "[";
        const auto keys = asked_keys(req.body);
        for (size_t i = 0; i < keys.size(); ++i) {
            const auto it = accounts_.find(keys[i]);
            value += (i ? "," : "") +
                     (it == accounts_.end() ? std::string("null") : account_json(it->second));
        }
        value += "]";
        return rpc::test::ok_reply(req, R"({"context":{"apiVersion":"2.2.0","slot":)" +
                                            std::to_string(slot_) + R"(},"value":)" + value + "}");
    }

    mutable std::mutex mu_;
    uint64_t slot_ = 100;
    bool down_ = false;
    std::string override_;
    std::map<std::string, rpc::AccountInfo> accounts_;
    std::atomic<int> requests_{0};
    FakeServer server_; // last: destroyed first, while the state it reads still exists
};

// ---- an EventSink that keeps what it gets ----

struct Got {
    EventBuf ev;
    int64_t at_mono_ns = 0;
};

class CollectSink final : public EventSink {
  public:
    void push_market_event(const EventBuf& ev) override {
        std::lock_guard lk(mu_);
        got_.push_back(Got{ev, mono_ns()});
        cv_.notify_all();
    }
    void source_ended() override {
        std::lock_guard lk(mu_);
        ++ended_;
        cv_.notify_all();
    }
    // Waits until pred(events) holds; false after `timeout`.
    template <class P> bool wait(P pred, std::chrono::milliseconds timeout = 5000ms) {
        std::unique_lock lk(mu_);
        return cv_.wait_for(lk, timeout, [&] { return pred(got_); });
    }
    std::vector<Got> events() const {
        std::lock_guard lk(mu_);
        return got_;
    }
    int ended() const {
        std::lock_guard lk(mu_);
        return ended_;
    }

  private:
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<Got> got_;
    int ended_ = 0;
};

// Polls `pred` every 5 ms until it holds; false after `timeout`.
template <class P> bool eventually(P pred, std::chrono::milliseconds timeout = 5000ms) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > end) {
            return false;
        }
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

size_t count_type(const std::vector<Got>& v, uint16_t type) {
    return static_cast<size_t>(
        std::count_if(v.begin(), v.end(), [&](const Got& g) { return g.ev.h.type == type; }));
}

bool has_update(const std::vector<Got>& v, uint64_t base, uint64_t quote) {
    return std::any_of(v.begin(), v.end(), [&](const Got& g) {
        return g.ev.h.type == SNP_EVENT_POOL_UPDATE &&
               g.ev.pool_update.base_reserve_atoms == base &&
               g.ev.pool_update.quote_reserve_lamports == quote;
    });
}

WatchFeedConfig watch_cfg(std::vector<WatchPoolConfig> pools, int64_t interval_ms = 20,
                          int64_t heartbeat_ms = 10'000) {
    WatchFeedConfig c;
    c.enabled = true;
    c.interval_ns = interval_ms * 1'000'000;
    c.heartbeat_ns = heartbeat_ms * 1'000'000;
    c.pools = std::move(pools);
    return c;
}

rpc::RpcClientConfig rpc_cfg(const std::string& url) {
    rpc::RpcClientConfig c = rpc::test::one_endpoint(url);
    c.attempt_timeout_ms = 500;
    c.connect_timeout_ms = 300;
    c.probe_backoff_min_ms = 50;
    c.probe_backoff_max_ms = 200;
    return c;
}

// The host log sent to a file while alive, for counting lines.
struct LogCapture {
    testing::TempDir dir;
    std::string path = (dir.path / "log.txt").string();
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    LogCapture() { log::set_fd(fd); }
    ~LogCapture() {
        log::set_fd(2);
        ::close(fd);
    }
    std::string text() const {
        std::ifstream in(path);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    // The first line holding `what`, or "".
    std::string line_with(const std::string& what) const {
        std::istringstream in(text());
        for (std::string line; std::getline(in, line);) {
            if (line.find(what) != std::string::npos) {
                return line;
            }
        }
        return "";
    }
    size_t count(const std::string& what) const {
        const std::string s = text();
        size_t n = 0;
        for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + 1)) {
            ++n;
        }
        return n;
    }
};

} // namespace

// ---------------------------------------------------------------- accounts

TEST_CASE("pool accounts: reserves, supply, decimals and authority flags", "[live][watch]") {
    WatchPoolConfig p = pool_cfg(0);
    const auto mint = account(1, solana::kTokenProgram, mint_data(9, 5'000, true, true));
    const auto vault = account(1, solana::kTokenProgram, token_data(to_solana(p.mint), 1'234));
    const auto sol = account(kRent + 77, solana::kSystemProgram, {});
    PoolRead r = read_pool_accounts(p, mint, vault, sol);
    INFO(r.detail);
    REQUIRE(r.ok());
    CHECK(r.reserves.base_reserve_atoms == 1'234);
    CHECK(r.reserves.quote_reserve_lamports == 77);
    CHECK(r.reserves.token_supply_atoms == 5'000);
    CHECK(r.reserves.decimals == 9);
    CHECK(r.reserves.flags ==
          (SNP_POOL_MINT_AUTHORITY_PRESENT | SNP_POOL_FREEZE_AUTHORITY_PRESENT));

    // Wrapped SOL: the token amount, u64 exact.
    p.sol_kind = WatchSolKind::Token;
    const auto wsol =
        account(2'039'280, solana::kTokenProgram, token_data(solana::kWrappedSolMint, UINT64_MAX));
    r = read_pool_accounts(p, mint, vault, wsol);
    REQUIRE(r.ok());
    CHECK(r.reserves.quote_reserve_lamports == UINT64_MAX);

    // Token-2022: the vault follows the mint's program.
    const auto mint22 = account(1, solana::kToken2022Program, mint_data(6, 1));
    const auto vault22 = account(1, solana::kToken2022Program, token_data(to_solana(p.mint), 5));
    p.sol_kind = WatchSolKind::Lamports;
    CHECK(read_pool_accounts(p, mint22, vault22, sol).ok());
    r = read_pool_accounts(p, mint22, vault, sol);
    CHECK(r.reject == WatchReject::WrongOwner);
    CHECK_THAT(r.detail,
               Catch::Contains("token_vault: expected an account of the token program TokenzQ"));
}

TEST_CASE("pool accounts: every refusal names its reason and what was found", "[live][watch]") {
    const WatchPoolConfig p = pool_cfg(0);
    const auto mint = account(1, solana::kTokenProgram, mint_data(6, 5'000));
    const auto vault = account(1, solana::kTokenProgram, token_data(to_solana(p.mint), 1'000));
    const auto sol = account(kRent + 1, solana::kSystemProgram, {});
    const auto check = [&](const PoolRead& r, WatchReject want, const std::string& detail) {
        INFO(r.detail);
        CHECK(r.reject == want);
        CHECK_THAT(r.detail, Catch::Contains(detail));
    };
    check(read_pool_accounts(p, std::nullopt, vault, sol), WatchReject::AccountMissing,
          "mint: no such account");
    check(read_pool_accounts(p, mint, std::nullopt, sol), WatchReject::AccountMissing,
          "token_vault: no such account");
    check(read_pool_accounts(p, mint, vault, std::nullopt), WatchReject::AccountMissing,
          "sol_account: no such account");
    check(read_pool_accounts(p, account(1, solana::kSystemProgram, mint_data(6, 1)), vault, sol),
          WatchReject::WrongOwner,
          "mint: expected an account of a token program, found owner "
          "11111111111111111111111111111111");
    check(read_pool_accounts(p, account(1, solana::kTokenProgram, std::vector<uint8_t>(81, 0)),
                             vault, sol),
          WatchReject::BadLayout, "found 81");
    auto bad_tag = mint_data(6, 1);
    put_u32(bad_tag, 0, 7);
    check(read_pool_accounts(p, account(1, solana::kTokenProgram, bad_tag), vault, sol),
          WatchReject::BadLayout, "initialized mint");
    check(read_pool_accounts(
              p, mint, account(1, solana::kTokenProgram, token_data(to_solana(p.mint), 1, 0)), sol),
          WatchReject::BadLayout, "found state 0");
    check(read_pool_accounts(p, mint,
                             account(1, solana::kTokenProgram, std::vector<uint8_t>(100, 0)), sol),
          WatchReject::BadLayout, "at least 165 bytes, found 100");
    check(read_pool_accounts(
              p, mint, account(1, solana::kTokenProgram, token_data(to_solana(key_n(99)), 1)), sol),
          WatchReject::MintMismatch, "found mint " + to_base58(key_n(99)));
    WatchPoolConfig with_decimals = p;
    with_decimals.decimals = 9;
    check(read_pool_accounts(with_decimals, mint, vault, sol), WatchReject::DecimalsMismatch,
          "expected 9 decimals (configured), found 6");
    check(read_pool_accounts(
              p, mint, account(1, solana::kTokenProgram, token_data(to_solana(p.mint), 0)), sol),
          WatchReject::ZeroReserve, "token_vault: reserve is 0");
    check(read_pool_accounts(p, mint, vault, account(kRent, solana::kSystemProgram, {})),
          WatchReject::ZeroReserve, "rent-exempt 890880 lamports, found 890880");
    check(read_pool_accounts(p, mint, vault, account(kRent + 5, solana::kTokenProgram, {})),
          WatchReject::WrongOwner, "expected a system account");
    check(read_pool_accounts(p, mint, vault, account(kRent + 5, solana::kSystemProgram, {1})),
          WatchReject::BadLayout, "without data, found 1 bytes");
    WatchPoolConfig token_kind = p;
    token_kind.sol_kind = WatchSolKind::Token;
    check(read_pool_accounts(token_kind, mint, vault,
                             account(1, solana::kTokenProgram, token_data(to_solana(p.mint), 5))),
          WatchReject::MintMismatch,
          "sol_account: expected a token account of mint "
          "So11111111111111111111111111111111111111112");
    check(read_pool_accounts(
              token_kind, mint, vault,
              account(1, solana::kTokenProgram, token_data(solana::kWrappedSolMint, 0))),
          WatchReject::ZeroReserve, "sol_account: reserve is 0");

    CHECK(std::string(watch_reject_name(WatchReject::SlotRegressed)) == "slot_regressed");
    CHECK(std::string(watch_reject_name(WatchReject::Invalid)) == "invalid");
}

// ------------------------------------------------------- the source, scripted

TEST_CASE(
    "pool watch: NEW_POOL on the first read, POOL_UPDATE on a change, no event while unchanged",
    "[live][watch]") {
    testing::QuietLogs quiet;
    FakeChain chain;
    const WatchPoolConfig p = pool_cfg(1);
    chain.set_pool(p, 1'000'000, 50'000'000'000);
    chain.set_slot(500);
    CollectSink sink;
    const int64_t before = wall_ns();
    {
        WatchFeedConfig cfg = watch_cfg({p});
        cfg.pools[0].fee_bps = 30;
        cfg.pools[0].dex = SNP_DEX_PUMP_SWAP;
        PoolWatchSource src(cfg, rpc_cfg(chain.url()));
        src.start(sink);
        REQUIRE(sink.wait([](const auto& v) { return !v.empty(); }));
        const EventBuf first = sink.events()[0].ev;
        REQUIRE(first.h.type == SNP_EVENT_NEW_POOL);
        CHECK(first.h.size == sizeof(snp_ev_new_pool));
        CHECK(first.h.version == 1);
        CHECK(first.h.slot == 500);
        CHECK(first.h.source_ns >= before);
        CHECK(first.h.source_ns <= wall_ns());
        const snp_ev_new_pool& np = first.new_pool;
        CHECK(np.pool == p.pool);
        CHECK(np.base_mint == p.mint);
        CHECK(to_base58(np.quote_mint) == "So11111111111111111111111111111111111111112");
        CHECK(np.base_reserve_atoms == 1'000'000);
        CHECK(np.quote_reserve_lamports == 50'000'000'000);
        CHECK(np.token_supply_atoms == 1'000'000'000'000);
        CHECK(np.base_decimals == 6);
        CHECK(np.fee_bps == 30);
        CHECK(np.dex == SNP_DEX_PUMP_SWAP);
        CHECK(np.flags == (SNP_POOL_HOLDERS_UNKNOWN | SNP_POOL_LP_UNKNOWN)); // authorities read: none
        CHECK(np.lp_burned_bps == 0);
        CHECK(np.top10_holder_bps == 10000);

        // Unchanged reserves: polls go on, no event (the heartbeat is 10 s).
        const int polls = chain.account_requests();
        REQUIRE(eventually([&] { return chain.account_requests() >= polls + 5; }));
        CHECK(sink.events().size() == 1);

        chain.set_slot(501);
        chain.set_sol(p, 51'000'000'000);
        REQUIRE(sink.wait([](const auto& v) { return has_update(v, 1'000'000, 51'000'000'000); }));
        const EventBuf up = sink.events().back().ev;
        CHECK(up.h.size == sizeof(snp_ev_pool_update));
        CHECK(up.h.slot == 501);
        CHECK(up.pool_update.pool == p.pool);
        CHECK(up.pool_update.base_mint == p.mint);
        CHECK(up.pool_update.price_lamports_per_atom == Approx(51'000.0));
        CHECK(sink.events().size() == 2);
        CHECK(src.rejected_inputs() == 0);
        CHECK(src.rpc_errors() == 0);
        CHECK(src.events() == 2);
        src.stop();
        CHECK(sink.ended() == 1);
        src.stop(); // idempotent
    }
    CHECK(sink.ended() == 1);
}

TEST_CASE("pool watch: an unchanged pool is sent again every heartbeat, not every poll",
          "[live][watch]") {
    testing::QuietLogs quiet;
    FakeChain chain;
    const WatchPoolConfig p = pool_cfg(1);
    chain.set_pool(p, 7'000, 9'000'000);
    CollectSink sink;
    PoolWatchSource src(watch_cfg({p}, 20, 150), rpc_cfg(chain.url()));
    src.start(sink);
    REQUIRE(
        sink.wait([](const auto& v) { return count_type(v, SNP_EVENT_POOL_UPDATE) >= 3; }, 5000ms));
    src.stop();
    const auto v = sink.events();
    REQUIRE(v[0].ev.h.type == SNP_EVENT_NEW_POOL);
    for (size_t i = 1; i < v.size(); ++i) {
        CHECK(v[i].ev.h.type == SNP_EVENT_POOL_UPDATE);
        CHECK(v[i].ev.pool_update.base_reserve_atoms == 7'000);
        CHECK(v[i].ev.pool_update.quote_reserve_lamports == 9'000'000);
        // Never before the heartbeat (a poll of 20 ms would send far more).
        CHECK(v[i].at_mono_ns - v[i - 1].at_mono_ns >= 100'000'000);
    }
    CHECK(src.polls() > 3 * (v.size() - 1));
}

TEST_CASE("pool watch: an answer from an older slot is skipped and counted", "[live][watch]") {
    testing::QuietLogs quiet;
    FakeChain chain;
    const WatchPoolConfig p = pool_cfg(1);
    chain.set_pool(p, 1'000, 2'000'000);
    chain.set_slot(900);
    CollectSink sink;
    PoolWatchSource src(watch_cfg({p}), rpc_cfg(chain.url()));
    src.start(sink);
    REQUIRE(sink.wait([](const auto& v) { return !v.empty(); }));
    // A lagging node: older slot, other reserves. Nothing may come of it.
    chain.set_slot(899);
    chain.set_sol(p, 3'000'000);
    REQUIRE(eventually([&] { return src.rejected(WatchReject::SlotRegressed) >= 3; }));
    CHECK(src.rejected_inputs() == src.rejected(WatchReject::SlotRegressed));
    CHECK(sink.events().size() == 1);
    // The slot catches up: the new reserves arrive.
    chain.set_slot(901);
    REQUIRE(sink.wait([](const auto& v) { return has_update(v, 1'000, 3'000'000); }));
    CHECK(sink.events().back().ev.h.slot == 901);
    src.stop();
}

TEST_CASE("pool watch: invalid pools give no event, each counted by reason, the valid one goes on",
          "[live][watch]") {
    LogCapture logs;
    FakeChain chain;
    const WatchPoolConfig good = pool_cfg(0);
    WatchPoolConfig other_mint = pool_cfg(1);
    WatchPoolConfig no_sol = pool_cfg(2);
    WatchPoolConfig empty = pool_cfg(3);
    WatchPoolConfig decimals = pool_cfg(4);
    decimals.decimals = 9;
    WatchPoolConfig wrong_owner = pool_cfg(5, WatchSolKind::Token);
    chain.set_pool(good, 10, 20);
    chain.set_pool(other_mint, 10, 20);
    chain.set(other_mint.token_vault,
              account(1, solana::kTokenProgram, token_data(to_solana(good.mint), 10)));
    chain.set_pool(no_sol, 10, 20);
    chain.set(no_sol.sol_account, std::nullopt);
    chain.set_pool(empty, 0, 20);
    chain.set_pool(decimals, 10, 20, 6);
    chain.set_pool(wrong_owner, 10, 20);
    chain.set(wrong_owner.sol_account, account(kRent + 20, solana::kSystemProgram, {}));
    CollectSink sink;
    PoolWatchSource src(watch_cfg({good, other_mint, no_sol, empty, decimals, wrong_owner}),
                        rpc_cfg(chain.url()));
    src.start(sink);
    REQUIRE(eventually([&] { return src.polls() >= 5; }));
    src.stop();
    const auto v = sink.events();
    REQUIRE(v.size() == 1);
    CHECK(v[0].ev.h.type == SNP_EVENT_NEW_POOL);
    CHECK(v[0].ev.new_pool.pool == good.pool);
    const uint64_t polls = src.polls();
    CHECK(src.rejected(WatchReject::MintMismatch) == polls);
    CHECK(src.rejected(WatchReject::AccountMissing) == polls);
    CHECK(src.rejected(WatchReject::ZeroReserve) == polls);
    CHECK(src.rejected(WatchReject::DecimalsMismatch) == polls);
    CHECK(src.rejected(WatchReject::WrongOwner) == polls);
    CHECK(src.rejected_inputs() == 5 * polls);
    // Logged once per pool, not per poll.
    CHECK(logs.count("a read of a watched pool was refused") == 5);
    CHECK(logs.count("mint_mismatch") == 1);
}

TEST_CASE("pool watch: a failing node is logged once, backed off, and the pool resumes at once "
          "when it recovers",
          "[live][watch][outage]") {
    LogCapture logs;
    FakeChain chain;
    const WatchPoolConfig p = pool_cfg(1);
    chain.set_pool(p, 5'000, 6'000'000);
    CollectSink sink;
    WatchFeedConfig cfg = watch_cfg({p}, 20, 10'000); // stale after 60 ms
    PoolWatchSource src(cfg, rpc_cfg(chain.url()));
    src.start(sink);
    REQUIRE(sink.wait([](const auto& v) { return !v.empty(); }));

    chain.set_down(true);
    const int64_t down_at = mono_ns();
    const uint64_t polls_before = src.polls();
    std::this_thread::sleep_for(800ms);
    const uint64_t errors = src.rpc_errors();
    const uint64_t failed_polls = src.polls() - polls_before;
    CHECK(errors >= 3);
    CHECK(errors + 1 >=
          failed_polls); // one request per poll; a poll may be counted between the two reads
    CHECK(errors <= failed_polls + 1);
    // Backed off: 20 ms polls would be ~40 in 800 ms; doubling to 160 ms gives far fewer.
    CHECK(failed_polls <= 12);
    CHECK(sink.events().size() == 1); // nothing from remembered reserves

    chain.set_down(false);
    // Unchanged reserves and a 10 s heartbeat: only the return from stale sends it.
    REQUIRE(sink.wait([](const auto& v) { return v.size() >= 2; }, 5000ms));
    const auto v = sink.events();
    CHECK(v[1].ev.h.type == SNP_EVENT_POOL_UPDATE);
    CHECK(v[1].ev.pool_update.quote_reserve_lamports == 6'000'000);
    CHECK(v[1].at_mono_ns - down_at < 2'000'000'000);
    std::this_thread::sleep_for(300ms);
    CHECK(sink.events().size() == 2);
    src.stop();
    CHECK(logs.count("are failing") == 1);
    CHECK_THAT(logs.line_with("are failing"), Catch::Contains("HTTP 503"));
    CHECK(logs.count("recovered") == 1);
    CHECK(logs.count("is stale") == 1);
    CHECK(logs.count("has a valid read again") == 1);
}

TEST_CASE("pool watch: a malformed answer is refused and counted, never turned into an event",
          "[live][watch]") {
    testing::QuietLogs quiet;
    FakeChain chain;
    const WatchPoolConfig p = pool_cfg(1);
    chain.set_pool(p, 5'000, 6'000'000);
    chain.set_result_override(
        R"({"context":{"slot":5},"value":[null]})"); // one account for three keys
    CollectSink sink;
    PoolWatchSource src(watch_cfg({p}), rpc_cfg(chain.url()));
    src.start(sink);
    REQUIRE(eventually([&] { return src.rejected(WatchReject::Malformed) >= 2; }));
    CHECK(sink.events().empty());
    CHECK(src.rpc_errors() >= 2);
    chain.set_result_override("");
    REQUIRE(sink.wait([](const auto& v) { return !v.empty(); }));
    src.stop();
}

TEST_CASE("pool watch: a dead endpoint gives no event and counted errors", "[live][watch]") {
    LogCapture logs;
    const WatchPoolConfig p = pool_cfg(1);
    CollectSink sink;
    PoolWatchSource src(watch_cfg({p}),
                        rpc_cfg("http://127.0.0.1:" + std::to_string(rpc::test::closed_port())));
    src.start(sink);
    REQUIRE(eventually([&] { return src.rpc_errors() >= 3; }));
    src.stop();
    CHECK(sink.events().empty());
    CHECK(src.rejected_inputs() == 0);
    CHECK(sink.ended() == 1);
    CHECK(logs.count("are failing") == 1);
    CHECK_THAT(logs.line_with("are failing"), Catch::Contains("transport from a"));
}

TEST_CASE(
    "pool watch: the [feeds.watch] factory builds a push feed over feeds.watch.rpc or [live] rpc",
    "[live][watch]") {
    testing::QuietLogs quiet;
    FakeChain chain;
    const WatchPoolConfig p = pool_cfg(1);
    chain.set_pool(p, 5'000, 6'000'000);
    const std::string toml = "[live]\nrpc = [\"" + chain.url() +
                             "\"]\nrpc_requests_per_second = 200\n"
                             "[feeds.watch]\ninterval = \"20ms\"\n[[feeds.watch.pool]]\n"
                             "mint = \"" +
                             to_base58(p.mint) + "\"\npool = \"" + to_base58(p.pool) +
                             "\"\ntoken_vault = \"" + to_base58(p.token_vault) +
                             "\"\nsol_account = \"" + to_base58(p.sol_account) +
                             "\"\nsol_kind = \"lamports\"\n";
    const auto loaded = load_config_string(toml, "/cfg/watch.toml",
                                           [](const std::string&) { return std::nullopt; });
    INFO((loaded.errors.empty() ? std::string() : loaded.errors[0].to_string()));
    REQUIRE(loaded.config);
    const rpc::RpcClientConfig rc = watch_rpc_config(*loaded.config);
    REQUIRE(rc.endpoints.size() == 1);
    CHECK(rc.endpoints[0].url == chain.url());
    CHECK(rc.endpoints[0].requests_per_s == 200);

    std::unique_ptr<Feed> feed = make_watch_feed(*loaded.config);
    REQUIRE(feed->pushes());
    CollectSink sink;
    feed->start(sink);
    REQUIRE(sink.wait([](const auto& v) { return !v.empty(); }));
    CHECK(sink.events()[0].ev.new_pool.pool == p.pool);
    feed->stop();
    CHECK(feed->ended());
    CHECK(feed->rejected_inputs() == 0);

    Config no_rpc = *loaded.config;
    no_rpc.live.rpc_urls.clear();
    CHECK_THROWS_WITH(make_watch_feed(no_rpc), Catch::Contains("no JSON-RPC endpoint"));
    no_rpc.feeds.watch.rpc_urls = {"http://127.0.0.1:1"};
    CHECK(watch_rpc_config(no_rpc).endpoints.at(0).url == "http://127.0.0.1:1");
}

// ---------------------------------------------------------------- localnet

namespace {

struct SeededPool {
    WatchPoolConfig cfg;
    uint64_t sol_reserve = 0;
    uint64_t token_reserve = 0;
};

// The first pool of GET /admin/pools.
SeededPool seeded_pool(const std::string& url) {
    const auto res = rpc::test::http(url + "/admin/pools");
    REQUIRE(res.status == 200);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(res.body).get(doc) == simdjson::SUCCESS);
    simdjson::dom::object o;
    REQUIRE(doc.at(0).get(o) == simdjson::SUCCESS);
    const auto key = [&](const char* k) {
        std::string_view s;
        REQUIRE(o[k].get(s) == simdjson::SUCCESS);
        Pubkey out{};
        REQUIRE(pubkey_from_base58(s, out));
        return out;
    };
    const auto u64s = [&](const char* k) {
        std::string_view s;
        REQUIRE(o[k].get(s) == simdjson::SUCCESS);
        return std::stoull(std::string(s));
    };
    SeededPool sp;
    sp.cfg.mint = key("mint");
    sp.cfg.pool = key("pool");
    sp.cfg.token_vault = key("token_vault");
    sp.cfg.sol_account = key("sol_account");
    sp.cfg.sol_kind = WatchSolKind::Lamports;
    uint64_t decimals = 0, fee = 0;
    REQUIRE(o["decimals"].get(decimals) == simdjson::SUCCESS);
    REQUIRE(o["fee_bps"].get(fee) == simdjson::SUCCESS);
    sp.cfg.decimals = static_cast<uint8_t>(decimals);
    sp.cfg.fee_bps = static_cast<uint32_t>(fee);
    sp.sol_reserve = u64s("sol_reserve_lamports");
    sp.token_reserve = u64s("token_reserve_atoms");
    return sp;
}

} // namespace

TEST_CASE("localnet: a seeded pool's reserves exactly, then airdrops of SOL and tokens as updates",
          "[localnet][live][watch]") {
    testing::QuietLogs quiet;
    rpc::test::Localnet net;
    const SeededPool sp = seeded_pool(net.url);
    CollectSink sink;
    PoolWatchSource src(watch_cfg({sp.cfg}, 50), rpc::test::one_endpoint(net.url));
    src.start(sink);
    REQUIRE(sink.wait([](const auto& v) { return !v.empty(); }, 10'000ms));
    const EventBuf first = sink.events()[0].ev;
    REQUIRE(first.h.type == SNP_EVENT_NEW_POOL);
    CHECK(first.new_pool.base_reserve_atoms == sp.token_reserve);
    CHECK(first.new_pool.quote_reserve_lamports == sp.sol_reserve);
    CHECK(first.new_pool.base_decimals == *sp.cfg.decimals);
    CHECK(first.new_pool.fee_bps == sp.cfg.fee_bps);
    CHECK(first.new_pool.token_supply_atoms >= sp.token_reserve);
    CHECK(first.h.slot > 1000); // slot = block height + 1000 on the localnet

    // SOL into the pool authority: the SOL reserve moves, the token one does not.
    const uint64_t lamports = 1'000'000'007;
    const auto a = rpc::test::http_post(
        net.url + "/admin/airdrop", R"({"pubkey":")" + to_base58(sp.cfg.sol_account) +
                                        R"(","lamports":")" + std::to_string(lamports) + R"("})");
    INFO(a.body);
    REQUIRE(a.status == 200);
    REQUIRE(sink.wait(
        [&](const auto& v) { return has_update(v, sp.token_reserve, sp.sol_reserve + lamports); },
        10'000ms));
    // Tokens into the authority's associated account, which is the vault.
    const uint64_t atoms = 123'456;
    const auto b = rpc::test::http_post(net.url + "/admin/airdrop",
                                        R"({"pubkey":")" + to_base58(sp.cfg.sol_account) +
                                            R"(","mint":")" + to_base58(sp.cfg.mint) +
                                            R"(","amount":")" + std::to_string(atoms) + R"("})");
    INFO(b.body);
    REQUIRE(b.status == 200);
    REQUIRE(sink.wait(
        [&](const auto& v) {
            return has_update(v, sp.token_reserve + atoms, sp.sol_reserve + lamports);
        },
        10'000ms));
    const auto after = seeded_pool(net.url);
    CHECK(after.token_reserve == sp.token_reserve + atoms);
    CHECK(after.sol_reserve == sp.sol_reserve + lamports);
    // Slots only go forward across events.
    const auto v = sink.events();
    for (size_t i = 1; i < v.size(); ++i) {
        CHECK(v[i].ev.h.slot >= v[i - 1].ev.h.slot);
    }
    src.stop();
    CHECK(src.rejected_inputs() == 0);
    CHECK(src.rpc_errors() == 0);
}
