#!/bin/bash -eu
# fuzz/oss-fuzz/build.sh -- OSS-Fuzz / ClusterFuzzLite build script for wirecheck's harnesses.
# Follows the convention: compiles with $CC $CFLAGS, links each harness with
# $LIB_FUZZING_ENGINE, and writes to $OUT: <target>, <target>_seed_corpus.zip,
# <target>.dict (when the target has one) and <target>.options (likewise).
# cJSON is compiled from Debian's source package with the same flags (fuzz/get-cjson-source,
# or an unpacked tree named by WIRECHECK_CJSON_SOURCE_DIR, e.g. fetched by the Dockerfile).
# Locally:  CC=clang CFLAGS="-fsanitize=address,fuzzer-no-link" \
#           LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out fuzz/oss-fuzz/build.sh
root=$(cd "$(dirname "$0")/../.." && pwd)
: "${CC:?set CC}" "${OUT:?set OUT}" "${LIB_FUZZING_ENGINE:?set LIB_FUZZING_ENGINE}"
CFLAGS=${CFLAGS:-}
work=${WORK:-$(mktemp -d)}/wirecheck-build
mkdir -p "$OUT" "$work"
cjson=${WIRECHECK_CJSON_SOURCE_DIR:-$("$root/fuzz/get-cjson-source" "$work/cjson-src")}

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# The instrumentation comes from $CFLAGS, so the CMake build adds none of its own; build type
# "None" keeps CMake from adding optimisation flags OSS-Fuzz did not ask for.
cmake -S "$root" -B "$work" "${generator[@]}" \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_BUILD_TYPE=None \
  -DWIRECHECK_FUZZ=ON -DWIRECHECK_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" -DWIRECHECK_FUZZ_INSTRUMENT= \
  -DWIRECHECK_BUILD_TESTS=OFF -DWIRECHECK_CJSON_SOURCE_DIR="$cjson" >"$work/configure.log"

# The configured harness list (casefile and diagnosis need the conformance runner).
targets=$(cat "$work/fuzz/targets.txt")
for t in $targets; do
  cmake --build "$work" --target "fuzz_$t" >>"$work/build.log"
  cp "$work/fuzz/fuzz_$t" "$OUT/$t"
  if [ -d "$root/corpus/$t" ]; then
    (cd "$root/corpus/$t" && python3 -c 'import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(os.listdir(".")):
        if os.path.isfile(f) and not f.startswith("."):
            z.write(f)' "$OUT/${t}_seed_corpus.zip")
  fi
  [ ! -f "$root/fuzz/dicts/$t.dict" ] || cp -L "$root/fuzz/dicts/$t.dict" "$OUT/$t.dict"
  [ ! -f "$root/fuzz/options/$t.options" ] || cp "$root/fuzz/options/$t.options" "$OUT/$t.options"
  echo "build.sh: $OUT/$t"
done
