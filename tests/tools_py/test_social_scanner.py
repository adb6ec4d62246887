"""social_scanner against feeds served on loopback, through the real tool process."""

import email.utils
import json
import os
import shutil
import tempfile
import unittest

from feed_server import FeedServer
from tool_process import ToolProcess, tool_dir

NOW = 1_700_000_000
MINT = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263"


def rfc822(t):
    return email.utils.formatdate(t, usegmt=True)


def iso(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).isoformat().replace("+00:00", "Z")


RSS = f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>news</title>
<item><title>$BONK is going to the moon</title><description>very bullish &lt;b&gt;breakout&lt;/b&gt;</description>
  <link>https://example.invalid/1</link><pubDate>{rfc822(NOW - 600)}</pubDate></item>
<item><title>Bonk rug pull rumours</title><description>dev dumped?</description>
  <link>https://example.invalid/2</link><pubDate>{rfc822(NOW - 1200)}</pubDate></item>
<item><title>BONKERS market</title><description>unrelated: bonkers is not the token</description>
  <link>https://example.invalid/3</link><pubDate>{rfc822(NOW - 100)}</pubDate></item>
<item><title>Old bonk news</title><description>listed on an exchange</description>
  <link>https://example.invalid/4</link><pubDate>{rfc822(NOW - 5000)}</pubDate></item>
</channel></rss>""".encode()

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>forum</title>
<entry><title>New mint spotted</title><summary>contract {MINT} looks legit</summary>
  <link href="https://example.invalid/a"/><updated>{iso(NOW - 60)}</updated></entry>
<entry><title>Nothing here</title><summary>sol price talk</summary>
  <link href="https://example.invalid/b"/><updated>{iso(NOW - 60)}</updated></entry>
</feed>""".encode()

JSON_FEED = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
    {"id": "1", "title": "", "content_text": "selling my BONK, this is a scam", "url": "https://example.invalid/j1",
     "date_published": iso(NOW - 4000)},
    {"id": "2", "content_text": "bonk holders wagmi", "url": "https://example.invalid/j2", "timestamp": NOW - 30},
    {"id": "3", "content_text": "undated bonk post"},
]}).encode()


class ScannerTest(unittest.TestCase):
    def setUp(self):
        self.server = FeedServer({
            "/rss": (200, "application/rss+xml", RSS),
            "/atom": (200, "application/atom+xml", ATOM),
            "/json": (200, "application/feed+json", JSON_FEED),
            "/slow": (200, "application/rss+xml", RSS, 3.0),
            "/garbage": (200, "text/html", b"<html><body>not a feed"),
            "/broken_json": (200, "application/json", b'{"items": [1, 2'),
            "/error": (500, "text/plain", b"oops"),
        })
        self.dirs = []
        self.tools = []

    def tearDown(self):
        for t in self.tools:
            t.close()
        self.server.close()
        for d in self.dirs:
            shutil.rmtree(d)

    def start(self, sources, timeout_ms=1500):
        d = tempfile.mkdtemp()
        self.dirs.append(d)
        path = os.path.join(d, "manifest.toml")
        with open(path, "w") as f:
            f.write(f'protocol = 1\nname = "social_scanner"\ncommand = ["python3", "tool.py"]\n'
                    f'[config]\ntimeout_ms = {timeout_ms}\nwindow_s = 3600\n')
            for name, route, kind in sources:
                f.write(f'[[config.sources]]\nname = "{name}"\nurl = "{self.server.url(route)}"\nkind = "{kind}"\n')
        tool = ToolProcess(tool_dir("social_scanner"), args=["--manifest", path])
        self.tools.append(tool)
        return tool

    def test_counts_velocity_and_scored_mentions(self):
        tool = self.start([("news", "/rss", "rss"), ("forum", "/atom", "atom"), ("posts", "/json", "json")])
        r = tool.call({"symbol": "BONK", "name": "Bonk", "mint": MINT, "now_s": NOW})
        self.assertTrue(r["ok"], r)
        out = r["output"]
        # rss: 3 of 4 items (BONKERS is not BONK); atom: the mint; json: 3 items
        self.assertEqual(out["counts"]["by_source"], {"news": 3, "forum": 1, "posts": 3})
        self.assertEqual(out["counts"]["total"], 7)
        self.assertEqual(out["counts"]["by_match"]["mint"], 1)
        # last hour: rss -600, -1200; atom -60; json -30 -> 4; hour before: rss -5000, json -4000 -> 2
        self.assertEqual(out["counts"]["recent"], 4)
        self.assertEqual(out["velocity"]["recent_per_hour"], 4.0)
        self.assertEqual(out["velocity"]["prior_per_hour"], 2.0)
        self.assertEqual(out["velocity"]["ratio"], 2.0)
        by_url = {m["url"]: m for m in out["mentions"]}
        self.assertEqual(by_url["https://example.invalid/1"]["label"], "positive")
        self.assertEqual(by_url["https://example.invalid/2"]["label"], "negative")
        self.assertEqual(by_url["https://example.invalid/j1"]["label"], "negative")
        self.assertEqual(by_url["https://example.invalid/a"]["matched"], ["mint"])
        self.assertNotIn("https://example.invalid/3", by_url)
        self.assertEqual(out["mentions"][0]["url"], "https://example.invalid/j2")  # newest first
        self.assertTrue(all(s["ok"] for s in out["sources"]))
        self.assertEqual(out["sentiment"]["positive"] + out["sentiment"]["negative"] + out["sentiment"]["neutral"], 7)

    def test_failing_sources_are_reported_and_bounded_in_time(self):
        tool = self.start([("news", "/rss", "auto"), ("slow", "/slow", "rss"), ("bad", "/garbage", "auto"),
                           ("broken", "/broken_json", "auto"), ("err", "/error", "rss"),
                           ("missing", "/nope", "rss")], timeout_ms=800)
        r = tool.call({"symbol": "BONK", "now_s": NOW}, timeout=5)
        self.assertTrue(r["ok"], r)
        status = {s["name"]: s for s in r["output"]["sources"]}
        self.assertTrue(status["news"]["ok"])
        self.assertEqual(r["output"]["counts"]["total"], 3)
        for name in ("slow", "bad", "broken", "err", "missing"):
            self.assertFalse(status[name]["ok"], name)
        self.assertIn("500", status["err"]["error"])
        self.assertIn("404", status["missing"]["error"])
        self.assertIn("JSON", status["broken"]["error"])

    def test_all_failing_is_an_error_and_the_deadline_bounds_waits(self):
        tool = self.start([("slow", "/slow", "rss")], timeout_ms=5000)
        r = tool.call({"symbol": "BONK"}, deadline_ms=600, timeout=3)
        self.assertFalse(r["ok"])
        self.assertEqual(r["error"]["code"], "upstream_timeout")
        r = self.start([("err", "/error", "rss")]).call({"symbol": "BONK"})
        self.assertEqual(r["error"]["code"], "upstream_error")

    def test_bad_input(self):
        tool = self.start([("news", "/rss", "rss")])
        for inp, field in [({}, "symbol"), ({"symbol": "A B"}, "symbol"), ({"mint": "0OIl"}, "mint"),
                           ({"symbol": "X", "window_s": 0}, "window_s"), ({"name": ""}, "symbol"),
                           ({"symbol": "X", "max_mentions": -1}, "max_mentions")]:
            r = tool.call(inp)
            self.assertFalse(r["ok"], inp)
            self.assertEqual((r["error"]["code"], r["error"]["field"]), ("bad_input", field), inp)


if __name__ == "__main__":
    unittest.main()
