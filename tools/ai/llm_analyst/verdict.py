"""Ask an OpenAI-compatible chat-completions endpoint for a verdict on a
token, and check the reply strictly.

The verdict is a JSON object with exactly these keys:
  action      "buy" | "sell" | "hold" | "avoid"
  confidence  number in 0..1
  reasons     1..8 non-empty strings of at most 300 characters
The model's message content must be that object alone; one surrounding
```json fence is tolerated, nothing else.
"""

import http.client
import json
import math
import urllib.error
import urllib.request

from sniper_tool import ToolError

ACTIONS = ("buy", "sell", "hold", "avoid")
MAX_REASONS = 8
MAX_REASON_CHARS = 300

SYSTEM_PROMPT = (
    "You are a cautious analyst of newly launched Solana tokens. Answer with one JSON object "
    "and nothing else, of the form "
    '{"action": "buy"|"sell"|"hold"|"avoid", "confidence": <number 0..1>, "reasons": [<1 to 8 short strings>]}. '
    "Base the verdict only on the facts given; when they are thin or alarming, prefer avoid."
)


def build_messages(token, question=None):
    facts = json.dumps(token, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    user = f"Token facts (JSON): {facts}"
    if question:
        user += f"\nQuestion: {question}"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def bad_reply(message):
    return ToolError("upstream_bad_reply", message)


def parse_verdict(content):
    """Check the model's message content; return the verdict or raise ToolError."""
    text = content.strip()
    if text.startswith("```"):
        first_nl = text.find("\n")
        if first_nl < 0 or not text.endswith("```") or text[3:first_nl].strip() not in ("", "json"):
            raise bad_reply("reply: expected a JSON object, found an unterminated or non-JSON code fence")
        text = text[first_nl + 1:-3].strip()
    try:
        verdict = json.loads(text, parse_constant=lambda c: float("nan"))
    except ValueError as e:
        snippet = text[:80]
        raise bad_reply(f"reply: expected a JSON object, found text that is not JSON ({e}): {snippet!r}")
    if not isinstance(verdict, dict):
        raise bad_reply(f"reply: expected a JSON object, found {type(verdict).__name__}")
    keys = set(verdict)
    expected = {"action", "confidence", "reasons"}
    if keys != expected:
        missing, extra = sorted(expected - keys), sorted(keys - expected)
        raise bad_reply(f"reply: expected exactly the keys action, confidence, reasons; "
                        f"missing {missing}, unexpected {extra}")
    action = verdict["action"]
    if action not in ACTIONS:
        raise bad_reply(f"reply.action: expected one of {', '.join(ACTIONS)}, found {json.dumps(action)}")
    conf = verdict["confidence"]
    if isinstance(conf, bool) or not isinstance(conf, (int, float)) or not math.isfinite(conf) \
            or not 0.0 <= conf <= 1.0:
        raise bad_reply(f"reply.confidence: expected a number in 0..1, found {json.dumps(conf) if isinstance(conf, (int, float, str, bool, type(None))) else type(conf).__name__}")
    reasons = verdict["reasons"]
    if not isinstance(reasons, list) or not 1 <= len(reasons) <= MAX_REASONS:
        raise bad_reply(f"reply.reasons: expected an array of 1..{MAX_REASONS} strings")
    for i, r in enumerate(reasons):
        if not isinstance(r, str) or not r.strip() or len(r) > MAX_REASON_CHARS:
            raise bad_reply(f"reply.reasons[{i}]: expected a non-empty string of at most {MAX_REASON_CHARS} characters")
    return {"action": action, "confidence": float(conf), "reasons": [r.strip() for r in reasons]}


def parse_completion(body):
    """Pull the message content out of a chat-completions response body."""
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as e:
        raise bad_reply(f"response: expected a JSON body, found something else ({e})")
    if not isinstance(doc, dict):
        raise bad_reply("response: expected a JSON object")
    choices = doc.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise bad_reply("response.choices: expected a non-empty array")
    choice = choices[0]
    message = choice.get("message")
    if not isinstance(message, dict):
        raise bad_reply("response.choices[0].message: expected an object")
    refusal = message.get("refusal")
    if isinstance(refusal, str) and refusal.strip():
        raise ToolError("refused", f"the model refused: {refusal.strip()[:300]}")
    if choice.get("finish_reason") == "content_filter":
        raise ToolError("refused", "the model's answer was withheld by its content filter")
    content = message.get("content")
    if not isinstance(content, str) or not content.strip():
        raise bad_reply("response.choices[0].message.content: expected a non-empty string")
    if choice.get("finish_reason") == "length":
        raise bad_reply("reply was cut off at the token limit (finish_reason \"length\")")
    return content


def ask(url, api_key, model, messages, timeout_s, max_bytes, max_tokens=400, json_mode=True):
    payload = {"model": model, "messages": messages, "temperature": 0, "max_tokens": max_tokens}
    if json_mode:
        payload["response_format"] = {"type": "json_object"}
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    req = urllib.request.Request(url, data=json.dumps(payload).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:
            body = resp.read(max_bytes + 1)
    except urllib.error.HTTPError as e:
        detail = ""
        try:
            detail = e.read(500).decode("utf-8", "replace").strip()
        except OSError:
            pass
        raise ToolError("upstream_error", f"endpoint answered HTTP {e.code} {e.reason}: {detail[:200]}")
    except (TimeoutError, OSError) as e:
        reason = getattr(e, "reason", e)
        if isinstance(e, TimeoutError) or isinstance(reason, TimeoutError) or "timed out" in str(reason):
            raise ToolError("upstream_timeout", f"endpoint gave no answer within {timeout_s:.2f} s")
        raise ToolError("upstream_error", f"endpoint unreachable: {reason}")
    except http.client.HTTPException as e:
        raise bad_reply(f"response cut short: {type(e).__name__}: {e}")
    if len(body) > max_bytes:
        raise bad_reply(f"response: expected at most {max_bytes} bytes, found more")
    return parse_verdict(parse_completion(body))
