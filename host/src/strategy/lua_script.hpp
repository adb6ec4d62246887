// strategy/lua_script.hpp — a LuaJIT strategy script (.lua).
//
// A script returns a table { name = "...", version = "...", events = {...},
// init = function(params) ... end, on_event = function(ev) ... end,
// save_state = function() return "..." end, load_state = function(s) end }.
// load() checks syntax and runs the chunk once in a throwaway sandbox (with
// a memory cap and an instruction limit) to read and validate that table;
// create() builds the instance's own lua_State: sandboxed globals, a frozen
// `host` table that calls back through the C host API, a per-state memory
// cap from RuntimeLimits, optionally the JIT off and an instruction-count
// hook enforcing the callback CPU budget. Errors carry file:line and a
// traceback (error_detail()). Full API: sdk/LUA.md.
#pragma once

#include "strategy/strategy_code.hpp"

#include <memory>
#include <mutex>
#include <string>

namespace sniper {

class LuaScript final : public StrategyCode {
  public:
    static std::shared_ptr<LuaScript> load(const std::string& path, std::string* error);
    ~LuaScript() override;

    const char* kind() const override { return "lua"; }
    void* create(const snp_host_api* api, snp_host_ctx* ctx, snp_str params_json,
                 snp_error* err) override;
    void destroy(void* self) override;
    snp_status on_event(void* self, const snp_event_header* ev, snp_error* err) override;
    bool has_save_state() const override { return has_save_state_; }
    snp_status save_state(void* self, uint8_t* buf, uint64_t cap, uint64_t* out_size) override;
    bool has_load_state() const override { return has_load_state_; }
    snp_status load_state(void* self, snp_bytes state, uint32_t state_version, snp_error* err) override;
    std::string error_detail(void* self) override;

    const std::string& source() const { return source_; }

  private:
    LuaScript() = default;
    std::string source_;     // the script text, compiled again per instance
    std::string chunk_name_; // "@<file name>": what error messages call the file
    bool has_init_ = false;
    // error_detail(nullptr): the traceback of the last failed create (creates
    // may run on other threads than the event path, hence the lock).
    std::mutex create_detail_mu_;
    std::string create_detail_;
    bool has_save_state_ = false;
    bool has_load_state_ = false;
};

} // namespace sniper
