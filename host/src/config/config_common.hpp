// config/config_common.hpp — what the config module's section readers
// share: numeric bounds, path resolution against the config file's folder,
// strategy-name rules, the walk over [<table>.strategy.<name>] tables, and
// the readers that live in their own files (feeds_section.cpp,
// risk_section.cpp). Internal to the config module.
#pragma once

#include "config/config.hpp"
#include "config/config_reader.hpp"

#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>

namespace sniper::config_detail {

inline constexpr int64_t kIntMax = std::numeric_limits<int64_t>::max();
inline constexpr int64_t kU32Max = std::numeric_limits<uint32_t>::max();
inline constexpr NumRange kSpeedRange{0, false, 1e6, false};

// The position of the later of two nodes (where a conflict becomes visible).
const toml::source_region& later(const toml::node* a, const toml::node* b);
// `p` against the config file's folder, normalized, without a trailing slash.
std::string resolve_path(const std::filesystem::path& base, const std::string& p);
// [a-z0-9_]{1,64}
bool valid_strategy_name(std::string_view name);

// Calls fn(name, path, table) for each [<p>.strategy.<name>] table under
// `t`, after reporting a bad name or a value that is not a table (`what`
// names what the table holds, for that message).
template <class F>
void for_each_strategy_table(Reader& r, const toml::table& t, const std::string& p, const char* what, F&& fn) {
    const toml::table* strategies = r.table(t, "strategy", p);
    if (strategies == nullptr) {
        return;
    }
    const std::string sp = join_key(p, "strategy");
    for (auto&& [k, v] : *strategies) {
        const std::string name(k.str());
        const std::string path = join_key(sp, name);
        if (!valid_strategy_name(name)) {
            r.error(k.source().begin.line != 0 ? k.source() : v.source(),
                    "strategy name " + config_detail::quote(name) +
                        " is invalid; names must match [a-z0-9_]{1,64} (lowercase letters, digits, _)");
            continue;
        }
        if (!v.is_table()) {
            r.error(v, "'" + path + "' must be a table of " + what + ", found " + config_detail::describe_found(v));
            continue;
        }
        fn(name, path, *v.as_table());
    }
}

// [feeds] (feeds_section.cpp) and [risk] (risk_section.cpp).
void read_feeds(Reader& r, const toml::table& t, const std::filesystem::path& base, FeedsConfig& out,
                const toml::node* feeds_node);
void read_risk(Reader& r, const toml::table& t, RiskConfig& out);
// [feeds.ws] and [feeds.record] (ws_section.cpp).
void read_ws(Reader& r, const toml::table& t, WsFeedConfig& out);
void read_price(Reader& r, const toml::table& t, PriceFeedConfig& out);
void read_record(Reader& r, const toml::table& t, const std::filesystem::path& base,
                 FeedRecordConfig& out);
// After every section is read: [feeds.watch] needs feeds.watch.rpc or [live] rpc.
void check_watch_rpc(Reader& r, const toml::table& root, const Config& cfg);

} // namespace sniper::config_detail
