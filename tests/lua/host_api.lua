-- host_api.lua — exercises every host function from on_event and asserts
-- what the test's fake host answers (see lua_script_test.cpp): the mint
-- with byte 0 = 7 is held (1000 atoms, cost 5000), anything else is flat.
local function expect_error(fn, needle)
  local ok, err = pcall(fn)
  assert(not ok, "expected an error containing " .. needle)
  assert(tostring(err):find(needle, 1, true), "error '" .. tostring(err) .. "' lacks '" .. needle .. "'")
end

local held = string.char(7) .. string.rep("\0", 31)

return {
  name = "host_api",
  version = "2.5",
  events = { "new_pool", "timer", "order_update" },
  state_version = 3,
  on_event = function(ev)
    if ev.type ~= "new_pool" then return end
    assert(type(host) == "userdata")
    assert(host.now() == 1767225600000000000, "now: " .. string.format("%.0f", host.now()))
    assert(host.trading_state() == "active")
    assert(host.position(ev.base_mint) == nil)
    local p = host.position(held)
    assert(p.amount_atoms == 1000 and p.cost_lamports == 5000 and p.realized_pnl_lamports == -7)
    assert(p.opened_ns == 42 and p.last_quote_lamports == 6000 and p.mint == held)
    assert(host.set_timer(1000000, 9) == 77)
    expect_error(function() host.set_timer(-1, 0) end, "delay_ns must be an integer")
    expect_error(function() host.call_tool("x", "{}", 0) end, "tools are not supported by this host")
    expect_error(function() host.position("short") end, "32-byte key")
    local text = host.b58(ev.pool)
    assert(type(text) == "string" and #text >= 32 and #text <= 44)
    assert(host.from_b58(text) == ev.pool)
    expect_error(function() host.from_b58("0OIl") end, "not the base58 text")
    host.log("debug", "a debug line")
    host.log("warn", "a warn line")
    host.log("an info line")
    print("printed", 1, nil, true)
    expect_error(function() host.log("loud", "x") end, "level must be")
    assert(host.LAMPORTS_PER_SOL == 1e9)
    assert(host.ABI_VERSION == "1.1")
    -- events: keys are 32-byte strings, enums are names, amounts numbers
    assert(#ev.pool == 32 and #ev.base_mint == 32 and #ev.quote_mint == 32 and #ev.creator == 32)
    assert(ev.dex == "sim" and ev.base_reserve_atoms == 123456789 and ev.quote_reserve_lamports == 2e10)
    assert(ev.mint_authority_present == false and ev.freeze_authority_present == true and ev.flags == 10)
    assert(ev.holders_unknown == true and ev.authorities_unknown == false and ev.lp_unknown == false)
    assert(ev.fee_bps == 25 and ev.lp_burned_bps == 9500 and ev.top10_holder_bps == 1200)
    assert(ev.base_decimals == 6 and ev.token_supply_atoms == 1e15 and ev.seq == 5 and ev.slot == 99)
    -- submit: unknown fields and malformed values are refused before the host sees them
    local base = { side = "buy", mint = ev.base_mint, pool = ev.pool, amount_in = 1e8, max_slippage_bps = 300 }
    local function with(k, v)
      local t = {}
      for key, value in pairs(base) do t[key] = value end
      t[k] = v
      return t
    end
    expect_error(function() host.submit(with("stoploss_bps", 5)) end, "unknown field 'stoploss_bps'")
    expect_error(function() host.submit(with("side", "hold")) end, "side must be \"buy\" or \"sell\"")
    expect_error(function() host.submit(with("max_slippage_bps", nil)) end, "max_slippage_bps is required")
    expect_error(function() host.submit(with("max_slippage_bps", 20000)) end, "max_slippage_bps must be an integer")
    expect_error(function() host.submit(with("sell_all", 1)) end, "sell_all must be true or false")
    expect_error(function() host.submit(with("amount_in", nil)) end, "amount_in is required")
    expect_error(function() host.submit(with("stop_loss_bps", 2 ^ 31)) end, "stop_loss_bps must be an integer")
    expect_error(function() host.submit(with("reason", 5)) end, "reason must be a string")
    -- the host's own shape checks come back as errors too
    expect_error(function() host.submit(with("amount_in", 0)) end, "amount_in must be > 0")
    local id = host.submit{ side = "buy", mint = ev.base_mint, pool = ev.pool, amount_in = 250000000,
                            max_slippage_bps = 450, client_tag = 12, stop_loss_bps = -1, take_profit_bps = 5000,
                            trailing_stop_bps = 700, max_hold_ns = 60e9, reason = "every field" }
    assert(type(id) == "number" and id > 0)
    host.submit{ side = "sell", sell_all = true, mint = ev.base_mint, pool = ev.pool, max_slippage_bps = 10000 }
    -- ABI 1.1 fields
    expect_error(function() host.submit(with("route", "raydium")) end, "route must be")
    expect_error(function() host.submit(with("deadline_ns", -1)) end, "deadline_ns must be an integer")
    expect_error(function() host.submit{ side = "buy", mint = ev.base_mint, amount_in = 1e8, max_slippage_bps = 300 } end,
                 "pool must be a 32-byte key")
    host.submit{ side = "buy", mint = ev.base_mint, route = "jupiter", amount_in = 1e8, max_slippage_bps = 300,
                 deadline_ns = 7e9, max_priority_fee_lamports = 5000, max_tip_lamports = 1000 }
  end,
}
