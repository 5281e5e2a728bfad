#!/usr/bin/env bash
# wirecheck's main job: build, then run every conformance suite (all levels) against the
# bundled reference implementations and print the report. Exit 0 only if every suite passes.
#   usage: scripts/main.sh [wirecheck run options...]   e.g. --format tap, --level core
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup.sh
cmake --preset dev >/dev/null
cmake --build --preset dev >/dev/null
wc="$top/build/dev/conformance/wirecheck"
bin="$top/build/dev/src/programs"

status=0
run() {
  local suite=$1
  shift
  echo "=== wirecheck run $suite"
  "$wc" run "$suite" -j 2 "$@" || status=1
  echo
}
# Servers: each -j worker gets its own instance on a fresh loopback port ({addr}).
run tcp-echo --exec "$bin/echo-server --listen {addr}" "$@"
run tcp-echo-threaded --exec "$bin/echo-server-threaded --listen {addr}" "$@"
run udp-echo --exec "$bin/udp-echo-server --listen {addr}" "$@"
run sensor --exec "$bin/sensor-server --listen {addr}" "$@"
# Clients: the runner plays the server and runs the client once per case.
run tcp-echo-client --exec "$bin/echo-client --connect {addr} --timeout 300" "$@"
run udp-echo-client --exec "$bin/udp-echo-client --connect {addr} --timeout 300 --retries 2" "$@"
run sensor-client --exec "$bin/sensor-client --connect {addr} --timeout 300" "$@"
if [ $status = 0 ]; then
  echo "main.sh: every suite passed against the reference implementations"
else
  echo "main.sh: some suites failed (see the reports above)" >&2
fi
exit $status
