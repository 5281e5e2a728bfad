#!/bin/sh
# install.sh -- wirecheck installed (cmake --install into a temporary prefix) and packaged
# (cpack -G DEB, unpacked with dpkg-deb) runs from there: it finds its cases beside itself,
# not in the source tree, and the reference programs pass their suite.
# usage: install.sh BUILD-DIR
set -u
B=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
chmod 755 "$tmp" # the sandbox's uid runs the installed programs
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # check NAME CONDITION-EXIT-STATUS
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
unset WIRECHECK_CONFORMANCE
cd "$tmp" || exit 1

# Checks an installation whose root is $1 (the programs in $1/bin, the cases in
# $1/share/wirecheck); $2 names it.
installed() {
    root=$1 what=$2
    "$root/bin/wirecheck" list --format json >"$tmp/list.json" 2>"$tmp/list.err"
    rc=$?
    files=$(grep -c "\"file\":" "$tmp/list.json")
    inside=$(grep -c "\"file\":[[:space:]]*\"$root/bin/../share/wirecheck/cases/" "$tmp/list.json")
    check "$what: list reads the installed cases ($inside of $files)" \
        $((rc != 0 || files == 0 || inside != files))
    "$root/bin/wirecheck" run sensor --exec "$root/bin/sensor-server --listen {addr}" \
        --level core -j 2 --quiet
    check "$what: the installed sensor-server passes the sensor suite" $?
    "$root/bin/wirecheck" run sensor-client --exec "$root/bin/sensor-client --connect {addr} \
--timeout 1000" --level core --quiet
    check "$what: the installed sensor-client passes its suite" $?
    "$root/bin/wirecheck" grade --check "$root/share/wirecheck/grading/chapter.grade" \
        >"$tmp/grade.out" 2>&1 && grep -q "6 parts" "$tmp/grade.out"
    check "$what: the installed chapter.grade reads, against the installed suites" $?
    missing=0
    for d in "$src"/conformance/cases/*/DIAGNOSES; do
        [ -f "$root/share/wirecheck/cases/$(basename "$(dirname "$d")")/DIAGNOSES" ] ||
            missing=1
    done
    check "$what: every suite's DIAGNOSES is installed" $missing
    grep -q '^\.TH WIRECHECK' "$root/share/man/man1/wirecheck.1" &&
        grep -q '^\.TH SENSOR-SERVER' "$root/share/man/man1/sensor-server.1"
    check "$what: man pages for wirecheck and the programs" $?
}

cmake --install "$B" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1
check "cmake --install into a prefix" $?
installed "$tmp/prefix" "prefix"

if cpack -G DEB -B "$tmp/pkg" --config "$B/CPackConfig.cmake" >"$tmp/cpack.log" 2>&1; then
    deb=$(ls "$tmp"/pkg/*.deb 2>/dev/null | head -1)
    check "cpack builds a .deb" $([ -n "$deb" ]; echo $?)
    dpkg-deb -f "$deb" Depends | grep -q "libcjson1"
    check "the .deb depends on libcjson1 (and names its runtime needs)" $?
    dpkg-deb -x "$deb" "$tmp/root"
    check "dpkg-deb unpacks it" $?
    installed "$tmp/root/usr" "deb"
else
    cat "$tmp/cpack.log"
    check "cpack builds a .deb" 1
fi

# A moved or missing case folder is named, with what to do.
"$tmp/prefix/bin/wirecheck" --conformance "$tmp/nowhere" run sensor --exec x >"$tmp/out" 2>&1
grep -q "give --conformance DIR or set \$WIRECHECK_CONFORMANCE" "$tmp/out"
check "a missing case folder is reported with the hint" $?

echo "$fails failed"
[ "$fails" = 0 ]
