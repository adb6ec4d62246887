"""Technical indicators with TA-Lib's formulas and warm-up conventions.

Every function takes lists of floats and returns a list of the same length
with None where TA-Lib gives no value (the lookback, or "warm-up"):

  sma(n)          lookback n-1
  ema(n)          lookback n-1; seeded with the SMA of the first n values;
                  k = 2 / (n + 1)
  rsi(n)          lookback n; Wilder smoothing; the first average gain and
                  loss are the plain means of the first n changes
  macd(f, s, g)   lookback (s-1) + (g-1); as in TA-Lib both EMAs are seeded
                  at index s-1 (the fast one with the SMA of the f values
                  ending there), the signal is the EMA(g) of the MACD line
                  seeded with the SMA of its first g values, and macd,
                  signal and hist all start at the same index
  bbands(n, k)    lookback n-1; middle = SMA, population deviation
  atr(n)          lookback n; first value = mean of the first n true ranges
                  (bars 1..n), then Wilder; atr(1) is the true range
  vwap            cumulative from bar 0 on the typical price (h+l+c)/3;
                  None while the cumulative volume is 0
"""

import math


def sma(x, n):
    out = [None] * len(x)
    if len(x) < n:
        return out
    s = sum(x[:n])
    out[n - 1] = s / n
    for i in range(n, len(x)):
        s += x[i] - x[i - n]
        out[i] = s / n
    return out


def _ema_from(x, n, start):
    """EMA(n) seeded at index `start` with the SMA of x[start-n+1 .. start]."""
    out = [None] * len(x)
    if start >= len(x) or start < n - 1:
        return out
    k = 2.0 / (n + 1)
    prev = sum(x[start - n + 1:start + 1]) / n
    out[start] = prev
    for i in range(start + 1, len(x)):
        prev = (x[i] - prev) * k + prev
        out[i] = prev
    return out


def ema(x, n):
    return _ema_from(x, n, n - 1)


def rsi(x, n):
    out = [None] * len(x)
    if len(x) <= n:
        return out
    gain = loss = 0.0
    for i in range(1, n + 1):
        d = x[i] - x[i - 1]
        if d > 0:
            gain += d
        else:
            loss -= d
    gain /= n
    loss /= n

    def value(g, l):
        return 100.0 * g / (g + l) if (g + l) != 0 else 0.0

    out[n] = value(gain, loss)
    for i in range(n + 1, len(x)):
        d = x[i] - x[i - 1]
        gain = (gain * (n - 1) + (d if d > 0 else 0.0)) / n
        loss = (loss * (n - 1) + (-d if d < 0 else 0.0)) / n
        out[i] = value(gain, loss)
    return out


def macd(x, fast, slow, signal):
    if slow < fast:
        fast, slow = slow, fast
    size = len(x)
    start = slow - 1
    first = start + signal - 1
    empty = {"macd": [None] * size, "signal": [None] * size, "hist": [None] * size}
    if first >= size:
        return empty
    f = _ema_from(x, fast, start)
    s = _ema_from(x, slow, start)
    line = [f[i] - s[i] for i in range(start, size)]
    sig = _ema_from(line, signal, signal - 1)
    out = {"macd": [None] * size, "signal": [None] * size, "hist": [None] * size}
    for j in range(signal - 1, len(line)):
        i = start + j
        out["macd"][i] = line[j]
        out["signal"][i] = sig[j]
        out["hist"][i] = line[j] - sig[j]
    return out


def bbands(x, n, k):
    size = len(x)
    out = {"upper": [None] * size, "middle": [None] * size, "lower": [None] * size}
    mid = sma(x, n)
    for i in range(n - 1, size):
        m = mid[i]
        var = sum((v - m) ** 2 for v in x[i - n + 1:i + 1]) / n
        sd = math.sqrt(var) if var > 0 else 0.0
        out["middle"][i] = m
        out["upper"][i] = m + k * sd
        out["lower"][i] = m - k * sd
    return out


def true_range(high, low, close):
    tr = [None] * len(close)
    for i in range(1, len(close)):
        pc = close[i - 1]
        tr[i] = max(high[i] - low[i], abs(high[i] - pc), abs(low[i] - pc))
    return tr


def atr(high, low, close, n):
    size = len(close)
    out = [None] * size
    tr = true_range(high, low, close)
    if n == 1:
        return tr
    if size <= n:
        return out
    prev = sum(tr[1:n + 1]) / n
    out[n] = prev
    for i in range(n + 1, size):
        prev = (prev * (n - 1) + tr[i]) / n
        out[i] = prev
    return out


def vwap(high, low, close, volume):
    out = [None] * len(close)
    pv = vol = 0.0
    for i in range(len(close)):
        tp = (high[i] + low[i] + close[i]) / 3.0
        pv += tp * volume[i]
        vol += volume[i]
        out[i] = pv / vol if vol > 0 else None
    return out
