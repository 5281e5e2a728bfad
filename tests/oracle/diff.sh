#!/usr/bin/env bash
# diff.sh -- differential test: the seed's serde_json server logic vs wirecheck's sensor module.
#
# usage: diff.sh SENSOR_REPLY [COUNT]
#   SENSOR_REPLY  wirecheck's tests/oracle/sensor_reply binary
#   COUNT         random cases to generate (default 120000; fixed and JSONTestSuite cases are added)
# env:
#   WIRECHECK_SEED_BIN    folder holding the seed's sensor_oracle (default
#                         <repo>/build/seed-programs/bin, where scripts/test.sh builds it)
#   WIRECHECK_SHARED_DIR  the shared folder with data/jsontestsuite (optional)
#   WIRECHECK_DIFF_KEEP   a folder to keep the corpus and both outputs in (optional)
#
# Generates the corpus (gen_corpus.py), feeds it to both programs, and reports every input
# whose reply differs. Exits 0 when all agree, 1 on any disagreement or if a program dies,
# 77 (ctest's skip code) when the oracle or python3 is missing.
set -euo pipefail

reply_bin=${1:?usage: diff.sh SENSOR_REPLY [COUNT]}
count=${2:-120000}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$(dirname "$0")/../.." && pwd)
oracle=${WIRECHECK_SEED_BIN:-$repo/build/seed-programs/bin}/sensor_oracle

if [ ! -x "$oracle" ]; then
  echo "SKIP: $oracle not found: build it with shared/seed-programs/build.sh or set WIRECHECK_SEED_BIN"
  exit 77
fi
if ! command -v python3 >/dev/null; then
  echo "SKIP: python3 not found (needed to generate the corpus)"
  exit 77
fi

work=${WIRECHECK_DIFF_KEEP:-}
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"

jts=()
if [ -n "${WIRECHECK_SHARED_DIR:-}" ] && [ -d "$WIRECHECK_SHARED_DIR/data/jsontestsuite" ]; then
  jts=(--jsontestsuite "$WIRECHECK_SHARED_DIR/data/jsontestsuite")
fi
python3 "$here/gen_corpus.py" --count "$count" "${jts[@]}" > "$work/corpus.hex"
"$oracle" < "$work/corpus.hex" > "$work/oracle.out"
"$reply_bin" < "$work/corpus.hex" > "$work/ours.out"

python3 - "$work/corpus.hex" "$work/oracle.out" "$work/ours.out" <<'PY'
import sys

def lines(path):
    with open(path) as f:
        return f.read().split("\n")[:-1]

corpus, theirs, ours = (lines(p) for p in sys.argv[1:4])

def show(h):
    b = bytes.fromhex(h)
    return repr(b[:160]) + (" ... (%d bytes)" % len(b) if len(b) > 160 else "")

bad = 0
if len(theirs) != len(corpus) or len(ours) != len(corpus):
    print("FAIL: %d inputs but %d oracle and %d wirecheck replies" % (len(corpus), len(theirs), len(ours)))
    bad += 1
for i, (c, t, o) in enumerate(zip(corpus, theirs, ours)):
    if t != o:
        bad += 1
        if bad <= 50:
            print("DISAGREE on input %d: %s" % (i + 1, show(c)))
            print("  seed server: %s" % show(t))
            print("  wirecheck:   %s" % show(o))
replies = [t for t in theirs if t]
acks = sum(1 for t in replies if t.startswith("41434b"))
print("%d inputs (%d accepted, %d rejected, %d blank), %d disagreements"
      % (len(corpus), acks, len(replies) - acks, len(theirs) - len(replies), bad))
sys.exit(1 if bad else 0)
PY
