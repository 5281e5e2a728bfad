#!/bin/sh
# grade.sh -- how fast `wirecheck grade` grades a class, and what -j buys: the class of
# runner.grade (13 submissions of the reference and faulty programs, one build that hangs for
# its 15 s), graded from scratch with -j 1 and then -j 2 in the same run. Prints the wall time,
# submissions per minute and the speed-up of -j 2 over -j 1 (the baseline). Figures, not a gate.
# usage: bench/grade.sh [BUILD-DIR]        (default build/dev; needs root for the sandbox)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/dev}
W=$build/conformance/wirecheck
if [ ! -x "$W" ] || [ ! -x "$build/tests/faulty/faulty-echo-serial" ]; then
    echo "build first: cmake --workflow --preset dev ($W or the faulty programs missing)" >&2
    exit 2
fi
echo "grade: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
exec /usr/bin/python3 "$root/bench/grade.py" --wirecheck "$W" --programs "$build/src/programs" \
    --faulty "$build/tests/faulty" --conformance "$root/conformance"
