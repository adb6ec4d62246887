#include "config/live_section.hpp"

#include "config/config.hpp"

#include <toml++/toml.h>

namespace sniper::config_detail {

void read_live(Reader& r, const toml::table& t, LiveConfig& out) {
    const std::string p = "live";
    r.check_keys(t, p, {"rpc", "min_balance_sol", "rpc_requests_per_second"});
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
}

} // namespace sniper::config_detail
