// app/decode_command.cpp — `sniperd decode`: reads one JSON message per
// line from stdin (logsNotification, transactionNotification,
// getTransaction / getAccountInfo responses, program/accountNotification),
// decodes each with chain::SolanaWsDecoder, and writes the normalized
// events in the replay feed's JSON Lines format (feeds/event_json.hpp) on
// stdout, so the output replays as it is. Each refused line is reported on
// stderr as `line N: REASON (where)`; a summary line ends stderr.
#include "app/decode_command.hpp"

#include "chain/solana_ws_decoder.hpp"
#include "feeds/event_json.hpp"
#include "feeds/feed.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

namespace sniper {
namespace {

void decode_usage(std::FILE* out) {
    std::fprintf(out,
                 "usage: sniperd decode --source solana-ws [--max-log-line-bytes N] < FILE\n"
                 "  one JSON-RPC message per line in; one event per line out (replay format);\n"
                 "  refused lines on stderr with their reason. Exit 0: all decoded, 1: some\n"
                 "  refused, 2: bad usage.\n");
}

EventBuf to_event_buf(const chain::ChainEvent& e) {
    EventBuf ev;
    init_event(ev, e.h.type);
    std::memcpy(static_cast<void*>(&ev), &e, e.h.size);
    return ev;
}

} // namespace

int decode_main(int argc, char** argv) {
    std::string source;
    chain::DecoderConfig cfg;
    for (int i = 2; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--source" && i + 1 < argc) {
            source = argv[++i];
        } else if (a == "--max-log-line-bytes" && i + 1 < argc) {
            char* end = nullptr;
            const unsigned long long v = std::strtoull(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || v == 0 || v > (64u << 20)) {
                std::fprintf(
                    stderr,
                    "sniperd decode: --max-log-line-bytes expects 1..67108864, found '%s'\n",
                    argv[i]);
                return 2;
            }
            cfg.max_log_line_bytes = static_cast<size_t>(v);
        } else if (a == "--help" || a == "-h") {
            decode_usage(stdout);
            return 0;
        } else {
            std::fprintf(stderr, "sniperd decode: unexpected argument '%s'\n", argv[i]);
            decode_usage(stderr);
            return 2;
        }
    }
    if (source != "solana-ws") {
        std::fprintf(stderr, "sniperd decode: --source expects solana-ws, found '%s'\n",
                     source.c_str());
        decode_usage(stderr);
        return 2;
    }
    chain::SolanaWsDecoder dec(cfg);
    std::string line;
    std::string out;
    uint64_t line_no = 0, rejected = 0, messages = 0;
    while (std::getline(std::cin, line)) {
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string::npos) {
            continue;
        }
        ++messages;
        const chain::DecodeResult& r = dec.decode(line);
        if (!r.ok()) {
            ++rejected;
            std::fprintf(stderr, "line %llu: %s (%s)\n", static_cast<unsigned long long>(line_no),
                         chain::reject_name(r.reject), r.where);
            continue;
        }
        out.clear();
        for (uint32_t i = 0; i < r.n_events; ++i) {
            encode_event_json(to_event_buf(r.events[i]), false, out);
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
    }
    const auto& c = dec.counters();
    std::fprintf(
        stderr, "decode: %llu messages, %llu decoded, %llu refused, %llu events\n",
        static_cast<unsigned long long>(messages), static_cast<unsigned long long>(c.accepted),
        static_cast<unsigned long long>(rejected), static_cast<unsigned long long>(c.events));
    std::fflush(stdout);
    return rejected == 0 ? 0 : 1;
}

} // namespace sniper
