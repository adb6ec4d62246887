-- bad_amounts.lua — submits the amount named by params {"amount": ...}
-- in the field named by {"field": ...} (default amount_in): each of nan,
-- inf, negative, fractional and 2^53 must be refused with an error naming
-- the field; "ok" is a valid amount.
local AMOUNTS = { nan = 0 / 0, inf = math.huge, neg_inf = -math.huge, negative = -1, fractional = 1.5,
                  two53 = 2 ^ 53, string = "100", ok = 100000000 }
local amount, field = "ok", "amount_in"
return {
  name = "bad_amounts",
  events = { "new_pool" },
  init = function(p)
    amount = p.amount or amount
    field = p.field or field
  end,
  on_event = function(ev)
    local intent = { side = "buy", mint = ev.base_mint, pool = ev.pool, amount_in = 100000000,
                     max_slippage_bps = 300 }
    intent[field] = AMOUNTS[amount]
    host.submit(intent)
  end,
}
