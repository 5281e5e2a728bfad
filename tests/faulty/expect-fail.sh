#!/bin/sh
# expect-fail.sh -- runs wirecheck against a deliberately faulty program and checks that the
# report grades the cases aimed at its defect as failing, naming their requirement.
#
# usage: expect-fail.sh WIRECHECK SUITE 'EXEC COMMAND' 'CASE-GLOB' EXPECT...
#   EXPECT is LABEL:CASE-ID:REQUIREMENT, LABEL one of FAIL TIMEOUT CRASH WARN PASS (WARN: a
#   SHOULD not met, which does not fail the run), e.g.
#   FAIL:tcp-echo.001:ECHO-1; "text:SOME TEXT" requires SOME TEXT in the report;
#   "diagnosis:ID:CASE-ID" requires the JSON report to explain CASE-ID by the diagnosis ID
#   (the cause of the defect, from the suite's DIAGNOSES), read with Python's json.
set -u
wirecheck=$1 suite=$2 exec_cmd=$3 glob=$4
shift 4
out=$(mktemp)
json=$(mktemp)
trap 'rm -f "$out" "$json"' EXIT
"$wirecheck" run "$suite" --exec "$exec_cmd" --case "$glob" -j 4 --color never \
    --timeout-scale "${WIRECHECK_TIMEOUT_SCALE:-1}" --report "json:$json" >"$out" 2>&1
rc=$?
status=0
want_fail=0
for e in "$@"; do
    case $e in
    text:*)
        if ! grep -qF -- "${e#text:}" "$out"; then
            echo "expect-fail: the report does not mention: ${e#text:}"
            status=1
        fi
        continue ;;
    diagnosis:*)
        rest=${e#diagnosis:}
        if ! /usr/bin/python3 - "$json" "${rest%%:*}" "${rest#*:}" <<'PY'
import json, sys
report, want, case = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
ids = [d["id"] for d in report["diagnoses"]]
got = [c.get("diagnosis") for c in report["cases"] if c["id"] == case]
if not got or got[0] is None or ids[got[0]] != want:
    print(f"expect-fail: {case} is not explained by diagnosis {want} "
          f"(it has {ids[got[0]] if got and got[0] is not None else 'none'}; "
          f"the report's diagnoses: {ids or 'none'})")
    sys.exit(1)
PY
        then
            status=1
        fi
        continue ;;
    esac
    label=${e%%:*}
    rest=${e#*:}
    id=${rest%%:*}
    req=${rest#*:}
    case $label in FAIL | TIMEOUT | CRASH) want_fail=1 ;; esac
    if ! grep -Eq "^$label +$(echo "$id" | sed 's/\./\\./g') +[a-z]+ +$req " "$out"; then
        echo "expect-fail: expected '$label $id' naming $req"
        status=1
    fi
done
if [ $want_fail = 1 ] && [ $rc -ne 1 ]; then
    echo "expect-fail: wirecheck exited $rc, expected 1 (some case failed)"
    status=1
fi
if [ $status -ne 0 ]; then
    echo "---- report ----"
    cat "$out"
fi
exit $status
