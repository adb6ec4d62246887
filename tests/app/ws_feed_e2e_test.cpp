// sniperd on a Solana WebSocket feed ([feeds.ws]) served on loopback by a
// real WebSocket server replaying a capture: the daemon subscribes, events
// flow, a pulled plug is survived (reconnect, resubscribe, nothing twice,
// pools marked stale), `sniperctl status` shows the source, and
// [feeds.record] leaves a raw file `sniperd decode` reads back and an
// events file that replays.
#include "e2e_workspace.hpp"
#include "solfeed/capture_stream.hpp"
#include "support/ws_test_server.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

using namespace sniper;
using namespace sniper::e2e;

namespace {

struct SourceView {
    std::string state;
    uint64_t events = 0, duplicates = 0, outages = 0, stale_marks = 0, connects = 0;
};

std::optional<SourceView> ws_source(Workspace& w) {
    const RunResult r = sniperctl(w, {"--json", "status"});
    if (r.exit_code != 0) {
        return std::nullopt;
    }
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    const simdjson::padded_string padded(r.out);
    if (parser.parse(padded).get(doc) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    simdjson::dom::array sources;
    if (doc["sources"].get_array().get(sources) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    for (simdjson::dom::element s : sources) {
        std::string_view name, state;
        if (s["name"].get_string().get(name) != simdjson::SUCCESS || name != "solana_ws" ||
            s["state"].get_string().get(state) != simdjson::SUCCESS) {
            continue;
        }
        SourceView v;
        v.state = state;
        const bool ok = s["events"].get_uint64().get(v.events) == simdjson::SUCCESS &&
                        s["duplicates"].get_uint64().get(v.duplicates) == simdjson::SUCCESS &&
                        s["outages"].get_uint64().get(v.outages) == simdjson::SUCCESS &&
                        s["stale_marks"].get_uint64().get(v.stale_marks) == simdjson::SUCCESS;
        simdjson::dom::array eps;
        if (!ok || s["endpoints"].get_array().get(eps) != simdjson::SUCCESS) {
            return std::nullopt;
        }
        for (simdjson::dom::element e : eps) {
            uint64_t c = 0;
            if (e["connects"].get_uint64().get(c) == simdjson::SUCCESS) {
                v.connects += c;
            }
        }
        return v;
    }
    return std::nullopt;
}

} // namespace

TEST_CASE("sniperd on a WebSocket feed survives a pulled plug, shows the source and records what it saw",
          "[app][e2e]") {
    Workspace w;
    copy_example_plugins(w.plugins_dir, kExamples);
    ws_test::Stream stream;
    ws_test::Server server([&](ws_test::Conn& c) {
        if (!c.answer_subscriptions(1)) {
            return;
        }
        if (c.index() == 0) {
            for (int i = 0; i < 4; ++i) {
                c.send(stream.message(i, 5000 + static_cast<uint64_t>(i)));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            c.drop();
            return;
        }
        for (int i = 2; i < 8; ++i) { // 2 and 3 again after the resubscribe
            c.send(stream.message(i, 5000 + static_cast<uint64_t>(i)));
        }
        c.hold();
    });
    const std::string raw = w.tmp / "raw.jsonl";
    const std::string events = w.tmp / "events.jsonl";
    const std::string feed = "[feeds.ws]\nurl = [\"" + server.url() +
                             "\"]\nprograms = [\"pump_fun\"]\nreconnect_min = \"50ms\"\n"
                             "stale_after = \"0s\"\n[feeds.record]\nraw = \"" + raw +
                             "\"\nevents = \"" + events + "\"\n";
    write_file(w.config, paper_config_toml(w.data_dir, w.plugins_dir, feed));
    const size_t want = stream.events_for(8);

    Child daemon({kSniperd, "run", "--config", w.config}, w.out("sniperd"));
    REQUIRE(wait_ready(w, daemon));
    std::optional<SourceView> seen;
    const bool settled = poll_until(
        [&] {
            seen = ws_source(w);
            return seen && seen->events >= want && seen->duplicates >= 2 && seen->state == "up";
        },
        30s, [&] { return !daemon.running(); }, 100ms);
    if (!settled) {
        daemon.signal(SIGTERM);
        const RunResult r = daemon.wait(30s);
        INFO(brief(r));
        REQUIRE(settled);
    }
    CHECK(seen->events == want);
    CHECK(seen->duplicates == 2);
    CHECK(seen->outages == 1);
    CHECK(seen->stale_marks == 1);
    CHECK(seen->connects == 2);

    const RunResult text = sniperctl(w, {"status"});
    INFO(brief(text));
    CHECK(contains(text.out, "feed sources"));
    CHECK(some_line_has(text.out, {"solana_ws", "up", "1/1"}));

    daemon.signal(SIGTERM);
    const RunResult end = daemon.wait(30s);
    INFO(brief(end));
    CHECK(end.exit_code == 0);
    CHECK(some_line_has(end.err, {"pools marked stale", "WebSocket outage"}));
    server.stop();

    // The raw file: every wire message (2 subscription answers + 10
    // notifications), read back by the decoder's command line.
    CHECK(split_lines(read_file(raw)).size() == 12);
    const RunResult dec =
        run({"/bin/sh", "-c", kSniperd + " decode --source solana-ws < '" + raw + "'"}, w.out("decode"));
    INFO(brief(dec));
    CHECK(dec.exit_code == 0);
    CHECK(split_lines(dec.out).size() == want + 6); // the replayed 2 and 3 decode again here
    // The events file: what reached the engine, once each, replayable.
    CHECK(split_lines(read_file(events)).size() == want);
}
