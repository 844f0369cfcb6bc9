#!/usr/bin/env python3
"""Lint: SQL lives in gateway/store/ only (DESIGN §7: "store/ holds SQL and no business rules").

Outside the store no statement is prepared or executed and no string literal starts an SQL
statement. The store's own folder, and tests, are not checked.

Usage: sql_only_in_store.py DIR...   Exit status 1 and one line per finding.
"""
import pathlib
import re
import sys

RULES = [
    (re.compile(r"\.prepare\(|\.exec\(|\.exec_cached\("), "prepares or executes a statement"),
    (re.compile(r'"\s*(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b'),
     "writes SQL"),
]


def main() -> int:
    findings = []
    for root in sys.argv[1:]:
        for f in sorted(pathlib.Path(root).rglob("*")):
            if f.suffix not in (".cpp", ".hpp") or not f.is_file():
                continue
            if "gateway/store" in f.as_posix():
                continue
            for n, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
                code = line.split("//", 1)[0]
                for rule, what in RULES:
                    if rule.search(code):
                        findings.append(f"{f}:{n}: {what} outside gateway/store: {line.strip()}")
    for x in findings:
        print(x)
    if not findings:
        print("SQL only in gateway/store: ok")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
