// Helpers shared by the config tests: a fake environment and error matchers.
#pragma once

#include "config/config.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sniper::test {

inline EnvLookup fake_env(std::map<std::string, std::string> vars = {}) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) {
            return std::nullopt;
        }
        return it->second;
    };
}

inline ConfigLoadResult load(const std::string& toml, const EnvLookup& env = fake_env()) {
    return load_config_string(toml, "/cfg/test.toml", env);
}

inline std::vector<ConfigError> errors_of(const std::string& toml,
                                          const EnvLookup& env = fake_env()) {
    return load(toml, env).errors;
}

// All errors as one string, for failure messages.
inline std::string dump(const std::vector<ConfigError>& errors) {
    std::string out;
    for (const auto& e : errors) {
        out += e.to_string() + "\n";
    }
    return out;
}

// True when exactly one error was reported, at `line`, containing `text`.
inline bool only_error(const std::vector<ConfigError>& errors, uint32_t line,
                       const std::string& text) {
    return errors.size() == 1 && errors[0].line == line &&
           errors[0].message.find(text) != std::string::npos;
}

} // namespace sniper::test
