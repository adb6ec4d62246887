-- submit_then_error.lua — submits a buy on every new pool, then fails when
-- params {"fail": true}: the host must discard the submitted intent.
local fail = false
return {
  name = "submit_then_error",
  events = { "new_pool" },
  init = function(p) fail = p.fail == true end,
  on_event = function(ev)
    local id = host.submit{ side = "buy", mint = ev.base_mint, pool = ev.pool, amount_in = 100000000,
                            max_slippage_bps = 300, reason = "about to fail" }
    if fail then error("failing after submitting intent " .. id) end
  end,
}
