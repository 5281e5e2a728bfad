#!/bin/sh
# verdicts.sh -- how well wirecheck's verdicts match the truth: every program of tests/faulty/
# (each with one known defect, or independently written and correct) against its suite at
# every level. Prints, per program, whether the defect was detected (the run fails), whether
# it was attributed to the requirement of that defect, what else fails, and the warnings;
# then the totals, with false alarms (a correct program failing). Figures, not a gate: the
# ctests faulty.* and faulty.correct assert the same things case by case.
# usage: bench/verdicts.sh [BUILD-DIR] [TIMEOUT-SCALE]      (default build/dev, 2)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/dev}
scale=${2:-2}
W=$build/conformance/wirecheck
if [ ! -x "$W" ] || [ ! -x "$build/tests/faulty/correct-echo-epoll" ]; then
    echo "build first: cmake --workflow --preset dev ($W or the faulty programs missing)" >&2
    exit 2
fi
echo "verdicts: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), timeout scale $scale"
exec /usr/bin/python3 "$root/tests/faulty/verdicts.py" "$root/tests/faulty/verdicts.tsv" \
    --wirecheck "$W" --bin "$build/tests/faulty" --timeout-scale "$scale" --table
