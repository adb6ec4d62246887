// strategy/strategy_code.hpp — a loaded, validated strategy file of either
// kind (native .so or LuaJIT .lua), before and while it runs.
//
// StrategyCode is what the engine and the reloader hold: the file's
// metadata (name, version, event mask, content hash) and the five entry
// points of the C ABI's vtable, as virtual calls on the code object. The
// native kind forwards them to the plugin's vtable; the Lua kind runs them
// in a sandboxed lua_State per instance and calls the host back through the
// same snp_host_api table a native plugin gets, so both kinds share one
// host API, one fault boundary (StrategyInstance) and one risk path.
//
// load_strategy_code() picks the kind by extension. Loading never calls
// create: it only proves the file can be run (ELF/manifest checks for .so;
// syntax, sandbox and manifest table for .lua).
#pragma once

#include "core/runtime_limits.hpp"

#include <sniper/strategy_abi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sniper {

class StrategyCode {
  public:
    virtual ~StrategyCode() = default;
    StrategyCode(const StrategyCode&) = delete;
    StrategyCode& operator=(const StrategyCode&) = delete;

    virtual const char* kind() const = 0; // "native" | "lua"

    // The C ABI's vtable entries (see strategy_abi.h for their contract).
    // create returns the instance handle or nullptr with *err filled.
    virtual void* create(const snp_host_api* api, snp_host_ctx* ctx, snp_str params_json,
                         snp_error* err) = 0;
    virtual void destroy(void* self) = 0;
    virtual snp_status on_event(void* self, const snp_event_header* ev, snp_error* err) = 0;
    virtual bool has_save_state() const = 0;
    virtual snp_status save_state(void* self, uint8_t* buf, uint64_t cap, uint64_t* out_size) = 0;
    virtual bool has_load_state() const = 0;
    virtual snp_status load_state(void* self, snp_bytes state, uint32_t state_version,
                                  snp_error* err) = 0;
    // Longer text about the last failed call of `self` (a Lua traceback);
    // empty when snp_error's 256 bytes said it all.
    virtual std::string error_detail(void* /*self*/) { return {}; }

    const std::string& source_path() const { return source_path_; }
    const std::string& loaded_path() const { return loaded_path_; }
    const std::string& name() const { return name_; }
    const std::string& version() const { return version_; }
    const std::string& build_info() const { return build_info_; }
    const std::string& content_hash() const { return content_hash_; } // hex, of the file loaded
    uint64_t event_mask() const { return event_mask_; }
    uint32_t state_version() const { return state_version_; }

    // Limits for instances created after this call (the engine sets them
    // from the config before create).
    void set_limits(const RuntimeLimits& l) { limits_ = l; }
    const RuntimeLimits& limits() const { return limits_; }

    // FNV-style 64-bit hash of a file's bytes, as hex: what "changed" means
    // on reload. False when the file cannot be read.
    static bool hash_file(const std::string& path, std::string& hex);

  protected:
    StrategyCode() = default;
    std::string source_path_, loaded_path_, name_, version_, build_info_, content_hash_;
    uint64_t event_mask_ = 0;
    uint32_t state_version_ = 0;
    RuntimeLimits limits_;
};

// Loads a .so or .lua by extension. nullptr with *error ("<path>: why") on
// any problem. `cache_dir` is where native copies are loaded from.
std::shared_ptr<StrategyCode> load_strategy_code(const std::string& path, const std::string& cache_dir,
                                                 std::string* error);

// Regular files ending in ".so" or ".lua" directly inside dir, sorted.
std::vector<std::string> discover_strategy_files(const std::string& dir);

// A strategy name is [a-z0-9_]{1,64}.
bool valid_strategy_name(const std::string& name);

} // namespace sniper
