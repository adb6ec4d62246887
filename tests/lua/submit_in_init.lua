-- submit_in_init.lua — tries to trade before any event: create must fail.
return {
  name = "submit_in_init",
  events = { "new_pool" },
  init = function()
    host.submit{ side = "buy", mint = string.rep("\1", 32), pool = string.rep("\2", 32),
                 amount_in = 100000000, max_slippage_bps = 300 }
  end,
  on_event = function(ev) end,
}
