#!/usr/bin/env bash
# The README's five-minute start, pasted into fresh shells as a new user would (issue 22):
# the block marked "quickstart: terminal 1" runs in one shell, in the background; once the
# gateway's last line says what to do next, every block marked "quickstart: terminal 2" runs,
# in README order, in a second shell with a clean environment. A line that fails fails the
# test (bash -e), and so does a sorted file that does not come back sorted.
#
# Two things differ from a user's machine, and only these: the shells run in new user,
# network and PID namespaces (unshare), so port 8080 is free whatever else this machine runs
# and nothing outlives the test; and the scratch directory they run in looks like a checkout
# whose build/release/suanwang is the binary under test, with SUANWANG_PREBUILT telling
# scripts/run to start it rather than build one (CI does not build twice).
#
# Usage: tests/quickstart/quickstart_test.sh BINARY
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 BINARY" >&2; exit 2; }
bin=$(realpath "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/suanwang-quickstart.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The fenced sh blocks after each marker: terminal 1's, and terminal 2's one after another
# (one shell, as a user types them into one terminal: what one block exports, the next uses).
mkdir -p "$work/blocks"
awk -v dir="$work/blocks" '
  /<!-- quickstart: terminal [12] -->/ { term = $4; want = 1; next }
  want && /^```sh/ { file = sprintf("%s/terminal-%s.sh", dir, term); inblock = 1; want = 0; next }
  inblock && /^```/ { inblock = 0; next }
  inblock { print >> file }
' "$src/README.md"
for t in 1 2; do
  [ -s "$work/blocks/terminal-$t.sh" ] ||
    { echo "no 'quickstart: terminal $t' block in README.md" >&2; exit 1; }
done

# A checkout as a user has it after scripts/run: the scripts, the portal, the examples, and
# the binary where the build puts it.
mkdir -p "$work/tree/build/release" "$work/home"
for d in scripts web etc; do ln -s "$src/$d" "$work/tree/$d"; done
ln -s "$bin" "$work/tree/build/release/suanwang"

cat > "$work/run-all.sh" <<'INNER'
set -euo pipefail
work=$1
ip link set lo up
cd "$work/tree"
clean_env=(env -i HOME="$work/home" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 TERM=dumb
           USER="${USER:-user}" TMPDIR="${TMPDIR:-/tmp}")
server_log="$work/terminal-1.log"
echo "--- terminal 1: $(tr '\n' ';' < "$work/blocks/terminal-1.sh")"
"${clean_env[@]}" SUANWANG_PREBUILT="$work/tree/build/release/suanwang" \
  bash --noprofile --norc -e "$work/blocks/terminal-1.sh" > "$server_log" 2>&1 &
for _ in $(seq 1 300); do
  grep -q "^Next: open http://127.0.0.1:8080" "$server_log" 2>/dev/null && break
  sleep 0.2
done
if ! grep -q "^Next: open http://127.0.0.1:8080" "$server_log"; then
  echo "the gateway did not say it was up within 60 s; terminal 1 shows:" >&2
  cat "$server_log" >&2
  exit 1
fi
# What the banner tells the user to open: the portal.
python3 - <<'PY'
import urllib.request
page = urllib.request.urlopen("http://127.0.0.1:8080/", timeout=10).read().decode()
assert "<html" in page.lower(), "the portal's page is not HTML"
PY
echo "--- terminal 2"
if ! "${clean_env[@]}" bash --noprofile --norc -e -x "$work/blocks/terminal-2.sh" 2>&1; then
  echo "FAILED: a line of terminal 2 failed (the last '+' line above)" >&2
  echo "--- terminal 1 (the gateway) said:" >&2
  tail -20 "$server_log" >&2
  exit 1
fi
# The data came back whole and sorted: the job really ran on the uploaded file.
if ! seq 1000 | cmp -s - results/sorted.txt; then
  echo "results/sorted.txt is not the numbers 1..1000 in order" >&2
  exit 1
fi
# Ctrl-C in terminal 1: the gateway stops cleanly.
pkill -INT -f "build/release/suanwang serve" || true
for _ in $(seq 1 100); do pgrep -f "build/release/suanwang serve" >/dev/null || break; sleep 0.1; done
if pgrep -f "build/release/suanwang serve" >/dev/null; then
  echo "the gateway did not stop within 10 s of SIGINT" >&2
  exit 1
fi
echo "quickstart: every line of the README's five-minute start worked"
INNER

unshare --user --map-root-user --net --pid --fork --mount-proc bash "$work/run-all.sh" "$work"
