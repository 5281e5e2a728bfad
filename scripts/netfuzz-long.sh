#!/usr/bin/env bash
# The long form of runner.netfuzz: `wirecheck fuzz --time 60 --seed 1` against every faulty
# program of tests/faulty that one exchange can catch (each must yield a confirmed case file
# that fails it and passes the reference) and 120 s against each reference program (nothing
# may be found). About 35 minutes. Open-ended, so never part of scripts/test.sh.
#   usage: scripts/netfuzz-long.sh [BUILD-DIR]      (default build/dev, built first)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build/dev}
[ -x "$build/conformance/wirecheck" ] || { cmake --preset dev && cmake --build --preset dev; }
exec /usr/bin/python3 "$top/tests/e2e_runner/netfuzz.py" --long \
    --wirecheck "$build/conformance/wirecheck" --programs "$build/src/programs" \
    --faulty "$build/tests/faulty" --conformance "$top/conformance"
