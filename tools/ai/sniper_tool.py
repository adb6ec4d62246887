"""sniper_tool: a small SDK for sniperd tools written in Python.

A tool is a handler function plus a manifest (see PROTOCOL.md next to this
file). `run(handler)` reads newline-delimited JSON requests from stdin and
writes one response line per request on stdout, flushed at once. It never
exits on a bad line: it answers with an error and reads the next one. Logs go
to stderr (sys.stdout is pointed at stderr so a stray print() can never
corrupt the protocol stream).

    import sniper_tool

    def handle(inp, ctx):
        n = sniper_tool.require(inp, "n", int)
        return {"double": 2 * n}

    if __name__ == "__main__":
        sniper_tool.run(handle)

A handler returns the output object, or raises ToolError(code, message,
field) for an expected failure. Any other exception becomes an `internal`
error. `ctx` carries the request id, the deadline (time.monotonic() based),
the tool's `[config]` table and a logger.
"""

import json
import math
import os
import sys
import time
import tomllib

PROTOCOL_VERSION = 1
MAX_REQUEST_BYTES = 64 * 1024 * 1024


class ToolError(Exception):
    """An expected failure, answered as {"ok":false,"error":{...}}."""

    def __init__(self, code, message, field=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def to_json(self):
        err = {"code": self.code, "message": self.message}
        if self.field is not None:
            err["field"] = self.field
        return err


def bad_input(field, message):
    return ToolError("bad_input", f"{field}: {message}", field)


def type_name(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def require(obj, key, kind, path=None, optional=False, default=None):
    """Return obj[key] checked against kind (str, int, float, bool, list, dict).

    float accepts any finite number; int refuses booleans and fractions.
    Raises ToolError("bad_input") naming the field otherwise.
    """
    field = f"{path}.{key}" if path else key
    if key not in obj or obj[key] is None:
        if optional:
            return default
        raise bad_input(field, "expected a value, found nothing")
    value = obj[key]
    ok = False
    if kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok and not math.isfinite(value):
            raise bad_input(field, f"expected a finite number, found {value}")
    elif kind is bool:
        ok = isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        expected = {int: "an integer", float: "a number", bool: "a boolean", str: "a string",
                    list: "an array", dict: "an object"}.get(kind, kind.__name__)
        raise bad_input(field, f"expected {expected}, found {type_name(value)}")
    return value


class Context:
    def __init__(self, request_id, deadline, config, tool_name):
        self.id = request_id
        self.deadline = deadline
        self.config = config
        self.tool = tool_name

    def remaining_s(self):
        """Seconds left before the host's deadline (never below 0)."""
        return max(0.0, self.deadline - time.monotonic())

    def log(self, msg):
        log(msg)


def log(msg):
    sys.stderr.write(f"{msg}\n")
    sys.stderr.flush()


def load_manifest(script_path=None, argv=None):
    """Read the tool's manifest: `--manifest PATH` on the command line, else
    manifest.toml next to the running script. Returns {} when there is none."""
    argv = sys.argv[1:] if argv is None else argv
    path = None
    for i, arg in enumerate(argv):
        if arg == "--manifest" and i + 1 < len(argv):
            path = argv[i + 1]
        elif arg.startswith("--manifest="):
            path = arg.split("=", 1)[1]
    if path is None:
        base = os.path.dirname(os.path.abspath(script_path or sys.argv[0]))
        path = os.path.join(base, "manifest.toml")
        if not os.path.exists(path):
            return {}
    with open(path, "rb") as f:
        return tomllib.load(f)


def _parse_request(line):
    """Return (id, tool, deadline_ms, input) or raise ToolError with the id
    found so far attached as .request_id."""
    try:
        # NaN and Infinity tokens are let through so that input validation
        # can name the field that holds them (require() refuses them).
        req = json.loads(line)
    except (ValueError, UnicodeDecodeError) as e:
        err = ToolError("bad_request", f"request is not valid JSON: {e}")
        err.request_id = None
        raise err
    if not isinstance(req, dict):
        err = ToolError("bad_request", f"request: expected an object, found {type_name(req)}")
        err.request_id = None
        raise err
    rid = req.get("id")
    if not isinstance(rid, (str, int)) or isinstance(rid, bool):
        err = ToolError("bad_request", f"id: expected a string, found {type_name(rid)}", "id")
        err.request_id = None
        raise err

    def fail(field, message):
        err = ToolError("bad_request", f"{field}: {message}", field)
        err.request_id = rid
        return err

    if req.get("v") != PROTOCOL_VERSION:
        raise fail("v", f"expected {PROTOCOL_VERSION}, found {json.dumps(req.get('v'))}")
    inp = req.get("input")
    if not isinstance(inp, dict):
        raise fail("input", f"expected an object, found {type_name(inp)}")
    deadline_ms = req.get("deadline_ms")
    if deadline_ms is None:
        deadline_ms = 5000
    if not isinstance(deadline_ms, (int, float)) or isinstance(deadline_ms, bool) \
            or not math.isfinite(deadline_ms) or deadline_ms < 0:
        raise fail("deadline_ms", f"expected a number >= 0, found {json.dumps(deadline_ms)}")
    tool = req.get("tool")
    if tool is not None and not isinstance(tool, str):
        raise fail("tool", f"expected a string, found {type_name(tool)}")
    return rid, tool, float(deadline_ms), inp


def handle_line(handler, line, config=None, tool_name=None):
    """Turn one request line into one response object (never raises)."""
    received = time.monotonic()
    rid = None
    try:
        rid, _tool, deadline_ms, inp = _parse_request(line)
        ctx = Context(rid, received + deadline_ms / 1000.0, config or {}, tool_name)
        out = handler(inp, ctx)
        if not isinstance(out, dict):
            raise ToolError("internal", f"handler returned {type_name(out)}, expected an object")
        return {"v": PROTOCOL_VERSION, "id": rid, "ok": True, "output": out}
    except ToolError as e:
        rid = getattr(e, "request_id", rid)
        return {"v": PROTOCOL_VERSION, "id": rid, "ok": False, "error": e.to_json()}
    except Exception as e:  # the firewall: a handler bug is an error answer
        log(f"handler failed: {type(e).__name__}: {e}")
        return {"v": PROTOCOL_VERSION, "id": rid, "ok": False,
                "error": {"code": "internal", "message": f"{type(e).__name__}: {e}"}}


def _encode(resp):
    try:
        text = json.dumps(resp, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    except ValueError as e:
        text = json.dumps({"v": PROTOCOL_VERSION, "id": resp.get("id"), "ok": False,
                           "error": {"code": "internal",
                                     "message": f"output is not valid JSON: {e}"}},
                          separators=(",", ":"))
    return text.encode("utf-8") + b"\n"


def run(handler, tool_name=None, manifest=None):
    """Serve requests until end-of-file on stdin."""
    if manifest is None:
        try:
            manifest = load_manifest()
        except (OSError, tomllib.TOMLDecodeError) as e:
            log(f"cannot read manifest: {e}")
            manifest = {}
    config = manifest.get("config", {}) if isinstance(manifest, dict) else {}
    tool_name = tool_name or manifest.get("name")
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # stray prints go to the log, not the protocol
    stdin = sys.stdin.buffer
    while True:
        line = stdin.readline(MAX_REQUEST_BYTES + 1)
        if not line:
            break
        if len(line) > MAX_REQUEST_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of it
                line = stdin.readline(MAX_REQUEST_BYTES)
            resp = {"v": PROTOCOL_VERSION, "id": None, "ok": False,
                    "error": {"code": "bad_request", "message": "request line too long"}}
        elif not line.strip():
            continue
        else:
            resp = handle_line(handler, line, config, tool_name)
        try:
            out.write(_encode(resp))
            out.flush()
        except BrokenPipeError:
            break
