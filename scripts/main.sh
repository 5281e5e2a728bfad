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
# Each suite against its reference program, as conformance/suites.tsv says. Servers: each -j
# worker gets its own instance on a fresh loopback port ({addr}); clients: the runner plays the
# server and runs the client once per case.
while IFS=$'\t' read -r suite prog args; do
  case $suite in ''|'#'*) continue ;; esac
  run "$suite" --exec "$bin/$prog $args" "$@" </dev/null
done < conformance/suites.tsv
if [ $status = 0 ]; then
  echo "main.sh: every suite passed against the reference implementations"
else
  echo "main.sh: some suites failed (see the reports above)" >&2
fi
exit $status
