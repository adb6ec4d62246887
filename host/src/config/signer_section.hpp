// config/signer_section.hpp — reads the [signer] table (keypair path or
// ${SNIPER_*} secret reference, program allowlist additions, caps, re-sign
// limit, journal path). Internal to the config module.
#pragma once

#include "config/config_reader.hpp"

#include <filesystem>

namespace sniper::config_detail {

void read_signer(Reader& r, const toml::table& t, const std::filesystem::path& base, SignerConfig& out);

} // namespace sniper::config_detail
