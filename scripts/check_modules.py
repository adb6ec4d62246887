#!/usr/bin/env python3
"""Fails when a file in host/src/<module>/ includes a header of a module its
module may not depend on. The allowed graph is the `module-graph` block in
docs/design.md (each line `module: dependency ...`); a module may include
its own headers and those of every module reachable through that graph
(what its CMake links bring, PUBLIC links being transitive). The graph must
point one way: a cycle is an error too. Usage: check_modules.py [REPO_ROOT]"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
design = (root / "docs" / "design.md").read_text()
m = re.search(r"```module-graph\n(.*?)```", design, re.S)
if not m:
    sys.exit("check_modules: no ```module-graph block in docs/design.md")
graph = {}
for line in m.group(1).splitlines():
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, _, deps = line.partition(":")
    graph[name.strip()] = set(deps.split())

def reach(mod, seen=None, stack=()):
    if mod in stack:
        sys.exit("check_modules: the module graph has a cycle: " + " -> ".join(stack + (mod,)))
    out = set()
    for d in graph.get(mod, ()):
        out.add(d)
        out |= reach(d, None, stack + (mod,))
    return out

src = root / "host" / "src"
problems = []
for mod_dir in sorted(p for p in src.iterdir() if p.is_dir()):
    mod = mod_dir.name
    if mod not in graph:
        problems.append(f"host/src/{mod}: module missing from the module-graph block in docs/design.md")
        continue
    allowed = reach(mod) | {mod}
    for f in sorted(mod_dir.rglob("*")):
        if f.suffix not in (".cpp", ".hpp", ".h"):
            continue
        for n, text in enumerate(f.read_text(errors="replace").splitlines(), 1):
            inc = re.match(r'\s*#\s*include\s+"([a-z_0-9]+)/', text)
            if inc and inc.group(1) in graph and inc.group(1) not in allowed:
                problems.append(f"{f.relative_to(root)}:{n}: module '{mod}' includes '{inc.group(1)}/', "
                                f"which it does not depend on (allowed: {', '.join(sorted(allowed))})")
for p in problems:
    print(p, file=sys.stderr)
if problems:
    sys.exit(f"check_modules: {len(problems)} include(s) cross a module boundary")
print(f"check_modules: {len(graph)} modules, every include follows the graph")
