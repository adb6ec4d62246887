-- sandbox_escape.lua — tries one way out of the sandbox per run, chosen by
-- params {"attempt": "<name>"}, in on_event (the attempts at load time and
-- in init are in the test itself). Each must fail with an error; none may
-- touch the host. The test runs every name in ATTEMPTS. (No tail calls:
-- an error then names the function called, e.g. 'rawset'.)
local attempt

local ATTEMPTS = {
  io = function() local _ = io.open("/etc/passwd") end,
  os_execute = function() local _ = os.execute("touch /tmp/sniper-lua-pwned") end,
  os_getenv = function() local _ = os.getenv("HOME") end,
  os_exit = function() local _ = os.exit(3) end,
  os_remove = function() local _ = os.remove("/tmp/sniper-lua-pwned") end,
  ffi = function() local _ = ffi.C end,
  require_ffi = function() local _ = require("ffi") end,
  debug = function() local _ = debug.getregistry() end,
  package = function() local _ = package.loadlib("libc.so.6", "system") end,
  dofile = function() local _ = dofile("/etc/passwd") end,
  loadfile = function() local _ = loadfile("/etc/passwd") end,
  load_bytecode = function() local _ = assert(load("\27LJ\2\0\9@x.lua\0")) end,
  loadstring_bytecode = function() local _ = assert(loadstring("\27LJ\2\0\9@x.lua\0")) end,
  load_binary_mode = function() local _ = load("return 1", "x", "b") end,
  load_reader = function()
    local parts = { "\27LJ", "\2\0" }
    return assert(load(function() return table.remove(parts, 1) end))
  end,
  string_dump = function() local _ = string.dump(function() end) end,
  collectgarbage_stop = function() local _ = collectgarbage("stop") end,
  collectgarbage_setpause = function() local _ = collectgarbage("setpause", 1000) end,
  setfenv = function() local _ = setfenv(0, {}) end,
  getfenv = function() local _ = getfenv(0).host end,
  rawset_host = function() local _ = rawset(host, "submit", print) end,
  rawset_globals_host = function() local _ = rawset(_G, "host", {}) end,
  host_field = function() host.submit = print end,
  host_global = function() host = {} end,
  setmetatable_host = function() local _ = setmetatable(host, {}) end,
  getmetatable_host = function()
    local mt = getmetatable(host)
    mt.__index = {}
  end,
  getmetatable_globals = function() getmetatable(_G).__index.host = {} end,
  jit_off = function() local _ = jit.off() end,
  newproxy = function() local _ = newproxy(true) end,
  string_metatable_load = function() local _ = ("").load("return 1") end,
}

return {
  name = "sandbox_escape",
  events = { "new_pool" },
  ATTEMPTS = ATTEMPTS,
  init = function(p) attempt = p.attempt end,
  on_event = function(ev)
    local f = ATTEMPTS[attempt]
    if not f then error("no such attempt: " .. tostring(attempt)) end
    f()
  end,
}
