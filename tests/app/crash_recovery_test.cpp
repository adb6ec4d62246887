// Crash-recovery test: run the demo pipeline (simulated market, the two
// example strategies, paper executor, [risk] and [protection]) in the real
// sniperd, kill it with SIGKILL at many random moments, restart it each
// time, and check after every kill (with sniperd down, the journal opened
// read-only) that
//
//   I1  PRAGMA integrity_check is "ok";
//   I2  no order was applied twice: at most one fill per intent_id, at most
//       one ACCEPTED and at most one terminal status (REJECTED, FILLED,
//       FAILED, EXPIRED) per intent_id in `orders`, and every fill has its
//       FILLED order row;
//   I3  positions equal the journal: for every (strategy, mint)
//       positions.amount_atoms == sum(BUY fills out_amount) -
//       sum(SELL fills in_amount) (a missing row counts as 0), so a row that
//       says open has exactly that positive fill balance;
//   I4  no fill was lost: every fill row seen after an earlier kill is still
//       there, unchanged (the fills journal is append-only), and every order
//       whose status is FILLED has its fill row;
//   I5  the trading state equals the journal: right after each start,
//       `sniperctl status --json` shows the state of the last trading_state
//       row, and that is HALTED on every restart after a kill (a crash never
//       resumes trading by itself); `sniperctl resume --confirm` then adds
//       exactly one row (ACTIVE, actor sniperctl). While HALTED, the
//       positions the daemon restored equal the journal's open positions;
//   I6  no order stays in flight forever: an order whose latest status was
//       ACCEPTED when the daemon was killed has a FAILED or EXPIRED status
//       once the restarted daemon has been up for 200 ms (paper orders in
//       flight when the process died cannot land any more).
//
// and once more after a final clean restart and clean stop (SIGTERM).
//
// Kill moments: mostly 20-400 ms of trading after the restart (the run is
// flat out, so that is mid-batch of the journal writer), some right after
// the daemon answers, and some during start-up before it answers. The
// randomness comes from one seed, printed at the start; reproduce a run with
// SNIPER_CRASH_SEED=<seed>. SNIPER_CRASH_KILLS raises the number of kills
// (never below 100); scripts/crash_soak.sh runs 1000.
//
// Each invariant's first failures are reported as they happen (with the SQL
// rows); after that they are counted, and every invariant that failed at all
// fails the test at the end with its count and examples.
#include "e2e_util.hpp"

#include <sniper/strategy_abi.h>

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <iomanip>
#include <map>
#include <random>
#include <set>
#include <sstream>

using namespace sniper::e2e;

namespace {

const std::vector<std::string> kExamples = {"example_sniper", "example_momentum"};
constexpr uint64_t kDefaultSeed = 0x5eed2026cafeULL;
constexpr int kMinKills = 100;

// Trading time before a kill, after the restart is resumed. The 100 kills
// take about 50 s in a RelWithDebInfo build and about the same under
// ASan + UBSan (Debug), whose daemon trades less in the same time; ctest
// allows 300 s.
constexpr int kMinRunMs = 20;
constexpr int kMaxRunMs = 400;
// How long the restarted daemon must have been up before every order left
// in flight by the previous kill must be settled (I6).
constexpr auto kSettleAfter = 200ms;

std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') {
        return std::nullopt;
    }
    return std::string(v);
}

// The demo pipeline of config/paper.toml, flat out and without an end: the
// simulated market at speed 0 for as long as it runs, the example
// strategies, the paper executor, the demo's [risk] limits and host
// [protection]. Some values differ from the demo:
// - 20 new pools a minute instead of 6 and a 2 s landing delay instead of
//   400 ms (a congested network), so a kill finds orders in flight more
//   often (about one kill in five instead of one in twenty);
// - half of the tokens on bonding curves, as in the demo: positions that
//   follow a migrated coin to its pool are journaled and restored too;
// - 100 SOL to start with, room for 200 open positions and 100 SOL of
//   exposure instead of 10 / 3 SOL. Every restart replays the same market
//   from its first minute (same seed, same simulated clock), so positions
//   bought late in one run, rugs and honeypots that cannot be sold pile up
//   over hundreds of restarts; with the demo's limits they soon block every
//   entry and the later kills would hit a daemon that no longer trades.
std::string crash_config(const std::string& data_dir, const std::string& plugins_dir) {
    const std::string paths = "mode = \"paper\"\ndata_dir = \"" + data_dir +
                              "\"\nplugins_dir = \"" + plugins_dir + "\"\n";
    return paths + R"toml(
[logging]
level = "info"
format = "json"

[feeds.sim]
enabled = true
seed = 42
pools_per_minute = 20.0
duration = "0s"
update_interval = "1s"
speed = 0.0
initial_liquidity_min_sol = 5.0
initial_liquidity_max_sol = 80.0
fee_bps = 25
curve_share = 0.5

[paper]
starting_balance_sol = 100.0
base_fee_lamports = 5000
priority_fee_lamports = 10000
tip_sol = 0.0
landing_delay = "2s"
failure_rate_pct = 2.0
seed = 7

[risk]
max_order_sol = 0.5
max_open_positions = 200
max_slippage_bps = 3000
max_position_sol = 0.5
max_exposure_sol = 100.0
max_daily_loss_sol = 3.0
max_orders_per_minute = 60
reject_freeze_authority = true
max_price_age = "30s"

[protection]
stop_loss_pct = 30
take_profit_pct = 80
trailing_stop_pct = 25
max_hold = "10m"

[control]
socket = ""
)toml" + example_strategies_toml();
}

std::string tail(const std::string& text, size_t n = 2500) {
    return text.size() <= n ? text : "..." + text.substr(text.size() - n);
}

std::string join(const std::vector<std::string>& row, const char* sep = "|") {
    std::string s;
    for (size_t i = 0; i < row.size(); ++i) {
        s += (i != 0 ? sep : "") + row[i];
    }
    return s;
}

const char* order_status_name(int s) {
    switch (s) {
    case SNP_ORDER_ACCEPTED:
        return "ACCEPTED";
    case SNP_ORDER_REJECTED:
        return "REJECTED";
    case SNP_ORDER_FILLED:
        return "FILLED";
    case SNP_ORDER_FAILED:
        return "FAILED";
    case SNP_ORDER_EXPIRED:
        return "EXPIRED";
    default:
        return "?";
    }
}

const char* trading_state_text(const std::string& n) {
    if (n == std::to_string(SNP_TRADING_ACTIVE)) {
        return "ACTIVE";
    }
    if (n == std::to_string(SNP_TRADING_REDUCING)) {
        return "REDUCING";
    }
    if (n == std::to_string(SNP_TRADING_HALTED)) {
        return "HALTED";
    }
    return "?";
}

// ------------------------------------------------------------ violations

// Every violation of every invariant, by invariant. The first few cycles
// with a violation of an invariant fail at once with the evidence; later
// ones are only counted, and the end of the test fails once per invariant
// that was ever violated.
class Violations {
  public:
    static constexpr int kReportedCycles = 3;
    static constexpr size_t kMaxExamples = 12;

    void add(const std::string& inv, const std::string& where, const std::string& evidence) {
        Entry& e = by_inv_[inv];
        ++e.count;
        if (e.examples.size() < kMaxExamples) {
            e.examples.push_back(where + ": " + evidence);
        }
        pending_[inv].push_back(where + ": " + evidence);
    }

    // Reports what this cycle found (the first cycles of each invariant).
    void end_cycle() {
        for (auto& [inv, list] : pending_) {
            Entry& e = by_inv_[inv];
            ++e.cycles;
            if (e.cycles <= kReportedCycles) {
                std::string msg = inv + " violated (" + std::to_string(list.size()) + "):";
                for (size_t i = 0; i < list.size() && i < 10; ++i) {
                    msg += "\n  " + list[i];
                }
                if (list.size() > 10) {
                    msg += "\n  ... " + std::to_string(list.size() - 10) + " more";
                }
                if (e.cycles == kReportedCycles) {
                    msg += "\n  (further violations of " + inv + " are only counted)";
                }
                FAIL_CHECK(msg);
            }
        }
        pending_.clear();
    }

    size_t total() const {
        size_t n = 0;
        for (const auto& [inv, e] : by_inv_) {
            n += e.count;
        }
        return n;
    }

    std::string summary() const {
        std::string s;
        for (const auto& [inv, e] : by_inv_) {
            s += "\n" + inv + ": " + std::to_string(e.count) + " violations at " +
                 std::to_string(e.cycles) + " kills/checks";
            for (const std::string& x : e.examples) {
                s += "\n    " + x;
            }
        }
        return s;
    }

    void check_all() const {
        for (const auto& [inv, e] : by_inv_) {
            INFO(inv << ": " << e.count << " violations at " << e.cycles
                     << " kills/checks; first ones:" << [&] {
                            std::string x;
                            for (const std::string& ex : e.examples) {
                                x += "\n  " + ex;
                            }
                            return x;
                        }());
            CHECK(e.count == 0);
        }
    }

  private:
    struct Entry {
        size_t count = 0;
        size_t cycles = 0;
        std::vector<std::string> examples;
    };
    std::map<std::string, Entry> by_inv_;
    std::map<std::string, std::vector<std::string>> pending_;
};

const std::string kI1 = "I1 integrity_check";
const std::string kI2 = "I2 order applied twice";
const std::string kI3 = "I3 positions != fills";
const std::string kI4 = "I4 fill lost";
const std::string kI5 = "I5 trading state";
const std::string kI6 = "I6 order left in flight";

// ------------------------------------------------------------ the world

struct World {
    TempDir tmp;
    std::string data_dir = tmp / "data";
    std::string plugins_dir = tmp / "plugins";
    std::string config = tmp / "sniperd.toml";

    std::string socket() const { return data_dir + "/sniperd.sock"; }
    std::string db() const { return data_dir + "/sniperd.db"; }

    std::vector<std::string> daemon_argv() const {
        // --for is only a safety net should this test process die.
        return {kSniperd, "run", "--config", config, "--for", "300s", "--quiet"};
    }

    RunResult ctl(const std::vector<std::string>& args) {
        std::vector<std::string> argv = {kSniperctl, "--socket", socket()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run(argv, tmp / "ctl", {}, 30s);
    }
};


std::optional<Status> status_of(World& w) {
    const RunResult r = w.ctl({"status", "--json"});
    if (r.exit_code != 0) {
        return std::nullopt;
    }
    return parse_status(r.out);
}

// (strategy, mint) -> (amount_atoms, cost_lamports) of the open positions
// `sniperctl positions --json` shows; nullopt when the call failed.
using PositionMap = std::map<std::pair<std::string, std::string>, std::pair<uint64_t, uint64_t>>;

std::optional<PositionMap> daemon_positions(World& w) {
    const RunResult r = w.ctl({"positions", "--json"});
    if (r.exit_code != 0) {
        return std::nullopt;
    }
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    const simdjson::padded_string padded(r.out);
    simdjson::dom::array arr;
    if (parser.parse(padded).get(doc) != simdjson::SUCCESS ||
        doc["positions"].get_array().get(arr) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    PositionMap out;
    for (simdjson::dom::element p : arr) {
        std::string_view strategy;
        std::string_view mint;
        uint64_t amount = 0;
        uint64_t cost = 0;
        if (p["strategy"].get_string().get(strategy) != simdjson::SUCCESS ||
            p["mint"].get_string().get(mint) != simdjson::SUCCESS ||
            p["amount_atoms"].get_uint64().get(amount) != simdjson::SUCCESS ||
            p["cost_lamports"].get_uint64().get(cost) != simdjson::SUCCESS) {
            return std::nullopt;
        }
        out[{std::string(strategy), std::string(mint)}] = {amount, cost};
    }
    return out;
}

PositionMap journal_positions(Db& db) {
    PositionMap out;
    for (const auto& r :
         db.rows("SELECT strategy, mint, amount_atoms, cost_lamports FROM positions "
                 "WHERE amount_atoms != 0")) {
        out[{r[0], r[1]}] = {std::stoull(r[2]), std::stoull(r[3])};
    }
    return out;
}

// ------------------------------------------------------------ the ledger

// What the test has seen of the journal across cycles.
struct Ledger {
    // fills row id -> the whole row, as first seen.
    std::map<int64_t, std::vector<std::string>> fills;
    // Orders in flight (latest status not final) at the last kill(s), not yet
    // checked against a restart that was up long enough: intent_id -> where.
    std::map<std::string, std::string> unsettled;
    uint64_t orders = 0;
    uint64_t in_flight_at_kills = 0;
    uint64_t max_in_flight = 0;
    uint64_t settled_checked = 0; // in-flight orders checked after a restart
    // The last check_journal's orders in flight: (intent_id, orders.id).
    std::vector<std::pair<int64_t, int64_t>> in_flight;
};

constexpr const char* kFillCols =
    "id, intent_id, strategy, side, mint, pool, in_amount, out_amount, fee_lamports, "
    "tip_lamports, realized_pnl_lamports, ts_ns";

bool terminal(int status) {
    return status == SNP_ORDER_REJECTED || status == SNP_ORDER_FILLED ||
           status == SNP_ORDER_FAILED || status == SNP_ORDER_EXPIRED;
}

// Every intent's order rows, (orders.id, status) in id order: one pass
// over the table (the journal grows to ~10^5 orders in a soak run).
std::map<int64_t, std::vector<std::pair<int64_t, int>>> order_histories(Db& db) {
    std::map<int64_t, std::vector<std::pair<int64_t, int>>> out;
    for (const auto& r : db.rows("SELECT intent_id, id, status FROM orders ORDER BY id")) {
        out[std::stoll(r[0])].emplace_back(std::stoll(r[1]), std::stoi(r[2]));
    }
    return out;
}

std::string history_text(const std::vector<std::pair<int64_t, int>>& h) {
    std::string s;
    for (const auto& [id, status] : h) {
        s += (s.empty() ? "" : " ") + std::to_string(id) + ":" + order_status_name(status);
    }
    return s;
}

// Checks I1-I4 on the journal (sniperd is down) and updates the ledger.
void check_journal(Db& db, Ledger& ledger, Violations& v, const std::string& where) {
    // I1
    const auto ic = db.rows("PRAGMA integrity_check");
    if (ic != std::vector<std::vector<std::string>>{{"ok"}}) {
        std::string text;
        for (size_t i = 0; i < ic.size() && i < 10; ++i) {
            text += (i != 0 ? "; " : "") + join(ic[i]);
        }
        v.add(kI1, where, text);
        return; // nothing else is trustworthy
    }

    const auto fills = db.rows(std::string("SELECT ") + kFillCols + " FROM fills ORDER BY id");
    const auto orders = order_histories(db);

    // I2: applied twice; I4: FILLED orders without their fill.
    std::map<int64_t, std::vector<const std::vector<std::string>*>> fills_of_intent;
    for (const auto& r : fills) {
        fills_of_intent[std::stoll(r[1])].push_back(&r);
    }
    for (const auto& [intent, rows] : fills_of_intent) {
        if (rows.size() > 1) {
            std::string ids;
            for (const auto* r : rows) {
                ids += " [" + join(*r, ",") + "]";
            }
            v.add(kI2, where,
                  "intent " + std::to_string(intent) + " has " + std::to_string(rows.size()) +
                      " fills:" + ids);
        }
        const auto h = orders.find(intent);
        const bool filled =
            h != orders.end() && std::any_of(h->second.begin(), h->second.end(),
                                             [](auto& x) { return x.second == SNP_ORDER_FILLED; });
        if (!filled) {
            v.add(kI2, where,
                  "fill without a FILLED order row: fills(" + join(*rows.front()) +
                      "); order history: " +
                      (h == orders.end() ? std::string("none") : history_text(h->second)));
        }
    }
    ledger.in_flight.clear();
    for (const auto& [intent, h] : orders) {
        const auto accepted = std::count_if(h.begin(), h.end(),
                                            [](auto& x) { return x.second == SNP_ORDER_ACCEPTED; });
        const auto terminals =
            std::count_if(h.begin(), h.end(), [](auto& x) { return terminal(x.second); });
        if (accepted > 1 || terminals > 1) {
            v.add(kI2, where,
                  "intent " + std::to_string(intent) + " was ACCEPTED " + std::to_string(accepted) +
                      " times and settled " + std::to_string(terminals) +
                      " times: orders(id:status) " + history_text(h));
        }
        const bool filled =
            std::any_of(h.begin(), h.end(), [](auto& x) { return x.second == SNP_ORDER_FILLED; });
        if (filled && fills_of_intent.count(intent) == 0) {
            std::string row;
            for (const auto& r :
                 db.rows("SELECT strategy, side, mint, ts_ns FROM orders WHERE "
                         "intent_id = ?1 AND status = ?2 ORDER BY id LIMIT 1",
                         {std::to_string(intent), std::to_string(SNP_ORDER_FILLED)})) {
                row = join(r, ", ");
            }
            v.add(kI4, where,
                  "FILLED order without its fill: intent " + std::to_string(intent) + " (" + row +
                      "), orders(id:status) " + history_text(h));
        }
        if (!terminal(h.back().second)) {
            ledger.in_flight.emplace_back(intent, h.back().first);
        }
    }

    // I4: fills seen before are unchanged; I3: fill balances.
    std::map<int64_t, const std::vector<std::string>*> by_id;
    // (strategy, mint) -> bought atoms - sold atoms
    std::map<std::pair<std::string, std::string>, __int128> balance;
    for (const auto& r : fills) {
        by_id[std::stoll(r[0])] = &r;
        __int128& b = balance[{r[2], r[4]}];
        if (r[3] == std::to_string(SNP_SIDE_BUY)) {
            b += static_cast<__int128>(std::stoull(r[7]));
        } else if (r[3] == std::to_string(SNP_SIDE_SELL)) {
            b -= static_cast<__int128>(std::stoull(r[6]));
        } else {
            v.add(kI3, where, "fill with side " + r[3] + ": fills(" + join(r) + ")");
        }
    }
    for (const auto& [id, row] : ledger.fills) {
        auto it = by_id.find(id);
        if (it == by_id.end()) {
            v.add(kI4, where, "fill row seen earlier is gone: fills(" + join(row) + ")");
        } else if (*it->second != row) {
            v.add(kI4, where,
                  "fill row changed: was (" + join(row) + ") now (" + join(*it->second) + ")");
        }
    }
    for (const auto& r : fills) {
        ledger.fills.emplace(std::stoll(r[0]), r);
    }

    std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> rows;
    for (const auto& r :
         db.rows("SELECT strategy, mint, amount_atoms, cost_lamports FROM positions")) {
        rows[{r[0], r[1]}] = {r[2], r[3]};
    }
    std::set<std::pair<std::string, std::string>> keys;
    for (const auto& [k, b] : balance) {
        keys.insert(k);
    }
    for (const auto& [k, r] : rows) {
        keys.insert(k);
    }
    for (const auto& k : keys) {
        const auto bit = balance.find(k);
        const __int128 expected = bit != balance.end() ? bit->second : 0;
        const auto rit = rows.find(k);
        const __int128 actual =
            rit != rows.end() ? static_cast<__int128>(std::stoull(rit->second.first)) : 0;
        if (expected == actual) {
            continue;
        }
        auto text = [](__int128 x) {
            const bool neg = x < 0;
            unsigned __int128 u =
                neg ? static_cast<unsigned __int128>(-x) : static_cast<unsigned __int128>(x);
            std::string s;
            do {
                s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
                u /= 10;
            } while (u != 0);
            return neg ? "-" + s : s;
        };
        // The fills behind it, for the engine engineer.
        std::string detail;
        for (const auto& f : db.rows("SELECT id, intent_id, side, in_amount, out_amount FROM fills "
                                     "WHERE strategy = ?1 AND mint = ?2 ORDER BY id",
                                     {k.first, k.second})) {
            detail += " [" + join(f, ",") + "]";
        }
        v.add(kI3, where,
              k.first + "/" + k.second + ": positions.amount_atoms=" +
                  (rit != rows.end() ? rit->second.first + " (cost " + rit->second.second + ")"
                                     : "<no row>") +
                  " but fills say " + text(expected) + "; fills(id,intent,side,in,out):" + detail);
    }
    ledger.orders = orders.size();
}

// Checks that every order left in flight by an earlier kill is settled now.
void check_settled(Db& db, Ledger& ledger, Violations& v, const std::string& where) {
    for (auto it = ledger.unsettled.begin(); it != ledger.unsettled.end();) {
        ++ledger.settled_checked;
        const auto latest = db.rows("SELECT id, status, detail FROM orders WHERE intent_id = ?1 "
                                    "ORDER BY id DESC LIMIT 1",
                                    {it->first});
        const int status = latest.empty() ? 0 : std::stoi(latest[0][1]);
        if (status != SNP_ORDER_FAILED && status != SNP_ORDER_EXPIRED) {
            std::string history;
            for (const auto& r :
                 db.rows("SELECT id, status, ts_ns FROM orders WHERE intent_id = ?1 ORDER BY id",
                         {it->first})) {
                history += " [orders.id " + r[0] + " " + order_status_name(std::stoi(r[1])) +
                           " ts_ns " + r[2] + "]";
            }
            v.add(kI6, where,
                  "intent " + it->first + " (in flight at " + it->second + ") has latest status " +
                      (latest.empty() ? std::string("<none>") : order_status_name(status)) +
                      ", expected FAILED or EXPIRED; history:" + history);
        }
        it = ledger.unsettled.erase(it);
    }
}

// Records the orders in flight at this kill (found by check_journal).
void note_in_flight(Db& db, Ledger& ledger, const std::string& where) {
    ledger.in_flight_at_kills += ledger.in_flight.size();
    ledger.max_in_flight = std::max<uint64_t>(ledger.max_in_flight, ledger.in_flight.size());
    for (const auto& [intent, order_id] : ledger.in_flight) {
        const auto r = db.rows("SELECT strategy, side, mint FROM orders WHERE id = ?1",
                               {std::to_string(order_id)});
        ledger.unsettled.emplace(
            std::to_string(intent),
            where + " as orders(id " + std::to_string(order_id) +
                (r.empty() ? std::string()
                           : ", " + r[0][0] + ", side " + r[0][1] + ", mint " + r[0][2]) +
                ")");
    }
}

// The last trading_state row: id, state, reason, actor; empty when none.
std::vector<std::string> last_state_row(Db& db) {
    const auto r =
        db.rows("SELECT id, state, reason, actor FROM trading_state ORDER BY id DESC LIMIT 1");
    return r.empty() ? std::vector<std::string>{} : r[0];
}

// I5 at start-up (sniperd up): status vs the last journal row; HALTED after
// a crash; while HALTED, restored positions vs the journal.
void check_startup_state(World& w, const Status& s, bool after_crash, Violations& v,
                         const std::string& where, uint64_t& halted_position_checks) {
    Db db(w.db());
    const auto last = last_state_row(db);
    const std::string journal = last.empty() ? "ACTIVE" : trading_state_text(last[1]);
    const std::string row = last.empty() ? "<no trading_state row: ACTIVE by default>"
                                         : "trading_state(id " + last[0] + ", " + journal +
                                               ", reason '" + last[2] + "', actor " + last[3] + ")";
    if (s.trading_state != journal) {
        v.add(kI5, where,
              "status says " + s.trading_state + " ('" + s.state_reason +
                  "') but the last row is " + row);
    }
    if (after_crash && s.trading_state != "HALTED") {
        v.add(kI5, where,
              "restart after kill -9 came up " + s.trading_state + " ('" + s.state_reason +
                  "'), expected HALTED; last row " + row);
    }
    if (s.trading_state == "HALTED") {
        // Nothing can trade while HALTED: what the daemon restored must be
        // what the journal holds.
        const auto mine = daemon_positions(w);
        if (!mine) {
            v.add(kI5, where, "sniperctl positions --json failed");
            return;
        }
        ++halted_position_checks;
        const PositionMap journal_pos = journal_positions(db);
        if (*mine != journal_pos) {
            std::string diff;
            std::set<std::pair<std::string, std::string>> keys;
            for (const auto& [k, x] : *mine) {
                keys.insert(k);
            }
            for (const auto& [k, x] : journal_pos) {
                keys.insert(k);
            }
            for (const auto& k : keys) {
                const auto a = mine->find(k);
                const auto b = journal_pos.find(k);
                auto str = [](const PositionMap& m, PositionMap::const_iterator i) {
                    return i == m.end() ? std::string("-")
                                        : std::to_string(i->second.first) + " atoms/" +
                                              std::to_string(i->second.second) + " lamports";
                };
                const std::string sa = str(*mine, a);
                const std::string sb = str(journal_pos, b);
                if (sa != sb) {
                    diff += " [" + k.first + "/" + k.second + ": daemon " + sa + ", journal " + sb +
                            "]";
                }
            }
            v.add(kI5, where, "positions restored while HALTED differ from the journal:" + diff);
        }
    }
}

// `sniperctl resume --confirm` and I5: exactly one new row, ACTIVE, actor
// sniperctl. Returns false when the resume itself failed.
bool resume(World& w, Violations& v, const std::string& where) {
    int64_t before = 0;
    {
        Db db(w.db());
        before = db.count("SELECT count(*) FROM trading_state");
    }
    const RunResult r = w.ctl({"resume", "--confirm"});
    if (r.exit_code != 0 || !contains(r.out, "ACTIVE")) {
        v.add(kI5, where, "sniperctl resume --confirm: " + describe(r));
        return false;
    }
    Db db(w.db());
    const int64_t after = db.count("SELECT count(*) FROM trading_state");
    const auto last = last_state_row(db);
    if (after != before + 1 || last.empty() || last[1] != std::to_string(SNP_TRADING_ACTIVE) ||
        last[3] != "sniperctl") {
        std::string rows;
        for (const auto& x : db.rows(
                 "SELECT id, state, reason, actor FROM trading_state ORDER BY id DESC LIMIT 4")) {
            rows += " [" + join(x, ",") + "]";
        }
        v.add(kI5, where,
              "resume: trading_state rows " + std::to_string(before) + " -> " +
                  std::to_string(after) +
                  " (expected +1, ACTIVE by sniperctl); latest rows:" + rows);
    }
    return true;
}

} // namespace

TEST_CASE("kill -9 at random moments never corrupts or loses the journal", "[app][e2e][crash]") {
    const uint64_t seed = env("SNIPER_CRASH_SEED")
                              ? std::stoull(*env("SNIPER_CRASH_SEED"), nullptr, 0)
                              : kDefaultSeed;
    int kills = kMinKills;
    if (const auto k = env("SNIPER_CRASH_KILLS")) {
        kills = std::max(kMinKills, std::stoi(*k));
    }
    WARN("crash test: seed " << seed << " (SNIPER_CRASH_SEED=" << seed << " reproduces), " << kills
                             << " kills, trading window " << kMinRunMs << "-" << kMaxRunMs
                             << " ms");
    std::mt19937_64 rng(seed);
    auto uniform = [&rng](int lo, int hi) {
        return std::uniform_int_distribution<int>(lo, hi)(rng);
    };

    World w;
    copy_example_plugins(w.plugins_dir, kExamples);
    write_file(w.config, crash_config(w.data_dir, w.plugins_dir));
    {
        const RunResult check = run({kSniperd, "check-config", w.config}, w.tmp / "check");
        INFO(describe(check));
        REQUIRE(check.exit_code == 0);
    }

    Violations v;
    Ledger ledger;
    uint64_t early_kills = 0;
    uint64_t immediate_kills = 0;
    uint64_t halted_position_checks = 0;
    uint64_t settle_checks = 0;
    std::map<std::string, uint64_t> startup_states;
    // New fills in each tenth of the kills: shows whether the restarted
    // daemons kept trading to the end (a run that stops trading stops
    // testing much).
    std::array<size_t, 10> fills_by_tenth{};
    auto fills_before_tenth = [&](int cycle) {
        size_t n = 0;
        for (size_t i = 0; i < static_cast<size_t>(cycle * 10 / kills); ++i) {
            n += fills_by_tenth[i];
        }
        return n;
    };
    const auto t0 = Clock::now();

    for (int cycle = 0; cycle < kills; ++cycle) {
        const std::string where = "kill " + std::to_string(cycle + 1);
        const bool after_crash = cycle > 0;
        // Kill moment: 8% during start-up (before the daemon answers), 12%
        // right after it answers, the rest 20-400 ms into trading.
        const int mode = cycle < 2 ? 99 : uniform(0, 99);
        const bool during_startup = mode < 8;
        const bool right_after = !during_startup && mode < 20;

        Child daemon(w.daemon_argv(), w.tmp / "daemon");
        Clock::time_point ready_at{};
        bool ready = false;

        if (during_startup) {
            ++early_kills;
            std::this_thread::sleep_for(std::chrono::milliseconds(uniform(0, 60)));
        } else {
            std::optional<Status> st;
            ready = poll_until(
                [&] {
                    st = status_of(w);
                    return st && st->strategies_loaded == kExamples.size();
                },
                60s, [&] { return !daemon.running(); }, 10ms);
            INFO(where << ": daemon stderr:\n" << tail(daemon.stderr_text()));
            REQUIRE(ready);
            ready_at = Clock::now();
            ++startup_states[st->trading_state];
            check_startup_state(w, *st, after_crash, v, where, halted_position_checks);
            if (after_crash) {
                resume(w, v, where);
            }
            if (right_after) {
                ++immediate_kills;
            } else {
                std::this_thread::sleep_for(
                    std::chrono::milliseconds(uniform(kMinRunMs, kMaxRunMs)));
            }
        }

        const auto killed_at = Clock::now();
        const bool died_by_itself = !daemon.running();
        daemon.signal(SIGKILL);
        const RunResult end = daemon.wait(30s);
        if (died_by_itself || end.exit_code != 128 + SIGKILL) {
            INFO(where << ": " << tail(describe(end)));
            FAIL_CHECK(where << ": sniperd ended by itself before the kill (exit " << end.exit_code
                             << ")");
        }

        Db db(w.db());
        if (ready && killed_at - ready_at >= kSettleAfter) {
            ++settle_checks;
            check_settled(db, ledger, v, where);
        }
        check_journal(db, ledger, v, where);
        note_in_flight(db, ledger, where);
        v.end_cycle();
        fills_by_tenth[static_cast<size_t>(cycle * 10 / kills)] =
            ledger.fills.size() - fills_before_tenth(cycle);
    }

    // A final clean restart and clean stop.
    {
        const std::string where = "final clean run";
        Child daemon(w.daemon_argv(), w.tmp / "daemon");
        std::optional<Status> st;
        const bool ready = poll_until(
            [&] {
                st = status_of(w);
                return st && st->strategies_loaded == kExamples.size();
            },
            60s, [&] { return !daemon.running(); }, 10ms);
        INFO(where << ": daemon stderr:\n" << tail(daemon.stderr_text()));
        REQUIRE(ready);
        const auto ready_at = Clock::now();
        ++startup_states[st->trading_state];
        check_startup_state(w, *st, true, v, where, halted_position_checks);
        resume(w, v, where);
        // Trade for a while, past the settling time.
        poll_until([&] { return Clock::now() - ready_at >= 1s; }, 5s,
                   [&] { return !daemon.running(); });
        {
            Db db(w.db()); // read-only while it runs
            ++settle_checks;
            check_settled(db, ledger, v, where);
        }
        daemon.signal(SIGTERM);
        const RunResult end = daemon.wait(60s);
        INFO(where << ": " << tail(describe(end)));
        CHECK(end.exit_code == 0);
        CHECK(summary_rows(end.out).count("example_sniper") == 1);

        Db db(w.db());
        check_journal(db, ledger, v, where);
        v.end_cycle();
    }

    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    std::string states;
    for (const auto& [s, n] : startup_states) {
        states += " " + s + "=" + std::to_string(n);
    }
    std::string tenths;
    for (size_t i = 0; i < fills_by_tenth.size(); ++i) {
        tenths += (i != 0 ? "/" : "") + std::to_string(fills_by_tenth[i]);
    }
    std::string rejected;
    {
        Db db(w.db());
        for (const auto& r : db.rows("SELECT reason_code, count(*) FROM intents WHERE accepted = 0 "
                                     "GROUP BY reason_code ORDER BY 2 DESC LIMIT 4")) {
            rejected += " " + r[0] + "x" + r[1];
        }
        rejected = std::to_string(db.count("SELECT count(*) FROM intents WHERE accepted = 1")) +
                   " intents accepted, rejected by reason code:" +
                   (rejected.empty() ? std::string(" none") : rejected);
    }
    // Not an invariant of this test, but worth seeing: copies of the plugins
    // that killed daemons left in <data_dir>/plugin-cache.
    size_t cached = 0;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(w.data_dir + "/plugin-cache", ec), end;
         !ec && it != end; it.increment(ec)) {
        ++cached;
    }
    std::ostringstream line;
    line << "crash test summary: seed " << seed << ", " << kills << " kills (" << early_kills
         << " during start-up, " << immediate_kills << " right after start), "
         << ledger.fills.size() << " fills seen, " << ledger.orders << " orders, "
         << ledger.in_flight_at_kills << " orders in flight at kills (max " << ledger.max_in_flight
         << " at once; " << ledger.settled_checked << " checked after a restart in "
         << settle_checks << " checks), " << halted_position_checks
         << " HALTED position checks, start-up states:" << states
         << ", new fills per tenth of the kills " << tenths << ", " << rejected << ", " << cached
         << " files left in plugin-cache, " << v.total() << " violations, " << std::fixed
         << std::setprecision(1) << secs << " s wall";
    WARN(line.str() << (v.total() != 0 ? v.summary() : std::string()));
    // Something must have been traded, or the test checked nothing.
    CHECK(ledger.fills.size() > 0);
    v.check_all();
}
