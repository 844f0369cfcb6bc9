#!/usr/bin/env python3
"""Data-plane benchmark of scripts/bench (issue 19): moves one large file (1 GiB; 256 MiB with
--quick) through the gateway and through a bare Beast file server (bench/data_baseline.cpp, a
Release build of the same toolchain) in the same run, and prints MB/s, the ratio to the
baseline and each target:

  upload, one PUT              gateway >= 70% of the baseline's PUT
  upload, tus PATCH pieces     gateway >= 70% of the baseline's PATCH pieces (8 MiB, as the CLI
                               sends them, each with its Upload-Checksum)
  download, one GET to disk    gateway >= 70% of the baseline's GET
  staging on the local site    the `staged` event's bytes and seconds >= 80% of cp's MB/s for
                               the same file on the same disk
  gateway RSS                  peak during the transfers <= idle + 50 MB

Fairness: the baseline fsyncs a PUT at its end and each PATCH piece at its end, as the gateway
does; it neither hashes nor records anything. The client is the same for both (raw HTTP/1.1
over loopback, sendfile for bodies, 1 MiB reads to a file for downloads, no fsync of its own)
and the pieces' checksums are computed before the clock starts, so the figures are the
servers'. Each transfer runs `--reps` times (2; 1 with --quick) and the best is kept. All files
(the source, both servers' data, downloads, cp's copy) live in one temporary directory, so on
one file system (set TMPDIR to move it).

Usage: bench/data_bench.py [--quick] [--build DIR] [--size-mib N] [--reps N]
Exits 1 when a target is missed.
"""
import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_bench import Gateway, free_port  # noqa: E402  (the same gateway runner)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIB = 1024 * 1024
PIECE = 8 * MIB  # tools/cli/transfer.cpp kPieceBytes
TARGET_HTTP = 0.70
TARGET_STAGING = 0.80
TARGET_RSS_MB = 50


# ---- a raw HTTP/1.1 client: fast enough not to be what is measured ----

class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        self.sock.close()

    def request(self, method, target, headers=None, src=None, offset=0, length=0, body=b"",
                sink=None):
        """Sends a request whose body is `body`, or `length` bytes of the open file `src` from
        `offset`; returns (status, headers, body). With `sink` (an open file) the response body
        is written there instead of returned."""
        hdrs = dict(headers or {})
        size = length if src is not None else len(body)
        if method in ("PUT", "PATCH", "POST") or size:
            hdrs["Content-Length"] = str(size)
        head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
        self.sock.sendall(head.encode() + (body if src is None else b""))
        if src is not None:
            sent = 0
            while sent < length:
                n = self.sock.sendfile(src, offset + sent, length - sent)
                if n == 0:
                    raise SystemExit("bench: the server closed the connection mid-body")
                sent += n
        return self._response(method, sink)

    def _response(self, method, sink):
        while b"\r\n\r\n" not in self.buf:
            more = self.sock.recv(65536)
            if not more:
                raise SystemExit("bench: the server closed the connection")
            self.buf += more
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        length = 0 if method == "HEAD" else int(headers.get("content-length", "0"))
        if sink is None:
            while len(self.buf) < length:
                more = self.sock.recv(1 << 20)
                if not more:
                    raise SystemExit("bench: a response body was cut short")
                self.buf += more
            body, self.buf = self.buf[:length], self.buf[length:]
            return status, headers, body
        got = len(self.buf)
        sink.write(self.buf)
        self.buf = b""
        chunk = bytearray(1 << 20)
        view = memoryview(chunk)
        while got < length:
            n = self.sock.recv_into(view, min(len(chunk), length - got))
            if n == 0:
                raise SystemExit("bench: a download was cut short")
            sink.write(view[:n])
            got += n
        return status, headers, b""


# ---- measuring ----

class RssSampler(threading.Thread):
    """Samples a process's VmRSS every 10 ms; peak() is the largest since reset()."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.stop = threading.Event()
        self.top = 0
        self.lock = threading.Lock()

    def rss_kb(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def run(self):
        while not self.stop.is_set():
            v = self.rss_kb()
            with self.lock:
                self.top = max(self.top, v)
            time.sleep(0.01)

    def reset(self):
        with self.lock:
            self.top = self.rss_kb()

    def peak_mb(self):
        with self.lock:
            return self.top / 1024


def best_of(reps, f):
    """Runs f() (which returns seconds) reps times; the shortest."""
    return min(f() for _ in range(reps))


def cpu_seconds(pid):
    """User + system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def best_of_with_cpu(reps, pid, f):
    """best_of, and the CPU seconds process `pid` spent on that fastest run."""
    runs = []
    for _ in range(reps):
        c0 = cpu_seconds(pid)
        took = f()
        runs.append((took, cpu_seconds(pid) - c0))
    return min(runs)


def make_source(path, size):
    """A file of `size` random bytes; returns its SHA-256 (hex) and its pieces' (base64)."""
    whole = hashlib.sha256()
    pieces = []
    with open(path, "wb") as f:
        left = size
        while left:
            b = os.urandom(min(PIECE, left))
            f.write(b)
            whole.update(b)
            pieces.append(base64.b64encode(hashlib.sha256(b).digest()).decode())
            left -= len(b)
    return whole.hexdigest(), pieces


def timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(8 * MIB):
            h.update(chunk)
    return h.hexdigest()


class Run:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.size = args.size_mib * MIB
        self.src_path = os.path.join(tmp, "source.bin")
        self.src = None
        self.sha = None
        self.pieces = None

    def put(self, port, target, headers):
        c = Conn(port)
        t0 = time.perf_counter()
        status, h, body = c.request("PUT", target, headers, src=self.src, length=self.size)
        took = time.perf_counter() - t0
        c.close()
        if status not in (200, 201):
            raise SystemExit(f"bench: PUT {target} answered {status}: {body[:300]!r}")
        return took, body

    def patches(self, port, first, target, headers):
        """`first` (a callable on a connection) starts the upload and returns its target, or
        None to use `target`; then the file goes in PIECE-byte PATCHes with checksums."""
        c = Conn(port)
        t0 = time.perf_counter()
        loc = first(c) if first else target
        offset = 0
        for i, sum64 in enumerate(self.pieces):
            n = min(PIECE, self.size - offset)
            hdrs = dict(headers)
            hdrs.update({"Upload-Offset": str(offset), "Upload-Checksum": "sha256 " + sum64,
                         "Content-Type": "application/offset+octet-stream"})
            status, h, body = c.request("PATCH", loc, hdrs, src=self.src, offset=offset, length=n)
            if status != 204:
                raise SystemExit(f"bench: PATCH piece {i} answered {status}: {body[:300]!r}")
            offset += n
        took = time.perf_counter() - t0
        c.close()
        return took

    def get(self, port, target, headers, out):
        c = Conn(port)
        with open(out, "wb") as sink:
            t0 = time.perf_counter()
            status, h, body = c.request("GET", target, headers, sink=sink)
            took = time.perf_counter() - t0
        c.close()
        if status != 200 or os.path.getsize(out) != self.size:
            raise SystemExit(f"bench: GET {target} answered {status} with "
                             f"{os.path.getsize(out)} bytes")
        return took


def api(gw, key, method, path, body=None):
    req = urllib.request.Request(gw.url + path, method=method)
    req.add_header("Authorization", "Bearer " + key)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, data=data, timeout=60) as r:
        return json.loads(r.read() or b"null")


def verdict(ratio, target):
    ok = ratio >= target
    return ok, f">= {target:.0%} {'ok' if ok else 'MISSED'}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true", help="256 MiB, one repetition")
    p.add_argument("--build", default=os.path.join(ROOT, "build", "release"))
    p.add_argument("--size-mib", type=int, default=None)
    p.add_argument("--reps", type=int, default=None)
    args = p.parse_args()
    if args.size_mib is None:
        args.size_mib = 256 if args.quick else 1024
    if args.reps is None:
        args.reps = 1 if args.quick else 2
    missed = []
    with tempfile.TemporaryDirectory(prefix="suanwang-data-bench-") as tmp:
        run = Run(args, tmp)
        t0 = time.time()
        run.sha, run.pieces = make_source(run.src_path, run.size)
        run.src = open(run.src_path, "rb")
        mb = run.size / 1e6
        print(f"load average before the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        fstype = subprocess.run(["df", "--output=fstype", tmp], capture_output=True,
                                text=True).stdout.split()[-1]
        print(f"{args.size_mib} MiB of random bytes ({time.time() - t0:.1f}s to make); "
              f"best of {args.reps}; all files under {tmp} ({fstype})")

        gw_data = os.path.join(tmp, "gateway")
        base_data = os.path.join(tmp, "baseline")
        os.makedirs(gw_data)
        os.makedirs(base_data)
        gw = Gateway(os.path.join(args.build, "suanwang"), gw_data,
                     {"storage_quota_bytes": 8 * run.size * (args.reps + 2),
                      "read_timeout_ms": 60000, "write_timeout_ms": 60000})
        base_port = free_port()
        base = subprocess.Popen([os.path.join(args.build, "data_baseline"), str(base_port),
                                 base_data, "2"])
        rss = RssSampler(gw.proc.pid)
        try:
            with open(os.path.join(gw_data, "demo-keys.json")) as f:
                key = json.load(f)["demo-user"]["api_key"]
            auth = {"Authorization": "Bearer " + key}
            deadline = time.time() + 60
            while True:
                sites = api(gw, key, "GET", "/api/v1/sites?page_size=100")["items"]
                local = [s["id"] for s in sites if s.get("adapter", {}).get("type") == "local"]
                if local or time.time() > deadline:
                    break
                time.sleep(0.2)
            if not local:
                raise SystemExit("bench: the demo federation has no local site")
            ds_put = api(gw, key, "POST", "/api/v1/datasets", {"name": "bench-put"})["id"]
            ds_tus = api(gw, key, "POST", "/api/v1/datasets", {"name": "bench-tus"})["id"]
            time.sleep(1)  # let start-up work settle before the idle figure
            rss.start()
            idle = rss.rss_kb() / 1024
            rss.reset()
            print(f"gateway idle RSS: {idle:.0f} MB")
            print(f"{'transfer':34} {'gateway MB/s':>12} {'base MB/s':>10} {'ratio':>6}  target"
                  f"  (CPU s of each server per GiB)")

            def report(name, g_run, b_run, target):
                (g_s, g_cpu), (b_s, b_cpu) = g_run, b_run
                g, b = mb / g_s, mb / b_s
                ok, text = verdict(g / b, target)
                if not ok:
                    missed.append(name)
                gib = run.size / 2**30
                print(f"{name:34} {g:12.0f} {b:10.0f} {g / b:6.0%}  {text}  "
                      f"(gateway {g_cpu / gib:.2f}, baseline {b_cpu / gib:.2f})", flush=True)

            # One PUT.
            def fresh(name):
                """The baseline writes a new file each time, as the gateway does."""
                path = os.path.join(base_data, name)
                if os.path.exists(path):
                    os.remove(path)
                return "/" + name

            b_put = best_of_with_cpu(args.reps, base.pid,
                                     lambda: run.put(base_port, fresh("put.bin"), {})[0])
            answers = []

            def gw_put():
                took, body = run.put(gw.port, f"/api/v1/datasets/{ds_put}/files/big.bin", auth)
                answers.append(json.loads(body))
                return took

            g_put = best_of_with_cpu(args.reps, gw.proc.pid, gw_put)
            if answers[-1].get("sha256") != run.sha:
                raise SystemExit(f"bench: the gateway recorded {answers[-1]} for a file of "
                                 f"SHA-256 {run.sha}")
            report("upload, one PUT", g_put, b_put, TARGET_HTTP)

            # tus: creation, then 8 MiB PATCHes with checksums.
            b_tus = best_of_with_cpu(args.reps, base.pid,
                                     lambda: run.patches(base_port, None, fresh("tus.bin"), {}))
            meta = "path " + base64.b64encode(b"big.bin").decode()
            tus_head = dict(auth, **{"Tus-Resumable": "1.0.0"})

            def create(c):
                status, h, body = c.request("POST", f"/api/v1/datasets/{ds_tus}/uploads", dict(
                    tus_head, **{"Upload-Length": str(run.size), "Upload-Metadata": meta}))
                if status != 201:
                    raise SystemExit(f"bench: tus creation answered {status}: {body[:300]!r}")
                return h["location"]

            def gw_tus():
                took = run.patches(gw.port, create, None, tus_head)
                files = api(gw, key, "GET", f"/api/v1/datasets/{ds_tus}/files")["items"]
                if files[0]["sha256"] != run.sha:
                    raise SystemExit(f"bench: the tus upload was recorded as {files[0]}")
                return took

            g_tus = best_of_with_cpu(args.reps, gw.proc.pid, gw_tus)
            report(f"upload, tus PATCH {PIECE // MIB} MiB pieces", g_tus, b_tus, TARGET_HTTP)

            # One GET, streamed to a file.
            out = os.path.join(tmp, "download.bin")
            b_get = best_of_with_cpu(args.reps, base.pid,
                                     lambda: run.get(base_port, "/put.bin", {}, out))
            g_get = best_of_with_cpu(args.reps, gw.proc.pid, lambda: run.get(
                gw.port, f"/api/v1/datasets/{ds_put}/files/big.bin", auth, out))
            if sha256_file(out) != run.sha:
                raise SystemExit("bench: the gateway's download differs from the source")
            os.remove(out)
            report("download, one GET to disk", g_get, b_get, TARGET_HTTP)
            http_peak = rss.peak_mb()

            # Staging on the local site against cp of the same file on the same disk.
            api(gw, key, "POST", f"/api/v1/datasets/{ds_put}/seal", {})
            blob = os.path.join(gw_data, "blobs", "sha256", run.sha[:2], run.sha)
            copy = os.path.join(tmp, "cp-copy.bin")

            def cp():
                if os.path.exists(copy):
                    os.remove(copy)
                t = time.perf_counter()
                subprocess.run(["cp", blob, copy], check=True)
                return time.perf_counter() - t

            cp_s = best_of(args.reps, cp)
            os.remove(copy)
            # The ceiling of any copy that checks SHA-256 on one thread: hashing alone.
            sha_s = best_of(args.reps, lambda: timed(lambda: sha256_file(blob)))
            stage_rates = []
            for _ in range(args.reps):
                job = api(gw, key, "POST", "/api/v1/jobs", {
                    "name": "bench-staging", "command": "test -s data/big.bin",
                    "resources": {"cpus": 1, "memory_gb": 0.1, "walltime_s": 600},
                    "inputs": [{"dataset": ds_put, "path": "data/"}],
                    "constraints": {"sites": local}})
                deadline = time.time() + 600
                while True:
                    state = api(gw, key, "GET", "/api/v1/jobs/" + job["id"])["state"]
                    if state in ("succeeded", "failed", "canceled"):
                        break
                    if time.time() > deadline:
                        raise SystemExit(f"bench: staging job {job['id']} is stuck in {state}")
                    time.sleep(0.1)
                events = api(gw, key, "GET", f"/api/v1/jobs/{job['id']}/events")["items"]
                staged = [e["reason"] for e in events if e["type"] == "staged"]
                m = re.search(r"(\d+) files?, ([\d.]+) MB in ([\d.]+) s",
                              staged[0] if staged else "")
                if state != "succeeded" or not m or float(m.group(3)) <= 0:
                    raise SystemExit(f"bench: staging job {job['id']} ended {state}: "
                                     f"{[e['reason'] for e in events]}")
                stage_rates.append((float(m.group(2)) / float(m.group(3)), staged[0]))
                # The finished job's copy stays in its directory: removed, to spare the disk.
                subprocess.run(["find", os.path.join(gw_data, "sites"), "-name", "big.bin",
                                "-delete"], check=True)
            rate, reason = max(stage_rates)
            cp_rate = mb / cp_s
            ok, text = verdict(rate / cp_rate, TARGET_STAGING)
            if not ok:
                missed.append("staging")
            print(f"{'staging on the local site':34} {rate:12.0f} {cp_rate:10.0f} "
                  f"{rate / cp_rate:6.0%}  {text} (baseline: cp; event: \"{reason}\")")
            print(f"  (SHA-256 of the file alone, one thread: {mb / sha_s:.0f} MB/s, "
                  f"{mb / sha_s / cp_rate:.0%} of cp: the most a checked copy can reach)")

            peak = rss.peak_mb()
            ok = peak - idle <= TARGET_RSS_MB
            if not ok:
                missed.append("RSS")
            print(f"gateway RSS: idle {idle:.0f} MB, peak {http_peak:.0f} MB during the HTTP "
                  f"transfers, {peak:.0f} MB with staging: +{peak - idle:.0f} MB; target "
                  f"<= +{TARGET_RSS_MB} MB {'ok' if ok else 'MISSED'}")
        finally:
            rss.stop.set()
            base.terminate()
            base.wait()
            gw.stop()
            run.src.close()
    if missed:
        print("missed: " + ", ".join(missed))
        sys.exit(1)


if __name__ == "__main__":
    main()
