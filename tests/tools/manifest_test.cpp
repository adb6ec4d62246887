#include "test_support.hpp"
#include "tools/tool_manifest.hpp"
#include "tools/tool_protocol.hpp"

#include <fstream>

using namespace sniper;
using namespace sniper::tools;
using sniper::testing::TempDir;

namespace {

std::filesystem::path write(const std::filesystem::path& dir, const std::string& name,
                            const std::string& body) {
    std::filesystem::create_directories(dir / name);
    std::ofstream(dir / name / "manifest.toml") << body;
    return dir / name;
}

bool has_error(const std::vector<std::string>& errs, const std::string& needle) {
    for (const auto& e : errs) {
        if (e.find(needle) != std::string::npos) {
            return true;
        }
    }
    return false;
}

} // namespace

TEST_CASE("the shipped tool manifests load strictly", "[tools]") {
    const ToolsDirLoad l = load_tools_dir(std::string(SNIPER_SOURCE_DIR) + "/tools/ai");
    INFO((l.errors.empty() ? "" : l.errors.front()));
    CHECK(l.errors.empty());
    std::vector<std::string> names;
    for (const auto& m : l.manifests) {
        names.push_back(m.name);
    }
    CHECK(names == std::vector<std::string>{"llm_analyst", "sentiment_analyzer", "social_scanner",
                                            "talib_minimal"});
    const ToolManifest& llm = l.manifests[0];
    CHECK(llm.workers == 2);
    CHECK(llm.mode == ToolMode::LongLived);
    CHECK(llm.env == std::vector<std::string>{"LLM_API_KEY", "LLM_URL", "LLM_MODEL"});
    CHECK(llm.working_dir == llm.tool_dir);
}

TEST_CASE("a manifest with defaults and every key set", "[tools]") {
    TempDir t;
    auto d = write(t.path, "full", R"(protocol = 1
name = "full"
description = "d"
command = ["python3", "x.py"]
working_dir = "."
mode = "one_shot"
workers = 3
max_concurrent = 9
timeout_ms = 1234
max_response_bytes = 4096
restart_backoff_ms = [5, 50]
env = ["PATH", "MY_KEY"]
[config]
anything = [1, "x"]
)");
    ManifestLoad l = load_tool_manifest(d);
    REQUIRE(l.errors.empty());
    const ToolManifest& m = *l.manifest;
    CHECK(m.mode == ToolMode::OneShot);
    CHECK(m.workers == 3);
    CHECK(m.max_concurrent == 9);
    CHECK(m.timeout_ms == 1234);
    CHECK(m.max_response_bytes == 4096);
    CHECK(m.backoff_initial_ms == 5);
    CHECK(m.backoff_max_ms == 50);
    CHECK(m.command == std::vector<std::string>{"python3", "x.py"});

    auto d2 = write(t.path, "min", "protocol = 1\nname = \"min\"\ncommand = [\"x\"]\n");
    ManifestLoad l2 = load_tool_manifest(d2);
    REQUIRE(l2.errors.empty());
    CHECK(l2.manifest->workers == 1);
    CHECK(l2.manifest->max_concurrent == 16);
    CHECK(l2.manifest->timeout_ms == 5000);
    CHECK(l2.manifest->env.empty());
}

TEST_CASE("manifest errors are all reported, each naming its key", "[tools]") {
    TempDir t;
    auto d = write(t.path, "bad", R"(protocol = 2
name = "other"
command = []
mode = "forever"
workers = 0
max_concurrent = "8"
timeout_ms = 0
env = ["PATH", "SNIPER_WALLET_KEY", "BAD-NAME"]
restart_backoff_ms = [100, 10]
colour = "blue"
config = 3
)");
    ManifestLoad l = load_tool_manifest(d);
    CHECK_FALSE(l.manifest.has_value());
    for (const char* needle :
         {"protocol: expected 1..1, found 2",
          "name: expected the folder's name \"bad\", found \"other\"",
          "command: expected a program", "mode: expected \"long_lived\" or \"one_shot\"",
          "workers: expected 1..64", "max_concurrent: expected an integer, found a string",
          "timeout_ms: expected 1..600000", "SNIPER_WALLET_KEY\" is refused", "BAD-NAME",
          "restart_backoff_ms", "colour: unknown key", "config: expected a table"}) {
        INFO(needle);
        CHECK(has_error(l.errors, needle));
    }
    CHECK(l.errors.size() == 12);

    auto d2 = write(t.path, "syntax", "protocol = 1\nname = \n");
    ManifestLoad l2 = load_tool_manifest(d2);
    REQUIRE(l2.errors.size() == 1);
    CHECK(l2.errors[0].find("manifest.toml:2:") != std::string::npos);

    ToolsDirLoad none = load_tools_dir(t.path / "nope");
    CHECK(none.errors.size() == 1);
}

TEST_CASE("response lines are checked for shape, version and id", "[tools]") {
    using K = ParsedResponse::Kind;
    auto p = parse_response_line(R"({"v":1,"id":"7","ok":true,"output":{"a": [1, 2]}})", "7");
    CHECK(p.kind == K::Ok);
    CHECK(p.output_json == R"({"a":[1,2]})");
    p = parse_response_line(
        R"({"v":1,"id":"7","ok":false,"error":{"code":"bad_input","message":"m","field":"f"}})",
        "7");
    CHECK(p.kind == K::ToolError);
    CHECK(p.code == "bad_input");
    CHECK(p.field == "f");
    for (const char* bad :
         {"", "nope", "[1]", R"({"v":1,"id":"8","ok":true,"output":{}})",
          R"({"v":2,"id":"7","ok":true,"output":{}})", R"({"v":1,"id":7,"ok":true,"output":{}})",
          R"({"v":1,"id":"7","ok":true,"output":[]})", R"({"v":1,"id":"7","ok":true})",
          R"({"v":1,"id":"7","ok":false,"error":{"message":"m"}})",
          R"({"v":1,"id":"7","ok":true,"output":{},"extra":1})",
          R"({"v":1,"id":"7","ok":"yes","output":{}})",
          R"({"v":1,"id":null,"ok":true,"output":{}})",
          R"({"v":1,"id":"7","ok":true,"output":{}, "error":{"code":"x","message":""}})"}) {
        INFO(bad);
        CHECK(parse_response_line(bad, "7").kind == K::Invalid);
    }
    CHECK(parse_response_line(R"({"v":1,"id":"8","ok":true,"output":{}})", "7")
              .message.find("out of step") != std::string::npos);
}

TEST_CASE("a caller's input must be one JSON object, and the request is one line", "[tools]") {
    std::string err;
    auto in = minify_input_object("{ \"a\" : \"x\\ny\",\n \"b\": [1,\n2] }", &err);
    REQUIRE(in.has_value());
    const std::string line = make_request_line("5", "t", 250, *in);
    CHECK(line == "{\"v\":1,\"id\":\"5\",\"tool\":\"t\",\"deadline_ms\":250,\"input\":{\"a\":"
                  "\"x\\ny\",\"b\":[1,2]}}\n");
    CHECK(std::count(line.begin(), line.end(), '\n') == 1);
    CHECK_FALSE(minify_input_object("[1]", &err).has_value());
    CHECK(err == "input: expected a JSON object, found an array");
    CHECK_FALSE(minify_input_object("{\"a\":", &err).has_value());
    CHECK_FALSE(minify_input_object("{} {}", &err).has_value());
}
