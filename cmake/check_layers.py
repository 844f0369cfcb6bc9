#!/usr/bin/env python3
"""Fails the build when a folder includes a header of a layer it may not use (DESIGN §7).

Usage: check_layers.py SOURCE_DIR LAYERS_FILE
LAYERS_FILE has one line per layer: "<name> <folder> <dependency>..." (written by
cmake/layers.cmake from CMakeLists.txt, the one table of the layers). A file under <folder>
may include headers of its own folder and of the folders of its dependencies, direct or
transitive; anything else under a layer's folder is an error, as is a cycle among layers.
Headers outside every layer's folder (system, third-party, generated) are not checked.
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def main() -> int:
    src = pathlib.Path(sys.argv[1])
    layers = {}
    for line in pathlib.Path(sys.argv[2]).read_text().splitlines():
        parts = line.split()
        if parts:
            layers[parts[0]] = (parts[1], parts[2:])
    errors = []
    for name, (_, deps) in layers.items():
        for d in deps:
            if d not in layers:
                errors.append(f"layer {name}: unknown dependency {d}")

    # Cycles, and each layer's transitive dependencies.
    closure, state = {}, {}

    def visit(name, path):
        if state.get(name) == "done":
            return closure[name]
        if state.get(name) == "open":
            errors.append("cycle among layers: " + " -> ".join(path + [name]))
            return set()
        state[name] = "open"
        reach = set()
        for d in layers.get(name, ("", []))[1]:
            if d in layers:
                reach |= {d} | visit(d, path + [name])
        state[name] = "done"
        closure[name] = reach
        return reach

    for name in layers:
        visit(name, [])

    # Longest folder first, so gateway/core/x is owned by gateway/core, not a prefix.
    owners = sorted(((folder, name) for name, (folder, _) in layers.items()),
                    key=lambda p: -len(p[0]))

    def owner(rel: str):
        for folder, name in owners:
            if rel == folder or rel.startswith(folder + "/"):
                return name
        return None

    for name, (folder, _) in layers.items():
        allowed = {name} | closure.get(name, set())
        for f in sorted((src / folder).rglob("*")):
            if f.suffix not in (".cpp", ".hpp") or not f.is_file():
                continue
            text = f.read_text(errors="replace")
            for m in INCLUDE.finditer(text):
                target = owner(m.group(1))
                if target is not None and target not in allowed:
                    line = text.count("\n", 0, m.start()) + 1
                    errors.append(f"{f.relative_to(src)}:{line}: layer '{name}' includes "
                                  f"\"{m.group(1)}\" of layer '{target}', which it may not use "
                                  f"(it may use: {', '.join(sorted(allowed))})")
    for e in errors:
        print("layering error: " + e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
