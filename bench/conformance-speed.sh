#!/bin/sh
# conformance-speed.sh -- prints how long a full conformance run (every level) takes against
# the reference programs, per suite and in all, against the 3 s budget for the servers.
# usage: bench/conformance-speed.sh [BUILD-DIR] [JOBS]      (default build/dev, 2)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/dev}
jobs=${2:-2}
W=$build/conformance/wirecheck
P=$build/src/programs
if [ ! -x "$W" ] || [ ! -x "$P/echo-server" ]; then
    echo "build first: cmake --preset dev && cmake --build --preset dev ($W missing)" >&2
    exit 2
fi
now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
status=0
run() { # run SUITE 'COMMAND'
    t0=$(now)
    "$W" run "$1" --exec "$2" --level all -j "$jobs" --format json -o /dev/null
    rc=$?
    t1=$(now)
    [ $rc -eq 0 ] || status=1
    printf '  %-18s %6s s  %s\n' "$1" "$(sub "$t1" "$t0")" \
        "$([ $rc -eq 0 ] && echo pass || echo "FAIL (exit $rc)")"
}
echo "wirecheck full run, all levels, -j $jobs, $(nproc) CPUs:"
s0=$(now)
run tcp-echo "$P/echo-server --listen {addr}"
run tcp-echo-threaded "$P/echo-server-threaded --listen {addr}"
run udp-echo "$P/udp-echo-server --listen {addr}"
run sensor "$P/sensor-server --listen {addr}"
s1=$(now)
servers=$(sub "$s1" "$s0")
run tcp-echo-client "$P/echo-client --connect {addr} --timeout 300"
run udp-echo-client "$P/udp-echo-client --connect {addr} --timeout 300 --retries 2"
run sensor-client "$P/sensor-client --connect {addr} --timeout 300"
s2=$(now)
printf 'servers: %s s (budget 3 s, ratio %s); clients: %s s; total %s s\n' \
    "$servers" "$(awk -v a="$servers" 'BEGIN { printf "%.2f", a / 3 }')" "$(sub "$s2" "$s1")" \
    "$(sub "$s2" "$s0")"
exit $status
