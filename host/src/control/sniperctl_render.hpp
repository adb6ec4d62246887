// control/sniperctl_render.hpp — how sniperctl shows sniperd's answers to
// a person: tables and key/value lists with SOL amounts, percentages and
// durations, one renderer per command. Pure functions of the response's
// JSON data; `--json` bypasses them.
#pragma once

#include <string>
#include <string_view>

namespace sniper {

// Prints the data of a successful response to `command` on stdout. False
// (with a message on stderr) when the data is not what the command returns.
bool render_response(const std::string& command, std::string_view data_json);

} // namespace sniper
