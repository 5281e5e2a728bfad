# common.sh -- what the fuzz scripts share: paths, the target list, per-target engine flags.
# Sourced, not run. Expects $0's folder to be fuzz/.
set -euo pipefail
WC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WC_FUZZ=$WC_ROOT/fuzz
# The libFuzzer build (the fuzz preset); override to use another build tree.
WC_FUZZ_BUILD=${WIRECHECK_FUZZ_BUILD:-$WC_ROOT/build/fuzz}

wc_die() { echo "$(basename "$0"): $*" >&2; exit 2; }

# Every harness is fuzz/fuzz_<target>.c.
wc_targets() {
  local f
  for f in "$WC_FUZZ"/fuzz_*.c; do
    f=${f##*/fuzz_}
    echo "${f%.c}"
  done
}

wc_check_target() {
  [ -f "$WC_FUZZ/fuzz_$1.c" ] || wc_die "unknown target '$1' (targets: $(wc_targets | tr '\n' ' '))"
}

# libFuzzer flags from fuzz/options/<target>.options ([libfuzzer] key = value) and the
# target's dictionary, one per line.
wc_libfuzzer_flags() {
  local opts=$WC_FUZZ/options/$1.options dict=$WC_FUZZ/dicts/$1.dict
  if [ -f "$opts" ]; then
    awk '/^[ \t]*[#;]/ { next }
         /^\[/ { sec = $0; next }
         sec == "[libfuzzer]" && /=/ { k = $0; sub(/[ \t]*=.*/, "", k); v = $0; sub(/^[^=]*=[ \t]*/, "", v)
                                       print "-" k "=" v }' "$opts"
  fi
  if [ -f "$dict" ]; then echo "-dict=$dict"; fi
}

# Configures (once) and builds the libFuzzer binaries of the fuzz preset.
wc_build_libfuzzer() {
  if [ ! -f "$WC_FUZZ_BUILD/CMakeCache.txt" ]; then
    if [ "$WC_FUZZ_BUILD" = "$WC_ROOT/build/fuzz" ]; then
      (cd "$WC_ROOT" && cmake --preset fuzz >/dev/null)
    else
      wc_die "no CMake build in $WC_FUZZ_BUILD"
    fi
  fi
  local t targets=()
  for t in "$@"; do targets+=(--target "fuzz_$t"); done
  cmake --build "$WC_FUZZ_BUILD" "${targets[@]}" >/dev/null
}

# Sanitizer settings for fuzzing runs, unless the caller chose its own.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
