#!/usr/bin/env bash
# Runs every test: installs what is missing, builds the seed's Rust programs for the interop and
# oracle tests when a Rust toolchain is present, configures, builds and runs ctest under the
# dev (gcc, -Werror), asan (clang ASan+UBSan) and tsan (clang TSan) presets, then the fuzz step
# (fuzz/smoke: ClusterFuzzLite build check, fuzz preset replay, then a fixed-seed, fixed-run
# fuzz of every harness from fuzz/gate.runs, so the verdict is the same on every run).
#   usage: scripts/test.sh [PRESET...]     (default: dev asan tsan fuzz)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup.sh --fuzz

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(dev asan tsan fuzz)

# The seed's own programs are test subjects and the decoder's oracle; tests skip without them.
seed_build="$top/../shared/seed-programs/build.sh"
if [ -z "${WIRECHECK_SEED_BIN:-}" ]; then
  export PATH="$HOME/.cargo/bin:/root/.cargo/bin:$PATH"
  if [ -x "$seed_build" ] && command -v cargo >/dev/null 2>&1; then
    if bin=$("$seed_build" "$top/build/seed-programs" 2>"$top/build-seed.log"); then
      export WIRECHECK_SEED_BIN="$bin"
    else
      echo "test.sh: could not build the seed programs (see build-seed.log); their tests skip" >&2
    fi
  else
    echo "test.sh: no Rust toolchain or no ../shared/seed-programs: seed tests will skip" >&2
  fi
fi

for preset in "${presets[@]}"; do
  echo "=== preset $preset ==="
  if [ "$preset" = fuzz ]; then
    fuzz/smoke
  else
    cmake --workflow --preset "$preset"
  fi
done
echo "test.sh: all presets passed (${presets[*]})"
