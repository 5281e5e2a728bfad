#!/bin/sh
# conformance-speed.sh -- prints how long a full conformance run (every level) takes against
# the reference programs, per suite and in all, against the 3 s budget for the servers, and
# for the four server suites where the time goes: the JSON report's waits, summed per kind
# over the suite's cases (start/readiness, each kind of step, dying, liveness, settle, stop).
# usage: bench/conformance-speed.sh [BUILD-DIR] [JOBS] [LEVEL]   (default build/dev, 2, all)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/dev}
jobs=${2:-2}
level=${3:-all}
W=$build/conformance/wirecheck
P=$build/src/programs
if [ ! -x "$W" ] || [ ! -x "$P/echo-server" ]; then
    echo "build first: cmake --preset dev && cmake --build --preset dev ($W missing)" >&2
    exit 2
fi
now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { # run SUITE 'COMMAND'
    t0=$(now)
    "$W" run "$1" --exec "$2" --level "$level" -j "$jobs" --format json -o "$tmp/$1.json"
    rc=$?
    t1=$(now)
    [ $rc -eq 0 ] || status=1
    printf '  %-18s %6s s  %s\n' "$1" "$(sub "$t1" "$t0")" \
        "$([ $rc -eq 0 ] && echo pass || echo "FAIL (exit $rc)")"
}
# waits SUITE...: per suite, the waits of its cases summed by kind (ms of worker time: with
# -j 2 two workers wait at once, so the sum can exceed the wall time), the longest cases, and
# what the case durations hold beyond their steps' and the start's waits ("other").
waits() {
    /usr/bin/python3 - "$tmp" "$@" <<'PY'
import json, sys
tmp = sys.argv[1]
for suite in sys.argv[2:]:
    d = json.load(open(f"{tmp}/{suite}.json"))
    w = {k: v for k, v in d["waits"].items() if not isinstance(v, dict)}
    p = d["waits"].get("readiness_probes", {})
    cases = d["cases"]
    inside = ["start", "connect", "send", "expect", "silence", "sleep", "output", "parallel", "dying", "liveness"]
    dur = sum(c["duration_ms"] for c in cases)
    hostile_liveness = 0.0
    steps = sum(c["waits"][k] for c in cases for k in inside if k not in ("liveness",))
    print(f"  {suite}: wall {d['wall_ms']:.0f} ms, {len(cases)} cases, case time {dur:.0f} ms "
          f"(other {dur - steps:.0f} ms); readiness probes {p.get('sent', 0)} "
          f"({p.get('refused', 0)} refused at once, {p.get('unanswered', 0)} unanswered)")
    print("    " + ", ".join(f"{k} {v:.0f}" for k, v in w.items() if v >= 0.5) + " (ms)")
    top = sorted(cases, key=lambda c: -c["duration_ms"])[:3]
    print("    longest: " + "; ".join(
        f"{c['id']} {c['duration_ms']:.0f} ms (" +
        ", ".join(f"{k} {v:.0f}" for k, v in c["waits"].items() if v >= 1) + ")" for c in top))
PY
}
echo "wirecheck run, level $level, -j $jobs, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg):"
s0=$(now)
run tcp-echo "$P/echo-server --listen {addr}"
run tcp-echo-threaded "$P/echo-server-threaded --listen {addr}"
run udp-echo "$P/udp-echo-server --listen {addr}"
run sensor "$P/sensor-server --listen {addr}"
s1=$(now)
servers=$(sub "$s1" "$s0")
echo "where the server suites' time goes (ms, summed over workers):"
waits tcp-echo tcp-echo-threaded udp-echo sensor
run tcp-echo-client "$P/echo-client --connect {addr} --timeout 300"
run udp-echo-client "$P/udp-echo-client --connect {addr} --timeout 300 --retries 2"
run sensor-client "$P/sensor-client --connect {addr} --timeout 300"
s2=$(now)
printf 'servers: %s s (budget 3 s, ratio %s; #14: under 0.7 s); clients: %s s; total %s s\n' \
    "$servers" "$(awk -v a="$servers" 'BEGIN { printf "%.2f", a / 3 }')" "$(sub "$s2" "$s1")" \
    "$(sub "$s2" "$s0")"
exit $status
