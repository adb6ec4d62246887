"""Run a tool as a real subprocess speaking the line protocol (test helper)."""

import json
import os
import select
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOOLS = os.path.join(ROOT, "tools", "ai")


class ToolProcess:
    def __init__(self, tool_dir, args=(), env=None):
        self.stderr_path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"tool_stderr_{os.getpid()}_{id(self)}")
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "tool.py", *args], cwd=tool_dir, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self._stderr,
            env=env if env is not None else {"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
        self._buf = b""
        self._next = 0

    def send_line(self, raw):
        self.proc.stdin.write(raw if isinstance(raw, bytes) else raw.encode())
        self.proc.stdin.flush()

    def read_line(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no response line from the tool")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise EOFError("tool closed stdout")
                self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    def call(self, inp, deadline_ms=5000, tool="t", timeout=10.0):
        self._next += 1
        rid = f"r{self._next}"
        self.send_line(json.dumps({"v": 1, "id": rid, "tool": tool, "deadline_ms": deadline_ms,
                                   "input": inp}) + "\n")
        resp = self.read_line(timeout)
        assert resp["id"] == rid, resp
        assert resp["v"] == 1, resp
        return resp

    def stderr_text(self):
        self._stderr.flush()
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.proc.stdout.close()
        self._stderr.close()
        os.unlink(self.stderr_path)
        return code


def tool_dir(name):
    return os.path.join(TOOLS, name)
