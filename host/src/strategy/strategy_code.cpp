#include "strategy/strategy_code.hpp"

#include "strategy/lua_script.hpp"
#include "strategy/native_plugin.hpp"

#include <algorithm>
#include <filesystem>

namespace sniper {

bool valid_strategy_name(const std::string& name) {
    if (name.empty() || name.size() > 64) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

std::shared_ptr<StrategyCode> load_strategy_code(const std::string& path, const std::string& cache_dir,
                                                 std::string* error) {
    const std::string ext = std::filesystem::path(path).extension().string();
    if (ext == ".so") {
        return NativePlugin::load(path, cache_dir, error);
    }
    if (ext == ".lua") {
        return LuaScript::load(path, error);
    }
    *error = path + ": not a strategy file (expected a .so or .lua file)";
    return nullptr;
}

std::vector<std::string> discover_strategy_files(const std::string& dir) {
    namespace fs = std::filesystem;
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        if ((p.extension() == ".so" || p.extension() == ".lua") && it->is_regular_file(ec)) {
            out.push_back(p.string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace sniper
