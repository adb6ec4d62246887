-- infinite_loop.lua — never returns from on_event. Params {"mode": ...}:
--   "plain"  while true do end (the default)
--   "pcall"  the loop inside pcall, retried forever: the budget error must
--            still get out
--   "xpcall" the same with an xpcall whose handler loops too
--   "coroutine" the pcall loop inside a coroutine, resumed forever
-- Only run with the JIT off: a JIT-compiled loop never sees the hook.
local mode = "plain"
local function spin() while true do end end

return {
  name = "infinite_loop",
  events = { "new_pool", "timer" },
  init = function(p) mode = p.mode or mode end,
  on_event = function(ev)
    if ev.type == "timer" then return end -- a quick callback, to show the state still works
    if mode == "pcall" then
      while true do pcall(spin) end
    elseif mode == "xpcall" then
      while true do xpcall(spin, spin) end
    elseif mode == "coroutine" then
      local co = coroutine.wrap(function() while true do pcall(spin) end end)
      while true do pcall(co) end
    else
      spin()
    end
  end,
}
