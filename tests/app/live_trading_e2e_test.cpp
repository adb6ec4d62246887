// Live trading end to end (issue 11): the real sniperd in live mode (both
// opt-ins), the real sniper-signer, the [feeds.watch] pool source and a Lua
// strategy, against the local validator (tools/localnet: litesvm behind
// JSON-RPC with Jupiter- and Jito-compatible endpoints) on loopback.
//
// - a strategy buys through jupiter and through jito and sells: the
//   wallet's SOL and token balances on chain equal what the journal says,
//   to the lamport and atom; `sniperctl status --json` shows the landing
//   figures per route;
// - the key is nowhere in the memory of the running sniperd (a
//   /proc/<pid>/mem scan), nor in its logs or journal, and its signer
//   exits when sniperd is killed with SIGKILL;
// - kill -9 of sniperd while orders are in flight (the validator lands
//   them late), many times: after each restart every order is settled from
//   the chain, no intent has two landed transactions, and the journal's
//   positions and balance equal the chain; then `kill --flatten` sells
//   everything on chain and halts.
#include "e2e_localnet.hpp"

#include "solana/base58.hpp"
#include "solana/keypair.hpp"

#include <simdjson.h>

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <random>
#include <set>

using namespace sniper::e2e;

namespace {

struct Pool {
    std::string mint, pool, sol_account, token_vault;
};

Pool first_pool(const Localnet& net) {
    simdjson::dom::parser p;
    const std::string body = net.http("/admin/pools");
    simdjson::dom::element doc;
    REQUIRE(p.parse(body).get(doc) == simdjson::SUCCESS);
    simdjson::dom::element e = doc.at(0);
    return Pool{std::string(std::string_view(e["mint"])), std::string(std::string_view(e["pool"])),
                std::string(std::string_view(e["sol_account"])), std::string(std::string_view(e["token_vault"]))};
}

struct Wallet {
    std::string key, address;
};

Wallet funded_wallet(Workspace& w, const Localnet& net, uint64_t lamports) {
    Wallet out;
    out.key = w.tmp / "wallet.json";
    REQUIRE(run({kSniperd, "keygen", "--out", out.key}, w.out("keygen")).exit_code == 0);
    const RunResult pk = run({kSniperd, "pubkey", "--keypair", out.key}, w.out("pubkey"));
    REQUIRE(pk.exit_code == 0);
    out.address = split_words(pk.out).at(0);
    long status = 0;
    const std::string a = net.post("/admin/airdrop", R"({"pubkey":")" + out.address + R"(","lamports":")" +
                                                         std::to_string(lamports) + R"("})",
                                   &status);
    INFO(a);
    REQUIRE(status == 200);
    REQUIRE(poll_until([&] { return net.lamports(out.address) == lamports; }, 20s));
    return out;
}

std::string live_toml(Workspace& w, const Localnet& net, const Wallet& wallet, const Pool& pool,
                      const std::string& extra = "") {
    return "mode = \"live\"\ndata_dir = \"" + w.data_dir + "\"\nplugins_dir = \"" + w.plugins_dir + "\"\n" +
           R"toml(
[logging]
level = "info"
format = "json"

[feeds.watch]
interval = "100ms"
heartbeat = "1s"

[[feeds.watch.pool]]
mint = ")toml" + pool.mint + R"toml("
pool = ")toml" + pool.pool + R"toml("
token_vault = ")toml" + pool.token_vault + R"toml("
sol_account = ")toml" + pool.sol_account + R"toml("
sol_kind = "lamports"

[risk]
max_order_sol = 0.5
max_open_positions = 10
max_slippage_bps = 3000

[signer]
keypair = ")toml" + wallet.key + R"toml("
max_tx_sol = 1.0
max_day_sol = 100.0

[live]
rpc = [")toml" + net.url + R"toml("]
jupiter_url = ")toml" + net.url + R"toml("
jito_url = ")toml" + net.url + R"toml("
min_balance_sol = 0.5
rpc_requests_per_second = 500
rebroadcast_interval = "150ms"
status_interval = "100ms"
tip_sol = 0.00002
)toml" + extra;
}

// SOL the journal says the wallet gained (negative: spent): fills, and the
// fees of orders that did not fill.
int64_t journal_sol(Db& db) {
    const int64_t buys = db.count("SELECT COALESCE(SUM(in_amount + fee_lamports + tip_lamports), 0) FROM fills "
                                  "WHERE side = 1");
    const int64_t sells = db.count("SELECT COALESCE(SUM(out_amount - fee_lamports - tip_lamports), 0) FROM fills "
                                   "WHERE side = 2");
    const int64_t unfilled_fees =
        db.count("SELECT COALESCE(SUM(fee_lamports), 0) FROM orders WHERE status IN (4, 5) AND fee_lamports != 0");
    return sells - buys - unfilled_fees;
}

int64_t journal_atoms(Db& db) {
    return db.count("SELECT COALESCE(SUM(out_amount), 0) FROM fills WHERE side = 1") -
           db.count("SELECT COALESCE(SUM(in_amount), 0) FROM fills WHERE side = 2");
}

const char* kTraderLua = R"lua(
-- Buys the first pool it sees through jupiter, again through jito, then
-- sells the whole position through jupiter.
local host = host
local step, mint, pool = 0, nil, nil
return {
  name = "live_trader",
  events = { "new_pool", "order_update", "timer" },
  on_event = function(ev)
    if ev.type == "new_pool" and step == 0 then
      mint, pool, step = ev.base_mint, ev.pool, 1
      host.submit{ side = "buy", mint = mint, pool = pool, amount_in = 100000000, max_slippage_bps = 500,
                   route = "jupiter" }
    elseif ev.type == "order_update" and ev.status == "filled" then
      if step == 1 then
        step = 2
        host.submit{ side = "buy", mint = mint, pool = pool, amount_in = 50000000, max_slippage_bps = 500,
                     route = "jito" }
      elseif step == 2 then
        step = 3
        host.set_timer(200000000, 1)
      elseif step == 3 then
        step = 4
        host.log("info", "live_trader done")
      end
    elseif ev.type == "timer" and step == 3 then
      host.submit{ side = "sell", sell_all = true, mint = mint, pool = pool, max_slippage_bps = 500,
                   route = "jupiter" }
    end
  end,
}
)lua";

} // namespace

// Every readable mapping of `pid` (reservations over 512 MiB skipped), and
// whether each needle occurs in it.
std::map<std::string, bool> scan_process(pid_t pid, const std::map<std::string, std::string>& needles,
                                         uint64_t& scanned) {
    std::map<std::string, bool> found;
    std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
    const int mem = ::open(("/proc/" + std::to_string(pid) + "/mem").c_str(), O_RDONLY);
    REQUIRE(mem >= 0);
    std::string line;
    std::vector<char> buf;
    while (std::getline(maps, line)) {
        unsigned long lo = 0, hi = 0;
        char perms[8] = {};
        if (std::sscanf(line.c_str(), "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r' ||
            hi - lo > (512UL << 20) || line.find("[vvar") != std::string::npos) {
            continue;
        }
        buf.resize(hi - lo);
        const ssize_t n = ::pread(mem, buf.data(), buf.size(), static_cast<off_t>(lo));
        if (n <= 0) {
            continue;
        }
        scanned += static_cast<uint64_t>(n);
        const std::string_view hay(buf.data(), static_cast<size_t>(n));
        for (const auto& [name, needle] : needles) {
            found[name] = found[name] || hay.find(needle) != std::string_view::npos;
        }
    }
    ::close(mem);
    return found;
}

// The pids whose parent is `parent` and whose command is `comm`.
std::vector<pid_t> children_named(pid_t parent, const std::string& comm) {
    std::vector<pid_t> out;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
        const std::string name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::ifstream f(e.path() / "stat");
        std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        const size_t open = stat.find('('), close = stat.rfind(')');
        if (open == std::string::npos || close == std::string::npos || close + 4 > stat.size()) {
            continue;
        }
        const std::vector<std::string> rest = split_words(stat.substr(close + 2));
        if (rest.size() > 1 && stat.substr(open + 1, close - open - 1) == comm &&
            std::stol(rest[1]) == static_cast<long>(parent) && rest[0] != "Z") {
            out.push_back(static_cast<pid_t>(std::stol(name)));
        }
    }
    return out;
}

TEST_CASE("live: the key is nowhere in a running sniperd, its logs or journal, and its signer dies with it",
          "[app][e2e][live][localnet]") {
    Workspace w;
    Localnet net(w, 20);
    const Pool pool = first_pool(net);
    const Wallet wallet = funded_wallet(w, net, 1'000'000'000);
    std::filesystem::create_directories(w.plugins_dir);
    write_file(w.config, live_toml(w, net, wallet, pool));
    const sniper::solana::KeyLoad k = sniper::solana::read_keypair_file(wallet.key);
    REQUIRE(k.ok());
    const auto bytes = [](const uint8_t* p, size_t n) { return std::string(reinterpret_cast<const char*>(p), n); };
    const std::string key_json = read_file(wallet.key);
    const std::map<std::string, std::string> secret{
        {"seed", bytes(k.key->seed(), 32)},
        {"secret64", bytes(k.key->data(), 64)},
        {"base58 secret", sniper::solana::base58_encode(k.key->data(), 64)},
        {"key file text", key_json.substr(0, std::min<size_t>(key_json.size(), 60))}};

    Child daemon({kSniperd, "run", "--config", w.config}, w.out("sniperd"), {{"SNIPER_TRADING_MODE", "live"}});
    std::string status_out;
    const bool live = poll_until(
        [&] {
            const RunResult st = sniperctl(w, {"status", "--json"});
            status_out = st.out;
            return st.exit_code == 0 && contains(st.out, "\"executor\":\"live\"");
        },
        60s, [&] { return !daemon.running(); }, 200ms);
    INFO("status: " << status_out << "\nsniperd stderr:\n" << tail(daemon.stderr_text()));
    REQUIRE(live);
    const std::vector<pid_t> signers = children_named(daemon.pid(), "sniper-signer");
    REQUIRE(signers.size() == 1);

    // The scan sees sniperd's memory: the wallet's public key, which
    // sniperd holds, is found; no form of the secret is.
    std::map<std::string, std::string> needles = secret;
    const auto wallet_key = sniper::solana::read_keypair_file(wallet.key).key->public_key();
    needles["wallet public key"] = bytes(wallet_key.bytes.data(), 32);
    uint64_t scanned = 0;
    const auto found = scan_process(daemon.pid(), needles, scanned);
    INFO("scanned " << scanned << " bytes of sniperd (pid " << daemon.pid() << ")");
    CHECK(scanned > (4u << 20));
    CHECK(found.at("wallet public key"));
    for (const auto& [name, needle] : secret) {
        INFO(name);
        CHECK_FALSE(found.at(name));
    }
    // Nor in what it wrote: its logs and its journal.
    const std::string logs = daemon.stdout_text() + daemon.stderr_text();
    std::string journal = read_file(w.db());
    for (const char* extra : {"-wal", "-shm"}) {
        journal += read_file(w.db() + extra);
    }
    for (const auto& [name, needle] : secret) {
        INFO(name);
        CHECK(logs.find(needle) == std::string::npos);
        CHECK(journal.find(needle) == std::string::npos);
    }

    // kill -9 of sniperd: its signer sees the socket close and exits.
    daemon.signal(SIGKILL);
    REQUIRE(poll_until([&] { return !daemon.running(); }, 10s));
    const bool signer_gone = poll_until(
        [&] {
            std::ifstream f("/proc/" + std::to_string(signers[0]) + "/stat");
            std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
            const size_t close = stat.rfind(')');
            return stat.empty() || (close != std::string::npos && close + 2 < stat.size() &&
                                    (stat[close + 2] == 'Z' || stat[close + 2] == 'X'));
        },
        10s);
    CHECK(signer_gone);
}

TEST_CASE("live: a strategy buys through jupiter and jito and sells, and the chain equals the journal",
          "[app][e2e][live][localnet]") {
    Workspace w;
    Localnet net(w, 20);
    const Pool pool = first_pool(net);
    const Wallet wallet = funded_wallet(w, net, 3'000'000'000);
    std::filesystem::create_directories(w.plugins_dir);
    write_file(w.plugins_dir + "/live_trader.lua", kTraderLua);
    write_file(w.config, live_toml(w, net, wallet, pool));
    const uint64_t sol0 = net.lamports(wallet.address);

    Child daemon({kSniperd, "run", "--config", w.config}, w.out("sniperd"), {{"SNIPER_TRADING_MODE", "live"}});
    const bool done = poll_until(
        [&] {
            if (!exists(w.db())) {
                return false;
            }
            Db db(w.db());
            return db.count("SELECT COUNT(*) FROM fills") >= 3;
        },
        90s, [&] { return !daemon.running(); }, 200ms);
    INFO("sniperd stderr:\n" << tail(daemon.stderr_text()) << "\nstdout:\n" << tail(daemon.stdout_text()));
    REQUIRE(done);

    // Landing figures per route, as a person or a script sees them (the
    // snapshot is republished every ~100 ms).
    uint64_t landed = 0;
    std::set<std::string> routes;
    std::string status_out;
    poll_until(
        [&] {
            const RunResult st = sniperctl(w, {"status", "--json"});
            status_out = st.out;
            simdjson::dom::parser p;
            simdjson::dom::element doc;
            if (st.exit_code != 0 || p.parse(st.out).get(doc) != simdjson::SUCCESS) {
                return false;
            }
            landed = 0;
            routes.clear();
            for (simdjson::dom::element r : doc["landing"].get_array()) {
                routes.insert(std::string(std::string_view(r["route"])));
                landed += uint64_t(r["landed"]);
            }
            return landed == 3;
        },
        10s);
    INFO(status_out);
    CHECK(contains(status_out, "\"executor\":\"live\""));
    CHECK(contains(status_out, "\"confirm_ms_p99\""));
    // No [feeds.ws] here: no slot was known at any send.
    CHECK(contains(status_out, "\"confirm_slots_n\":0"));
    CHECK(landed == 3);
    CHECK(routes == std::set<std::string>{"jito", "jupiter"});
    const RunResult text = sniperctl(w, {"status"});
    CHECK(contains(text.out, "landing"));
    CHECK(contains(text.out, "jito"));
    CHECK(contains(text.out, "slots p50/max"));

    daemon.signal(SIGTERM);
    REQUIRE(poll_until([&] { return !daemon.running(); }, 30s));

    Db db(w.db());
    CHECK(db.count("SELECT COUNT(*) FROM fills WHERE side = 1") == 2);
    CHECK(db.count("SELECT COUNT(*) FROM fills WHERE side = 2") == 1);
    CHECK(db.count("SELECT COUNT(*) FROM fills WHERE tip_lamports = 20000") == 1); // the jito buy
    CHECK(db.count("SELECT COUNT(*) FROM send_attempts") >= 3);
    CHECK(db.count("SELECT COUNT(*) FROM orders WHERE status = 6") >= 3); // SENT rows
    CHECK(static_cast<int64_t>(net.lamports(wallet.address)) == static_cast<int64_t>(sol0) + journal_sol(db));
    CHECK(static_cast<int64_t>(net.atoms(wallet.address, pool.mint)) == journal_atoms(db));
    CHECK(net.atoms(wallet.address, pool.mint) == 0);
    CHECK(db.count("SELECT COUNT(*) FROM positions WHERE amount_atoms > 0") == 0);
}

TEST_CASE("live: kill -9 between send and confirmation, many times: nothing lost, nothing sent twice",
          "[app][e2e][live][localnet][crash]") {
    Workspace w;
    Localnet net(w, 20);
    // Every transaction lands 15 slots (~300 ms) after it is sent: kills
    // fall between send and confirmation.
    long status = 0;
    net.post("/admin/faults", R"({"land_late_share": 1.0, "land_late_slots": 15, "seed": 3})", &status);
    REQUIRE(status == 200);
    const Pool pool = first_pool(net);
    const Wallet wallet = funded_wallet(w, net, 5'000'000'000);
    std::filesystem::create_directories(w.plugins_dir);
    // Buys a little on every pool update (the risk gate lets one order per
    // mint be in flight at a time).
    write_file(w.plugins_dir + "/nibbler.lua", R"lua(
local host = host
return {
  name = "nibbler",
  events = { "new_pool", "pool_update" },
  on_event = function(ev)
    host.submit{ side = "buy", mint = ev.base_mint, pool = ev.pool, amount_in = 2000000, max_slippage_bps = 1000,
                 route = "jupiter" }
  end,
}
)lua");
    write_file(w.config, live_toml(w, net, wallet, pool));
    const uint64_t sol0 = net.lamports(wallet.address);

    std::mt19937 rng(42);
    int kills = 0;
    for (int round = 0; round < 6; ++round) {
        Child daemon({kSniperd, "run", "--config", w.config}, w.out("sniperd"), {{"SNIPER_TRADING_MODE", "live"}});
        // Up once it answers (a killed run leaves its socket file behind;
        // restore settles what it left in flight before the socket opens).
        std::optional<Status> s;
        REQUIRE(poll_until([&] { return (s = json_status(w)).has_value(); }, 90s, [&] { return !daemon.running(); },
                           100ms));
        if (round > 0) {
            // An unclean stop starts HALTED: a person looks, then resumes.
            CHECK(s->trading_state == "HALTED");
            REQUIRE(sniperctl(w, {"resume", "--confirm"}).exit_code == 0);
        }
        // Let orders get sent, then pull the plug while one is in flight:
        // its latest journal row says sent (landing takes 15 slots).
        std::this_thread::sleep_for(std::chrono::milliseconds(800 + rng() % 1200));
        if (round < 5) {
            poll_until(
                [&] {
                    Db db(w.db());
                    return db.count("SELECT COUNT(*) FROM orders o JOIN (SELECT intent_id, MAX(id) AS last FROM "
                                    "orders GROUP BY intent_id) l ON o.id = l.last WHERE o.status = 6") > 0;
                },
                10s, [&] { return !daemon.running(); }, 5ms);
        }
        if (round < 5) {
            daemon.signal(SIGKILL);
            ++kills;
            REQUIRE(poll_until([&] { return !daemon.running(); }, 10s));
        } else {
            daemon.signal(SIGTERM);
            REQUIRE(poll_until([&] { return !daemon.running(); }, 60s));
        }
        INFO("round " << round << " stderr:\n" << tail(daemon.stderr_text()));
    }
    // One more start: it settles whatever the last run left, then
    // `kill --flatten` sells every position on chain and halts.
    {
        Child daemon({kSniperd, "run", "--config", w.config}, w.out("sniperd-final"),
                     {{"SNIPER_TRADING_MODE", "live"}});
        REQUIRE(poll_until([&] { return json_status(w).has_value(); }, 90s, [&] { return !daemon.running(); },
                           100ms));
        const RunResult k = sniperctl(w, {"kill", "--flatten", "--reason", "test end"});
        INFO(brief(k));
        REQUIRE(k.exit_code == 0);
        const bool flat = poll_until(
            [&] {
                const auto s = json_status(w);
                return s && s->trading_state == "HALTED" && s->open_positions == 0;
            },
            60s);
        INFO("stderr:\n" << tail(daemon.stderr_text()));
        CHECK(flat);
        daemon.signal(SIGTERM);
        REQUIRE(poll_until([&] { return !daemon.running(); }, 60s));
    }
    CHECK(kills == 5);

    Db db(w.db());
    // Every order settled: none is left accepted or sent.
    CHECK(db.count("SELECT COUNT(*) FROM orders o JOIN (SELECT intent_id, MAX(id) AS last FROM orders GROUP BY "
                   "intent_id) l ON o.id = l.last WHERE o.status IN (1, 6)") == 0);
    const int64_t fills = db.count("SELECT COUNT(*) FROM fills");
    CHECK(fills >= 3);
    // The kills did fall between send and confirmation: orders were settled
    // at a restart, from the chain or as never sent.
    const int64_t at_restart = db.count("SELECT COUNT(*) FROM orders WHERE detail LIKE '%restart%' OR code = 2008");
    WARN("kill -9 x5: " << fills << " fills, " << at_restart << " orders settled at a restart");
    CHECK(at_restart >= 1);
    // Landed transactions per intent, counted on the validator.
    const std::string landed = net.http("/admin/landed?fee_payer=" + wallet.address);
    simdjson::dom::parser p;
    simdjson::dom::element doc;
    REQUIRE(p.parse(landed).get(doc) == simdjson::SUCCESS);
    std::map<int64_t, int> per_intent;
    size_t total = 0;
    for (simdjson::dom::element l : doc.get_array()) {
        const std::string sig{std::string_view(l["signature"])};
        const int64_t intent = db.count("SELECT COALESCE(MAX(intent_id), -1) FROM send_attempts WHERE signature = ?",
                                        {sig});
        CHECK(intent > 0); // every landed transaction of the wallet is a journaled attempt
        ++per_intent[intent];
        ++total;
    }
    for (const auto& [intent, n] : per_intent) {
        INFO("intent " << intent);
        CHECK(n == 1);
    }
    CHECK(static_cast<int64_t>(total) == fills); // each landing is one fill, each fill one landing
    CHECK(static_cast<int64_t>(net.lamports(wallet.address)) == static_cast<int64_t>(sol0) + journal_sol(db));
    CHECK(static_cast<int64_t>(net.atoms(wallet.address, pool.mint)) == journal_atoms(db));
    CHECK(db.count("SELECT COALESCE(SUM(amount_atoms), 0) FROM positions") == journal_atoms(db));
    CHECK(net.atoms(wallet.address, pool.mint) == 0); // flattened on chain
    CHECK(db.count("SELECT COUNT(*) FROM fills WHERE side = 2") >= 1);
}
