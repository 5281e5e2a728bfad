#!/usr/bin/env bash
# SensorData decoding and sensor-server's line path, against their anchors built here:
#   - bare decode (sensor_decode) against serde_json::from_str::<SensorData> and a cJSON decode
#     of the same records, on 1M chapter-shaped records and on ~64 KiB lines;
#   - sensor-server's line path (16 KiB reads, framing, one lossy UTF-8 conversion, decode,
#     ACK; then also its two log lines) against the chapter's server path
#     (String::from_utf8_lossy + trim + serde_json::from_str + format!, then its println!
#     texts), both writing into memory.
# Runs interleaved, ROUNDS times (median of each), and prints the figures and the ratios.
# Each program times its own passes in CPU time (/proc/self/schedstat), so that a machine
# busy with other work slows the figures less than the wall clock would.
#   usage: bench/decode.sh [ROUNDS]          (default 5, at least 3)
# The serde_json anchor (bench/decode/serde) is built with cargo --offline against Debian's
# serde crates (librust-serde-dev, librust-serde-derive-dev, librust-serde-json-dev); without
# cargo or those crates it is skipped with a message. Needs gcc, libcjson-dev, python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
case "$rounds" in '' | *[!0-9]*) echo "ROUNDS must be a whole number" >&2; exit 2 ;; esac
[ "$rounds" -ge 3 ] || { echo "ROUNDS must be at least 3" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

build=$root/build/dev
[ -f "$build/CMakeCache.txt" ] || cmake --preset dev -S "$root" >/dev/null
nice cmake --build "$build" --target wirecheck_core >/dev/null
gcc -O2 -std=c17 -D_GNU_SOURCE -I"$root/src/core" "$root/bench/decode/decode_bench.c" \
  "$build/src/libwirecheck_core.a" -lcjson -lm -o "$tmp/decode_bench"

rust=""
export PATH="$HOME/.cargo/bin:/root/.cargo/bin:$PATH"
missing=$(for p in librust-serde-dev librust-serde-derive-dev librust-serde-json-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if ! command -v cargo >/dev/null; then
  echo "SKIP serde_json anchor: no cargo (Rust toolchain) on this machine"
elif [ -n "$missing" ]; then
  echo "SKIP serde_json anchor: Debian packages missing:" $missing
else
  cp -r "$root/bench/decode/serde" "$tmp/serde"
  (cd "$tmp/serde" && nice cargo build --offline --release --quiet --target-dir "$tmp/target")
  rust=$tmp/target/release/decode_anchor
fi

# Corpora from fixed seeds: the same bytes on every run.
python3 "$root/bench/decode/gen.py" records 1000000 14 >"$tmp/records.txt"
python3 "$root/bench/decode/gen.py" big 400 14 >"$tmp/big.txt"

# name  program  mode  corpus  passes
runs=(
  "wc.decode.rec     $tmp/decode_bench decode       records 1"
  "cjson.decode.rec  $tmp/decode_bench cjson        records 1"
  "wc.decode.big     $tmp/decode_bench decode       big     8"
  "cjson.decode.big  $tmp/decode_bench cjson        big     8"
  "wc.line.rec       $tmp/decode_bench linepath     records 1"
  "wc.linelog.rec    $tmp/decode_bench linepath-log records 1"
)
if [ -n "$rust" ]; then
  runs+=(
    "serde.decode.rec  $rust decode       records 1"
    "serde.decode.big  $rust decode       big     8"
    "rust.line.rec     $rust linepath     records 1"
    "rust.linelog.rec  $rust linepath-log records 1"
  )
fi
: >"$tmp/results"
for r in $(seq "$rounds"); do
  for spec in "${runs[@]}"; do
    read -r name prog mode corpus passes <<<"$spec"
    echo "$name $("$prog" "$mode" "$tmp/$corpus.txt" "$passes" 2>/dev/null)" >>"$tmp/results"
  done
done

echo "load: $(uptime | sed 's/.*load average/load average/')"
python3 - "$tmp/results" "$rounds" <<'PY'
import statistics
import sys

rows = {}
for line in open(sys.argv[1]):
    name, lines, nbytes, secs = line.split()
    rows.setdefault(name, []).append((int(lines) / float(secs), int(nbytes) / float(secs)))

def med(name):
    if name not in rows:
        return None
    return (statistics.median(r[0] for r in rows[name]), statistics.median(r[1] for r in rows[name]))

def fig(m):
    if not m:
        return "(skipped)"
    rate = "%6.2f M msg/s" % (m[0] / 1e6) if m[0] >= 1e5 else "%6.1f k msg/s" % (m[0] / 1e3)
    return "%s %7.0f MB/s" % (rate, m[1] / 1e6)

print("medians of %s interleaved rounds, CPU time" % sys.argv[2])
print("%-40s %-28s %-28s %s" % ("what", "wirecheck", "anchor", "ratio"))
table = [
    ("decode, 1M records", "wc.decode.rec", "serde.decode.rec", "serde_json"),
    ("", "wc.decode.rec", "cjson.decode.rec", "cJSON"),
    ("decode, 64 KiB lines", "wc.decode.big", "serde.decode.big", "serde_json"),
    ("", "wc.decode.big", "cjson.decode.big", "cJSON"),
    ("line path, 1M records", "wc.line.rec", "rust.line.rec", "chapter's Rust"),
    ("line path with the log lines", "wc.linelog.rec", "rust.linelog.rec", "chapter's Rust"),
]
for what, ours, theirs, label in table:
    a, b = med(ours), med(theirs)
    ratio = "%.2fx %s" % (a[0] / b[0], label) if a and b else "(no %s)" % label
    print("%-40s %-28s %-28s %s" % (what, fig(a) if what else "", fig(b), ratio))
PY
