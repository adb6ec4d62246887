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

#include "strategy/strategy_code.hpp"

#include <sniper/strategy_abi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sniper {

class NativePlugin final : public StrategyCode {
  public:
    // Loads and validates. On failure returns nullptr and sets *error.
    static std::shared_ptr<NativePlugin> load(const std::string& path, const std::string& cache_dir,
                                              std::string* error);
    ~NativePlugin() override; // unloads the image and removes the cached copy

    const char* kind() const override { return "native"; }
    void* create(const snp_host_api* api, snp_host_ctx* ctx, snp_str params_json,
                 snp_error* err) override {
        return vtable_.create(api, ctx, params_json, err);
    }
    void destroy(void* self) override { vtable_.destroy(self); }
    snp_status on_event(void* self, const snp_event_header* ev, snp_error* err) override {
        return vtable_.on_event(self, ev, err);
    }
    bool has_save_state() const override { return vtable_.save_state != nullptr; }
    snp_status save_state(void* self, uint8_t* buf, uint64_t cap, uint64_t* out_size) override {
        return vtable_.save_state(self, buf, cap, out_size);
    }
    bool has_load_state() const override { return vtable_.load_state != nullptr; }
    snp_status load_state(void* self, snp_bytes state, uint32_t state_version, snp_error* err) override {
        return vtable_.load_state(self, state, state_version, err);
    }

    uint32_t abi_version() const { return abi_version_; }
    // Images dlclose'd but still in /proc/self/maps (something pinned them:
    // a unique symbol, a thread_local destructor): leaked until exit. Each
    // one is also logged as a warning.
    static uint64_t images_still_mapped();
    const snp_strategy_vtable& vtable() const { return vtable_; }

  private:
    NativePlugin() = default;
    struct Lib;
    std::unique_ptr<Lib> lib_;
    uint32_t abi_version_ = 0;
    snp_strategy_vtable vtable_{}; // copied; entries beyond the plugin's size are NULL
};

} // namespace sniper
