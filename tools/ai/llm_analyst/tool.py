"""llm_analyst: a language model's verdict on a token (see verdict.py).

Input:  {"token": {"symbol": ..., "name": ..., "mint": ..., any other facts},
         "question": "optional extra question"}
Output: {"action": "buy"|"sell"|"hold"|"avoid", "confidence": 0..1,
         "reasons": [...], "model": "..."}

[config] in the manifest: url (the chat-completions URL), model,
api_key_env (the name of the environment variable holding the key; it must
also be listed in the manifest's env), timeout_ms, max_response_bytes,
max_tokens, json_mode. LLM_URL and LLM_MODEL, when set and listed in env,
override url and model.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)

import sniper_tool  # noqa: E402
import verdict  # noqa: E402
from sniper_tool import ToolError, bad_input, require  # noqa: E402

MAX_FACTS_BYTES = 16_000


def handle(inp, ctx):
    token = require(inp, "token", dict)
    if not any(isinstance(token.get(k), str) and token.get(k) for k in ("symbol", "name", "mint")):
        raise bad_input("token", "expected at least one of symbol, name or mint")
    question = require(inp, "question", str, optional=True)
    if question is not None and len(question) > 2000:
        raise bad_input("question", f"expected at most 2000 characters, found {len(question)}")
    messages = verdict.build_messages(token, question)
    if len(messages[1]["content"]) > MAX_FACTS_BYTES:
        raise bad_input("token", f"expected facts of at most {MAX_FACTS_BYTES} characters")
    cfg = ctx.config
    url = os.environ.get("LLM_URL") or cfg.get("url")
    model = os.environ.get("LLM_MODEL") or cfg.get("model")
    if not url or not model:
        raise ToolError("internal", "config: expected url and model (or LLM_URL and LLM_MODEL), found none")
    key_env = cfg.get("api_key_env", "LLM_API_KEY")
    api_key = os.environ.get(key_env, "")
    timeout_s = min(float(cfg.get("timeout_ms", 20000)) / 1000.0, ctx.remaining_s() - 0.05)
    if timeout_s <= 0:
        raise ToolError("upstream_timeout", "no time left before the deadline to ask the model")
    out = verdict.ask(url, api_key, model, messages, timeout_s,
                      int(cfg.get("max_response_bytes", 262144)),
                      int(cfg.get("max_tokens", 400)), bool(cfg.get("json_mode", True)))
    out["model"] = model
    return out


if __name__ == "__main__":
    sniper_tool.run(handle, tool_name="llm_analyst")
