#!/bin/sh
# cli.sh -- end-to-end checks of the wirecheck command line: exit codes, case-file errors,
# report formats, deterministic order under -j, baselines, and no process left behind.
# usage: cli.sh WIRECHECK ECHO-SERVER CONFORMANCE-DIR
set -u
W=$1 ECHO=$2 CONF=$3
tmp=$(mktemp -d)
# Others may enter (not write): the sandbox runs the programs copied here as a uid of its own.
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
exec_cmd="$ECHO --listen {addr}"
# Polls (up to 20 s, for a loaded machine) until pgrep's answer is $2 (0 found, 1 not found).
wait_pgrep() {
  local i=0
  while [ $i -lt 200 ]; do
    pgrep -f "$1" >/dev/null
    [ $? = "$2" ] && return 0
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

"$W" --help >"$tmp/out" 2>&1; rc=$?
grep -q "exit codes" "$tmp/out"; check "--help documents the exit codes" $((rc + $?))

"$W" run >/dev/null 2>&1; check "run without a suite exits 2" $(($? != 2))
"$W" run no-such-suite --connect 127.0.0.1:1 >/dev/null 2>&1
check "unknown suite exits 2" $(($? != 2))
"$W" run tcp-echo --connect 127.0.0.1:1 --case tcp-echo.001 >/dev/null 2>&1
check "unreachable --connect exits 3" $(($? != 3))
"$W" run tcp-echo --exec "$tmp/no-such-program {addr}" >"$tmp/out" 2>&1; rc=$?
grep -q "cannot run" "$tmp/out"; check "an --exec that cannot run exits 3" $(($rc != 3 || $? != 0))

# A target that never becomes ready (a placeholder it never listens on) or dies at start:
# exit 3 at the first start, with the program's stderr, and no other case is tried.
"$W" run tcp-echo --exec "sh -c 'echo warming-up >&2; exec sleep 30' {port}" \
    --timeout-scale 0.1 --color never >"$tmp/out" 2>"$tmp/err"; rc=$?
grep -q "not ready on .* within 500 ms.*warming-up" "$tmp/err"
check "a target never ready exits 3, quoting its stderr" $(($rc != 3 || $? != 0))
n=$(grep -c "^FAIL" "$tmp/out")
[ "$n" -eq 1 ] && grep -q "^result: NOT RUN" "$tmp/out"
check "a target never ready is tried once, not once per case" $?
"$W" run tcp-echo --exec "$ECHO --listen 1.2.3.4:{port}" --color never >"$tmp/out" \
    2>"$tmp/err"; rc=$?
grep -q "while starting; its stderr: .*1.2.3.4" "$tmp/err"
check "a target that dies at start exits 3, quoting its stderr" $(($rc != 3 || $? != 0))

# A selection that matches nothing is a usage error, not an empty pass.
"$W" run tcp-echo --exec "$exec_cmd" --case 'tcp-echo.9*' >"$tmp/out" 2>&1; rc=$?
grep -q "no case of suite tcp-echo matches --case tcp-echo.9\*" "$tmp/out"
check "--case matching nothing exits 2" $(($rc != 2 || $? != 0))
"$W" run tcp-echo --exec "$exec_cmd" --keyword no-such-keyword >"$tmp/out" 2>&1
check "--keyword matching nothing exits 2" $(($? != 2))
"$W" run tcp-echo-client --exec "$exec_cmd" --level stress >"$tmp/out" 2>&1
check "--level matching nothing exits 2" $(($? != 2))

# Option values that make no sense are usage errors (exit 2), never a spin or a wrong verdict.
"$W" run tcp-echo --exec "$exec_cmd" --keyword '' >"$tmp/out" 2>&1
check "an empty --keyword exits 2 (it used to spin)" $(($? != 2))
"$W" run tcp-echo --exec "$exec_cmd" --color purple >"$tmp/out" 2>&1
check "--color purple exits 2" $(($? != 2))
"$W" run tcp-echo-client --exec "$exec_cmd" --listen 999.0.0.1:5 >"$tmp/out" 2>&1; rc=$?
grep -q "999.0.0.1:5" "$tmp/out"; check "a bad --listen address exits 2, naming it" $(($rc != 2 || $? != 0))
"$W" list --level bogus >"$tmp/out" 2>&1
check "list --level bogus exits 2" $(($? != 2))
"$W" list tcp-echo --keyword nosuchkw >"$tmp/out" 2>&1
check "list with nothing selected exits 2, as run does" $(($? != 2))
"$W" run tcp-echo --exec "$exec_cmd" --fail-fast >"$tmp/out" 2>&1; rc=$?
grep -q "unknown option --fail-fast" "$tmp/out"; check "an unknown option is named as unknown" $((rc != 2 || $? != 0))
"$W" run sensr --exec "$exec_cmd" >"$tmp/out" 2>&1; rc=$?
grep -q "did you mean sensor?" "$tmp/out"; check "a misspelt suite gets a did-you-mean" $((rc != 2 || $? != 0))
"$W" run tcp-echo --exec "$exec_cmd" --case tcp-echo.0001 >"$tmp/out" 2>&1; rc=$?
grep -q "did you mean tcp-echo.001?" "$tmp/out"; check "a misspelt case id gets a did-you-mean" $((rc != 2 || $? != 0))
for c in run list show lint; do
  "$W" $c --help >"$tmp/out" 2>&1; rc=$?
  "$W" help $c >"$tmp/out2" 2>&1
  cmp -s "$tmp/out" "$tmp/out2"; check "$c --help exits 0 and is what help $c prints" $((rc + $?))
done
"$W" list tcp-echo --keyword basic --keyword '!ascii' --case 'tcp-echo.01*' >"$tmp/out" 2>&1
[ "$(wc -l <"$tmp/out")" -ge 1 ] && ! grep -q ascii "$tmp/out"
check "list: repeated and excluded keywords, with --case" $?
"$W" list --level all >"$tmp/out" 2>&1 && grep -q "sensor.001" "$tmp/out"
check "list --level all lists every level" $?

# A malformed case file is reported as file:line: what, exit 2.
mkdir -p "$tmp/conf/cases/tcp-echo"
cp "$CONF/cases/tcp-echo/SUITE" "$tmp/conf/cases/tcp-echo/"
cp "$CONF/SPEC.md" "$tmp/conf/"
printf 'id: tcp-echo.001\ntitle: t\nrequirement: ECHO-1\nlevel: core\n\nconnect a\nsend a "\\q"\n' \
    >"$tmp/conf/cases/tcp-echo/001-bad.case"
"$W" --conformance "$tmp/conf" run tcp-echo --exec "$exec_cmd" >"$tmp/out" 2>&1; rc=$?
grep -q "001-bad.case:7: unknown escape" "$tmp/out"
check "a malformed case file is reported as file:line and exits 2" $(($rc != 2 || $? != 0))

# A case that fails against a correct server; a baseline turns it into a known failure.
printf 'id: tcp-echo.001\ntitle: expects the wrong bytes\nrequirement: ECHO-1\nlevel: core\n\nconnect a\nsend a "abc"\nexpect a "abd"\n' \
    >"$tmp/conf/cases/tcp-echo/001-bad.case"
"$W" --conformance "$tmp/conf" run tcp-echo --exec "$exec_cmd" --color never >"$tmp/out" 2>&1
rc=$?
grep -q "expected 'd', received 'c'" "$tmp/out" && grep -q "\^ first difference" "$tmp/out"
check "a failing case exits 1 with expected against actual" $(($rc != 1 || $? != 0))
echo "tcp-echo.001  the case is wrong on purpose" >"$tmp/baseline"
"$W" --conformance "$tmp/conf" run tcp-echo --exec "$exec_cmd" --baseline "$tmp/baseline" \
    --color never >"$tmp/out" 2>&1; rc=$?
grep -q "^KNOWN" "$tmp/out"; check "a baselined failure exits 0" $(($rc != 0 || $? != 0))

# Many sessions of one parallel block failing at the same moment (mismatch, timeout, the peer
# closing early): each keeps its own failure detail, the run reports one failure per case and
# exits 1, and the runner never crashes (this runs under ASan and TSan in their presets).
THREADED="$(dirname "$ECHO")/echo-server-threaded"
head='id: tcp-echo.00%s\ntitle: t\nrequirement: ECHO-1\nlevel: core\n\n'
{ printf "$head" 1
  printf 'parallel 40\n  connect a\n  send a "hello " index "\\n"\n  expect a "goodbye " index "\\n"\n  close a\nend\n'
} >"$tmp/conf/cases/tcp-echo/001-bad.case"
{ printf "$head" 2
  printf 'parallel 40\n  connect a\n  send a "abc"\n  expect a "abcdef" timeout=300\nend\n'
} >"$tmp/conf/cases/tcp-echo/002-timeout.case"
{ printf "$head" 3
  printf 'parallel 40\n  connect a\n  send a "abc"\n  shutdown a\n  expect a "abcdef"\nend\n'
} >"$tmp/conf/cases/tcp-echo/003-closed.case"
"$W" --conformance "$tmp/conf" run tcp-echo --exec "$THREADED --listen {addr}" --color never \
    --format json >"$tmp/out" 2>"$tmp/err"; rc=$?
/usr/bin/python3 - "$tmp/out" <<'PY'
import json, sys
cases = {c["id"]: c for c in json.load(open(sys.argv[1]))["cases"]}
want = {"tcp-echo.001": ("fail", "first difference"), "tcp-echo.002": ("timeout", "received so far"),
        "tcp-echo.003": ("fail", "received so far")}
for cid, (outcome, detail) in want.items():
    c = cases[cid]
    assert c["outcome"] == outcome, (cid, c["outcome"])
    assert detail in (c.get("detail") or ""), (cid, c.get("detail"))
PY
check "failing parallel sessions: each case fails once, with its detail, no crash" \
    $(($rc != 1 || $? != 0))
rm -f "$tmp/conf/cases/tcp-echo/002-timeout.case" "$tmp/conf/cases/tcp-echo/003-closed.case"

# Data that is only `index` (no literal bytes at all): sent and matched like any other.
printf 'id: tcp-echo.001\ntitle: t\nrequirement: ECHO-1\nlevel: core\n\nconnect a\nsend a index\nexpect a index\nclose a\n' \
    >"$tmp/conf/cases/tcp-echo/001-bad.case"
"$W" --conformance "$tmp/conf" run tcp-echo --exec "$exec_cmd" --color never >"$tmp/out" 2>&1
check "data made only of index runs and passes" $?
echo "tcp-echo.002  listed but passes" >"$tmp/baseline"
"$W" run tcp-echo --exec "$exec_cmd" --case 'tcp-echo.00[12]' --baseline "$tmp/baseline" \
    --color never >"$tmp/out" 2>&1; rc=$?
grep -q "^XPASS" "$tmp/out"; check "an unexpected pass exits 1" $(($rc != 1 || $? != 0))
grep -q "ECHO-1 .* ok   2/2 (unexpected pass, update the baseline: tcp-echo.002)" "$tmp/out"
check "an unexpected pass counts as passing its requirement, flagged" $?

# Close kinds: echo-client reads exactly its echo, so extra bytes make its close an RST with
# unread data, which neither "fin" nor "rst" accepts.
ECHOC=$(dirname "$ECHO")/echo-client
if [ -x "$ECHOC" ]; then
    mkdir -p "$tmp/conf/cases/tcp-echo-client"
    cp "$CONF/cases/tcp-echo-client/SUITE" "$tmp/conf/cases/tcp-echo-client/"
    for kind in fin rst unread; do
        printf 'id: tcp-echo-client.001\ntitle: t\nrequirement: TCLI-3\nlevel: core\n\naccept c\nexpect c "Sending a message to myself!\\n"\nsend c "Sending a message to myself!\\nmore\\n"\nexpect-close c %s\n' \
            $kind >"$tmp/conf/cases/tcp-echo-client/001-close.case"
        "$W" --conformance "$tmp/conf" run tcp-echo-client --color never \
            --exec "$ECHOC --connect {addr} --timeout 1000" >"$tmp/out-$kind" 2>&1
        echo $? >"$tmp/rc-$kind"
    done
    grep -q "closed with RST with unread data, expected FIN" "$tmp/out-fin"
    check "expect-close fin fails on a close with unread data" $(($(cat "$tmp/rc-fin") != 1 || $? != 0))
    grep -q "closed with RST with unread data, expected RST" "$tmp/out-rst"
    check "expect-close rst fails on a close with unread data" $(($(cat "$tmp/rc-rst") != 1 || $? != 0))
    check "expect-close unread passes on a close with unread data" "$(cat "$tmp/rc-unread")"
fi

# A progress line on a terminal (script(1) gives it one), never in a pipe or a file.
if command -v script >/dev/null 2>&1; then
  script -qec "\"$W\" run tcp-echo --exec \"$exec_cmd\" --case 'tcp-echo.00[1-3]' --quiet" \
      /dev/null >"$tmp/tty" 2>&1
  grep -q "tcp-echo: 3/3 cases, 0 failing" "$tmp/tty"; check "a terminal gets a progress line" $?
fi
"$W" run tcp-echo --exec "$exec_cmd" --case 'tcp-echo.00[1-3]' --quiet >"$tmp/out" 2>"$tmp/err"
! grep -q "cases, " "$tmp/err"; check "a pipe gets no progress line" $?

# serve: the server side of a client case, for a client started by hand (here, ours).
"$W" serve tcp-echo-client.001 --listen 127.0.0.1:0 >"$tmp/serve" 2>&1 &
spid=$!
port=""
for i in $(seq 1 100); do
  port=$(sed -n 's/.* on 127\.0\.0\.1:\([0-9]*\):.*/\1/p' "$tmp/serve" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
"$(dirname "$ECHO")/echo-client" --connect "127.0.0.1:$port" >/dev/null 2>&1
wait $spid; rc=$?
grep -q "accepted the client's connection" "$tmp/serve" && grep -q "^PASS" "$tmp/serve"
check "serve plays a client case for a client started by hand" $((rc + $?))
"$W" serve tcp-echo.001 >"$tmp/out" 2>&1
check "serve refuses a server case (exit 2)" $(($? != 2))

# Report formats.
sel="tcp-echo.00[1-3]"
"$W" run tcp-echo --exec "$exec_cmd" --case "$sel" --format tap >"$tmp/tap" 2>"$tmp/tap.err"
head -2 "$tmp/tap" | tr '\n' ' ' | grep -q "^TAP version 13 1\.\.3 "
check "tap: TAP 13 header and plan" $?
grep -q "^ok 1 - tcp-echo.001 " "$tmp/tap"; check "tap: one line per case" $?
"$W" run tcp-echo --exec "$exec_cmd" --case "$sel" --format junit -o "$tmp/junit.xml"
grep -q '<testsuite name="tcp-echo" tests="3" failures="0"' "$tmp/junit.xml"
check "junit: testsuite with counts" $?
"$W" run tcp-echo --exec "$exec_cmd" --case "$sel" --format json -o "$tmp/r.json"
grep -q '"schema":[[:space:]]*"wirecheck-report/1"' "$tmp/r.json"; check "json: schema" $?
if command -v python3 >/dev/null 2>&1; then
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert [c['id'] for c in d['cases']] == ['tcp-echo.001','tcp-echo.002','tcp-echo.003']; assert d['summary']['pass'] == 3" "$tmp/r.json"
    check "json: parses, cases in order" $?
fi

# Deterministic order whatever -j is.
"$W" run tcp-echo --exec "$exec_cmd" --level core -j 1 --color never | awk '{print $1, $2}' >"$tmp/j1"
"$W" run tcp-echo --exec "$exec_cmd" --level core -j 4 --color never | awk '{print $1, $2}' >"$tmp/j4"
cmp -s "$tmp/j1" "$tmp/j4"; check "the same report order with -j 1 and -j 4" $?

# No process left behind: a uniquely named copy of the server, even when interrupted.
cp "$ECHO" "$tmp/leakcheck-echo-server"
"$W" run tcp-echo --exec "$tmp/leakcheck-echo-server --listen {addr}" --level core -j 3 \
    >/dev/null 2>&1
wait_pgrep "^$tmp/leakcheck-echo-server" 1; check "no server left after a run" $?
# (a case that sleeps: the whole suite can end before the signal comes)
printf 'id: tcp-echo.001\ntitle: t\nrequirement: ECHO-1\nlevel: core\n\nconnect a\nsleep 8000\n' \
    >"$tmp/conf/cases/tcp-echo/001-bad.case"
"$W" --conformance "$tmp/conf" run tcp-echo \
    --exec "$tmp/leakcheck-echo-server --listen {addr}" >/dev/null 2>&1 &
pid=$!
wait_pgrep "^$tmp/leakcheck-echo-server" 0; check "the server runs during the case" $?
kill -TERM $pid
wait $pid 2>/dev/null
wait_pgrep "^$tmp/leakcheck-echo-server" 1
check "no server left after wirecheck is interrupted" $?

echo "$fails failed"
[ $fails -eq 0 ]
