#include "app/tool_command.hpp"

#include "config/units.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "tools/tool_runner.hpp"

#include <cstdio>
#include <future>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>

namespace sniper {
namespace {

void tool_usage() {
    std::fprintf(stderr,
                 "usage: sniperd tool NAME [--tools-dir DIR] [--timeout DURATION]\n"
                 "  reads the input object on stdin; prints the output on stdout (exit 0)\n"
                 "  or the error on stderr (exit 1). DIR defaults to tools/ai; DURATION to\n"
                 "  the manifest's timeout_ms.\n");
}

void print_error(const tools::ToolResult& r) {
    JsonWriter w;
    w.begin_object().kv("code", r.error_code).kv("message", r.error_message);
    if (!r.error_field.empty()) {
        w.kv("field", r.error_field);
    }
    w.end_object();
    std::fprintf(stderr, "%s\n", w.str().c_str());
}

} // namespace

int tool_main(int argc, char** argv) {
    std::string name;
    std::string dir = "tools/ai";
    int64_t timeout_ns = 0;
    for (int i = 2; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--tools-dir" && i + 1 < argc) {
            dir = argv[++i];
        } else if (a == "--timeout" && i + 1 < argc) {
            timeout_ns = config_units::parse_duration_ns(argv[++i]).value_or(0);
            if (timeout_ns <= 0) {
                std::fprintf(
                    stderr,
                    "sniperd tool: --timeout expects a duration like 500ms or 5s, found '%s'\n",
                    argv[i]);
                return 2;
            }
        } else if (name.empty() && !a.empty() && a[0] != '-') {
            name = a;
        } else {
            tool_usage();
            return 2;
        }
    }
    if (name.empty()) {
        tool_usage();
        return 2;
    }
    log::set_format(log::Format::Human);
    const tools::ManifestLoad l = tools::load_tool_manifest(std::filesystem::path(dir) / name);
    if (!l.manifest) {
        for (const std::string& e : l.errors) {
            std::fprintf(stderr, "%s\n", e.c_str());
        }
        return 2;
    }
    const std::string input((std::istreambuf_iterator<char>(std::cin)),
                            std::istreambuf_iterator<char>());
    tools::ToolRunner runner(*l.manifest);
    std::promise<tools::ToolResult> done;
    std::future<tools::ToolResult> result = done.get_future();
    const tools::Submitted s = runner.submit(
        input, timeout_ns, [&done](tools::ToolResult r) { done.set_value(std::move(r)); });
    const tools::ToolResult r = s.refused ? *s.refused : result.get();
    runner.stop();
    if (r.status == tools::ToolCallStatus::Ok) {
        std::fprintf(stdout, "%s\n", r.output_json.c_str());
        return 0;
    }
    print_error(r);
    return 1;
}

} // namespace sniper
