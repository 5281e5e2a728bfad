#!/bin/sh
# servers.sh -- the reference TCP servers under load, against a textbook single-thread C epoll
# echo server (bench/servers/anchor_echo.c) measured in the same run, rounds interleaved:
#   ping-pong   1,000 connections each sending a 64-byte line and waiting for its reply, 2 s
#   idle        5,000 connections opened at once: time until all connected, listen overflows
#               (TcpExt ListenOverflows), server RSS growth per connection, a fresh client served
#   nonreading  300 clients that each send 256 KiB and never read their echo, then a fresh client
# Runs in a network namespace of its own (unshare -rn; else 127.0.0.1 with a warning), so the
# ports are fixed and the overflow counter is only ours. Prints medians of ROUNDS and ratios.
#   usage: bench/servers.sh [BUILD-DIR] [ROUNDS]      (default build/dev, 3)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/dev}
rounds=${2:-3}
P=$build/src/programs
B=$build/bench/servers

if [ -z "${WC_SERVERS_BENCH_INSIDE:-}" ]; then
    nice cmake --build "$build" --target echo-server-threaded echo-server-epoll sensor-server \
        bench-anchor-echo bench-loadgen >/dev/null || { echo "build failed" >&2; exit 2; }
    if unshare -rn true 2>/dev/null; then
        WC_SERVERS_BENCH_INSIDE=netns exec unshare -rn "$0" "$@"
    fi
    echo "warning: no network namespace (unshare -rn failed): on 127.0.0.1, overflows are" \
         "the machine's" >&2
    WC_SERVERS_BENCH_INSIDE=loopback exec "$0" "$@"
fi
[ "$WC_SERVERS_BENCH_INSIDE" = netns ] && ip link set lo up
ulimit -n 19000 2>/dev/null || { echo "cannot raise the open-file limit to 19000" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
port=20000

ECHO_MSG=$(printf '%063d' 0 | tr 0 x)
SENSOR_MSG='{"device_id":"ESP32-001","temperature_c":21.5,"humidity_percent":60.2,"timestamp":1678886400}'

# name|command (PORT is replaced)|ping-pong message
servers="anchor|$B/bench-anchor-echo PORT|echo
epoll|$P/echo-server-epoll --quiet --listen 127.0.0.1:PORT|echo
epoll-1thread|$P/echo-server-epoll --quiet --threads 1 --listen 127.0.0.1:PORT|echo
threaded|$P/echo-server-threaded --quiet --listen 127.0.0.1:PORT|echo
threaded-6000|$P/echo-server-threaded --quiet --max-conns 6000 --listen 127.0.0.1:PORT|echo
sensor|$P/sensor-server --quiet --listen 127.0.0.1:PORT|sensor
sensor-events|$P/sensor-server --quiet --event-driven --listen 127.0.0.1:PORT|sensor"

spid=
start() { # start COMMAND: starts the server on a fresh port, waits for its listening line
    port=$((port + 1))
    scmd=$(printf '%s' "$1" | sed "s/PORT/$port/")
    rm -f "$tmp/out" # (the redirection happens in the child: an old file would be read first)
    # shellcheck disable=SC2086 # the command is words
    $scmd >"$tmp/out" 2>"$tmp/err" &
    spid=$!
    i=0
    until grep -q 'listening on' "$tmp/out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "server did not start: $scmd" >&2; cat "$tmp/err" >&2; exit 1; }
        sleep 0.05
    done
}
stop() {
    kill "$spid" 2>/dev/null
    wait "$spid" 2>/dev/null
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
overflows() {
    awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) n[$i] = i; h = 1 } else print $n["ListenOverflows"] }' \
        /proc/net/netstat
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "-") }'; }
record() { echo "$2" >>"$tmp/$1.vals"; } # record KEY VALUE

for r in $(seq "$rounds"); do
    echo "$servers" | while IFS='|' read -r name cmd kind; do
        msg=$ECHO_MSG
        [ "$kind" = sensor ] && msg=$SENSOR_MSG
        # ping-pong
        start "$cmd"
        rate=$("$B/bench-loadgen" pingpong "$port" 1000 2 "$msg" | sed -n 's/.*rate=//p')
        stop
        record "pp.$name" "${rate:-0}"
        # idle
        start "$cmd"
        rss0=$(rss_kb "$spid")
        ov0=$(overflows)
        rm -f "$tmp/hold"
        "$B/bench-loadgen" hold "$port" 5000 idle 2 >"$tmp/hold" &
        lpid=$!
        i=0
        until grep -q holding "$tmp/hold" 2>/dev/null || [ $i -gt 600 ]; do
            i=$((i + 1))
            sleep 0.05
        done
        sleep 0.3 # the last accepts' bookkeeping
        rss1=$(rss_kb "$spid")
        ov1=$(overflows)
        wait "$lpid"
        stop
        record "idle_ms.$name" "$(sed -n 's/^connected .*ms=//p' "$tmp/hold")"
        record "idle_ov.$name" "$((ov1 - ov0))"
        record "idle_b.$name" "$(((rss1 - rss0) * 1024 / 5000))"
        record "idle_fresh.$name" "$(sed -n 's/^fresh served=\([01]\).*/\1/p' "$tmp/hold")"
        # non-reading clients
        start "$cmd"
        "$B/bench-loadgen" hold "$port" 300 nonreading 0 >"$tmp/hold"
        stop
        record "nr_fresh.$name" "$(sed -n 's/^fresh served=\([01]\).*/\1/p' "$tmp/hold")"
        record "nr_ms.$name" "$(sed -n 's/^fresh served=1 ms=//p' "$tmp/hold")"
    done
done

get() { median <"$tmp/$1.vals"; }
anchor=$(get pp.anchor)
echo "servers bench: $rounds rounds interleaved, medians; $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)" \
     "($WC_SERVERS_BENCH_INSIDE)"
printf '%-14s %12s %9s | %8s %9s %9s %6s | %12s\n' server "ping-pong/s" "x anchor" \
    "5000 ms" overflows "B/conn" fresh "300 nonread"
echo "$servers" | while IFS='|' read -r name cmd kind; do
    pp=$(get "pp.$name")
    ratio=$(awk -v a="$pp" -v b="$anchor" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    fresh=$(get "idle_fresh.$name")
    nr=$(get "nr_fresh.$name")
    nrms=$(get "nr_ms.$name" 2>/dev/null)
    printf '%-14s %12s %9s | %8s %9s %9s %6s | %12s\n' "$name" "$pp" "$ratio" \
        "$(get "idle_ms.$name")" "$(get "idle_ov.$name")" "$(get "idle_b.$name")" \
        "$([ "$fresh" = 1 ] && echo yes || echo NO)" \
        "$([ "$nr" = 1 ] && echo "served ${nrms}ms" || echo NOT-SERVED)"
done
[ -n "$(echo "$servers" | grep sensor)" ] &&
    echo "(sensor rows: the ping-pong line is a SensorData record and its ACK; ratio vs the echo anchor)"
