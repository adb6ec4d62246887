"""talib_minimal: TA-Lib style indicators over price series (see indicators.py).

Input:  {"close":[...], "high":[...], "low":[...], "volume":[...],
         "indicators":["sma:20","ema:20","rsi:14","macd:12:26:9","bbands:20:2","atr:14","vwap"]}
Output: one entry per requested name, keyed by the name as written: an array
aligned with the input (null during warm-up), or for macd {macd,signal,hist}
and for bbands {upper,middle,lower}. high/low are needed by atr and vwap,
volume by vwap.
"""

import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import indicators  # noqa: E402
import sniper_tool  # noqa: E402
from sniper_tool import bad_input  # noqa: E402

MAX_BARS = 200_000
MAX_INDICATORS = 64
MAX_PERIOD = 100_000

# name -> (parameter kinds, defaults, minimum periods, needed series)
SPECS = {
    "sma": (["period"], [None], [2], ["close"]),
    "ema": (["period"], [None], [2], ["close"]),
    "rsi": (["period"], [14], [2], ["close"]),
    "macd": (["period", "period", "period"], [12, 26, 9], [2, 2, 2], ["close"]),
    "bbands": (["period", "dev"], [20, 2.0], [2, None], ["close"]),
    "atr": (["period"], [14], [1], ["high", "low", "close"]),
    "vwap": ([], [], [], ["high", "low", "close", "volume"]),
}


def parse_indicator(spec, field):
    if not isinstance(spec, str):
        raise bad_input(field, f"expected a string like \"sma:20\", found {sniper_tool.type_name(spec)}")
    parts = spec.strip().split(":")
    name = parts[0].lower()
    if name not in SPECS:
        raise bad_input(field, f"unknown indicator \"{parts[0]}\"; expected one of {', '.join(sorted(SPECS))}")
    kinds, defaults, minima, _needs = SPECS[name]
    raw = parts[1:]
    if len(raw) > len(kinds):
        raise bad_input(field, f"{name} takes at most {len(kinds)} parameter(s), found {len(raw)}")
    params = []
    for i, kind in enumerate(kinds):
        if i >= len(raw) or raw[i] == "":
            if defaults[i] is None:
                raise bad_input(field, f"{name} needs a period, as in \"{name}:20\"")
            params.append(defaults[i])
            continue
        text = raw[i]
        if kind == "period":
            try:
                value = int(text, 10)
            except ValueError:
                raise bad_input(field, f"{name} period: expected an integer, found \"{text}\"")
            if value < minima[i] or value > MAX_PERIOD:
                raise bad_input(field, f"{name} period out of range: expected {minima[i]}..{MAX_PERIOD}, found {value}")
        else:
            try:
                value = float(text)
            except ValueError:
                raise bad_input(field, f"{name} deviation: expected a number, found \"{text}\"")
            if not math.isfinite(value) or value <= 0 or value > 100:
                raise bad_input(field, f"{name} deviation out of range: expected > 0 and <= 100, found \"{text}\"")
        params.append(value)
    return name, params


def read_series(inp, key):
    values = sniper_tool.require(inp, key, list)
    if len(values) > MAX_BARS:
        raise bad_input(key, f"expected at most {MAX_BARS} values, found {len(values)}")
    out = []
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise bad_input(f"{key}[{i}]", f"expected a number, found {sniper_tool.type_name(v)}")
        if not math.isfinite(v):
            raise bad_input(f"{key}[{i}]", f"expected a finite number, found {v}")
        out.append(float(v))
    return out


def compute(inp):
    specs = sniper_tool.require(inp, "indicators", list)
    if not specs:
        raise bad_input("indicators", "expected at least one indicator, found an empty array")
    if len(specs) > MAX_INDICATORS:
        raise bad_input("indicators", f"expected at most {MAX_INDICATORS}, found {len(specs)}")
    parsed = [parse_indicator(s, f"indicators[{i}]") for i, s in enumerate(specs)]
    needed = {"close"}
    for name, _ in parsed:
        needed.update(SPECS[name][3])
    series = {}
    for key in ("close", "high", "low", "volume"):
        if key in needed:
            series[key] = read_series(inp, key)
    n = len(series["close"])
    for key, values in series.items():
        if len(values) != n:
            raise bad_input(key, f"expected {n} values (the length of close), found {len(values)}")
    if "volume" in series:
        for i, v in enumerate(series["volume"]):
            if v < 0:
                raise bad_input(f"volume[{i}]", f"expected a volume >= 0, found {v}")
    out = {}
    for (name, params), spec in zip(parsed, specs):
        c = series["close"]
        if name == "sma":
            out[spec] = indicators.sma(c, params[0])
        elif name == "ema":
            out[spec] = indicators.ema(c, params[0])
        elif name == "rsi":
            out[spec] = indicators.rsi(c, params[0])
        elif name == "macd":
            out[spec] = indicators.macd(c, *params)
        elif name == "bbands":
            out[spec] = indicators.bbands(c, params[0], params[1])
        elif name == "atr":
            out[spec] = indicators.atr(series["high"], series["low"], c, params[0])
        elif name == "vwap":
            out[spec] = indicators.vwap(series["high"], series["low"], c, series["volume"])
    return out


def handle(inp, ctx):
    return compute(inp)


if __name__ == "__main__":
    sniper_tool.run(handle, tool_name="talib_minimal")
