// The logsNotification fast path (chain/fast_logs.hpp): what it takes,
// what it leaves to the DOM path, and that every fixture and hostile
// variant decodes to the same result either way. The mutation fuzzer
// (fuzz_test.cpp) compares the two paths on inputs near the edge.
#include "chain_test_util.hpp"

#include "chain/fast_logs.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

using namespace sniper::chain;

namespace {

std::string base_message(const std::string& slot = "5", const std::string& err = "null",
                         const std::string& logs = R"(["Program log: hi"])",
                         const std::string& extra = "") {
    // `extra` goes after the method, which nodes write within the first
    // bytes (the fast path looks for it there).
    return R"({"jsonrpc":"2.0","method":"logsNotification",)" + extra +
           R"("params":{"result":{"context":{"slot":)" + slot +
           R"(},"value":{"signature":"5h6xBEauJ3PK6SWCZ1PGjBvj8vDdWG3KpwATGy1ARAXFSDwt8GFXM7W5Ncn16wmqokgpiKRLuS83KUxyZyv2sUYv","err":)" +
           err + R"(,"logs":)" + logs + R"(}},"subscription":1}})";
}

bool takes(const std::string& json) {
    FastLogs f;
    return scan_logs_notification(json, f);
}

// Every message of a file: one JSON document, or one per line.
std::vector<std::string> messages_of(const std::filesystem::path& p) {
    const std::string all = chain_test::read_file(p.string());
    std::vector<std::string> out{all};
    if (p.extension() == ".ndjson") {
        out.clear();
        std::istringstream lines(all);
        for (std::string l; std::getline(lines, l);) {
            out.push_back(l);
        }
    }
    return out;
}

} // namespace

TEST_CASE("fast path: a plain notification is read in one pass", "[chain][fast_logs]") {
    FastLogs f; // views into the message: keep it alive
    const std::string msg = base_message("123456789012345678");
    REQUIRE(scan_logs_notification(msg, f));
    CHECK(f.slot == 123456789012345678ULL);
    CHECK(f.signature.size() == 88);
    CHECK_FALSE(f.failed);
    REQUIRE(f.lines.size() == 1);
    CHECK(f.lines[0] == "Program log: hi");
    // Whitespace: around the document any JSON whitespace, inside it spaces.
    CHECK(takes("\n " + base_message() + "\r\n"));
    std::string spaced = base_message();
    for (const char* tok : {"{\"jsonrpc\"", ":{\"result\"", ",\"subscription\""}) {
        const size_t at = spaced.find(tok);
        REQUIRE(at != std::string::npos);
        spaced.insert(at + 1, "  ");
    }
    CHECK(takes(spaced));
    // A failed transaction: taken, marked failed.
    const std::string failed = base_message("5", R"({"InstructionError":[2,{"Custom":6001}]})");
    REQUIRE(scan_logs_notification(failed, f));
    CHECK(f.failed);
    // Ignored fields may hold any value of the subset, 32 levels deep.
    CHECK(takes(base_message("5", "null", R"(["a"])",
                             R"("x":[true,false,null,-12,0,{"a":[{}]},""],"d":)" +
                                 std::string(31, '[') + std::string(31, ']') + ",")));
    CHECK(takes(base_message("5", "null", "[]")));
}

TEST_CASE("fast path: anything outside its subset goes to the DOM path", "[chain][fast_logs]") {
    const std::string b = base_message();
    CHECK_FALSE(takes(base_message("5", "null", R"(["Program log: \"quoted\""])")));
    CHECK_FALSE(takes(base_message("5", "null", R"(["Program log: caf\u00e9"])")));
    CHECK_FALSE(takes(base_message("5", "null", "[\"Program log: caf\xC3\xA9\"]")));
    CHECK_FALSE(takes(base_message("5", "null", "[\"Program log: a\tb\"]")));
    CHECK_FALSE(takes(base_message("5", "null", "[\"a\",\n\"b\"]"))); // whitespace inside
    CHECK_FALSE(takes(base_message("1.5")));
    CHECK_FALSE(takes(base_message("1e3")));
    CHECK_FALSE(takes(base_message("-1")));
    CHECK_FALSE(takes(base_message("07")));
    CHECK_FALSE(takes(base_message("1234567890123456789"))); // 19 digits
    CHECK_FALSE(takes(base_message("5", "null", "null")));
    CHECK_FALSE(takes(base_message("5", "null", "[1]")));
    CHECK_FALSE(takes(base_message("5", "nul")));
    CHECK_FALSE(takes(base_message("5", "null", R"(["a"])", R"("error":{"code":1},)")));
    CHECK_FALSE(takes(base_message("5", "null", R"(["a"])", R"("result":1,"result":2,)")));
    CHECK_FALSE(takes(base_message("5", "null", R"(["a"])", R"("method":"x",)")));
    CHECK_FALSE(takes(base_message("5", "null", R"(["a"])",
                                   "\"d\":" + std::string(32, '[') + std::string(32, ']') + ",")));
    CHECK_FALSE(takes(base_message("5", "null", R"(["a"])", R"("x":tru,)")));
    CHECK_FALSE(takes(base_message("5", "null", R"(["a"])", R"("x":[1,],)")));
    CHECK_FALSE(takes(b + "x"));
    CHECK_FALSE(takes(b.substr(0, b.size() - 1)));
    CHECK_FALSE(takes(""));
    // Whole 64-byte blocks whose last byte opens a string: no read past the
    // quote map (a fresh FastLogs, so ASan sees its exact size).
    for (size_t blocks = 1; blocks <= 3; ++blocks) {
        const std::string edge = "{" + std::string(64 * blocks - 2, ' ') + "\"";
        CHECK_FALSE(takes(edge));
    }
    CHECK_FALSE(takes("[]"));
    std::string dup_err = b;
    dup_err.insert(dup_err.find("\"err\""), "\"err\":null,");
    CHECK_FALSE(takes(dup_err));
    std::string no_logs = b;
    no_logs.replace(no_logs.find("\"logs\""), 6, "\"lags\"");
    CHECK_FALSE(takes(no_logs));
    std::string other = b;
    other.replace(other.find("logsNotification"), 16, "slotNotification");
    CHECK_FALSE(takes(other));
}

TEST_CASE("fast path: every fixture and hostile variant decodes as on the DOM path",
          "[chain][fast_logs]") {
    DecoderConfig dom_cfg;
    dom_cfg.fast_logs = false;
    SolanaWsDecoder fast, dom(dom_cfg);
    const auto root = std::filesystem::path(SNIPER_TEST_DATA) / "chain" / "fixtures";
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
        const auto ext = e.path().extension();
        if (e.is_regular_file() && (ext == ".json" || ext == ".ndjson")) {
            files.push_back(e.path());
        }
    }
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 60);
    size_t messages = 0, taken = 0;
    for (const auto& p : files) {
        for (const std::string& m : messages_of(p)) {
            ++messages;
            const bool yes = takes(m);
            fast_logs_allow_avx2(false); // the SSE2 first pass says the same
            CHECK(takes(m) == yes);
            fast_logs_allow_avx2(true);
            taken += yes ? 1 : 0;
            const DecodeResult& a = fast.decode(m);
            const DecodeResult& b = dom.decode(m);
            INFO(p.filename().string() << ": " << m.substr(0, 200));
            CHECK(chain_test::diff_results(a, b).empty());
        }
    }
    // The captured notifications are plain: the path real feeds take (the
    // docs' example is pretty-printed: the DOM path).
    CHECK_FALSE(takes(chain_test::fixture("payloads/ws_logs_docs_example.json")));
    for (const char* real : {"payloads/ws_logs_failed_okx_route_raydium_swap_2024-12.json",
                             "payloads/ws_logs_pumpfun_create_buy_2024-12.json"}) {
        INFO(real);
        CHECK(takes(chain_test::fixture(real)));
    }
    CHECK(taken >= 20);
    WARN(messages << " fixture messages, " << taken << " through the fast path");
}
