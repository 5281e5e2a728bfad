#!/usr/bin/env bash
# wirecheck's main job: build the reference programs, start each reference server on an
# ephemeral loopback port and drive it with its reference client, showing both sides.
#   usage: scripts/main.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup.sh
cmake --preset dev >/dev/null
cmake --build --preset dev >/dev/null
bin="$top/build/dev/src/programs"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Starts a server on port 0; sets $addr from its "listening on" line.
start() {
  local name=$1 log="$work/$1.log"
  "$bin/$name" --listen 127.0.0.1:0 >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 200); do
    if [ -s "$log" ] && head -n 1 "$log" | grep -q 'listening on'; then
      addr=$(head -n 1 "$log" | awk '{print $NF}')
      return 0
    fi
    sleep 0.02
  done
  echo "main.sh: $name did not start" >&2
  return 1
}

status=0
for pair in "echo-server echo-client" "echo-server-threaded echo-client" \
            "udp-echo-server udp-echo-client" "sensor-server sensor-client"; do
  set -- $pair
  start "$1"
  echo "=== $2 -> $1 ($addr) ==="
  echo "--- client output"
  "$bin/$2" --connect "$addr" || status=1
  sleep 0.2
  echo "--- server log"
  cat "$work/$1.log"
  echo
done
exit $status
