// The loader against deliberately broken plugins (tests/plugins/): each is
// refused with a message naming the file and what was wrong; valid ones
// load, including a plugin from a newer minor ABI.
#include "core/log.hpp"
#include "strategy/instance.hpp"
#include "strategy/native_plugin.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace sniper;
using testing::TempDir;
using testing::QuietLogs;
namespace fs = std::filesystem;

namespace {
std::string plugin(const std::string& name) { return std::string(SNIPER_TEST_PLUGIN_DIR) + "/" + name + ".so"; }



std::string load_error(const std::string& path, const std::string& cache) {
    std::string err;
    auto p = NativePlugin::load(path, cache, &err);
    CHECK_FALSE(p);
    return err;
}

class FakeHost final : public StrategyHost {
  public:
    int64_t host_now_ns() override { return 1; }
    snp_status host_position(StrategyInstance&, const Pubkey&, snp_position*) override {
        return SNP_ERR_NOT_FOUND;
    }
    snp_status host_set_timer(StrategyInstance&, int64_t, uint64_t, uint64_t* id) override {
        *id = 1;
        return SNP_OK;
    }
    int32_t host_trading_state() override { return SNP_TRADING_ACTIVE; }
    uint64_t host_next_intent_id() override { return ++ids; }
    uint64_t ids = 0;
};

snp_ev_new_pool new_pool_event(uint64_t seq) {
    snp_ev_new_pool ev{};
    ev.h.type = SNP_EVENT_NEW_POOL;
    ev.h.size = sizeof(snp_ev_new_pool);
    ev.h.version = 1;
    ev.h.seq = seq;
    ev.pool.bytes[0] = 1;
    ev.base_mint.bytes[0] = 2;
    return ev;
}
} // namespace

RuntimeLimits three_faults() {
    RuntimeLimits l;
    l.max_faults = 3;
    return l;
}

TEST_CASE("valid plugins load and report their manifest", "[strategy][loader]") {
    TempDir d;
    std::string err;
    auto p = NativePlugin::load(std::string(SNIPER_BUILD_DIR) + "/plugins/example_sniper.so", (d.path / "cache").string(), &err);
    REQUIRE(p);
    CHECK(err.empty());
    CHECK(p->name() == "example_sniper");
    CHECK(p->version() == "1.0.0");
    CHECK(p->content_hash().size() == 16);
    CHECK(p->loaded_path() != p->source_path());
    CHECK(fs::exists(p->loaded_path()));
    const std::string loaded = p->loaded_path();
    p.reset();
    CHECK_FALSE(fs::exists(loaded)); // the cached copy goes with the image

    auto f = NativePlugin::load(plugin("future_minor"), (d.path / "cache").string(), &err);
    REQUIRE(f);
    CHECK(f->name() == "future_minor");
    CHECK(SNP_ABI_VERSION_MINOR(f->abi_version()) == SNP_ABI_MINOR + 7);
}

TEST_CASE("the same file loads twice from two unique paths", "[strategy][loader]") {
    TempDir d;
    std::string err;
    auto a = NativePlugin::load(plugin("counting"), (d.path / "cache").string(), &err);
    auto b = NativePlugin::load(plugin("counting"), (d.path / "cache").string(), &err);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->loaded_path() != b->loaded_path());
    CHECK(a->content_hash() == b->content_hash());
}

TEST_CASE("unloading a plugin really unmaps its image", "[strategy][loader]") {
    TempDir d;
    std::string err;
    auto mapped = [](const std::string& path) {
        std::ifstream maps("/proc/self/maps");
        std::string line;
        while (std::getline(maps, line)) {
            if (line.find(path) != std::string::npos) {
                return true;
            }
        }
        return false;
    };
    const uint64_t pinned_before = NativePlugin::images_still_mapped();
    for (const char* name : {"counting", "hangs", "throws_in_on_event"}) {
        auto p = NativePlugin::load(plugin(name), (d.path / "cache").string(), &err);
        REQUIRE(p);
        const std::string path = p->loaded_path();
        CHECK(mapped(path));
        p.reset();
        INFO(name << " built with -fvisibility=hidden -fno-gnu-unique must unload");
        CHECK_FALSE(mapped(path));
    }
    CHECK(NativePlugin::images_still_mapped() == pinned_before);
}

TEST_CASE("broken plugins are refused with a message naming file and problem", "[strategy][loader]") {
    TempDir d;
    CHECK_THAT(load_error(plugin("wrong_abi_major"), (d.path / "cache").string()),
               Catch::Contains("wrong_abi_major.so") && Catch::Contains("built for strategy ABI 2.0") &&
                   Catch::Contains("host is ABI 1.1"));
    CHECK_THAT(load_error(plugin("missing_symbol"), (d.path / "cache").string()),
               Catch::Contains("missing_symbol.so") && Catch::Contains("missing entry symbol snp_plugin_entry"));
    CHECK_THAT(load_error(plugin("null_manifest"), (d.path / "cache").string()), Catch::Contains("returned NULL"));
    CHECK_THAT(load_error(plugin("small_manifest"), (d.path / "cache").string()),
               Catch::Contains("malformed manifest: struct_size 8"));
    CHECK_THAT(load_error(plugin("null_vtable"), (d.path / "cache").string()), Catch::Contains("vtable is NULL"));
    CHECK_THAT(load_error(plugin("bad_name"), (d.path / "cache").string()), Catch::Contains("not a valid strategy name"));
    CHECK_THAT(load_error((d.path / "absent.so").string(), (d.path / "cache").string()), Catch::Contains("cannot read"));
}

TEST_CASE("a truncated or fake .so is refused cleanly", "[strategy][loader]") {
    TempDir d;
    const fs::path truncated = d.path / "truncated.so";
    {
        std::ifstream in(plugin("counting"), std::ios::binary);
        std::vector<char> head(4096);
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        std::ofstream out(truncated, std::ios::binary);
        out.write(head.data(), in.gcount());
    }
    CHECK_THAT(load_error(truncated.string(), (d.path / "cache").string()),
               Catch::Contains("truncated.so: truncated") && Catch::Contains("still being written"));
    const fs::path text = d.path / "text.so";
    std::ofstream(text) << std::string(100, '#') << " this is not an ELF file\n";
    CHECK_THAT(load_error(text.string(), (d.path / "cache").string()), Catch::Contains("no ELF magic"));
    const fs::path empty = d.path / "empty.so";
    std::ofstream(empty).flush();
    CHECK_THAT(load_error(empty.string(), (d.path / "cache").string()), Catch::Contains("too short for an ELF header"));
    // Every truncation point of a real plugin is refused, never a crash.
    const auto full = fs::file_size(plugin("counting"));
    std::ifstream src(plugin("counting"), std::ios::binary);
    std::vector<char> bytes(full);
    src.read(bytes.data(), static_cast<std::streamsize>(full));
    for (size_t cut : {size_t{64}, size_t{200}, full / 4, full / 2, full - 4096, full - 1}) {
        const fs::path part = d.path / ("part" + std::to_string(cut) + ".so");
        std::ofstream(part, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(cut));
        INFO("cut at " << cut << " of " << full);
        CHECK_FALSE(load_error(part.string(), (d.path / "cache").string()).empty());
    }
    // Nothing is left behind in the cache from refused files.
    size_t left = 0;
    std::error_code ec;
    for (fs::directory_iterator it((d.path / "cache").string(), ec), end; !ec && it != end; it.increment(ec)) {
        ++left;
    }
    CHECK(left == 0);
}

TEST_CASE("discovery lists .so files only, sorted", "[strategy][loader]") {
    TempDir d;
    std::ofstream(d.path / "b.so") << "x";
    std::ofstream(d.path / "a.so") << "x";
    std::ofstream(d.path / "notes.txt") << "x";
    fs::create_directory(d.path / "dir.so");
    const auto found = discover_strategy_files(d.path.string());
    REQUIRE(found.size() == 2);
    CHECK(fs::path(found[0]).filename() == "a.so");
    CHECK(fs::path(found[1]).filename() == "b.so");
    CHECK(discover_strategy_files("/nonexistent").empty());
}

TEST_CASE("a plugin that throws in create fails alone", "[strategy][faults]") {
    QuietLogs quiet;
    TempDir d;
    FakeHost host;
    std::string err;
    auto p = NativePlugin::load(plugin("throws_in_create"), (d.path / "cache").string(), &err);
    REQUIRE(p);
    StrategyInstance s(p, "throws_in_create", &host, three_faults());
    CHECK_FALSE(s.create("{}"));
    CHECK(s.state() == StrategyState::Failed);
    CHECK_THAT(s.last_error(), Catch::Contains("boom in create"));
}

TEST_CASE("a plugin that throws in on_event loses its intents and is disabled after N faults",
          "[strategy][faults]") {
    QuietLogs quiet;
    TempDir d;
    FakeHost host;
    std::string err;
    auto p = NativePlugin::load(plugin("throws_in_on_event"), (d.path / "cache").string(), &err);
    REQUIRE(p);
    StrategyInstance s(p, "throws_in_on_event", &host, three_faults());
    REQUIRE(s.create("{}"));
    for (uint64_t i = 1; i <= 3; ++i) {
        const snp_ev_new_pool ev = new_pool_event(i);
        CHECK_FALSE(s.on_event(ev.h));
        CHECK(s.pending().empty()); // the buy it submitted before throwing is discarded
    }
    CHECK(s.errors() == 3);
    CHECK(s.state() == StrategyState::Failed);
    CHECK_THAT(s.last_error(), Catch::Contains("boom in on_event"));
}

TEST_CASE("malformed intents are refused at submit time", "[strategy]") {
    QuietLogs quiet;
    TempDir d;
    FakeHost host;
    std::string err;
    auto p = NativePlugin::load(plugin("counting"), (d.path / "cache").string(), &err);
    REQUIRE(p);
    StrategyInstance s(p, "counting", &host, three_faults());
    REQUIRE(s.create("{}"));
    snp_intent in{};
    in.struct_size = sizeof in;
    in.side = SNP_SIDE_BUY;
    in.mint.bytes[0] = 1;
    in.pool.bytes[0] = 2;
    in.amount_in = 1;
    in.max_slippage_bps = 100;
    uint64_t id = 0;
    snp_error e{};
    e.struct_size = sizeof e;
    // Outside a callback: refused.
    CHECK(s.submit(&in, &id, &e) == SNP_ERR_STATE);
    CHECK_THAT(std::string(e.message), Catch::Contains("only allowed inside on_event"));
}
