#!/usr/bin/env bash
# Prints, per fuzz harness, the figures to compare across changes: executions per second
# (libFuzzer, ASan+UBSan, from the shipped corpus), the edges the shipped corpus reaches
# (libFuzzer's "cov:" after replaying it), and the source lines and branches it covers
# (clang source-based coverage of the replay driver, when llvm-cov-14/llvm-profdata-14 exist).
#   usage: bench/fuzz-figures.sh [SECONDS]     (fuzzing time per harness for exec/s, default 10)
# Builds build/fuzz (the fuzz preset) and build/fuzz-cov (coverage-instrumented replays).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/fuzz/common.sh"
seconds=${1:-10}
case "$seconds" in '' | *[!0-9]*) wc_die "SECONDS must be a whole number" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

wc_build_libfuzzer $(wc_targets)
targets=$(cat "$WC_FUZZ_BUILD/fuzz/targets.txt")

profdata=$(command -v llvm-profdata-14 || command -v llvm-profdata || true)
llvmcov=$(command -v llvm-cov-14 || command -v llvm-cov || true)
cov_build=$root/build/fuzz-cov
if [ -n "$profdata" ] && [ -n "$llvmcov" ]; then
  if [ ! -f "$cov_build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$cov_build" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
      -DWIRECHECK_COVERAGE=ON -DWIRECHECK_BUILD_TESTS=OFF >/dev/null
  fi
  build_targets=()
  for t in $targets; do build_targets+=(--target "fuzz_${t}_replay"); done
  cmake --build "$cov_build" "${build_targets[@]}" >/dev/null
fi

printf '%-15s %6s %8s %11s %16s %16s\n' harness seeds "exec/s" "corpus cov" "lines" "branches"
for t in $targets; do
  bin=$WC_FUZZ_BUILD/fuzz/fuzz_$t
  mapfile -t flags < <(wc_libfuzzer_flags "$t")
  seeds=$root/corpus/$t
  nseeds=$(find "$seeds" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l)

  # Edges reached by replaying the shipped corpus once.
  "$bin" -runs=0 "${flags[@]}" "$seeds" >"$tmp/$t.replay" 2>&1 || true
  edges=$(sed -n 's/.*INITED cov: \([0-9]*\) ft: \([0-9]*\).*/\1 edges/p' "$tmp/$t.replay" | tail -n 1)

  # Throughput: fuzzing from the shipped corpus, new inputs into a scratch directory.
  mkdir -p "$tmp/$t.work"
  "$bin" -max_total_time="$seconds" -seed=1 -print_final_stats=1 "${flags[@]}" \
    -artifact_prefix="$tmp/" "$tmp/$t.work" "$seeds" >"$tmp/$t.fuzz" 2>&1 || true
  execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$tmp/$t.fuzz")

  lines=n/a branches=n/a
  if [ -n "$profdata" ] && [ -n "$llvmcov" ]; then
    LLVM_PROFILE_FILE="$tmp/$t.profraw" "$cov_build/fuzz/fuzz_${t}_replay" "$seeds" >/dev/null 2>&1 || true
    "$profdata" merge -sparse "$tmp/$t.profraw" -o "$tmp/$t.profdata"
    # Library code only: src/core and the runner's parser, not the harness itself.
    report=$("$llvmcov" report "$cov_build/fuzz/fuzz_${t}_replay" -instr-profile="$tmp/$t.profdata" \
      "$root/src/core" "$root/conformance/runner" 2>/dev/null | awk '$1 == "TOTAL"')
    # TOTAL regions missed cover% functions missed exec% lines missed cover% branches missed cover%
    lines=$(echo "$report" | awk '{ printf "%s of %s", $10, $8 }')
    branches=$(echo "$report" | awk '{ printf "%s of %s", $13, $11 }')
  fi
  printf '%-15s %6s %8s %11s %16s %16s\n' "$t" "$nseeds" "${execs:-?}" "${edges:-?}" "$lines" "$branches"
done
echo "(exec/s: ${seconds}s of libFuzzer with ASan+UBSan on one core; lines/branches: the library"
echo " files the harness links, covered by one replay of corpus/<harness>/)"
