#!/usr/bin/env python3
"""Lint: an error a user reads is coded, not an English sentence (issue 22, DESIGN §5).

An Error the API renders for a user must carry a catalog code and parameters
(Error::coded / Error::invalid_coded), so it reads in the caller's language. This lint finds the
ones still built from an English literal: Error::invalid/not_found/conflict/forbidden/unavailable
(...) or Error{Errc::..., ...} whose arguments hold a string literal of two or more words.
Error::internal and Errc::internal are left alone: the API answers every internal error with the
coded "error.internal" sentence and keeps the English for the log.

Usage: errors_coded.py ROOT   (the source tree). Exit status 1 and one line per finding.

Adapters (which cannot include the catalog) give an AdapterError its code with
adapter_fail_coded / adapter_error_coded / option_error; the gateway renders it. Checked there:
every invalid_config error anywhere under adapters/ (what an operator's registration gets), and
every error but internal ones in the files of the registration's connection check
(ADAPTER_CHECKED), built with adapter_fail(...) or AdapterError{...} from an English literal.

Checked: the folders and files whose errors reach an API response (below). Not checked: what the
operator reads on the terminal at start-up (gateway/core/config.cpp, gateway/security except the
password policy, gateway/app, gateway/store/db.cpp and migrations.cpp) and the job paths another
change codes under its own prefixes (EXEMPT).
"""
import pathlib
import re
import sys

CHECKED = [
    "gateway/services",
    "gateway/api",
    "gateway/data",
    "gateway/model",
    "gateway/store/*_repo.cpp",
    "gateway/federation/site_directory.cpp",
    "gateway/accounting/spending.cpp",
    "gateway/security/password.cpp",
]

# path -> why it is not checked (yet)
EXEMPT = {
    "gateway/services/job_service.cpp": "jobs: coded under jobs./job. by the job-path change",
    "gateway/api/jobs.cpp": "jobs: coded under jobs./job. by the job-path change",
    "gateway/api/api.cpp": "the API core: coded by the job-path change",
    "gateway/store/job_repo.cpp": "Idempotency-Key: a jobs. code, with the job path",
    "gateway/services/page.hpp": "page_token: no page. prefix yet",
}

# Files whose every non-internal error can reach an operator at registration.
ADAPTER_CHECKED = [
    "adapters/common/options.cpp",
    "adapters/common/http_client.cpp",
    "adapters/common/container.cpp",
    "adapters/slurm/slurm_api.cpp",
    "adapters/slurm/slurm_options.cpp",
    "adapters/slurm/v0_0_38.cpp",
    "adapters/sim/sim_options.cpp",
    "adapters/local/local_options.cpp",
    "adapters/peer/peer_options.cpp",
    "adapters/registry.cpp",
]

# path -> why its invalid_config errors are not checked
ADAPTER_EXEMPT = {
    "adapters/sim/sim_engine.cpp": "a saved state that no longer fits the pools: read at start, "
                                   "it reaches only the site's health detail, never a response",
}

ADAPTER_INVALID = re.compile(
    r"\badapter_fail\s*\(\s*AdapterErrc::invalid_config\b"
    r"|\bAdapterError\s*\{\s*AdapterErrc::invalid_config\b")
ADAPTER_ANY = re.compile(
    r"\badapter_fail\s*\(\s*AdapterErrc::(?!internal\b)\w+"
    r"|\bAdapterError\s*\{\s*AdapterErrc::(?!internal\b)\w+")

START = re.compile(
    r"\bError::(invalid|not_found|conflict|forbidden|unavailable)\s*\("
    r"|\bError\s*\{\s*Errc::(?!internal\b)\w+")
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
SENTENCE = re.compile(r"[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}")


def strip_comments(text: str) -> str:
    # Line comments only (the sources use no block comments inside code); keeps offsets.
    return re.sub(r"//[^\n]*", lambda m: " " * len(m.group(0)), text)


def call_args(text: str, start: int) -> str:
    """The text from `start` to the bracket that closes the first one opened after it."""
    depth = 0
    i = start
    in_str = False
    while i < len(text):
        ch = text[i]
        if in_str:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
        i += 1
    return text[start:]


def files(root: pathlib.Path):
    for pattern in CHECKED:
        p = root / pattern
        if p.is_dir():
            yield from sorted(x for x in p.rglob("*") if x.suffix in (".cpp", ".hpp"))
        else:
            yield from sorted(root.glob(pattern))


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    findings = []
    checked = 0
    for f in files(root):
        rel = f.relative_to(root).as_posix()
        if rel in EXEMPT:
            continue
        checked += 1
        text = strip_comments(f.read_text(errors="replace"))
        for m in START.finditer(text):
            args = call_args(text, m.start())
            english = [s for s in LITERAL.findall(args) if SENTENCE.search(s)]
            if english:
                line = text.count("\n", 0, m.start()) + 1
                findings.append(f"{rel}:{line}: an error built from English text, not a "
                                f"catalog code: \"{english[0]}\"")
    for f in sorted((root / "adapters").rglob("*")):
        if f.suffix not in (".cpp", ".hpp"):
            continue
        rel = f.relative_to(root).as_posix()
        if rel in ADAPTER_EXEMPT:
            continue
        checked += 1
        text = strip_comments(f.read_text(errors="replace"))
        start = ADAPTER_ANY if rel in ADAPTER_CHECKED else ADAPTER_INVALID
        for m in start.finditer(text):
            args = call_args(text, m.start())
            english = [s for s in LITERAL.findall(args) if SENTENCE.search(s)]
            if english:
                line = text.count("\n", 0, m.start()) + 1
                findings.append(f"{rel}:{line}: an adapter error built from English text, not "
                                f"a catalog code: \"{english[0]}\"")
    for x in findings:
        print(x)
    if checked < 20:
        print(f"only {checked} files checked: is {root} the source tree?")
        return 1
    if not findings:
        print(f"errors are coded: ok ({checked} files)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
