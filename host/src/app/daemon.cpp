#include "app/daemon.hpp"

#include "app/config_lint.hpp"
#include "app/live_preflight.hpp"
#include "live/live_executor.hpp"
#include "live/pool_watch.hpp"
#include "solfeed/price_source.hpp"
#include "solfeed/ws_source.hpp"

#include "app/control_handler.hpp"
#include "app/data_dir_lock.hpp"
#include "app/key_commands.hpp"
#include "signer/signer_client.hpp"
#include "app/reloader.hpp"
#include "app/tool_command.hpp"
#include "app/tx_command.hpp"
#include "tools/tool_runner.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "config/units.hpp"
#include "control/control_server.hpp"
#include "core/log.hpp"
#include "engine/engine.hpp"
#include "feeds/recording.hpp"
#include "feeds/replay.hpp"
#include "feeds/sim_market.hpp"
#include "store/store.hpp"

#include <sodium.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#ifndef SNIPER_VERSION
#define SNIPER_VERSION "0.0.0"
#endif

namespace sniper {
namespace {

Engine* g_engine = nullptr;
Reloader* g_reloader = nullptr;

extern "C" void on_stop_signal(int) {
    if (g_engine != nullptr) {
        g_engine->request_stop();
    }
}

extern "C" void on_hup_signal(int) {
    if (g_reloader != nullptr) {
        g_reloader->request_from_signal();
    }
}

void usage(std::FILE* out) {
    std::fprintf(out,
                 "usage: sniperd run --config PATH [--for DURATION] [--record FILE] [--quiet]\n"
                 "       sniperd check-config PATH\n"
                 "       sniperd keygen --out PATH\n"
                 "       sniperd pubkey --keypair PATH\n"
                 "       sniperd tx transfer --keypair PATH --to ADDR --lamports N --blockhash HASH\n"
                 "                      [--cu-limit U] [--cu-price P] [--v0] --sign-only\n"
                 "       sniperd tx decode [BASE64 | -]\n"
                 "       sniperd tool NAME [--tools-dir DIR] [--timeout DURATION] < INPUT.json\n"
                 "       sniperd decode --source solana-ws < NOTIFICATIONS.jsonl\n"
                 "       sniperd --version\n"
                 "\n"
                 "  run            trade (paper by default) until SIGINT/SIGTERM, the --for wall\n"
                 "                 time, or the end of the sim/replay feed; then print a summary\n"
                 "  --for D        stop after D of wall-clock time (e.g. 30s, 5m, 2h)\n"
                 "  --record FILE  write every feed event as JSON Lines (replayable)\n"
                 "  --quiet        no status lines on stdout\n"
                 "  check-config   validate a config file; print every problem as file:line:col\n"
                 "  keygen         write a new Solana CLI keypair file (mode 0600, never\n"
                 "                 overwrites); print its address\n"
                 "  pubkey         print the address of a Solana CLI keypair file\n"
                 "  tx transfer    sign a SOL transfer offline; print the transaction as base64\n"
                 "  tx decode      print a base64 transaction as JSON (stdin with '-')\n"
                 "  tool           run one call of an external tool (tools/ai/NAME) as the host\n"
                 "                 does: input object on stdin, output on stdout, error on stderr\n"
                 "  decode         turn raw Solana RPC notifications and responses (one JSON per\n"
                 "                 line) into event lines that replay; rejected lines on stderr\n");
}

int check_config(const std::string& path) {
    const ConfigLoadResult r = load_config_file(path);
    if (!r.errors.empty()) {
        for (const ConfigError& e : r.errors) {
            std::fprintf(stderr, "%s\n", e.to_string().c_str());
        }
        std::fprintf(stderr, "%zu problem%s found\n", r.errors.size(), r.errors.size() == 1 ? "" : "s");
        return 2;
    }
    const std::vector<LintProblem> lint = lint_config(*r.config);
    if (!lint.empty()) {
        for (const LintProblem& p : lint) {
            std::fprintf(stderr, "%s: %s\n", path.c_str(), p.text.c_str());
        }
        std::fprintf(stderr, "%zu problem%s found\n", lint.size(), lint.size() == 1 ? "" : "s");
        return 2;
    }
    std::string why = check_mode_allowed(*r.config);
    if (why.empty() && r.config->mode == Mode::Live && !r.config->feeds.live_sources()) {
        why = "live mode needs a live market feed: configure [feeds.watch] or [feeds.ws]";
    }
    std::printf("%s: ok (mode=%s, %zu strategies configured)\n", path.c_str(),
                mode_name(r.config->mode), r.config->strategies.size());
    if (!why.empty()) {
        std::printf("note: sniperd run would refuse to start: %s\n", why.c_str());
    }
    return 0;
}

void print_summary(const Engine& engine) {
    const auto rows = engine.strategy_rows();
    std::printf("\n%-24s %7s %6s %10s %11s %8s\n", "strategy", "trades", "win%", "pnl_sol",
                "max_dd_sol", "state");
    __int128 total = 0; // wide: the total of saturated rows still equals their sum
    uint64_t trades = 0;
    uint64_t wins = 0;
    for (const StrategyRow& r : rows) {
        const double win = r.trades != 0 ? 100.0 * static_cast<double>(r.wins) / static_cast<double>(r.trades) : 0.0;
        std::printf("%-24s %7llu %6.1f %10s %11s %8s\n", r.name.c_str(),
                    static_cast<unsigned long long>(r.trades), win,
                    format_sol(r.realized_pnl_lamports, true).c_str(),
                    format_sol(r.max_drawdown_lamports, false).c_str(), r.state.c_str());
        total += r.realized_pnl_lamports;
        trades += r.trades;
        wins += r.wins;
    }
    const double win = trades != 0 ? 100.0 * static_cast<double>(wins) / static_cast<double>(trades) : 0.0;
    std::printf("%-24s %7llu %6.1f %10s\n", "total", static_cast<unsigned long long>(trades), win,
                format_sol_wide(total, true).c_str());
    std::fflush(stdout);
}

// SHA-256 of a file's bytes in hex ("" when it cannot be read): which config
// a run used, for the journal's runs table.
std::string file_sha256_hex(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        return "";
    }
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char buf[8192];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) != 0) {
        crypto_hash_sha256_update(&st, buf, n);
    }
    std::fclose(f);
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, out);
    static const char* const kHex = "0123456789abcdef";
    std::string hex;
    for (const unsigned char c : out) {
        hex += kHex[c >> 4];
        hex += kHex[c & 15];
    }
    return hex;
}

// The replay's line count under the summary; false (exit 1) when more than
// max_rejected_pct of its event lines were skipped.
bool report_replay(const ReplayFeed& replay, double max_rejected_pct) {
    const uint64_t lines = replay.lines_read();
    const uint64_t skipped = replay.rejected_inputs();
    const double pct = lines != 0 ? 100.0 * static_cast<double>(skipped) / static_cast<double>(lines) : 0.0;
    if (skipped == 0) {
        std::printf("\nreplay: %llu lines, none skipped\n", static_cast<unsigned long long>(lines));
    } else {
        std::printf("\nreplay: %llu lines, %llu skipped (%.2f%%): %s\n", static_cast<unsigned long long>(lines),
                    static_cast<unsigned long long>(skipped), pct, replay.skipped_summary().c_str());
    }
    std::fflush(stdout);
    if (skipped != 0 && pct > max_rejected_pct) {
        std::fprintf(stderr,
                     "sniperd: the replay skipped %llu of %llu lines (%.2f%%), more than "
                     "feeds.replay.max_rejected_pct = %g%%: %s (each is in the log with its line number)\n",
                     static_cast<unsigned long long>(skipped), static_cast<unsigned long long>(lines), pct,
                     max_rejected_pct, replay.skipped_summary().c_str());
        return false;
    }
    return true;
}

int run(const std::string& config_path, int64_t for_ns, const std::string& record, bool quiet) {
    // SIGHUP means reload once we are up; until then it must not kill us.
    std::signal(SIGHUP, SIG_IGN);
    const ConfigLoadResult r = load_config_file(config_path);
    if (!r.errors.empty()) {
        for (const ConfigError& e : r.errors) {
            std::fprintf(stderr, "%s\n", e.to_string().c_str());
        }
        std::fprintf(stderr, "sniperd: the config has %zu problem%s; not starting\n", r.errors.size(),
                     r.errors.size() == 1 ? "" : "s");
        return 2;
    }
    const Config& cfg = *r.config;
    bool level_ok = true;
    log::set_level(log::parse_level(cfg.logging.level, &level_ok));
    log::set_format(cfg.logging.format == "human" ? log::Format::Human : log::Format::Json);
    // The double opt-in first: without it nothing is created and no key is read.
    if (const std::string why = check_mode_allowed(cfg); !why.empty()) {
        std::fprintf(stderr, "sniperd: refusing to start: %s\n", why.c_str());
        log::error("app", "refusing to start", {{"reason", why}});
        return 1;
    }
    for (const LintProblem& p : lint_config(cfg)) {
        if (p.fatal) {
            std::fprintf(stderr, "%s: %s\nsniperd: not starting\n", config_path.c_str(), p.text.c_str());
            return 2;
        }
        log::warn("app", "config: a strategy override names no strategy", {{"problem", p.text}});
    }
    log::info("app", "sniperd starting",
              {{"version", SNIPER_VERSION}, {"mode", mode_name(cfg.mode)}, {"config", cfg.source_path},
               {"data_dir", cfg.data_dir}});

    std::string err;
    // One daemon per data folder, decided before anything in it is touched.
    const std::unique_ptr<DataDirLock> dir_lock = DataDirLock::acquire(cfg.data_dir, &err);
    if (!dir_lock) {
        std::fprintf(stderr, "sniperd: refusing to start: %s\n", err.c_str());
        log::error("app", "refusing to start", {{"reason", err}});
        return 1;
    }
    LivePreflight pf;
    if (cfg.mode == Mode::Live) {
        // Both opt-ins hold: every other piece live mode needs, checked at
        // once (the signer is started here, before any plugin loads; it
        // is stopped again when something is missing).
        pf = live_preflight(cfg, signer::default_signer_executable());
        if (!pf.missing.empty()) {
            std::fprintf(stderr, "sniperd: refusing to start in live mode; missing:\n");
            std::string all;
            for (const std::string& m : pf.missing) {
                std::fprintf(stderr, "  - %s\n", m.c_str());
                all += (all.empty() ? "" : "; ") + m;
            }
            log::error("app", "refusing to start", {{"reason", all}});
            if (!cfg.signer.secret_env.empty()) {
                signer::scrub_env_var(cfg.signer.secret_env);
            }
            return 1;
        }
    }
    // The wallet key variable is for sniper-signer alone: wipe and drop it
    // so that no strategy code can read it from our environment.
    if (!cfg.signer.secret_env.empty()) {
        signer::scrub_env_var(cfg.signer.secret_env);
    }
    std::unique_ptr<Store> store = Store::open(cfg.data_dir, &err);
    if (!store) {
        std::fprintf(stderr, "sniperd: cannot open the journal: %s\n", err.c_str());
        log::error("app", "cannot open the journal", {{"error", err}});
        return 1;
    }

    std::unique_ptr<Feed> feed;
    SignatureWatch* signature_watch = nullptr; // [feeds.ws], for the live executor (owned by `feed`)
    const ReplayFeed* replay = nullptr;
    if (cfg.feeds.replay.enabled) {
        ReplayOptions ro;
        ro.max_jump_ns = cfg.feeds.replay.max_jump_ns;
        ro.reorder_lines = static_cast<size_t>(cfg.feeds.replay.reorder_window);
        auto rf = ReplayFeed::open(cfg.feeds.replay.path, &err, ro);
        if (!rf) {
            std::fprintf(stderr, "sniperd: %s\n", err.c_str());
            return 1;
        }
        replay = rf.get();
        feed = std::move(rf);
    } else if (cfg.feeds.live_sources()) {
        // [feeds.watch] and [feeds.ws] side by side, each on its own threads.
        std::vector<std::unique_ptr<PushSource>> sources;
        try {
            if (cfg.feeds.watch.enabled) {
                sources.push_back(live::make_watch_source(cfg));
            }
            if (cfg.feeds.ws.enabled) {
                auto ws = std::make_unique<solfeed::SolanaWsSource>(solfeed::ws_source_config(cfg));
                signature_watch = ws.get();
                sources.push_back(std::move(ws));
            }
            if (cfg.feeds.price.enabled) {
                sources.push_back(std::make_unique<solfeed::PriceSource>(cfg.feeds.price));
            }
        } catch (const std::exception& e) {
            std::fprintf(stderr, "sniperd: cannot start the live feed: %s\n", e.what());
            return 1;
        }
        feed = std::make_unique<SourceSet>(std::move(sources));
    } else {
        feed = std::make_unique<SimMarket>(cfg.feeds.sim);
    }
    // Live mode: the live executor (with the signer the start checks left
    // running); paper mode: the engine's paper executor.
    std::unique_ptr<Executor> executor;
    if (cfg.mode == Mode::Live) {
        try {
            auto live_executor = std::make_unique<live::LiveExecutor>(cfg, std::move(pf.signer), store.get());
            // One WebSocket client for the host: the feed's connections
            // also tell the executor of its transactions' confirmations.
            live_executor->use_signature_watch(signature_watch);
            executor = std::move(live_executor);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "sniperd: refusing to start in live mode: %s\n", e.what());
            return 1;
        }
    }

    {
        // This process's row in `runs`; every history row written from
        // here on (restore's settlements and state rows included) carries
        // its id (docs/journal.md).
        RunRecord run;
        run.started_ns = wall_ns();
        run.mode = mode_name(cfg.mode);
        run.clock = feed->pushes() ? "wall" : "simulated";
        run.feed = feed->name();
        run.config_path = cfg.source_path;
        run.config_sha256 = file_sha256_hex(cfg.source_path);
        run.version = SNIPER_VERSION;
        run.pid = ::getpid();
        if (store->begin_run(run, &err) == 0) {
            log::warn("app", "the run could not be recorded in the journal's runs table", {{"error", err}});
        }
    }
    // External tools strategies may call; stopped by the engine at its end.
    // Always a host (maybe empty): a reload may add a tools_dir later.
    auto tool_host = std::make_unique<tools::ToolHost>();
    if (!cfg.tools_dir.empty()) {
        for (const std::string& e : tool_host->load_dir(cfg.tools_dir)) {
            log::error("tools", "tool left out", {{"reason", e}});
        }
        log::info("tools", "tools loaded",
                  {{"dir", cfg.tools_dir}, {"tools", static_cast<uint64_t>(tool_host->names().size())}});
    }
    EngineOptions opts;
    opts.tools = tool_host.get();
    opts.print_status = !quiet;
    opts.wall_limit_ns = for_ns;
    // --record / [feeds.record] events: recording wraps whichever feed runs.
    const std::string record_path = !record.empty() ? record : cfg.feeds.record.events_path;
    std::unique_ptr<RecordingFeed> recording;
    if (!record_path.empty()) {
        recording = std::make_unique<RecordingFeed>(*feed, record_path);
        if (!recording->ok()) {
            log::error("app", "not recording", {{"error", recording->error()}});
            recording.reset();
        }
    }
    Engine engine(cfg, recording ? static_cast<Feed&>(*recording) : *feed, store.get(), opts, std::move(executor));
    engine.restore();
    if (store->last_run_unclean() && engine.trading_state() != TradingState::Halted) {
        // The last run never recorded a clean stop: whatever it was doing
        // when it died, a person looks before trading starts again.
        const std::string why =
            "the last run did not stop cleanly (crash, kill -9 or power loss); check `sniperctl positions`, "
            "then `sniperctl resume --confirm`";
        engine.set_trading_state(TradingState::Halted, why, "startup", &err);
        log::warn("app", "unclean shutdown detected: starting HALTED", {{"reason", why}});
    }
    store->start();

    const int64_t start_wall = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
    Reloader reloader(engine, cfg.source_path, tool_host.get());
    g_reloader = &reloader;
    ControlHandler handler(engine, &reloader, start_wall);
    std::unique_ptr<ControlServer> control = ControlServer::start(
        cfg.socket_path(), [&handler](std::string_view req) { return handler.handle(req); }, &err);
    if (!control) {
        std::fprintf(stderr, "sniperd: cannot open the control socket: %s\n", err.c_str());
        log::error("app", "cannot open the control socket", {{"error", err}});
        return 1;
    }
    log::info("app", "control socket ready", {{"socket", control->socket_path()}});
    // This process owns the data dir now (a second sniperd is refused at
    // the socket). The start is on disk before anything can trade; a clean
    // stop records its end, so the next start can tell a crash.
    store->append(AuditRecord{wall_ns(), "sniperd", "start", std::string("version ") + SNIPER_VERSION});
    store->flush();
    {
        // Copies of plugins a killed run never got to remove: nothing has
        // them loaded any more (this process owns the data dir now).
        std::error_code ec;
        std::vector<std::filesystem::path> stale;
        for (std::filesystem::directory_iterator it(engine.plugin_cache_dir(), ec), end; !ec && it != end;
             it.increment(ec)) {
            stale.push_back(it->path());
        }
        for (const auto& path : stale) {
            std::filesystem::remove(path, ec);
        }
    }

    const size_t loaded = engine.load_strategies();
    if (loaded == 0) {
        log::warn("app", "no strategy is running; the feed runs and positions stay protected",
                  {{"plugins_dir", cfg.plugins_dir}});
    }

    g_engine = &engine;
    struct sigaction sa {};
    sa.sa_handler = &on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    struct sigaction hup {};
    hup.sa_handler = &on_hup_signal;
    sigemptyset(&hup.sa_mask);
    sigaction(SIGHUP, &hup, nullptr);

    engine.run();

    g_engine = nullptr;
    std::signal(SIGHUP, SIG_IGN);
    g_reloader = nullptr;
    control.reset();
    store->append(AuditRecord{wall_ns(), "sniperd", "stop", "clean stop"});
    store->flush();
    store->end_run(wall_ns());
    const bool healthy = store->healthy();
    store->stop();
    print_summary(engine);
    const bool replay_ok = replay == nullptr || report_replay(*replay, cfg.feeds.replay.max_rejected_pct);
    log::info("app", "sniperd stopped", {{"events", engine.events_processed()}});
    if (!healthy) {
        std::fprintf(stderr, "sniperd: the journal reported a write error: %s\n", store->last_error().c_str());
        return 1;
    }
    return replay_ok ? 0 : 1;
}

} // namespace

int sniperd_main(int argc, char** argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const std::string_view cmd = argv[1];
    if (cmd == "--version" || cmd == "version") {
        std::printf("sniperd %s (strategy ABI %u.%u)\n", SNIPER_VERSION, SNP_ABI_MAJOR, SNP_ABI_MINOR);
        return 0;
    }
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        usage(stdout);
        return 0;
    }
    // `sniperd COMMAND --help` anywhere after the command: the usage on
    // stdout, exit 0 (before any argument is taken as a path).
    for (int i = 2; i < argc; ++i) {
        const std::string_view a = argv[i];
        if ((a == "--help" || a == "-h") && (cmd == "run" || cmd == "check-config")) {
            usage(stdout);
            return 0;
        }
    }
    if (cmd == "check-config") {
        if (argc != 3) {
            usage(stderr);
            return 2;
        }
        return check_config(argv[2]);
    }
    if (cmd == "keygen") {
        return keygen_main(argc, argv);
    }
    if (cmd == "pubkey") {
        return pubkey_main(argc, argv);
    }
    if (cmd == "tx") {
        return tx_main(argc, argv);
    }
    if (cmd == "tool") {
        return tool_main(argc, argv);
    }
    if (cmd != "run") {
        std::fprintf(stderr, "sniperd: unknown command '%s'\n", argv[1]);
        usage(stderr);
        return 2;
    }
    std::string config;
    std::string record;
    int64_t for_ns = 0;
    bool quiet = false;
    for (int i = 2; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--config" && i + 1 < argc) {
            config = argv[++i];
        } else if (a == "--for" && i + 1 < argc) {
            const auto d = config_units::parse_duration_ns(argv[++i]);
            for_ns = d.value_or(0);
            if (for_ns <= 0) {
                std::fprintf(stderr, "sniperd: --for expects a duration like 30s, 5m or 2h, found '%s'\n",
                             argv[i]);
                return 2;
            }
        } else if (a == "--record" && i + 1 < argc) {
            record = argv[++i];
        } else if (a == "--quiet") {
            quiet = true;
        } else {
            std::fprintf(stderr, "sniperd: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (config.empty()) {
        std::fprintf(stderr, "sniperd: run needs --config PATH\n");
        usage(stderr);
        return 2;
    }
    return run(config, for_ns, record, quiet);
}

} // namespace sniper
