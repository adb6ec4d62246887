"""talib_minimal against independent references and hand-computed values,
through the real tool process."""

import math
import random
import unittest
from fractions import Fraction as F

from tool_process import ToolProcess, tool_dir


# --- independent references (written from the definitions, not from the tool) ---

def ref_sma(x, n):
    return [None if i < n - 1 else sum(x[i - n + 1:i + 1]) / n for i in range(len(x))]


def ref_ema_seeded(x, n, seed_index):
    """alpha-form EMA whose first value, at seed_index, is the mean of the n values ending there."""
    alpha = 2.0 / (n + 1)
    out = [None] * len(x)
    if seed_index >= len(x):
        return out
    y = sum(x[seed_index - n + 1:seed_index + 1]) / n
    out[seed_index] = y
    for i in range(seed_index + 1, len(x)):
        y = alpha * x[i] + (1 - alpha) * y
        out[i] = y
    return out


def ref_rsi(x, n):
    out = [None] * len(x)
    ups = [max(x[i] - x[i - 1], 0.0) for i in range(1, len(x))]
    downs = [max(x[i - 1] - x[i], 0.0) for i in range(1, len(x))]
    if len(ups) < n:
        return out
    g, l = sum(ups[:n]) / n, sum(downs[:n]) / n
    for j in range(n - 1, len(ups)):
        if j >= n:
            g += (ups[j] - g) / n  # Wilder's smoothing written as an update
            l += (downs[j] - l) / n
        if g == 0 and l == 0:
            out[j + 1] = 0.0
        elif l == 0:
            out[j + 1] = 100.0
        else:
            out[j + 1] = 100.0 - 100.0 / (1.0 + g / l)
    return out


def ref_macd(x, fast, slow, sig):
    seed = slow - 1
    f, s = ref_ema_seeded(x, fast, seed), ref_ema_seeded(x, slow, seed)
    line = [None if f[i] is None else f[i] - s[i] for i in range(len(x))]
    first = seed + sig - 1
    signal = [None] * len(x)
    if first < len(x):
        compact = ref_ema_seeded([v for v in line if v is not None], sig, sig - 1)
        for j, v in enumerate(compact):
            signal[seed + j] = v
    macd = [line[i] if i >= first else None for i in range(len(x))]
    signal = [signal[i] if i >= first else None for i in range(len(x))]
    hist = [None if macd[i] is None else macd[i] - signal[i] for i in range(len(x))]
    return {"macd": macd, "signal": signal, "hist": hist}


def ref_bbands(x, n, k):
    up, mid, lo = [], [], []
    for i in range(len(x)):
        if i < n - 1:
            up.append(None), mid.append(None), lo.append(None)
            continue
        w = x[i - n + 1:i + 1]
        m = sum(w) / n
        sd = math.sqrt(sum(v * v for v in w) / n - m * m) if n > 1 else 0.0
        up.append(m + k * sd), mid.append(m), lo.append(m - k * sd)
    return {"upper": up, "middle": mid, "lower": lo}


def ref_atr(h, l, c, n):
    tr = [None] + [max(h[i], c[i - 1]) - min(l[i], c[i - 1]) for i in range(1, len(c))]
    out = [None] * len(c)
    if len(c) <= n:
        return out
    a = sum(tr[1:n + 1]) / n
    out[n] = a
    for i in range(n + 1, len(c)):
        a = a + (tr[i] - a) / n
        out[i] = a
    return out


def ref_vwap(h, l, c, v):
    out = []
    for i in range(len(c)):
        num = sum((h[j] + l[j] + c[j]) / 3 * v[j] for j in range(i + 1))
        den = sum(v[:i + 1])
        out.append(num / den if den else None)
    return out


def market(n, seed=7):
    rng = random.Random(seed)
    close, high, low, vol = [], [], [], []
    p = 100.0
    for _ in range(n):
        o = p
        p = max(1.0, p * (1 + rng.gauss(0, 0.02)))
        high.append(max(o, p) * (1 + abs(rng.gauss(0, 0.01))))
        low.append(min(o, p) * (1 - abs(rng.gauss(0, 0.01))))
        close.append(p)
        vol.append(rng.choice([0.0, rng.uniform(1, 1000)]))
    return close, high, low, vol


class TalibTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tool = ToolProcess(tool_dir("talib_minimal"))

    @classmethod
    def tearDownClass(cls):
        cls.tool.close()

    def run_ok(self, inp):
        r = self.tool.call(inp)
        self.assertTrue(r["ok"], r)
        return r["output"]

    def run_err(self, inp):
        r = self.tool.call(inp)
        self.assertFalse(r["ok"], r)
        self.assertEqual(r["error"]["code"], "bad_input")
        return r["error"]

    def assertSeries(self, got, want, tol=1e-9):
        self.assertEqual(len(got), len(want))
        for i, (g, w) in enumerate(zip(got, want)):
            if w is None:
                self.assertIsNone(g, f"index {i}: expected null (warm-up), found {g}")
            else:
                self.assertIsNotNone(g, f"index {i}: expected {w}, found null")
                self.assertAlmostEqual(g, float(w), delta=tol * max(1.0, abs(float(w))), msg=f"index {i}")

    def test_random_market_against_references(self):
        close, high, low, vol = market(300)
        names = ["sma:20", "ema:20", "rsi:14", "macd:12:26:9", "bbands:20:2", "atr:14", "vwap", "sma:2",
                 "ema:7", "rsi:2", "macd:5:3:4", "bbands:5:1.5", "atr:1"]
        out = self.run_ok({"close": close, "high": high, "low": low, "volume": vol, "indicators": names})
        self.assertEqual(sorted(out), sorted(names))
        self.assertSeries(out["sma:20"], ref_sma(close, 20))
        self.assertSeries(out["sma:2"], ref_sma(close, 2))
        self.assertSeries(out["ema:20"], ref_ema_seeded(close, 20, 19))
        self.assertSeries(out["ema:7"], ref_ema_seeded(close, 7, 6))
        self.assertSeries(out["rsi:14"], ref_rsi(close, 14))
        self.assertSeries(out["rsi:2"], ref_rsi(close, 2))
        for key in ("macd", "signal", "hist"):
            self.assertSeries(out["macd:12:26:9"][key], ref_macd(close, 12, 26, 9)[key])
            self.assertSeries(out["macd:5:3:4"][key], ref_macd(close, 3, 5, 4)[key])  # slow<fast swapped
        for key in ("upper", "middle", "lower"):
            self.assertSeries(out["bbands:20:2"][key], ref_bbands(close, 20, 2)[key], tol=1e-7)
            self.assertSeries(out["bbands:5:1.5"][key], ref_bbands(close, 5, 1.5)[key], tol=1e-7)
        self.assertSeries(out["atr:14"], ref_atr(high, low, close, 14))
        self.assertSeries(out["atr:1"], [None] + [max(high[i], close[i - 1]) - min(low[i], close[i - 1])
                                                   for i in range(1, 300)])
        self.assertSeries(out["vwap"], ref_vwap(high, low, close, vol))

    def test_warm_up_lengths_follow_ta_lib(self):
        close, high, low, vol = market(60, seed=3)
        out = self.run_ok({"close": close, "high": high, "low": low, "volume": vol,
                           "indicators": ["sma:20", "ema:20", "rsi:14", "macd:12:26:9", "bbands:20:2", "atr:14"]})

        def first(series):
            return next(i for i, v in enumerate(series) if v is not None)
        self.assertEqual(first(out["sma:20"]), 19)
        self.assertEqual(first(out["ema:20"]), 19)
        self.assertEqual(first(out["rsi:14"]), 14)
        self.assertEqual([first(out["macd:12:26:9"][k]) for k in ("macd", "signal", "hist")], [33, 33, 33])
        self.assertEqual(first(out["bbands:20:2"]["upper"]), 19)
        self.assertEqual(first(out["atr:14"]), 14)

    def test_hand_computed_values(self):
        # MACD(2,3,2) on 1,3,2,6,4,8: both EMAs seeded at index 2 (fast with mean(3,2)),
        # computed with fractions by hand: macd 5/6, 5/18, 41/54; signal 2/3, 11/27, 52/81.
        out = self.run_ok({"close": [1, 3, 2, 6, 4, 8], "indicators": ["macd:2:3:2"]})["macd:2:3:2"]
        self.assertSeries(out["macd"], [None, None, None, F(5, 6), F(5, 18), F(41, 54)])
        self.assertSeries(out["signal"], [None, None, None, F(2, 3), F(11, 27), F(52, 81)])
        self.assertSeries(out["hist"], [None, None, None, F(1, 6), F(-7, 54), F(19, 162)])
        out = self.run_ok({"close": [1, 2, 3, 2, 4], "indicators": ["rsi:2", "ema:3", "sma:3"]})
        self.assertSeries(out["rsi:2"], [None, None, 100, 50, F(250, 3)])
        self.assertSeries(out["ema:3"], [None, None, 2, 2, 3])
        self.assertSeries(out["sma:3"], [None, None, 2, F(7, 3), 3])
        out = self.run_ok({"close": [1.5, 2, 5, 4.5], "high": [2, 3, 6, 5], "low": [1, 1, 2, 4],
                           "volume": [10, 30, 0, 0], "indicators": ["atr:2", "vwap"]})
        self.assertSeries(out["atr:2"], [None, None, 3, 2])
        # typical prices 1.5, 2, 13/3, 13/3; bars 2 and 3 have no volume
        self.assertSeries(out["vwap"], [1.5, F(75, 40), F(75, 40), F(75, 40)])
        out = self.run_ok({"close": [1, 2, 3, 4], "indicators": ["bbands:4:2"]})["bbands:4:2"]
        self.assertSeries(out["upper"], [None, None, None, 2.5 + 2 * math.sqrt(1.25)])
        self.assertSeries(out["lower"], [None, None, None, 2.5 - 2 * math.sqrt(1.25)])
        # a flat series: RSI 0 (no gains, no losses), zero-width bands
        out = self.run_ok({"close": [5] * 6, "indicators": ["rsi:3", "bbands:3"]})
        self.assertSeries(out["rsi:3"], [None] * 3 + [0, 0, 0])
        self.assertSeries(out["bbands:3"]["upper"], [None, None, 5, 5, 5, 5])
        # a linear ramp: EMA(n) lags by exactly (n-1)/2, MACD(12,26,9) is 7 with zero histogram
        ramp = list(range(1, 61))
        out = self.run_ok({"close": ramp, "indicators": ["ema:9", "macd"]})
        self.assertSeries(out["ema:9"], [None] * 8 + [v - 4 for v in ramp[8:]])
        self.assertSeries(out["macd"]["macd"], [None] * 33 + [7.0] * 27)
        self.assertSeries(out["macd"]["hist"], [None] * 33 + [0.0] * 27, tol=1e-9)

    def test_short_series_is_all_warm_up(self):
        out = self.run_ok({"close": [1, 2], "high": [1, 2], "low": [1, 2], "indicators": ["sma:5", "macd", "atr:2"]})
        self.assertEqual(out["sma:5"], [None, None])
        self.assertEqual(out["macd"]["signal"], [None, None])
        self.assertEqual(out["atr:2"], [None, None])
        out = self.run_ok({"close": [], "indicators": ["rsi"]})
        self.assertEqual(out["rsi"], [])

    def test_bad_input_names_the_field(self):
        cases = [
            ({"close": [1, 2], "high": [1], "low": [1, 2], "indicators": ["atr:1"]}, "high"),
            ({"close": [1, float("nan")], "indicators": ["sma:2"]}, "close[1]"),
            ({"close": [1, float("inf")], "indicators": ["sma:2"]}, "close[1]"),
            ({"close": [1, "2"], "indicators": ["sma:2"]}, "close[1]"),
            ({"close": [1, True], "indicators": ["sma:2"]}, "close[1]"),
            ({"close": [1, 2], "indicators": ["sma:2", "kama:3"]}, "indicators[1]"),
            ({"close": [1, 2], "indicators": ["sma:1"]}, "indicators[0]"),
            ({"close": [1, 2], "indicators": ["sma:100001"]}, "indicators[0]"),
            ({"close": [1, 2], "indicators": ["sma"]}, "indicators[0]"),
            ({"close": [1, 2], "indicators": ["sma:x"]}, "indicators[0]"),
            ({"close": [1, 2], "indicators": ["macd:12:26:9:1"]}, "indicators[0]"),
            ({"close": [1, 2], "indicators": ["bbands:20:0"]}, "indicators[0]"),
            ({"close": [1, 2], "indicators": ["bbands:20:nan"]}, "indicators[0]"),
            ({"close": [1, 2], "indicators": ["atr:0"]}, "indicators[0]"),
            ({"close": [1, 2], "indicators": [7]}, "indicators[0]"),
            ({"close": [1, 2], "indicators": []}, "indicators"),
            ({"close": [1, 2]}, "indicators"),
            ({"indicators": ["sma:2"]}, "close"),
            ({"close": {"a": 1}, "indicators": ["sma:2"]}, "close"),
            ({"close": [1, 2], "high": [1, 2], "low": [1, 2], "volume": [1, -1], "indicators": ["vwap"]}, "volume[1]"),
            ({"close": [1, 2], "high": [1, 2], "low": [1, 2], "indicators": ["vwap"]}, "volume"),
        ]
        for inp, field in cases:
            err = self.run_err(inp)
            self.assertEqual(err["field"], field, (inp, err))
            self.assertTrue(err["message"].startswith(field + ":"), err)
        self.assertIn("kama", self.run_err(cases[5][0])["message"])
        self.assertIn("2..100000", self.run_err(cases[6][0])["message"])


if __name__ == "__main__":
    unittest.main()
