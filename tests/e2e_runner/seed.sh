#!/bin/sh
# seed.sh -- runs a suite against one of the seed's programs at every level. Without a
# baseline every case must pass; with one, exactly the listed cases (the seed's known
# defects, all robust except a serial server's THR cases) may fail. Exits 77 (skip) when the
# seed programs are not built.
# usage: seed.sh WIRECHECK SUITE PROGRAM BASELINE|- SCALE
set -u
wirecheck=$1 suite=$2 prog=$3 baseline=$4 scale=$5
here=$(cd "$(dirname "$0")/../.." && pwd)
# The test command builds the seed into <repo>/build/seed-programs/bin (and exports
# WIRECHECK_SEED_BIN); /tmp/seed-programs/bin is the older location.
default_bin=$here/build/seed-programs/bin
[ -d "$default_bin" ] || default_bin=/tmp/seed-programs/bin
bin=${WIRECHECK_SEED_BIN:-$default_bin}
if [ ! -x "$bin/$prog" ]; then
    echo "SKIP: $bin/$prog is not built (set WIRECHECK_SEED_BIN; see ../shared/seed-programs)"
    exit 77
fi
set -- run "$suite" --exec "$bin/$prog" --level all --timeout-scale "$scale" --color never
if [ "$baseline" != - ]; then
    set -- "$@" --baseline "$here/conformance/baselines/$baseline"
fi
exec "$wirecheck" "$@"
