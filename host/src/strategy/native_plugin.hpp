// strategy/native_plugin.hpp — loading a native strategy (.so) through the
// C ABI with Boost.DLL, and everything that can be wrong with one.
//
// The file is first copied to a unique path under the cache directory and
// loaded from there: the loader never dlopen()s the same path twice, so a
// rebuilt plugin is a new image, and the user's file can be replaced while
// the copy runs. Validation refuses, with a message naming the file and
// what was expected and found: a file that is not a loadable library
// (including one still being written), a missing snp_plugin_entry, a NULL
// manifest, a manifest smaller than ABI 1.0's, a different ABI major, a bad
// name, and a vtable missing a required entry.
#pragma once

#include <sniper/strategy_abi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sniper {

class NativePlugin {
  public:
    // Loads and validates. On failure returns nullptr and sets *error.
    static std::shared_ptr<NativePlugin> load(const std::string& path, const std::string& cache_dir,
                                              std::string* error);
    ~NativePlugin(); // unloads the image and removes the cached copy

    NativePlugin(const NativePlugin&) = delete;
    NativePlugin& operator=(const NativePlugin&) = delete;

    const std::string& source_path() const { return source_path_; }
    const std::string& loaded_path() const { return loaded_path_; }
    const std::string& name() const { return name_; }
    const std::string& version() const { return version_; }
    const std::string& build_info() const { return build_info_; }
    const std::string& content_hash() const { return content_hash_; } // hex, of the file loaded
    uint64_t event_mask() const { return event_mask_; }
    uint32_t state_version() const { return state_version_; }
    uint32_t abi_version() const { return abi_version_; }
    const snp_strategy_vtable& vtable() const { return vtable_; }

    // FNV-1a 64 of a file's bytes, as hex: what "changed" means on reload.
    static bool hash_file(const std::string& path, std::string& hex);

  private:
    NativePlugin() = default;
    struct Lib;
    std::unique_ptr<Lib> lib_;
    std::string source_path_, loaded_path_, name_, version_, build_info_, content_hash_;
    uint64_t event_mask_ = 0;
    uint32_t state_version_ = 0;
    uint32_t abi_version_ = 0;
    snp_strategy_vtable vtable_{}; // copied; entries beyond the plugin's size are NULL
};

// Regular files ending in ".so" directly inside dir, sorted by name.
std::vector<std::string> discover_native_plugins(const std::string& dir);

// A strategy name is [a-z0-9_]{1,64}.
bool valid_strategy_name(const std::string& name);

} // namespace sniper
