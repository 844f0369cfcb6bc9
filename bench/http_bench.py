#!/usr/bin/env python3
"""HTTP benchmark of scripts/bench (issue 7): the gateway and a bare Beast + nlohmann/json
baseline (bench/http_baseline.cpp), both Release builds of the same toolchain, driven by wrk in
the same run. Prints req/s, p50 and p99 for each API call, the ratio to the baseline and each
target; with --rss, the gateway's resident memory with 10,000 sites and 1,000,000 stored jobs.

Usage: bench/http_bench.py [--quick] [--rss] [--build DIR] [--case TEXT]...    (run by scripts/bench)
Exits 1 when a target is missed. Rate limits are lifted for the run (config rate_limit_*_per_s
= 0), so the figures are the server's, not the limiter's.
"""
import argparse
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONNECTIONS = 64

# (name, wrk script, target ratio to the baseline, p99 target in ms or None)
CASES = [
    ("POST /api/v1/jobs (durable)", "post_jobs.lua", 0.40, 20.0),
    ("GET /api/v1/jobs/{id}", "get_job.lua", None, None),
    ("POST /api/v1/quotes", "post_quotes.lua", None, None),
    ("GET /api/v1/capacity", "get_capacity.lua", 0.60, None),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, limit=60):
    deadline = time.time() + limit
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"bench: {url} did not answer within {limit}s")


def call(url, key, body=None, method=None):
    req = urllib.request.Request(url, method=method or ("POST" if body else "GET"))
    req.add_header("Authorization", "Bearer " + key)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, data=data, timeout=30) as r:
        return json.loads(r.read())


def parse_wrk(text):
    def ms(v, unit):
        return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    lat = {}
    for pct, v, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M):
        lat[pct] = ms(v, unit)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:.*", text)
    return {"rps": rps, "p50": lat.get("50"), "p99": lat.get("99"),
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "errors": errors.group(0) if errors else ""}


def wrk(url, script, seconds, env):
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
           "-s", os.path.join(ROOT, "bench", "wrk", script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return parse_wrk(out.stdout)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


class Gateway:
    def __init__(self, binary, data_dir, extra_config=None, demo=True):
        self.port = free_port()
        config = {"rate_limit_key_per_s": 0, "rate_limit_address_per_s": 0}
        config.update(extra_config or {})
        cfg = os.path.join(data_dir, "bench-config.json")
        with open(cfg, "w") as f:
            json.dump(config, f)
        self.log = open(os.path.join(data_dir, "gateway.log"), "ab")
        # The access log goes to --log-file as in production (one JSON line per request, as it
        # went to stderr before), so its cost stays in the figures; stderr gets the short text
        # log, which leaves those lines out.
        args = [binary, "serve", "--listen", f"127.0.0.1:{self.port}", "--data-dir", data_dir,
                "--config", cfg, "--log-file", os.path.join(data_dir, "gateway-log.jsonl")]
        if demo:
            # Without the demo's background load: its jobs would be in the measured figures.
            args += ["--demo", "--demo-load", "off"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.log)
        self.url = f"http://127.0.0.1:{self.port}"
        wait_http(self.url + "/healthz", 300)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def throughput(args, build):
    seconds = 5 if args.quick else 15
    env = dict(os.environ, BENCH_WRK_DIR=os.path.join(ROOT, "bench", "wrk"))
    with tempfile.TemporaryDirectory(prefix="suanwang-bench-") as data:
        gw = Gateway(os.path.join(build, "suanwang"), data)
        base_port = free_port()
        base = subprocess.Popen([os.path.join(build, "http_baseline"), str(base_port), "2"])
        try:
            wait_http(f"http://127.0.0.1:{base_port}/")
            with open(os.path.join(data, "demo-keys.json")) as f:
                key = json.load(f)["demo-user"]["api_key"]
            env["BENCH_KEY"] = key
            # Placement needs the first capacity reports; GET needs a job.
            deadline = time.time() + 60
            while call(gw.url + "/api/v1/capacity", key)["national"]["sites"] < 11:
                if time.time() > deadline:
                    raise SystemExit("bench: the demo federation did not report capacity")
                time.sleep(0.2)
            job = call(gw.url + "/api/v1/jobs", key, {
                "command": "true", "resources": {"cpus": 1, "walltime_s": 60}})
            env["BENCH_JOB"] = job["id"]
            print(f"wrk -t2 -c{CONNECTIONS} -d{seconds}s on {os.cpu_count()} cores; "
                  f"gateway and baseline: 2 I/O threads each")
            print(f"{'call':32} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
                  f"{'base req/s':>10} {'ratio':>6}  target")
            missed = []
            for name, script, ratio_target, p99_target in CASES:
                if args.case and not any(c in name for c in args.case):
                    continue
                b = wrk(f"http://127.0.0.1:{base_port}", script, seconds, env)
                g = wrk(gw.url, script, seconds, env)
                ratio = g["rps"] / b["rps"] if b["rps"] else 0
                verdict = []
                if ratio_target is not None:
                    ok = ratio >= ratio_target
                    verdict.append(f"ratio >= {ratio_target:.0%} {'ok' if ok else 'MISSED'}")
                    if not ok:
                        missed.append(name)
                if p99_target is not None:
                    ok = g["p99"] is not None and g["p99"] <= p99_target
                    verdict.append(f"p99 <= {p99_target:g} ms {'ok' if ok else 'MISSED'}")
                    if not ok and name not in missed:
                        missed.append(name)
                if g["non2xx"]:
                    verdict.append(f"{g['non2xx']} non-2xx answers")
                    missed.append(name + " (errors)")
                print(f"{name:32} {g['rps']:9.0f} {g['p50']:8.2f} {g['p99']:8.2f} "
                      f"{b['rps']:10.0f} {ratio:6.0%}  {'; '.join(verdict) or '-'}", flush=True)
            now, peak = rss_mb(gw.proc.pid)
            print(f"gateway RSS after the run: {now:.0f} MB (peak {peak:.0f} MB)")
            return missed
        finally:
            base.terminate()
            base.wait()
            gw.stop()


def copy_rows(db, table, source_id, total, overrides, key="id"):
    """Copies row `source_id` (by column `key`) of `table` until it has `total` rows;
    `overrides` gives SQL expressions (of the sequence number n) for the columns that must
    differ."""
    cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
    have = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    select = ", ".join(overrides.get(c, c) for c in cols)
    db.execute(f"""WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq
                   WHERE n < ?) INSERT INTO {table} ({", ".join(cols)})
                   SELECT {select} FROM {table}, seq WHERE {table}.{key} = ?""",
               (total - have, source_id))


def seed(data, sites, jobs):
    """Copies one demo sim site and one finished job until there are `sites` and `jobs`."""
    db = sqlite3.connect(os.path.join(data, "suanwang.db"))
    db.execute("PRAGMA journal_mode=WAL")
    site_id = db.execute("SELECT id FROM sites WHERE spec_json LIKE ? AND deleted_at IS NULL "
                         "LIMIT 1", ('%"type":"sim"%',)).fetchone()[0]
    copy_rows(db, "sites", site_id, sites, {"id": "printf('site_seed%06d', n)",
                                            "name": "printf('Seeded center %06d', n)"})
    job_id = db.execute("SELECT id FROM jobs WHERE state = 'succeeded' LIMIT 1").fetchone()[0]
    copy_rows(db, "jobs", job_id, jobs, {"id": "printf('job_seed%07d', n)",
                                         "idempotency_key": "NULL"})
    # Each with the finished job's decision (kept beside the jobs since migration 0005).
    copy_rows(db, "job_decisions", job_id, jobs, {"job_id": "printf('job_seed%07d', n)"},
              key="job_id")
    db.commit()
    db.close()


def memory(args, build):
    sites, jobs = (10_000, 1_000_000)
    with tempfile.TemporaryDirectory(prefix="suanwang-rss-") as data:
        gw = Gateway(os.path.join(build, "suanwang"), data)
        with open(os.path.join(data, "demo-keys.json")) as f:
            key = json.load(f)["demo-user"]["api_key"]
        job = call(gw.url + "/api/v1/jobs", key, {
            "command": "true", "resources": {"cpus": 1, "walltime_s": 60}})
        deadline = time.time() + 60
        while call(gw.url + "/api/v1/jobs/" + job["id"], key)["state"] != "succeeded":
            if time.time() > deadline:
                raise SystemExit("bench: the seed job did not finish")
            time.sleep(0.2)
        gw.stop()
        t0 = time.time()
        seed(data, sites, jobs)
        print(f"seeded {sites} sites and {jobs} jobs in {time.time() - t0:.0f}s")
        gw = Gateway(os.path.join(build, "suanwang"), data)
        try:
            deadline = time.time() + 300
            while call(gw.url + "/api/v1/capacity", key)["national"]["sites"] < sites:
                if time.time() > deadline:
                    raise SystemExit("bench: the seeded sites did not all report")
                time.sleep(1)
            # Exercise it: listings, a scrape, quotes over 10,000 sites, new submissions.
            call(gw.url + "/api/v1/jobs?page_size=500", key)
            urllib.request.urlopen(gw.url + "/metrics", timeout=60).read()
            for _ in range(20):
                call(gw.url + "/api/v1/quotes", key, {
                    "command": "x", "resources": {"cpus": 4, "walltime_s": 600}})
                call(gw.url + "/api/v1/jobs", key, {
                    "command": "true", "resources": {"cpus": 1, "walltime_s": 60}})
            time.sleep(5)  # a few capacity rounds
            now, peak = rss_mb(gw.proc.pid)
            ok = peak <= 200
            print(f"RSS with {sites} sites and {jobs} stored jobs: {now:.0f} MB "
                  f"(peak {peak:.0f} MB); target <= 200 MB {'ok' if ok else 'MISSED'}")
            return [] if ok else ["RSS"]
        finally:
            gw.stop()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    p.add_argument("--rss", action="store_true", help="also the 10,000-site, 1M-job memory run")
    p.add_argument("--rss-only", action="store_true", help="only the memory run")
    p.add_argument("--build", default=os.path.join(ROOT, "build", "release"))
    p.add_argument("--case", action="append", default=[],
                   help="only the calls whose name contains this text (repeatable)")
    args = p.parse_args()
    missed = [] if args.rss_only else throughput(args, args.build)
    if args.rss or args.rss_only:
        missed += memory(args, args.build)
    if missed:
        print("missed: " + ", ".join(missed))
        sys.exit(1)


if __name__ == "__main__":
    main()
