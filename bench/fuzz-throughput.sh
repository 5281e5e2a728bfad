#!/usr/bin/env bash
# Prints libFuzzer's executions per second for each parser harness and for the anchor, a bare
# cJSON_ParseWithLength harness (bench/fuzz-anchor-cjson.c) built in the same fuzz preset with
# the same flags (libFuzzer, ASan+UBSan, the same instrumented cJSON), and each harness's ratio
# to the anchor. Goal (#14): every ratio >= 0.9.
#   usage: bench/fuzz-throughput.sh [SECONDS] [ROUNDS]     (per run, default 5; default 3)
# Each harness runs beside the anchor on the same corpus, the harness's shipped one
# (corpus/<harness>), with the same libFuzzer flags and dictionary (the harness's), for SECONDS
# each, -seed=ROUND, new inputs into a scratch directory. Rounds are interleaved (every
# program once, then the next round) so that a change in the machine's load hits all of them
# alike; each figure is the median of the rounds, exec/s being executed units over the run's
# CPU time, user + system (startup and the corpus replay included, as in libFuzzer's own
# average): on a machine other work loads, wall time measures the load more than the harness.
# WIRECHECK_FUZZ_WALL=1 divides by wall time instead.
# Beside each harness runs its bare core (bench/fuzz-bare-core.c: the same input format, one
# pass of the core, nothing checked) on the same corpus: "harness/core" is the share of the
# core's own speed the harness keeps, "core/anchor" what the core under instrumentation allows.
# "edges/features" is the harness's coverage at the end of its median run (libFuzzer's cov and
# ft), so that a change of speed can be weighed against what the runs reached.
# WIRECHECK_FUZZ_BEFORE=DIR adds DIR/fuzz_<harness> (e.g. an older tree's harnesses built with
# the same flags) to every round, and a "before" column.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/fuzz/common.sh"
seconds=${1:-5}
rounds=${2:-3}
case "$seconds$rounds" in '' | *[!0-9]*) wc_die "SECONDS and ROUNDS must be whole numbers" ;; esac
harnesses=(sensor_decode framing utf8 sensor_session)
cpu=1
[ "${WIRECHECK_FUZZ_WALL:-0}" = 1 ] && cpu=0

wc_build_libfuzzer "${harnesses[@]}"
bench_targets=(--target bench_fuzz_anchor_cjson)
for h in "${harnesses[@]}"; do bench_targets+=(--target "bench_fuzz_bare_$h"); done
cmake --build "$WC_FUZZ_BUILD" "${bench_targets[@]}" >/dev/null
# New inputs go to a scratch directory in memory where there is one: every input that adds
# coverage is written out, and on a disk those file creations cost a harness that finds more
# coverage (ours, with more code behind it) a tenth of its time, which measured the file system.
scratch_root=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && scratch_root=/dev/shm
tmp=$(mktemp -d "$scratch_root/wirecheck-fuzz-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# run NAME BINARY CORPUS FLAGS-TARGET ROUND: one run; appends exec/s to $tmp/NAME.
run() {
  local name=$1 bin=$2 corpus=$3 flags_of=$4 round=$5 flags n
  mapfile -t flags < <(wc_libfuzzer_flags "$flags_of")
  rm -rf "$tmp/work" && mkdir "$tmp/work"
  /usr/bin/time -f '%e %U %S' -o "$tmp/time" \
    "$bin" -max_total_time="$seconds" -seed="$round" -reload=0 -print_final_stats=1 \
    "${flags[@]}" -artifact_prefix="$tmp/" "$tmp/work" "$corpus" >"$tmp/log" 2>&1 ||
    { tail -n 20 "$tmp/log" >&2; wc_die "$name failed (round $round)"; }
  n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/log")
  awk -v n="$n" -v c="$cpu" '{ printf "%.0f\n", n / (c ? $2 + $3 : $1) }' "$tmp/time" >>"$tmp/$name"
  # The edges and features reached by the end of the run, for the coverage column.
  grep -o 'cov: [0-9]* ft: [0-9]*' "$tmp/log" | tail -n 1 | awk '{ print $2 "/" $4 }' >>"$tmp/$name.cov"
}
median() { sort -n "$tmp/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# cov NAME: edges/features of the run whose exec/s was the median.
cov() {
  paste "$tmp/$1" "$tmp/$1.cov" | sort -n | awk '{ v[NR] = $2 } END { print v[int((NR + 1) / 2)] }'
}

anchor_bin=$WC_FUZZ_BUILD/fuzz/bench_fuzz_anchor_cjson
for ((r = 1; r <= rounds; r++)); do
  for h in "${harnesses[@]}"; do
    run "anchor-$h" "$anchor_bin" "$WC_ROOT/corpus/$h" "$h" "$r"
    run "$h" "$WC_FUZZ_BUILD/fuzz/fuzz_$h" "$WC_ROOT/corpus/$h" "$h" "$r"
    run "core-$h" "$WC_FUZZ_BUILD/fuzz/bench_fuzz_bare_$h" "$WC_ROOT/corpus/$h" "$h" "$r"
    if [ -n "${WIRECHECK_FUZZ_BEFORE:-}" ]; then
      run "before-$h" "$WIRECHECK_FUZZ_BEFORE/fuzz_$h" "$WC_ROOT/corpus/$h" "$h" "$r"
    fi
  done
done

echo "libFuzzer + ASan+UBSan, exec per $([ $cpu = 1 ] && echo "CPU second" || echo "second"), ${seconds} s per run, median of $rounds interleaved rounds" \
  "($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)), each on corpus/<harness>:"
fmt='  %-15s %8s %8s %6s %8s %8s %7s %10s   %s\n'
printf "$fmt" harness "exec/s" anchor ratio "core" "harness/" "core/" "edges/" "rounds (harness; anchor; core)"
printf "$fmt" "" "" "(cJSON)" "" "exec/s" "core" "anchor" "features" ""
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
status=0
for h in "${harnesses[@]}"; do
  m=$(median "$h")
  a=$(median "anchor-$h")
  c=$(median "core-$h")
  ratio=$(div "$m" "$a")
  awk -v x="$ratio" 'BEGIN { exit !(x >= 0.9) }' || status=1
  printf "$fmt" "$h" "$m" "$a" "$ratio" "$c" "$(div "$m" "$c")" "$(div "$c" "$a")" "$(cov "$h")" \
    "$(paste -sd' ' "$tmp/$h"); $(paste -sd' ' "$tmp/anchor-$h"); $(paste -sd' ' "$tmp/core-$h")"
  if [ -n "${WIRECHECK_FUZZ_BEFORE:-}" ]; then
    b=$(median "before-$h")
    printf '  %-15s %8s %8s %6s   (before: %s; this tree %sx that)\n' "  before" "$b" "" \
      "$(div "$b" "$a")" "$(paste -sd' ' "$tmp/before-$h")" "$(div "$m" "$b")"
  fi
done
echo "(ratio: harness over the anchor, goal >= 0.90 for every harness: $([ $status -eq 0 ] && echo met || echo "not met"))"
