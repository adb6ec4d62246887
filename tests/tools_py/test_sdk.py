"""The SDK's framing: ids, bad lines, handler failures, stray prints, EOF."""

import json
import os
import shutil
import tempfile
import textwrap
import unittest

from tool_process import TOOLS, ToolProcess

ECHO_TOOL = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, os.environ["SDK_DIR"])
    import sniper_tool
    from sniper_tool import ToolError, require

    def handle(inp, ctx):
        kind = require(inp, "kind", str)
        if kind == "echo":
            print("a stray print must not reach stdout")
            return {"echo": inp.get("value"), "config": ctx.config, "left_ms": round(ctx.remaining_s() * 1000)}
        if kind == "fail":
            raise ToolError("bad_input", "value: expected 1, found 2", "value")
        if kind == "crash":
            raise RuntimeError("boom")
        if kind == "not_object":
            return [1, 2]
        if kind == "nan":
            return {"x": float("nan")}
        if kind == "env":
            return {"env": sorted(os.environ)}
        raise ToolError("bad_input", "kind: unknown", "kind")

    sniper_tool.run(handle)
""")


class SdkTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        with open(os.path.join(self.dir, "tool.py"), "w") as f:
            f.write(ECHO_TOOL)
        with open(os.path.join(self.dir, "manifest.toml"), "w") as f:
            f.write('protocol = 1\nname = "echo"\ncommand = ["python3", "tool.py"]\n[config]\ngreeting = "hi"\n')
        self.tool = ToolProcess(self.dir, env={"SDK_DIR": TOOLS, "PATH": os.environ.get("PATH", "")})

    def tearDown(self):
        self.tool.close()
        shutil.rmtree(self.dir)

    def test_echo_with_config_and_deadline(self):
        r = self.tool.call({"kind": "echo", "value": [1, "x"]}, deadline_ms=1500)
        self.assertTrue(r["ok"])
        self.assertEqual(r["output"]["echo"], [1, "x"])
        self.assertEqual(r["output"]["config"], {"greeting": "hi"})
        self.assertTrue(1000 < r["output"]["left_ms"] <= 1500)
        self.assertIn("a stray print", self.tool.stderr_text())

    def test_tool_errors_are_answers(self):
        r = self.tool.call({"kind": "fail"})
        self.assertEqual(r["error"], {"code": "bad_input", "message": "value: expected 1, found 2", "field": "value"})
        r = self.tool.call({"kind": "crash"})
        self.assertFalse(r["ok"])
        self.assertEqual(r["error"]["code"], "internal")
        self.assertIn("boom", r["error"]["message"])
        r = self.tool.call({"kind": "not_object"})
        self.assertEqual(r["error"]["code"], "internal")
        r = self.tool.call({"kind": "nan"})
        self.assertEqual(r["error"]["code"], "internal")
        r = self.tool.call({})
        self.assertEqual(r["error"]["field"], "kind")
        self.assertTrue(self.tool.call({"kind": "echo"})["ok"])  # still serving

    def test_bad_lines_never_kill_the_tool(self):
        bad = [b"not json\n", b"[1,2]\n", b'{"v":1}\n', b'{"v":2,"id":"a","input":{}}\n',
               b'{"v":1,"id":"b","input":[]}\n', b'{"v":1,"id":"c","input":{},"deadline_ms":-1}\n',
               b'{"v":1,"id":true,"input":{}}\n', b"\xff\xfe\n", b'{"v":1,"id":"d","input":{"kind":"echo"}\n']
        for raw in bad:
            self.tool.send_line(raw)
            r = self.tool.read_line()
            self.assertFalse(r["ok"], raw)
            self.assertEqual(r["error"]["code"], "bad_request", raw)
        self.tool.send_line(b'{"v":2,"id":"a","input":{}}\n')
        self.assertEqual(self.tool.read_line()["id"], "a")  # id kept when readable
        self.tool.send_line(b"\n   \n")  # blank lines are skipped, not answered
        self.assertTrue(self.tool.call({"kind": "echo"})["ok"])

    def test_clean_environment_is_what_the_tool_sees(self):
        env = self.tool.call({"kind": "env"})["output"]["env"]
        self.assertNotIn("HOME", env)
        self.assertIn("SDK_DIR", env)

    def test_eof_ends_the_tool_with_status_0(self):
        self.tool.call({"kind": "echo"})
        self.tool.proc.stdin.close()
        self.assertEqual(self.tool.proc.wait(timeout=10), 0)

    def test_many_requests_in_one_write_answered_in_order(self):
        lines = "".join(json.dumps({"v": 1, "id": f"k{i}", "input": {"kind": "echo", "value": i}}) + "\n"
                        for i in range(200))
        self.tool.send_line(lines)
        for i in range(200):
            r = self.tool.read_line()
            self.assertEqual((r["id"], r["output"]["echo"]), (f"k{i}", i))


if __name__ == "__main__":
    unittest.main()
