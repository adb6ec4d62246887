"""Fetch RSS, Atom and JSON feeds and find mentions of a token.

fetch(source, timeout_s, max_bytes) -> list of items {title, text, url, published}
find_mentions(items, symbol, name, mint) -> the items that mention the token
"""

import datetime
import email.utils
import json
import re
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
USER_AGENT = "sniperd-social-scanner/1"


class FetchError(Exception):
    def __init__(self, message, timed_out=False):
        super().__init__(message)
        self.timed_out = timed_out


def _parse_time(value):
    """Epoch seconds from an RFC 822 date, an ISO 8601 date or a number; None if unknown."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        v = float(value)
        return v / 1000.0 if v > 1e12 else v
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        dt = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        dt = None
    if dt is None:
        try:
            dt = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.timestamp()


_TAG = re.compile(r"<[^>]+>")


def _plain(text):
    return " ".join(_TAG.sub(" ", text or "").split())


def _child_text(node, *names):
    for name in names:
        child = node.find(name)
        if child is not None and (child.text or "").strip():
            return child.text.strip()
    return ""


def parse_xml(body):
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        raise FetchError(f"feed is not well-formed XML: {e}")
    items = []
    if root.tag == ATOM + "feed":
        for entry in root.findall(ATOM + "entry"):
            link = entry.find(ATOM + "link")
            items.append({
                "title": _plain(_child_text(entry, ATOM + "title")),
                "text": _plain(_child_text(entry, ATOM + "summary", ATOM + "content")),
                "url": link.get("href", "") if link is not None else "",
                "published": _parse_time(_child_text(entry, ATOM + "published", ATOM + "updated")),
            })
        return items
    if root.tag == "rss" or root.find("channel") is not None:
        for item in root.iter("item"):
            items.append({
                "title": _plain(_child_text(item, "title")),
                "text": _plain(_child_text(item, "description")),
                "url": _child_text(item, "link", "guid"),
                "published": _parse_time(_child_text(item, "pubDate", "{http://purl.org/dc/elements/1.1/}date")),
            })
        return items
    raise FetchError(f"expected an RSS or Atom feed, found a <{root.tag}> document")


_TEXT_KEYS = ("content_text", "summary", "text", "body", "content", "content_html", "description")
_TIME_KEYS = ("date_published", "published", "created_at", "timestamp", "time", "date_modified")


def parse_json(body):
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as e:
        raise FetchError(f"feed is not valid JSON: {e}")
    if isinstance(doc, dict):
        for key in ("items", "posts", "data", "entries"):
            if isinstance(doc.get(key), list):
                doc = doc[key]
                break
    if not isinstance(doc, list):
        raise FetchError("expected a JSON feed with an items array or a top-level array")
    items = []
    for entry in doc:
        if not isinstance(entry, dict):
            continue
        text = next((entry[k] for k in _TEXT_KEYS if isinstance(entry.get(k), str)), "")
        when = next((entry[k] for k in _TIME_KEYS if entry.get(k) is not None), None)
        title = entry.get("title") if isinstance(entry.get("title"), str) else ""
        url = entry.get("url") if isinstance(entry.get("url"), str) else ""
        items.append({"title": _plain(title), "text": _plain(text), "url": url,
                      "published": _parse_time(when)})
    return items


def fetch(source, timeout_s, max_bytes):
    """Download one source and parse it. Raises FetchError."""
    url = source["url"]
    if not url.startswith(("http://", "https://")):
        raise FetchError(f"expected an http(s) URL, found {url!r}")
    deadline = time.monotonic() + timeout_s
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,
                                               "Accept": "application/rss+xml, application/atom+xml, application/json, */*"})
    try:
        with urllib.request.urlopen(req, timeout=max(0.05, timeout_s)) as resp:
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(f"no complete answer within {timeout_s:.2f} s", timed_out=True)
                chunk = resp.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"feed larger than {max_bytes} bytes")
                chunks.append(chunk)
            content_type = resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        raise FetchError(f"HTTP {e.code} {e.reason}")
    except (TimeoutError, OSError) as e:  # URLError is an OSError
        reason = getattr(e, "reason", e)
        timed_out = isinstance(e, TimeoutError) or isinstance(reason, TimeoutError) or "timed out" in str(reason)
        raise FetchError(f"{'timed out' if timed_out else 'failed'}: {reason}", timed_out=timed_out)
    body = b"".join(chunks)
    kind = source.get("kind", "auto")
    if kind == "auto":
        head = body.lstrip()[:1]
        kind = "json" if head in (b"{", b"[") or "json" in content_type else "xml"
    if kind == "json":
        return parse_json(body)
    return parse_xml(body)


def _word_pattern(word):
    return re.compile(r"(?<![A-Za-z0-9_])" + re.escape(word) + r"(?![A-Za-z0-9_])", re.IGNORECASE)


def find_mentions(items, symbol=None, name=None, mint=None):
    checks = []
    if symbol:
        checks.append(("symbol", re.compile(r"(?<![A-Za-z0-9_])\$?" + re.escape(symbol) + r"(?![A-Za-z0-9_])",
                                            re.IGNORECASE)))
    if name:
        checks.append(("name", _word_pattern(name)))
    found = []
    for item in items:
        hay = f"{item['title']}\n{item['text']}"
        matched = [kind for kind, pattern in checks if pattern.search(hay)]
        if mint and (mint in hay or mint in item["url"]):
            matched.append("mint")
        if matched:
            found.append(dict(item, matched=matched))
    return found
