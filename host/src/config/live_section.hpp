// config/live_section.hpp — reads the [live] table: the JSON-RPC endpoints
// live mode talks to and the least the wallet must hold before live mode
// starts. Internal to the config module.
#pragma once

#include "config/config_reader.hpp"

namespace sniper::config_detail {

void read_live(Reader& r, const toml::table& t, LiveConfig& out);

} // namespace sniper::config_detail
