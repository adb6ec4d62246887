-- example_tool_lua — a strategy that decides with an external tool's answer.
--
-- It keeps the last prices of every pool it sees updated. Every
-- `check_every` updates of a pool with enough history, it asks the
-- talib_minimal tool (tools/ai/talib_minimal) for the 14-period RSI of
-- those prices. When the answer comes back (a tool_result event):
--   - RSI below `buy_below` and no position: buy `buy_sol` on that pool;
--   - RSI above `sell_above` and a position: sell it all.
-- A timeout or a tool error is logged and skipped: the strategy never trades
-- on an answer it did not get.
--
-- Needs `tools_dir` in the config (config/paper.toml sets it). In sim and
-- replay runs the answer arrives at call time + the call's timeout of
-- simulated time, so runs repeat exactly. Reference: sdk/LUA.md.

local host = host
local submit, position, call_tool, json_decode, log = host.submit, host.position, host.call_tool, host.json_decode, host.log
local concat, format = table.concat, string.format

local cfg = { buy_sol = 0.05, check_every = 20, history = 40, buy_below = 30, sell_above = 70,
              max_slippage_bps = 1500, timeout_ms = 2000 }

local prices = {}   -- pool -> list of prices, oldest first
local counts = {}   -- pool -> updates seen
local asked = {}    -- call id -> { pool, mint }
local answers = 0

local function ask(pool, mint)
  local p = prices[pool]
  local closes = {}
  for i = 1, #p do closes[i] = format("%.17g", p[i]) end
  local request = '{"close":[' .. concat(closes, ",") .. '],"indicators":["rsi:14"]}'
  local id, why = call_tool("talib_minimal", request, cfg.timeout_ms * 1e6)
  if id == nil then
    log("warn", "talib_minimal refused the call: " .. tostring(why))
    return
  end
  asked[id] = { pool = pool, mint = mint }
end

local function on_pool_update(ev)
  local p = prices[ev.pool]
  if p == nil then
    p = {}
    prices[ev.pool] = p
  end
  p[#p + 1] = ev.price_lamports_per_atom
  if #p > cfg.history then table.remove(p, 1) end
  local n = (counts[ev.pool] or 0) + 1
  counts[ev.pool] = n
  if #p >= 15 and n % cfg.check_every == 0 then
    ask(ev.pool, ev.base_mint)
  end
end

local function on_tool_result(ev)
  local call = asked[ev.call_id]
  if call == nil then return end
  asked[ev.call_id] = nil
  if not ev.ok then
    log("warn", format("talib_minimal: %s (%s)", ev.error_code, ev.error_message))
    return
  end
  answers = answers + 1
  local out = json_decode(ev.output_json)
  local rsi = out["rsi:14"]
  local last = rsi and rsi[#rsi]
  if type(last) ~= "number" then return end
  local held = position(call.mint)
  if held == nil and last < cfg.buy_below then
    submit{ side = "buy", mint = call.mint, pool = call.pool, amount_in = math.floor(cfg.buy_sol * 1e9 + 0.5),
            max_slippage_bps = cfg.max_slippage_bps, reason = format("rsi %.1f < %d", last, cfg.buy_below) }
  elseif held ~= nil and last > cfg.sell_above then
    submit{ side = "sell", sell_all = true, mint = call.mint, pool = call.pool, max_slippage_bps = 10000,
            reason = format("rsi %.1f > %d", last, cfg.sell_above) }
  end
end

return {
  name = "example_tool_lua",
  version = "1.0.0",
  events = { "pool_update", "tool_result" },
  init = function(p)
    for k, v in pairs(p) do
      if cfg[k] == nil then error("unknown parameter '" .. k .. "'", 0) end
      if type(v) ~= "number" then error("parameter '" .. k .. "' must be a number", 0) end
      cfg[k] = v
    end
  end,
  on_event = function(ev)
    if ev.type == "pool_update" then
      on_pool_update(ev)
    else
      on_tool_result(ev)
    end
  end,
  save_state = function() return tostring(answers) end,
}
