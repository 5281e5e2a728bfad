#!/bin/sh
# netfuzz.sh -- exchanges per second of `wirecheck fuzz` against the reference servers (target
# = reference, so nothing is found and every exchange is played to its end), with -j 1 and -j 2,
# beside a plain replay of the same suite's cases (`wirecheck run`, cases per second) measured
# in the same run. Medians of 3, interleaved. Goal (issue #13): 1,000 exchanges/s for sensor.
# usage: bench/netfuzz.sh [BUILD-DIR] [RUNS]       (default build/dev, 2000)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/dev}
runs=${2:-2000}
W=$build/conformance/wirecheck
P=$build/src/programs
if [ ! -x "$W" ] || [ ! -x "$P/sensor-server" ]; then
    echo "build first: cmake --preset dev && cmake --build --preset dev ($W missing)" >&2
    exit 2
fi
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
now() { date +%s.%N; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

fuzz_rate() { # fuzz_rate SUITE CMD JOBS -> exchanges/s
    "$W" --conformance "$root/conformance" fuzz "$1" --exec "$2" --runs "$runs" --seed 1 \
        -j "$3" --findings "$tmp/f" --format json 2>/dev/null |
        $py -c 'import json, sys; d = json.load(sys.stdin); print("%.1f" % d["exchanges_per_s"] if not d["findings"] else "FOUND")'
}
replay_rate() { # replay_rate SUITE CMD -> cases/s of wirecheck run -j 1
    t0=$(now)
    "$W" --conformance "$root/conformance" run "$1" --exec "$2" -j 1 --format json \
        -o "$tmp/r.json" >/dev/null 2>&1
    t1=$(now)
    $py -c 'import json, sys; d = json.load(open(sys.argv[1])); print("%.1f" % (len(d["cases"]) / (float(sys.argv[3]) - float(sys.argv[2]))))' \
        "$tmp/r.json" "$t0" "$t1"
}

echo "wirecheck fuzz against the reference (target = reference), $runs exchanges per run,"
echo "medians of 3, $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '  %-10s %12s %12s %14s %10s\n' suite "-j 1 ex/s" "-j 2 ex/s" "replay cases/s" "-j1/replay"
status=0
for suite in sensor tcp-echo udp-echo; do
    case $suite in
    sensor) cmd="$P/sensor-server --listen {addr} --quiet" ;;
    tcp-echo) cmd="$P/echo-server --listen {addr} --quiet" ;;
    udp-echo) cmd="$P/udp-echo-server --listen {addr} --quiet" ;;
    esac
    j1="" j2="" rp=""
    for i in 1 2 3; do
        j1="$j1 $(fuzz_rate $suite "$cmd" 1)"
        j2="$j2 $(fuzz_rate $suite "$cmd" 2)"
        rp="$rp $(replay_rate $suite "$cmd")"
    done
    case "$j1$j2" in *FOUND*) echo "  $suite: the reference differs from itself" >&2; status=1 ;; esac
    m1=$(echo "$j1" | median) m2=$(echo "$j2" | median) mr=$(echo "$rp" | median)
    printf '  %-10s %12s %12s %14s %9sx\n' "$suite" "$m1" "$m2" "$mr" \
        "$(awk -v a="$m1" -v b="$mr" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')"
    [ "$suite" = sensor ] && goal=$m1
done
echo "sensor -j 1: $goal exchanges/s against the goal of 1000 ($(awk -v a="$goal" 'BEGIN { printf "%.2f", a / 1000 }')x)"
exit $status
