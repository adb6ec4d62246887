"""llm_analyst against a fake OpenAI-compatible server on loopback, through
the real tool process: good, fenced, malformed, truncated, slow and refusing
replies."""

import json
import os
import unittest

from feed_server import FeedServer
from tool_process import ToolProcess, tool_dir

GOOD = {"action": "avoid", "confidence": 0.82, "reasons": ["mint authority not revoked", "thin liquidity"]}


def completion(content, finish="stop", refusal=None):
    msg = {"role": "assistant", "content": content}
    if refusal is not None:
        msg["refusal"] = refusal
    return json.dumps({"id": "c1", "object": "chat.completion", "model": "m",
                       "choices": [{"index": 0, "message": msg, "finish_reason": finish}]}).encode()


def ok(body, delay=None):
    return (200, "application/json", body) if delay is None else (200, "application/json", body, delay)


def truncated(handler):
    body = completion(json.dumps(GOOD))
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body[: len(body) // 2])
    handler.wfile.flush()
    handler.close_connection = True


ROUTES = {
    "/good": ok(completion(json.dumps(GOOD))),
    "/fenced": ok(completion("```json\n" + json.dumps(GOOD) + "\n```")),
    "/prose": ok(completion("I think you should avoid it. " + json.dumps(GOOD))),
    "/extra_key": ok(completion(json.dumps(dict(GOOD, note="x")))),
    "/bad_action": ok(completion(json.dumps(dict(GOOD, action="yolo")))),
    "/bad_confidence": ok(completion(json.dumps(dict(GOOD, confidence=1.5)))),
    "/bool_confidence": ok(completion(json.dumps(dict(GOOD, confidence=True)))),
    "/no_reasons": ok(completion(json.dumps(dict(GOOD, reasons=[])))),
    "/empty_reason": ok(completion(json.dumps(dict(GOOD, reasons=["ok", " "])))),
    "/cut_json": ok(completion(json.dumps(GOOD)[:30], finish="length")),
    "/length": ok(completion(json.dumps(GOOD), finish="length")),
    "/refusal": ok(completion(None, refusal="I can't help with trading decisions.")),
    "/filtered": ok(completion("", finish="content_filter")),
    "/not_json": ok(b"<html>gateway</html>"),
    "/no_choices": ok(json.dumps({"choices": []}).encode()),
    "/truncated": truncated,
    "/slow": ok(completion(json.dumps(GOOD)), delay=3.0),
    "/unauthorized": (401, "application/json", b'{"error":{"message":"bad key"}}'),
    "/server_error": (500, "text/plain", b"overloaded"),
}


class LlmAnalystTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = FeedServer(ROUTES)

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def setUp(self):
        self.tools = []

    def tearDown(self):
        for t in self.tools:
            t.close()

    def ask(self, route, deadline_ms=5000, key="sk-test", token=None):
        env = {"PATH": os.environ.get("PATH", ""), "LLM_URL": self.server.url(route)}
        if key is not None:
            env["LLM_API_KEY"] = key
        tool = ToolProcess(tool_dir("llm_analyst"), env=env)
        self.tools.append(tool)
        return tool.call({"token": token or {"symbol": "BONK", "mint": "DezX", "liquidity_sol": 12}},
                         deadline_ms=deadline_ms)

    def assertError(self, route, code, text=None, **kw):
        r = self.ask(route, **kw)
        self.assertFalse(r["ok"], (route, r))
        self.assertEqual(r["error"]["code"], code, (route, r))
        if text:
            self.assertIn(text, r["error"]["message"], route)
        return r

    def test_good_verdict_and_request_shape(self):
        r = self.ask("/good")
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["output"], dict(GOOD, model="local-model"))
        method, path, headers, body = self.server.requests[-1]
        self.assertEqual((method, path), ("POST", "/good"))
        self.assertEqual(headers.get("Authorization"), "Bearer sk-test")
        req = json.loads(body)
        self.assertEqual(req["model"], "local-model")
        self.assertIn('"symbol":"BONK"', req["messages"][1]["content"])
        self.assertEqual(req["response_format"], {"type": "json_object"})

    def test_fenced_reply_is_accepted_prose_is_not(self):
        self.assertTrue(self.ask("/fenced")["ok"])
        self.assertError("/prose", "upstream_bad_reply", "not JSON")

    def test_malformed_verdicts_are_refused(self):
        self.assertError("/extra_key", "upstream_bad_reply", "note")
        self.assertError("/bad_action", "upstream_bad_reply", "reply.action")
        self.assertError("/bad_confidence", "upstream_bad_reply", "reply.confidence")
        self.assertError("/bool_confidence", "upstream_bad_reply", "reply.confidence")
        self.assertError("/no_reasons", "upstream_bad_reply", "reply.reasons")
        self.assertError("/empty_reason", "upstream_bad_reply", "reply.reasons[1]")
        self.assertError("/not_json", "upstream_bad_reply", "JSON body")
        self.assertError("/no_choices", "upstream_bad_reply", "choices")

    def test_truncated_replies(self):
        self.assertError("/cut_json", "upstream_bad_reply", "length")
        self.assertError("/length", "upstream_bad_reply", "length")
        self.assertError("/truncated", "upstream_bad_reply")

    def test_refusals(self):
        self.assertError("/refusal", "refused", "trading decisions")
        self.assertError("/filtered", "refused")

    def test_slow_reply_ends_at_the_deadline(self):
        import time
        t0 = time.monotonic()
        self.assertError("/slow", "upstream_timeout", deadline_ms=700)
        self.assertLess(time.monotonic() - t0, 2.5)

    def test_http_errors_and_no_key(self):
        self.assertError("/unauthorized", "upstream_error", "401")
        self.assertError("/server_error", "upstream_error", "500")
        self.assertTrue(self.ask("/good", key=None)["ok"])
        self.assertNotIn("Authorization", self.server.requests[-1][2])

    def test_bad_input(self):
        tool = ToolProcess(tool_dir("llm_analyst"), env={"LLM_URL": self.server.url("/good")})
        self.tools.append(tool)
        for inp, field in [({}, "token"), ({"token": {}}, "token"), ({"token": {"symbol": 3}}, "token"),
                           ({"token": {"symbol": "X"}, "question": 5}, "question")]:
            r = tool.call(inp)
            self.assertEqual((r["error"]["code"], r["error"]["field"]), ("bad_input", field), inp)


if __name__ == "__main__":
    unittest.main()
