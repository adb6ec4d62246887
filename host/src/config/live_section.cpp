#include "config/live_section.hpp"

#include "config/config.hpp"

#include <toml++/toml.h>

namespace sniper::config_detail {

void read_live(Reader& r, const toml::table& t, LiveConfig& out) {
    const std::string p = "live";
    r.check_keys(t, p,
                 {"rpc", "min_balance_sol", "rpc_requests_per_second", "jito_requests_per_second", "jupiter_url",
                  "jito_url", "route", "priority_fee_lamports", "priority_fee_percentile", "compute_unit_estimate",
                  "max_priority_fee_lamports", "tip_sol", "max_tip_sol", "rebroadcast_interval",
                  "status_interval", "order_timeout", "max_resigns", "strategy"});
    if (const toml::node* n = t.get("rpc")) {
        if (const toml::array* a = n->as_array()) {
            for (size_t i = 0; i < a->size(); ++i) {
                const toml::node& e = *a->get(i);
                const std::string path = "live.rpc[" + std::to_string(i) + "]";
                if (!e.is_string()) {
                    r.error(e, "'" + path + "' must be an http:// or https:// URL string, found " + describe_found(e));
                    continue;
                }
                const std::string& url = e.as_string()->get();
                if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
                    r.error(e, "'" + path + "' must be an http:// or https:// URL, found " + quote(url));
                    continue;
                }
                out.rpc_urls.push_back(url);
            }
        } else {
            r.error(*n, "'live.rpc' must be an array of URLs, found " + describe_found(*n));
        }
    }
    if (auto v = r.sol_lamports(t, "min_balance_sol", p, false)) {
        out.min_balance_lamports = *v;
    }
    if (auto v = r.number(t, "rpc_requests_per_second", p, NumRange{0, true, 10000, false})) {
        out.rpc_requests_per_second = *v;
    }
    if (auto v = r.number(t, "jito_requests_per_second", p, NumRange{0, true, 10000, false})) {
        out.jito_requests_per_second = *v;
    }
    const auto url = [&](std::string_view key, std::string& field) {
        if (auto v = r.string(t, key, p)) {
            const std::string& u = v->value;
            if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) {
                r.error(*t.get(key), "'live." + std::string(key) + "' must be an http:// or https:// URL, found " +
                                         quote(u));
            } else {
                field = u.back() == '/' ? u.substr(0, u.size() - 1) : u;
            }
        }
    };
    url("jupiter_url", out.jupiter_url);
    url("jito_url", out.jito_url);
    const auto route = [&](const toml::table& tt, const std::string& prefix, uint32_t& field) {
        if (auto v = r.choice(tt, "route", prefix, {"jupiter", "jito"})) {
            field = *v == "jito" ? 3u : 2u; // SNP_ROUTE_JITO : SNP_ROUTE_JUPITER
        }
    };
    route(t, p, out.route);
    if (auto v = r.integer(t, "priority_fee_lamports", p, {0, 1'000'000'000})) {
        out.priority_fee_lamports = static_cast<uint64_t>(*v);
    }
    if (auto v = r.integer(t, "priority_fee_percentile", p, {0, 100})) {
        out.priority_fee_percentile = static_cast<uint32_t>(*v);
    }
    if (auto v = r.integer(t, "compute_unit_estimate", p, {1, 1'400'000})) {
        out.compute_unit_estimate = static_cast<uint64_t>(*v);
    }
    if (auto v = r.integer(t, "max_priority_fee_lamports", p, {0, 1'000'000'000})) {
        out.max_priority_fee_lamports = static_cast<uint64_t>(*v);
    }
    if (auto v = r.sol_lamports(t, "tip_sol", p, false)) {
        out.tip_lamports = *v;
    }
    if (auto v = r.sol_lamports(t, "max_tip_sol", p, false)) {
        out.max_tip_lamports = *v;
    }
    if (out.tip_lamports > out.max_tip_lamports) {
        r.error(t.get("tip_sol") != nullptr ? *t.get("tip_sol") : static_cast<const toml::node&>(t),
                "'live.tip_sol' is above 'live.max_tip_sol'");
    }
    if (out.priority_fee_lamports > out.max_priority_fee_lamports) {
        r.error(t.get("priority_fee_lamports") != nullptr ? *t.get("priority_fee_lamports")
                                                          : static_cast<const toml::node&>(t),
                "'live.priority_fee_lamports' is above 'live.max_priority_fee_lamports'");
    }
    if (auto v = r.duration_ns(t, "rebroadcast_interval", p, true)) {
        out.rebroadcast_interval_ns = *v;
    }
    if (auto v = r.duration_ns(t, "status_interval", p, true)) {
        out.status_interval_ns = *v;
    }
    if (auto v = r.duration_ns(t, "order_timeout", p, true)) {
        out.order_timeout_ns = *v;
    }
    if (auto v = r.integer(t, "max_resigns", p, {0, 100})) {
        out.max_resigns = static_cast<uint32_t>(*v);
    }
    if (const toml::table* st = r.table(t, "strategy", p)) {
        for (const auto& [name, node] : *st) {
            const std::string sp = "live.strategy." + std::string(name.str());
            if (const toml::table* one = node.as_table()) {
                r.check_keys(*one, sp, {"route"});
                uint32_t rt = out.route;
                route(*one, sp, rt);
                out.strategy_routes[std::string(name.str())] = rt;
            } else {
                r.error(node, "'" + sp + "' must be a table, found " + describe_found(node));
            }
        }
    }
}

} // namespace sniper::config_detail
