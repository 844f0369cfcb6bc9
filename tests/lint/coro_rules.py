#!/usr/bin/env python3
"""Lint for the coroutine rules of gateway/core/coro.hpp that the compiler cannot check.

g++ 12 frees some temporaries inside a co_await expression twice. This script finds, in every
co_await expression of the given source trees, the two shapes we know to be affected:
  - a conditional expression (a ? b : c) among the awaited call's arguments, and
  - an aggregate built in place with braces (Type{...} or a bare {...} argument).
Lambda bodies inside the expression are skipped: they are separate functions.
(By-value lambda captures are caught at compile time by kAwaitSafeArgument.)

Usage: coro_rules.py DIR...   Exit status 1 and one line per finding when something is found.
"""
import pathlib
import re
import sys


def strip_comments_and_strings(src: str) -> str:
    """Blank out comments and string/char literals, keeping offsets and newlines."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in src[i:j]))
            i = j
        elif src.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', src[i:])
            end = src.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + "".join(ch if ch == "\n" else " " for ch in src[i + 2:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else src[i:j])
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def awaited_expression(src: str, start: int) -> str:
    """The text of the co_await expression starting at `start`, up to the end of its operand."""
    depth = 0
    i = start + len("co_await")
    while i < len(src):
        c = src[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif c in ";," and depth == 0:
            break
        i += 1
    return src[start:i]


def without_lambda_bodies(expr: str) -> str:
    """Removes {...} blocks that follow a lambda's parameter list or trailing return type."""
    out, i = [], 0
    while i < len(expr):
        c = expr[i]
        if c == "{":
            before = "".join(out).rstrip()
            is_body = before.endswith(")") or re.search(r"->\s*[\w:<>,\s*&]+$", before) or before.endswith("mutable")
            if is_body:
                depth, j = 0, i
                while j < len(expr):
                    depth += {"{": 1, "}": -1}.get(expr[j], 0)
                    if depth == 0:
                        break
                    j += 1
                out.append("{}")
                i = j + 1
                continue
        out.append(c)
        i += 1
    return "".join(out)


def findings(path: pathlib.Path):
    raw = path.read_text(encoding="utf-8")
    src = strip_comments_and_strings(raw)
    for m in re.finditer(r"\bco_await\b", src):
        expr = without_lambda_bodies(awaited_expression(src, m.start()))
        line = src.count("\n", 0, m.start()) + 1
        shown = " ".join(raw[m.start():m.start() + len(expr)].split())[:120]
        if re.search(r"(?<![?:])\?(?![?:])", expr):
            yield f"{path}:{line}: conditional expression inside co_await: {shown}"
        if re.search(r"\w\s*\{|[(,]\s*\{", expr):
            yield f"{path}:{line}: braced temporary inside co_await: {shown}"


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    found = []
    for root in argv[1:]:
        for path in sorted(pathlib.Path(root).rglob("*")):
            if path.suffix in (".cpp", ".hpp"):
                found.extend(findings(path))
    for f in found:
        print(f)
    if found:
        print(f"{len(found)} violation(s) of the coroutine rules; see gateway/core/coro.hpp")
        return 1
    print("coroutine rules: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
