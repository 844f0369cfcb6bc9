#!/usr/bin/env python3
"""Lint: gateway/api/ translates HTTP to service calls and holds no SQL (DESIGN §7).

cmake/check_layers.py allows a folder the headers of every layer below it, transitively, so
api/ (above services/, above store/) could include a repository and still pass it. This lint is
the narrower rule for api/ alone: no store header, no `store::` name, no prepared statement and
no run() on a database.

Usage: api_holds_no_sql.py API_DIR   Exit status 1 and one line per finding when something is found.
"""
import pathlib
import re
import sys

RULES = [
    (re.compile(r'#\s*include\s*"gateway/store/'), "includes a store header"),
    (re.compile(r"\bstore::"), "names store::"),
    (re.compile(r"\.prepare\("), "prepares a statement"),
    (re.compile(r"\bstore\s*\.\s*run\(|\bstore\.blocking\("), "runs on the store"),
]


def main() -> int:
    findings = []
    for f in sorted(pathlib.Path(sys.argv[1]).rglob("*")):
        if f.suffix not in (".cpp", ".hpp") or not f.is_file():
            continue
        for n, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
            code = line.split("//", 1)[0]
            for rule, what in RULES:
                if rule.search(code):
                    findings.append(f"{f}:{n}: api/ {what}: {line.strip()}")
    for x in findings:
        print(x)
    if not findings:
        print("api holds no SQL: ok")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
