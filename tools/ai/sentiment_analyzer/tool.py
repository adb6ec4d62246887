"""sentiment_analyzer: offline sentiment of short texts (see sentiment.py).

Input:  {"text": "..."}  or  {"texts": ["...", ...]}
Output: {"score", "label", "terms"}  or  {"results": [{...}, ...]}
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sentiment  # noqa: E402
import sniper_tool  # noqa: E402
from sniper_tool import bad_input  # noqa: E402

MAX_TEXT = 20_000
MAX_TEXTS = 1000


def check_text(value, field):
    if not isinstance(value, str):
        raise bad_input(field, f"expected a string, found {sniper_tool.type_name(value)}")
    if len(value) > MAX_TEXT:
        raise bad_input(field, f"expected at most {MAX_TEXT} characters, found {len(value)}")
    return value


def handle(inp, ctx):
    has_one, has_many = "text" in inp, "texts" in inp
    if has_one == has_many:
        raise bad_input("text", "expected exactly one of \"text\" or \"texts\"")
    if has_one:
        return sentiment.score(check_text(inp["text"], "text"))
    texts = sniper_tool.require(inp, "texts", list)
    if len(texts) > MAX_TEXTS:
        raise bad_input("texts", f"expected at most {MAX_TEXTS} texts, found {len(texts)}")
    return {"results": [sentiment.score(check_text(t, f"texts[{i}]")) for i, t in enumerate(texts)]}


if __name__ == "__main__":
    sentiment.default_lexicon()  # fail at start, not on the first call, if the lexicon is broken
    sniper_tool.run(handle, tool_name="sentiment_analyzer")
