// app/config_lint.hpp — checks of a loaded config against the machine it
// will run on, beyond what the config file alone can say: plugins_dir
// exists, and every [risk.strategy.NAME] / [runtime.strategy.NAME] names a
// strategy ([strategies.NAME] or a NAME.so / NAME.lua in plugins_dir) — a
// typo there would silently drop a tighter limit. `sniperd check-config`
// reports these as problems; `sniperd run` refuses a missing plugins_dir
// and logs the others as warnings (a plugin may name itself differently).
#pragma once

#include <string>
#include <vector>

namespace sniper {

struct Config;

struct LintProblem {
    bool fatal = false; // sniperd run refuses
    std::string text;
};

std::vector<LintProblem> lint_config(const Config& cfg);

} // namespace sniper
