"""social_scanner: mentions of a token in configured public feeds.

Input:  {"symbol": "BONK", "name": "Bonk", "mint": "...",   (at least one)
         "window_s": 3600, "now_s": 1700000000, "max_mentions": 50}   (optional)
Output: {"counts": {"total", "recent", "by_source", "by_match"},
         "velocity": {"window_s", "recent_per_hour", "prior_per_hour", "ratio"},
         "sentiment": {"mean", "positive", "negative", "neutral"},
         "mentions": [{"source", "title", "url", "published", "matched", "score", "label", "terms"}],
         "sources": [{"name", "ok", "items", "error"?}]}

Sources come from [config] in the manifest: [[config.sources]] with name,
url and kind ("rss", "atom", "json" or "auto"). Every fetch is bounded by
the call's deadline and by config.timeout_ms. "recent" counts the mentions
published in the last window_s, "prior" the window before it; undated
mentions count in total only. All sources failing is an error.
"""

import concurrent.futures
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "sentiment_analyzer"))
sys.path.insert(0, HERE)

import scanner  # noqa: E402
import sentiment  # noqa: E402
import sniper_tool  # noqa: E402
from sniper_tool import ToolError, bad_input, require  # noqa: E402

_SYMBOL = re.compile(r"^[A-Za-z0-9_.\-]{1,16}$")
_MINT = re.compile(r"^[1-9A-HJ-NP-Za-km-z]{32,44}$")
_pool = concurrent.futures.ThreadPoolExecutor(max_workers=8)


def read_sources(config):
    sources = config.get("sources", [])
    if not isinstance(sources, list) or not sources:
        raise ToolError("internal", "config.sources: expected at least one source, found none")
    out = []
    for i, s in enumerate(sources):
        if not isinstance(s, dict) or not isinstance(s.get("url"), str):
            raise ToolError("internal", f"config.sources[{i}]: expected a table with a url")
        kind = s.get("kind", "auto")
        if kind not in ("rss", "atom", "json", "auto"):
            raise ToolError("internal", f"config.sources[{i}].kind: expected rss, atom, json or auto, found {kind!r}")
        out.append({"name": str(s.get("name", s["url"])), "url": s["url"],
                    "kind": "xml" if kind in ("rss", "atom") else kind})
    return out


def handle(inp, ctx):
    symbol = require(inp, "symbol", str, optional=True)
    name = require(inp, "name", str, optional=True)
    mint = require(inp, "mint", str, optional=True)
    if not (symbol or name or mint):
        raise bad_input("symbol", "expected at least one of symbol, name or mint")
    if symbol is not None and not _SYMBOL.match(symbol):
        raise bad_input("symbol", f"expected 1..16 letters, digits, '_', '.' or '-', found {symbol!r}")
    if name is not None and not (1 <= len(name.strip()) <= 64):
        raise bad_input("name", f"expected 1..64 characters, found {len(name.strip())}")
    if mint is not None and not _MINT.match(mint):
        raise bad_input("mint", f"expected a base58 address of 32..44 characters, found {mint!r}")
    window_s = require(inp, "window_s", float, optional=True,
                       default=float(ctx.config.get("window_s", 3600)))
    if not 1 <= window_s <= 30 * 86400:
        raise bad_input("window_s", f"expected 1..2592000 seconds, found {window_s}")
    now = require(inp, "now_s", float, optional=True, default=time.time())
    max_mentions = require(inp, "max_mentions", int, optional=True, default=50)
    if not 0 <= max_mentions <= 1000:
        raise bad_input("max_mentions", f"expected 0..1000, found {max_mentions}")

    sources = read_sources(ctx.config)
    timeout_s = min(float(ctx.config.get("timeout_ms", 5000)) / 1000.0, ctx.remaining_s() - 0.05)
    if timeout_s <= 0:
        raise ToolError("upstream_timeout", "no time left before the deadline to fetch any source")
    max_bytes = int(ctx.config.get("max_feed_bytes", 4 * 1024 * 1024))
    futures = {_pool.submit(scanner.fetch, s, timeout_s, max_bytes): s for s in sources}
    done, _pending = concurrent.futures.wait(futures, timeout=timeout_s + 0.02)

    status, mentions, timeouts = [], [], 0
    for fut, src in futures.items():
        if fut not in done:
            timeouts += 1
            status.append({"name": src["name"], "ok": False, "items": 0,
                           "error": f"no answer within {timeout_s:.2f} s"})
            continue
        try:
            items = fut.result()
        except scanner.FetchError as e:
            timeouts += 1 if e.timed_out else 0
            status.append({"name": src["name"], "ok": False, "items": 0, "error": str(e)})
            continue
        except Exception as e:  # a parser bug in one source must not sink the rest
            status.append({"name": src["name"], "ok": False, "items": 0, "error": f"{type(e).__name__}: {e}"})
            continue
        status.append({"name": src["name"], "ok": True, "items": len(items)})
        for m in scanner.find_mentions(items, symbol, name, mint):
            m["source"] = src["name"]
            mentions.append(m)
    if not any(s["ok"] for s in status):
        detail = "; ".join(f"{s['name']}: {s['error']}" for s in status)
        code = "upstream_timeout" if timeouts == len(status) else "upstream_error"
        raise ToolError(code, f"every source failed: {detail}")

    recent = sum(1 for m in mentions if m["published"] is not None and now - window_s <= m["published"] <= now)
    prior = sum(1 for m in mentions
                if m["published"] is not None and now - 2 * window_s <= m["published"] < now - window_s)
    by_source, by_match = {}, {"symbol": 0, "name": 0, "mint": 0}
    labels = {"positive": 0, "negative": 0, "neutral": 0}
    total_score = 0.0
    for m in mentions:
        by_source[m["source"]] = by_source.get(m["source"], 0) + 1
        for k in m["matched"]:
            by_match[k] += 1
        s = sentiment.score(f"{m['title']}. {m['text']}")
        m.update(score=s["score"], label=s["label"], terms=s["terms"])
        labels[s["label"]] += 1
        total_score += s["score"]
    mentions.sort(key=lambda m: -(m["published"] or 0))
    per_hour = 3600.0 / window_s
    return {
        "counts": {"total": len(mentions), "recent": recent, "by_source": by_source, "by_match": by_match},
        "velocity": {"window_s": window_s, "recent_per_hour": recent * per_hour,
                     "prior_per_hour": prior * per_hour, "ratio": (recent / prior) if prior else None},
        "sentiment": dict(labels, mean=(total_score / len(mentions)) if mentions else 0.0),
        "mentions": [{"source": m["source"], "title": m["title"], "url": m["url"], "published": m["published"],
                      "matched": m["matched"], "score": m["score"], "label": m["label"], "terms": m["terms"]}
                     for m in mentions[:max_mentions]],
        "sources": status,
    }


if __name__ == "__main__":
    sniper_tool.run(handle, tool_name="social_scanner")
